//! The rate-limit windows of one budget in Redis, shared by every process
//! and machine that uses the same server and budget key (the `redis`
//! feature).
//!
//! - Each admission is one Lua script ([`ADMIT`]): it reads the time from
//!   Redis (`TIME`), forgets what has left each window, adds what the API
//!   server counted beyond the store's admissions, and either counts the
//!   request in every window or says how long to wait. Scripts run one at a
//!   time, so no two processes can both take the last place.
//! - The keys of a budget share a hash tag, `{<crate>:<budget key>}`, so a
//!   Redis Cluster would keep them in one slot; each window's key ends in
//!   its length (`…}:10000ms`). Every key has a `PEXPIRE` of its window.
//! - A window of at most `LOG_LIMIT` requests is a sorted set of start
//!   times, one member per request; a larger one (a day's) is a hash of
//!   `BUCKETS` counts, as in process (`rate_window`).
//! - The connection is made on first use (`build` is synchronous) and
//!   remade after a drop; a call that fails for want of Redis is tried
//!   again for [`RECONNECT_FOR`], then the request fails unsent.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// How long a call to Redis is tried again while the connection is down: a
/// restarted Redis is used again without an error, a stopped one fails the
/// request.
const RECONNECT_FOR: Duration = Duration::from_secs(3);

/// One admission, atomic. See the module's documentation.
///
/// `KEYS`: one per window. `ARGV[1]`: a member name unique to this call.
/// Then four per window: the limit; the window in µs (margin included); its
/// bucket in µs, or 0 for a log; what the API server counted (-1: nothing
/// known). Returns `{admitted (1 or 0), wait in µs, starts counted per
/// window…}`.
const ADMIT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local member = ARGV[1]
local admitted, wait, counts, buckets = 1, 0, {}, {}
for w = 1, #KEYS do
  local key, at = KEYS[w], 2 + (w - 1) * 4
  local limit, period = tonumber(ARGV[at]), tonumber(ARGV[at + 1])
  local bucket, used = tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  local count, list = 0, {}
  local index = 0
  if bucket == 0 then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
    count = redis.call('ZCARD', key)
  else
    index = math.floor(now / bucket)
    local first = math.floor((now - period) / bucket)
    local flat = redis.call('HGETALL', key)
    for i = 1, #flat, 2 do
      local b, c = tonumber(flat[i]), tonumber(flat[i + 1])
      if b < first then
        redis.call('HDEL', key, flat[i])
      else
        count = count + c
        list[#list + 1] = {b, c}
      end
    end
    table.sort(list, function(x, y) return x[1] < y[1] end)
  end
  if used > count then
    local extra = used - count
    if bucket == 0 then
      for i = 1, extra do
        redis.call('ZADD', key, now, member .. ':r' .. i)
      end
    else
      redis.call('HINCRBY', key, string.format('%d', index), extra)
      list[#list + 1] = {index, extra}
    end
    redis.call('PEXPIRE', key, math.ceil((period + bucket) / 1000))
    count = used
  end
  if count >= limit then
    admitted = 0
    local must_leave, free_at = count - limit + 1, now + period
    if bucket == 0 then
      local entry = redis.call('ZRANGE', key, must_leave - 1, must_leave - 1, 'WITHSCORES')
      free_at = tonumber(entry[2]) + period
    else
      local left = 0
      for _, b in ipairs(list) do
        left = left + b[2]
        if left >= must_leave then
          free_at = (b[1] + 1) * bucket + period
          break
        end
      end
    end
    wait = math.max(wait, free_at - now)
  end
  counts[w], buckets[w] = count, {key, bucket, period, index}
end
if admitted == 1 then
  for w = 1, #KEYS do
    local key, bucket, period, index = unpack(buckets[w])
    if bucket == 0 then
      redis.call('ZADD', key, now, member)
    else
      redis.call('HINCRBY', key, string.format('%d', index), 1)
    end
    redis.call('PEXPIRE', key, math.ceil((period + bucket) / 1000))
    counts[w] = counts[w] + 1
  end
end
local reply = {admitted, math.max(0, math.ceil(wait))}
for w = 1, #KEYS do reply[w + 2] = counts[w] end
return reply
"#;

/// A Redis server's address as given, with its password (if any) hidden:
/// what messages and `Debug` show.
#[derive(Clone)]
pub struct RedisAddress {
    url: String,
    shown: String,
}

impl RedisAddress {
    /// Checks `url`: `redis://[user[:password]@]host[:port][/db]`.
    /// `rediss://` (TLS) is refused: this build carries no TLS for Redis.
    pub fn parse(url: &str) -> Result<Self, String> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|_| "the rate store is not a URL (expected redis://HOST:PORT)".to_owned())?;
        let mut shown = parsed.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("***"));
        }
        let shown = shown.to_string();
        match parsed.scheme() {
            "redis" => {}
            "rediss" => {
                return Err(format!(
                    "{shown}: TLS to Redis (rediss://) is not supported; reach Redis over a private network or a TLS tunnel, as redis://"
                ));
            }
            other => {
                return Err(format!(
                    "{shown}: a rate store is redis://HOST:PORT, not {other}://"
                ));
            }
        }
        redis::Client::open(url).map_err(|e| format!("{shown}: {}", e.kind_text()))?;
        Ok(RedisAddress {
            url: url.to_owned(),
            shown,
        })
    }

    /// The address without its password.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

