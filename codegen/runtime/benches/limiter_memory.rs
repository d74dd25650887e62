//! (c) What the limiter keeps for a 200,000-a-day window once 200,000 requests are
//! counted in it, in process (bytes allocated, counted by this binary's allocator) and in
//! Redis (`MEMORY USAGE` of the window's key):
//! `cargo bench -p client-runtime --features redis --bench limiter_memory` (needs
//! `redis-server`). The same structure serves both: a count per hundredth of the day.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use client_runtime::{RateLimiter, RateStore, RateWindow};

struct Counting;

static ALLOCATED: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        ALLOCATED.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const REQUESTS: u64 = 200_000;

static DAY: [RateWindow; 1] = [RateWindow {
    requests: REQUESTS,
    milliseconds: 86_400_000,
    limit_header: None,
    remaining_header: None,
}];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let before = ALLOCATED.load(Ordering::Relaxed);
    let limiter = RateLimiter::shared("in-process", &DAY, None, &RateStore::InProcess);
    fill(&limiter).await;
    let bytes = ALLOCATED.load(Ordering::Relaxed) - before;
    println!(
        "(c) in process: {REQUESTS} requests in the day's window hold {bytes} bytes (a log of one 16-byte Instant per request would hold {} bytes)",
        REQUESTS * 16
    );
    drop(limiter);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap()
        .port()
        .to_string();
    let mut redis = Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port, "--save", ""])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server (Debian: apt-get install redis-server)");
    let cli = |args: &[&str]| {
        let output = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &port])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    let started = Instant::now();
    while cli(&["PING"]) != "PONG" {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no redis-server"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let store = RateStore::redis(&format!("redis://127.0.0.1:{port}")).unwrap();
    let limiter = RateLimiter::shared("in-redis", &DAY, None, &store);
    let started = Instant::now();
    fill(&limiter).await;
    let elapsed = started.elapsed();
    let key = cli(&["--scan"]);
    println!(
        "(c) in Redis: {REQUESTS} requests in the day's window: key {key} of type {}, {} fields, MEMORY USAGE {} bytes ({:.0} admissions/s through the script)",
        cli(&["TYPE", &key]),
        cli(&["HLEN", &key]),
        cli(&["MEMORY", "USAGE", &key]),
        REQUESTS as f64 / elapsed.as_secs_f64()
    );
    let _ = redis.kill();
    let _ = redis.wait();
}

/// Counts `REQUESTS` requests, 32 at a time.
async fn fill(limiter: &std::sync::Arc<RateLimiter>) {
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                for _ in 0..REQUESTS / 32 {
                    limiter.acquire(Duration::ZERO).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}
