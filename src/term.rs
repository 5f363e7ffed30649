//! Colour for diagnostics: only on a terminal, never with `NO_COLOR` set (no-color.org).

use std::io::IsTerminal;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

pub fn color_enabled(stream: Stream) -> bool {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    }
}

/// Colours the severity labels and help lines of rendered diagnostics.
pub fn paint(text: &str, enabled: bool) -> String {
    if !enabled {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let newline = &line[body.len()..];
        let label = [("error", "1;31"), ("warning", "1;33"), ("info", "1;36")]
            .into_iter()
            .find(|(word, _)| body.starts_with(word))
            .and_then(|(_, color)| body.find(':').map(|end| (end, color)));
        if let Some((end, color)) = label {
            out.push_str(&format!("\x1b[{color}m{}\x1b[0m{}{newline}", &body[..end], &body[end..]));
        } else if body.trim_start().starts_with("= help:") {
            out.push_str(&format!("\x1b[32m{body}\x1b[0m{newline}"));
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::paint;

    #[test]
    fn paints_labels_only_when_enabled() {
        let text = "warning[x]: bad\n = help: fix\n";
        assert_eq!(paint(text, false), text);
        assert_eq!(paint(text, true), "\x1b[1;33mwarning[x]\x1b[0m: bad\n\x1b[32m = help: fix\x1b[0m\n");
    }
}

/// Writes `text` to standard error without taking std's lock on it, for a thread that must report
/// while the main thread holds that lock (the run holds it from start to end).
pub fn write_stderr_unlocked(text: &str) {
    #[cfg(unix)]
    {
        use std::io::Write as _;
        use std::os::unix::io::FromRawFd;
        // SAFETY: descriptor 2 stays open for the life of the process; ManuallyDrop never closes it.
        let mut file = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(2) });
        let _ = file.write_all(text.as_bytes());
    }
    #[cfg(not(unix))]
    {
        // Without a raw descriptor, try std's lock and give up rather than wait for it.
        let _ = text;
    }
}

/// `text` safe to print on a terminal: control characters (ESC, NUL, C1) and the invisible
/// direction marks and overrides (U+200E/F, U+202A–E, U+2066–9, U+061C) shown as `\u{..}`.
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars().map(|c| if unsafe_char(c) { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() }).collect(),
    )
}

#[cfg(test)]
mod safe_tests {
    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(super::safe("Mail\u{1b}[31m\u{202E}x\0"), "Mail\\u{1b}[31m\\u{202e}x\\u{0}");
        assert_eq!(super::safe("Read mail"), "Read mail");
    }
}