impl std::fmt::Debug for RedisAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RedisAddress({})", self.shown)
    }
}

/// What an admission answered.
pub(super) struct Reply {
    pub admitted: bool,
    pub wait: Duration,
    /// Starts counted in each window, this one included when admitted.
    pub counted: Vec<u64>,
}

/// One window's part of an admission.
pub(super) struct WindowArgs {
    pub limit: u64,
    /// The window, margin included.
    pub period: Duration,
    /// A bucket's length, or zero for a log.
    pub bucket: Duration,
    /// What the API server counted in the window, when it said.
    pub server_used: Option<u64>,
}

/// The windows of one budget in one Redis.
pub(super) struct RedisWindows {
    address: RedisAddress,
    keys: Vec<String>,
    connection: tokio::sync::OnceCell<ConnectionManager>,
    script: redis::Script,
    /// Unique to this limiter, for the members of the windows' logs.
    member_prefix: String,
    calls: AtomicU64,
}

impl std::fmt::Debug for RedisWindows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisWindows")
            .field("address", &self.address)
            .field("keys", &self.keys)
            .finish()
    }
}

impl RedisWindows {
    /// The keys of `budget` (a server and a credential's identity), one per
    /// window, named by the window's length in the spec.
    pub(super) fn new(address: RedisAddress, budget: &str, windows: &[u64]) -> Self {
        use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
        // A brace would end the hash tag early.
        const BRACES: &AsciiSet = &CONTROLS.add(b'{').add(b'}');
        let tag = format!(
            "{{{}:{}}}",
            env!("CARGO_PKG_NAME"),
            utf8_percent_encode(budget, BRACES)
        );
        let keys = windows.iter().map(|ms| format!("{tag}:{ms}ms")).collect();
        let member_prefix = {
            use std::hash::BuildHasher;
            let random = std::collections::hash_map::RandomState::new();
            format!(
                "{:016x}",
                random.hash_one((std::process::id(), Instant::now()))
            )
        };
        RedisWindows {
            address,
            keys,
            connection: tokio::sync::OnceCell::new(),
            script: redis::Script::new(ADMIT),
            member_prefix,
            calls: AtomicU64::new(0),
        }
    }

    /// The connection, made on first use.
    async fn connection(&self) -> Result<ConnectionManager, redis::RedisError> {
        self.connection
            .get_or_try_init(|| async {
                let client = redis::Client::open(self.address.url.as_str())?;
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(Duration::from_secs(1)))
                    .set_response_timeout(Some(Duration::from_secs(2)))
                    .set_number_of_retries(2)
                    .set_min_delay(Duration::from_millis(50))
                    .set_max_delay(Duration::from_millis(500));
                ConnectionManager::new_lazy_with_config(client, config)
            })
            .await
            .cloned()
    }

    /// One admission in every window, or why Redis could not be used.
    pub(super) async fn admit(&self, windows: &[WindowArgs]) -> Result<Reply, String> {
        let call = self.calls.fetch_add(1, Ordering::Relaxed);
        let member = format!("{}:{call}", self.member_prefix);
        let mut invocation = self.script.prepare_invoke();
        for key in &self.keys {
            invocation.key(key);
        }
        invocation.arg(&member);
        for window in windows {
            invocation
                .arg(window.limit)
                .arg(window.period.as_micros() as u64)
                .arg(window.bucket.as_micros() as u64)
                .arg(window.server_used.map_or(-1, |used| used as i64));
        }
        let started = Instant::now();
        let reply: Vec<i64> = loop {
            let outcome = match self.connection().await {
                Ok(mut connection) => invocation.invoke_async::<Vec<i64>>(&mut connection).await,
                Err(error) => Err(error),
            };
            match outcome {
                Ok(reply) => break reply,
                Err(error) if connection_lost(&error) && started.elapsed() < RECONNECT_FOR => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(error) => {
                    return Err(format!(
                        "the rate store {} cannot be used: {}",
                        self.address.shown,
                        error.kind_text()
                    ));
                }
            }
        };
        let number = |index: usize| reply.get(index).copied().unwrap_or(0).max(0) as u64;
        Ok(Reply {
            admitted: number(0) == 1,
            wait: Duration::from_micros(number(1)),
            counted: (0..windows.len())
                .map(|window| number(window + 2))
                .collect(),
        })
    }
}

/// Whether a failure is the connection's (Redis down, restarting, out of
/// reach), as opposed to an answer.
fn connection_lost(error: &redis::RedisError) -> bool {
    error.is_io_error()
        || error.is_connection_dropped()
        || error.is_connection_refusal()
        || error.is_timeout()
        || error.is_unrecoverable_error()
}

/// A Redis error as a message that never quotes the URL (and its password).
trait KindText {
    fn kind_text(&self) -> String;
}

impl KindText for redis::RedisError {
    fn kind_text(&self) -> String {
        if self.is_connection_refusal() {
            "the connection was refused".to_owned()
        } else if self.is_timeout() {
            "it did not answer in time".to_owned()
        } else if self.is_io_error() || self.is_connection_dropped() {
            "the connection was lost".to_owned()
        } else {
            format!("{:?}", self.kind())
        }
    }
}
