//! The report cut to fit a pull-request comment: GitHub refuses a comment
//! of more than 65,536 characters, and a long API change easily makes one.

/// The most characters GitHub takes in a pull-request comment.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// `markdown` when it has at most `max_chars` characters; otherwise as many
/// of its whole lines as fit with `note` after them, any `<details>` left
/// open closed, so that the summary, which comes first, is always whole.
pub fn fit(markdown: &str, max_chars: usize, note: &str) -> String {
    if markdown.chars().count() <= max_chars {
        return markdown.to_owned();
    }
    let closing = "\n</details>\n";
    let mut kept = String::new();
    let mut kept_chars = 0;
    let mut open_details = 0usize;
    for line in markdown.split_inclusive('\n') {
        let opens = usize::from(line.trim_start().starts_with("<details"));
        let closes = usize::from(line.trim_start().starts_with("</details>"));
        let after_open = (open_details + opens).saturating_sub(closes);
        // What must follow this line if the cut comes right after it.
        let tail = after_open * closing.chars().count() + note.chars().count() + 2;
        let line_chars = line.chars().count();
        if kept_chars + line_chars + tail > max_chars {
            break;
        }
        kept.push_str(line);
        kept_chars += line_chars;
        open_details = after_open;
    }
    for _ in 0..open_details {
        kept.push_str(closing);
    }
    kept.push('\n');
    kept.push_str(note);
    if !note.ends_with('\n') {
        kept.push('\n');
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_report_is_left_whole() {
        assert_eq!(fit("## API changes\n", 100, "cut"), "## API changes\n");
    }

    #[test]
    fn a_long_report_is_cut_at_a_line_with_its_details_closed_and_the_note_last() {
        let rows: String = (0..100).map(|n| format!("| row {n} |\n")).collect();
        let report = format!(
            "## API changes\n\nsummary\n\n<details><summary>rows</summary>\n\n{rows}\n</details>\n"
        );
        let cut = fit(&report, 200, "**Cut here.**");
        assert!(cut.chars().count() <= 200, "{cut}");
        assert!(cut.starts_with("## API changes\n\nsummary\n"), "{cut}");
        assert!(cut.ends_with("\n</details>\n\n**Cut here.**\n"), "{cut}");
        assert_eq!(
            cut.matches("<details>").count(),
            cut.matches("</details>").count()
        );
        let mut cut_lines = cut.lines().filter(|line| *line != "**Cut here.**");
        assert!(cut_lines.all(|line| report.contains(line)), "{cut}");
    }
}
