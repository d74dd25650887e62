//! A real `redis-server` (Debian's package) on 127.0.0.1, on a free port, for the tests
//! of the shared rate store: started, stopped and restarted as a test needs. Tests that
//! use it are `#[ignore]`d under plain `cargo test`; `cargo xtask test` runs them and
//! fails first when `redis-server` is missing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    port: u16,
    dir: PathBuf,
    password: Option<String>,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts one, with no persistence: a restart loses its data, as a crash would.
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// Starts one that requires `password` (`requirepass`), restarted with it too.
    pub fn start_with_password(password: &str) -> Self {
        Self::start_with(Some(password.to_owned()))
    }

    fn start_with(password: Option<String>) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("highlevel-redis-{port}"));
        std::fs::create_dir_all(&dir).expect("a folder for redis-server");
        let mut server = RedisServer {
            port,
            dir,
            password,
            child: None,
        };
        server.run();
        server
    }

    fn run(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .args(self.password.iter().flat_map(|p| ["--requirepass", p]))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start redis-server ({e}); install it (Debian: apt-get install redis-server)")
            });
        self.child = Some(child);
        let started = Instant::now();
        while self.ping().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not answer on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `redis://[:PASSWORD@]127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        match &self.password {
            Some(password) => format!("redis://:{password}@127.0.0.1:{}", self.port),
            None => format!("redis://127.0.0.1:{}", self.port),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops it, as a crash would (SIGKILL), and waits until the port is closed.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops it and starts a new one on the same port, with nothing in it: its scripts
    /// and windows are gone.
    pub fn restart(&mut self) {
        self.stop();
        self.run();
    }

    /// A command through `redis-cli`, and its output.
    pub fn cli(&self, args: &[&str]) -> String {
        let output = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(
                self.password
                    .iter()
                    .flat_map(|p| ["--no-auth-warning", "-a", p]),
            )
            .args(args)
            .output()
            .expect("redis-cli (Debian's redis-tools, which redis-server installs)");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn ping(&self) -> std::io::Result<()> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(1)))?;
        stream.write_all(b"PING\r\n")?;
        // `+PONG`, or `-NOAUTH` with a password: either way it answers commands.
        let mut answer = [0u8; 5];
        stream.read_exact(&mut answer)?;
        if &answer == b"+PONG" || &answer == b"-NOAU" {
            Ok(())
        } else {
            Err(std::io::Error::other("not answering commands yet"))
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
