//! Findings and input errors as data, printed like a compiler's:
//!
//! ```text
//! error[unknown-permission]: `Microsoft Graph` has no application permission `User.Read.Al`
//!   --> profiles/acme.yaml:12:9 (permissions[0].application[3])
//!    |
//! 12 |       - User.Read.Al
//!    |         ^^^^^^^^^^^^
//!    = help: did you mean `User.Read.All`?
//! ```

use std::fmt;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in an input file something is: 1-based line and column, the YAML path, and the
/// line's text for the snippet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip)]
    pub line_text: Option<String>,
    #[serde(skip)]
    pub width: usize,
}

impl Location {
    /// A location naming only a file (or a flag such as `--tenant`).
    pub fn file(file: impl Into<String>) -> Location {
        Location { file: file.into(), line: 0, column: 0, path: None, line_text: None, width: 0 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable rule id (`unknown-permission`), used by `--allow` and `explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity, code: None, message: message.into(), location: None, notes: Vec::new(), help: None }
    }

    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, message)
    }

    pub fn code(mut self, code: impl Into<String>) -> Diagnostic {
        self.code = Some(code.into());
        self
    }

    pub fn at(mut self, location: Option<Location>) -> Diagnostic {
        self.location = location;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// What the finding is about, in a few words: the message up to its first `: ` when that is
    /// short, else the name it opens with in backticks, else the start cut at a word before 72
    /// characters.
    pub fn subject(&self) -> String {
        let m = self.message.as_str();
        let head = m.split_once(": ").map_or(m, |(h, _)| h);
        if head.chars().count() <= 72 {
            return head.to_string();
        }
        if let Some(rest) = m.strip_prefix('`')
            && let Some(end) = rest.find('`')
        {
            return format!("`{}`", &rest[..end]);
        }
        let cut: String = head.chars().take(71).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(c, _)| c);
        format!("{cut}…")
    }

    /// One line: severity, rule id and subject (`warning[high-privilege]: `Directory.ReadWrite.All``).
    pub fn summary_line(&self) -> String {
        match &self.code {
            Some(code) => format!("{}[{code}]: {}", self.severity, self.subject()),
            None => format!("{}: {}", self.severity, self.subject()),
        }
    }
}

/// The longest message, note or help printed; a longer one (a huge value quoted in it) is cut.
const MAX_MESSAGE_CHARS: usize = 1000;
/// How much of a source line is shown: from this many characters before the column, this many.
const SNIPPET_BEFORE: usize = 60;
const SNIPPET_CHARS: usize = 160;

/// `text`, cut to `max` characters with a note of its length.
fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => {
            std::borrow::Cow::Owned(format!("{}… (cut: {} characters in all)", &text[..end], text.chars().count()))
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = cut(&self.message, MAX_MESSAGE_CHARS);
        match &self.code {
            Some(code) => writeln!(f, "{}[{}]: {}", self.severity, code, message)?,
            None => writeln!(f, "{}: {}", self.severity, message)?,
        }
        let gutter = match &self.location {
            Some(l) if l.line > 0 => l.line.to_string().len(),
            Some(_) => 1,
            None => 0,
        };
        let pad = " ".repeat(gutter);
        if let Some(loc) = &self.location {
            let path = loc.path.as_ref().map(|p| format!(" ({p})")).unwrap_or_default();
            if loc.line > 0 {
                writeln!(f, "{pad}--> {}:{}:{}{path}", loc.file, loc.line, loc.column)?;
            } else {
                writeln!(f, "{pad}--> {}{path}", loc.file)?;
            }
            if let Some(text) = &loc.line_text {
                // A long line is shown as a window around the column, never whole.
                let column = loc.column.saturating_sub(1);
                let skip = column.saturating_sub(SNIPPET_BEFORE);
                let mut shown: String = text.chars().skip(skip).take(SNIPPET_CHARS).collect();
                let mut lead = String::new();
                if skip > 0 {
                    lead.push('…');
                }
                if text.chars().nth(skip + SNIPPET_CHARS).is_some() {
                    shown.push('…');
                }
                let caret_at = text.chars().skip(skip).take(column - skip).collect::<String>();
                let indent: String =
                    lead.chars().chain(caret_at.chars()).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
                let width = loc.width.clamp(1, SNIPPET_CHARS);
                writeln!(f, "{pad} |")?;
                writeln!(f, "{} | {lead}{shown}", loc.line)?;
                writeln!(f, "{pad} | {indent}{}", "^".repeat(width))?;
            }
        }
        for note in &self.notes {
            writeln!(f, "{pad} = note: {}", cut(note, MAX_MESSAGE_CHARS))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {}", cut(help, MAX_MESSAGE_CHARS))?;
        }
        Ok(())
    }
}

