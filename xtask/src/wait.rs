//! Waiting for a child process with a deadline: the corpus's generations and
//! the README quickstart must not hang `cargo xtask`.

use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// How often a running child is looked at.
const POLL: Duration = Duration::from_millis(20);

/// The child's exit status, or `None` when it still runs after `timeout`;
/// stopping it then is the caller's choice (the child, or its whole group).
pub(crate) fn exit_within(
    child: &mut Child,
    timeout: Duration,
) -> std::io::Result<Option<ExitStatus>> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if started.elapsed() > timeout {
            return Ok(None);
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    #[test]
    fn a_child_that_ends_gives_its_status_and_one_that_hangs_gives_none() {
        let mut quick = Command::new("true").spawn().unwrap();
        let status = exit_within(&mut quick, Duration::from_secs(10)).unwrap();
        assert!(status.is_some_and(|status| status.success()));
        let mut slow = Command::new("sleep").arg("10").spawn().unwrap();
        assert_eq!(
            exit_within(&mut slow, Duration::from_millis(100)).unwrap(),
            None
        );
        slow.kill().unwrap();
        slow.wait().unwrap();
    }
}
