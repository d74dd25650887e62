//! The README's offline quickstart, run as written: the first `sh` block of its
//! "Offline quickstart" section goes to bash from the repository root, and every
//! line of it of the form `#   text` (the output the README shows) must appear in
//! what the commands print. Nothing is substituted, so a quickstart that does not
//! paste and run fails here.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

const SECTION: &str = "## Offline quickstart";
/// The build step and the mock's retries stay far below this on a loaded machine.
const TIMEOUT: Duration = Duration::from_secs(300);

pub fn run(root: &Path) -> anyhow::Result<()> {
    let readme = std::fs::read_to_string(root.join("README.md")).context("reading README.md")?;
    let script = script(&readme).context("README.md")?;
    let output = run_script(root, &script)?;
    let missing: Vec<&str> = shown_output(&script)
        .filter(|line| !output.contains(line))
        .collect();
    if !missing.is_empty() {
        bail!(
            "the quickstart printed:\n{output}\nwhich lacks what the README shows:\n{}",
            missing.join("\n")
        );
    }
    Ok(())
}

/// The first `sh` block after the quickstart's heading.
fn script(readme: &str) -> anyhow::Result<String> {
    let section = readme
        .split_once(SECTION)
        .with_context(|| format!("no `{SECTION}` section"))?
        .1;
    let block = section
        .split_once("```sh\n")
        .context("the quickstart has no ```sh block")?
        .1;
    let (block, _) = block
        .split_once("\n```")
        .context("the quickstart's block is not closed")?;
    Ok(format!("{block}\n"))
}

/// The lines the README shows as output: `#   text`, indented three spaces
/// past the comment sign (a comment's own continuation lines take four).
fn shown_output(script: &str) -> impl Iterator<Item = &str> {
    script
        .lines()
        .filter_map(|line| line.strip_prefix("#   "))
        .filter(|shown| !shown.starts_with(' '))
        .map(str::trim)
}

/// Runs the script in a process group of its own, so the mock it starts in the
/// background is stopped even when the script fails half-way.
fn run_script(root: &Path, script: &str) -> anyhow::Result<String> {
    use std::os::unix::process::CommandExt;
    let log = root.join("target/quickstart.log");
    std::fs::create_dir_all(root.join("target"))?;
    let file = std::fs::File::create(&log)?;
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .process_group(0)
        .spawn()
        .context("starting bash")?;
    let status = crate::wait::exit_within(&mut child, TIMEOUT)?;
    // Whatever is left of the group (a mock the script did not stop).
    let _ = Command::new("kill")
        .args(["-TERM", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.wait();
    let mut output = String::new();
    std::fs::File::open(&log)?.read_to_string(&mut output)?;
    match status {
        None => bail!("the quickstart did not finish within {TIMEOUT:?}:\n{output}"),
        Some(status) if !status.success() => {
            bail!("the quickstart failed ({status}):\n{output}")
        }
        Some(_) => Ok(output),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_is_the_first_sh_block_of_the_section_and_its_comments_show_output() {
        let readme = "# T\n```sh\nnot this\n```\n## Offline quickstart\ntext\n```sh\necho hi\n#   hi\n# a comment\n#    that goes on\n```\n```sh\nnor this\n```\n";
        let block = script(readme).unwrap();
        assert_eq!(block, "echo hi\n#   hi\n# a comment\n#    that goes on\n");
        assert_eq!(shown_output(&block).collect::<Vec<_>>(), ["hi"]);
        assert!(script("## Other\n```sh\nx\n```\n").is_err());
    }
}
