//! The command-line tool's CSV import against the mock at a scaled limit, 100 per 2 s on
//! both sides: `cargo bench -p highlevel-contacts-cli --bench import` (needs `redis-server`).
//!
//! (a) 2,000 rows in one process; (b) the same rows split over two processes that share
//! the budget through Redis. Each against the floor of (2,000 / 100 − 1) × 2 s = 38 s (the
//! first 100 go at once, every later 100 needs a window), with the 429s the mock counted.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use highlevel_mock::{Config, MockServer, parse_rate_limit};
use highlevel_tests::redis_server::RedisServer;

const TOKEN: &str = "bench-token";
const ROWS: usize = 2_000;
const LIMIT: &str = "100/2s";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = std::env::temp_dir().join(format!("highlevel-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let floor = (ROWS as f64 / 100.0 - 1.0) * 2.0;

    let all = write_rows(&dir, "all.csv", 0..ROWS);
    let (elapsed, refused) = run(&[(all, None)]).await;
    report("(a) one process", elapsed, floor, refused);

    let redis = RedisServer::start();
    let first = write_rows(&dir, "first.csv", 0..ROWS / 2);
    let second = write_rows(&dir, "second.csv", ROWS / 2..ROWS);
    let store = Some(redis.url());
    let (elapsed, refused) = run(&[(first, store.clone()), (second, store)]).await;
    report(
        "(b) two processes, one budget in Redis",
        elapsed,
        floor,
        refused,
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn write_rows(dir: &Path, name: &str, rows: std::ops::Range<usize>) -> PathBuf {
    let mut text = String::from("email,firstName\n");
    for row in rows {
        text.push_str(&format!("row{row}@example.com,Row {row}\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Imports each file in a process of its own, all at once, against a fresh mock: the
/// time until the last ends, and the 429s the mock sent.
async fn run(imports: &[(PathBuf, Option<String>)]) -> (Duration, u64) {
    let mock = MockServer::start(Config::new(TOKEN).rate_limit(parse_rate_limit(LIMIT).unwrap()))
        .await
        .unwrap();
    let started = Instant::now();
    let children: Vec<Child> = imports
        .iter()
        .map(|(csv, store)| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_highlevel-contacts"));
            command
                .env_clear()
                .env("HIGHLEVEL_TOKEN", TOKEN)
                .env("HIGHLEVEL_BASE_URL", mock.url())
                .args(["--rate-limit", LIMIT, "import"])
                .arg(csv)
                .args(["--location-id", "loc"])
                .stdin(Stdio::null())
                .stdout(Stdio::null());
            if let Some(store) = store {
                command.env("HIGHLEVEL_RATE_STORE", store);
            }
            command.spawn().unwrap()
        })
        .collect();
    for child in children {
        let status = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap()
            .status;
        assert!(status.success(), "the import failed: {status}");
    }
    let elapsed = started.elapsed();
    let stats = mock.stats();
    assert_eq!(stats.contacts as usize, ROWS);
    (elapsed, stats.rate_limited)
}

fn report(what: &str, elapsed: Duration, floor: f64, refused: u64) {
    let seconds = elapsed.as_secs_f64();
    println!(
        "{what}: {ROWS} rows at {LIMIT} in {seconds:.2} s (floor {floor:.0} s): {:.1} % of the allowed rate; 429s from the mock: {refused}",
        100.0 * floor / seconds
    );
}
