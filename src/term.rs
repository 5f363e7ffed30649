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