/// Input that cannot be used: a bad profile, value, flag or file. Exit status 2.
#[derive(Debug)]
pub struct InputError {
    pub diagnostics: Vec<Diagnostic>,
}

impl InputError {
    pub fn new(diagnostics: Vec<Diagnostic>) -> InputError {
        InputError { diagnostics }
    }

    pub fn one(diagnostic: Diagnostic) -> InputError {
        InputError { diagnostics: vec![diagnostic] }
    }

    /// A plain input error naming what is wrong and what to do.
    pub fn msg(message: impl Into<String>) -> InputError {
        InputError::one(Diagnostic::error(message))
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_a_compiler() {
        let d = Diagnostic::error("`Microsoft Graph` has no application permission `User.Read.Al`")
            .code("unknown-permission")
            .at(Some(Location {
                file: "acme.yaml".into(),
                line: 12,
                column: 9,
                path: Some("permissions[0].application[3]".into()),
                line_text: Some("      - User.Read.Al".into()),
                width: 12,
            }))
            .help("did you mean `User.Read.All`?");
        assert_eq!(
            d.to_string(),
            "error[unknown-permission]: `Microsoft Graph` has no application permission `User.Read.Al`\n\
             \x20 --> acme.yaml:12:9 (permissions[0].application[3])\n\
             \x20  |\n\
             12 |       - User.Read.Al\n\
             \x20  |         ^^^^^^^^^^^^\n\
             \x20  = help: did you mean `User.Read.All`?\n"
        );
    }

    #[test]
    fn a_summary_line_names_the_rule_and_the_subject() {
        let d = Diagnostic::warning(
            "`Directory.ReadWrite.All` can change users, groups and most other directory objects across the tenant",
        )
        .code("high-privilege");
        assert_eq!(d.summary_line(), "warning[high-privilege]: `Directory.ReadWrite.All`");
        let d = Diagnostic::warning("the profile enables legacy authentication (IDCRL): since 2026-05-01, gone");
        assert_eq!(d.summary_line(), "warning: the profile enables legacy authentication (IDCRL)");
        let long = Diagnostic::warning("word ".repeat(30));
        let line = long.summary_line();
        assert!(line.ends_with("word…") && line.chars().count() <= "warning: ".len() + 72, "{line}");
    }

    #[test]
    fn long_messages_and_lines_are_cut() {
        let long = "x".repeat(100_000);
        let d = Diagnostic::error(format!("bad `{long}`")).at(Some(Location {
            file: "f".into(),
            line: 1,
            column: 50_000,
            path: None,
            line_text: Some(long.clone()),
            width: 100_000,
        }));
        let text = d.to_string();
        assert!(text.len() < 2_000, "{}", text.len());
        assert!(text.contains("(cut: 100006 characters in all)"), "{text}");
        assert!(text.contains("1 | …xxx") && text.contains("xxx…\n"), "{text}");
    }

    #[test]
    fn a_flag_location_has_no_snippet() {
        let d = Diagnostic::error("bad tenant").at(Some(Location::file("--tenant")));
        assert_eq!(d.to_string(), "error: bad tenant\n --> --tenant\n");
    }
}
