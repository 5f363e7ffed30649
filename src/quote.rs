//! Quoting, one function per target language. Every value a template places into an artefact
//! goes through exactly one of these (a test checks the templates), so a quote, `$`, backtick or
//! newline in an app name can never become code.

/// Bash: a single-quoted word. Inside single quotes nothing is special except `'`, which is
/// closed, escaped and reopened: `it's` -> `'it'\''s'`. NUL cannot be carried (callers refuse it).
pub fn bash(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// PowerShell: a single-quoted (verbatim) string. PowerShell treats the typographic single
/// quotes U+2018..U+201B like `'`, so each of those is doubled too; nothing else is special.
pub fn powershell(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// dotenv: dotenv readers disagree on escapes, so only values every reader takes the same way
/// are written: bare when made of `[A-Za-z0-9._:/@+-]`, else single-quoted when free of `'`,
/// newlines and `\`. Anything else is refused (the caller reports it).
pub fn dotenv(value: &str) -> Option<String> {
    let bare = |c: char| c.is_ascii_alphanumeric() || "._:/@+-".contains(c);
    if !value.is_empty() && value.chars().all(bare) {
        Some(value.to_string())
    } else if !value.chars().any(|c| c == '\'' || c == '\\' || c.is_control()) {
        Some(format!("'{value}'"))
    } else {
        None
    }
}

/// Markdown (CommonMark and MDX) inline text: backslash-escapes every character that could
/// start markup, an HTML tag, a JSX tag or expression, a table cell break or a Liquid tag;
/// line breaks become spaces so a value stays in its table cell or sentence.
pub fn markdown(value: &str) -> String {
    markdown_with(value, true)
}

/// [`markdown`] without the defence against MDX modules, for text that never starts a paragraph.
fn markdown_inline(value: &str) -> String {
    markdown_with(value, false)
}

fn markdown_with(value: &str, paragraph_start: bool) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    // At the start of a line, `-`, `+`, `=` or `1.` / `1)` begin a list or a setext underline.
    let digits = value.chars().take_while(char::is_ascii_digit).count();
    let block_marker = if value.starts_with(['-', '+', '=']) {
        Some(0)
    } else if digits > 0 && value[digits..].starts_with(['.', ')']) {
        Some(digits)
    } else {
        None
    };
    // At the start of a paragraph, `import ` or `export ` is an ES module to MDX (and runs when
    // the site builds): write its first letter as a character reference instead. (After leading
    // white space it is text.)
    let esm = paragraph_start
        && ["import", "export"]
            .iter()
            .any(|k| value.strip_prefix(k).is_some_and(|r| r.starts_with(char::is_whitespace)));
    let mut chars = value.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        if block_marker == Some(i) {
            out.push('\\');
        }
        if esm && i == 0 {
            out.push_str(&format!("&#{};", c as u32));
            continue;
        }
        match c {
            // `:name` is a text directive to remark-directive (Docusaurus admonitions).
            ':' if chars.peek().is_some_and(|(_, n)| n.is_ascii_alphabetic()) => out.push_str("\\:"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            // `\{%` still opens a tag for GitBook's template engines (Nunjucks, Liquid): `\{\%` does not.
            '%' if out.ends_with('{') => out.push_str("\\%"),
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// GitBook inline text. GitBook runs a template engine over a page before reading it as Markdown
/// (Liquid; Nunjucks in HonKit), and HonKit's Markdown parser (kramed, a marked fork) takes fewer
/// backslash escapes than CommonMark: `\<` or `\|` would stay markup there. So `<`, `>`, `&`,
/// `{`, `}`, `|` and a leading `=` become character references, which every GitBook reader turns
/// back into the character and no template engine reads; the rest is backslash-escaped as for
/// [`markdown`], with `$` too (`$$` starts math in GitBook).
pub fn gitbook_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let digits = value.chars().take_while(char::is_ascii_digit).count();
    let block_marker = if value.starts_with(['-', '+', '=']) {
        Some(0)
    } else if digits > 0 && value[digits..].starts_with(['.', ')']) {
        Some(digits)
    } else {
        None
    };
    for (i, c) in value.chars().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            '|' => out.push_str("&#124;"),
            '=' if block_marker == Some(i) => out.push_str("&#61;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => {
                if block_marker == Some(i) {
                    out.push('\\');
                }
                out.push(c);
            }
        }
    }
    out
}

/// Markdown inline code: the value verbatim between backtick fences longer than any run of
/// backticks inside it (CommonMark 6.1), padded with a space where it starts or ends with one.
pub fn markdown_code(value: &str) -> String {
    let value = value.replace(['\r', '\n'], " ");
    let longest = value.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // CommonMark strips one space from each end of a span that starts and ends with one.
    let spaced = value.starts_with(' ') && value.ends_with(' ') && !value.trim_matches(' ').is_empty();
    let pad = if value.starts_with('`') || value.ends_with('`') || value.is_empty() || spaced { " " } else { "" };
    format!("{fence}{pad}{value}{pad}{fence}")
}

/// Markdown inline text in which `backticked` parts (as in m365-runbook's own messages) become
/// code spans and everything else is escaped like [`markdown`]. An unpaired backtick is text.
/// For list items and the middle of sentences: unlike [`markdown`], a leading `import ` is left
/// as it is, so use `md` where a value starts a paragraph of an MDX page.
pub fn markdown_ticked(value: &str) -> String {
    ticked_with(value, markdown_inline, markdown_code)
}

/// [`markdown_ticked`] with the text and code quoting of another Markdown dialect.
pub fn ticked_with(value: &str, text: fn(&str) -> String, code: fn(&str) -> String) -> String {
    let parts: Vec<&str> = value.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return text(value);
    }
    parts.iter().enumerate().map(|(i, part)| if i % 2 == 1 { code(part) } else { text(part) }).collect()
}

/// One line inside a fenced code block: kept verbatim, on one line, and unable to close the
/// fence (a line starting with a backtick or tilde could).
pub fn markdown_fenced(value: &str) -> String {
    let line = value.replace(['\r', '\n'], " ");
    // A closing fence may be indented up to three spaces: indent such a line to four.
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent < 4 && line[indent..].starts_with(['`', '~']) {
        format!("{}{line}", " ".repeat(4 - indent))
    } else {
        line
    }
}

/// A YAML scalar for front matter: a double-quoted string with JSON's escapes (YAML 1.2 reads
/// JSON), so no value can end the string, start a comment or read as a number or boolean.
pub fn yaml_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_string())
}

/// A Markdown link destination: percent-encodes what would end or break it.
pub fn markdown_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '`' => out.push_str("%60"),
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '|' => out.push_str("%7C"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_single_quotes_and_escapes_quotes_only() {
        assert_eq!(bash("Corso Backup"), "'Corso Backup'");
        assert_eq!(bash("it's"), r"'it'\''s'");
        assert_eq!(bash("$(rm -rf /) `x` \"y\""), "'$(rm -rf /) `x` \"y\"'");
        assert_eq!(bash(""), "''");
    }

    #[test]
    fn powershell_doubles_every_kind_of_single_quote() {
        assert_eq!(powershell("it's"), "'it''s'");
        assert_eq!(powershell("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        assert_eq!(powershell("$env:x `n \"y\""), "'$env:x `n \"y\"'");
    }

    #[test]
    fn dotenv_writes_only_unambiguous_values() {
        assert_eq!(dotenv("contoso.onmicrosoft.com").as_deref(), Some("contoso.onmicrosoft.com"));
        assert_eq!(dotenv("<set me>").as_deref(), Some("'<set me>'"));
        assert_eq!(dotenv("it's"), None);
        assert_eq!(dotenv("a\nb"), None);
        assert_eq!(dotenv("a\\b"), None);
    }

    #[test]
    fn markdown_text_cannot_open_markup() {
        assert_eq!(markdown("<b>{x}</b> | *y*"), r"\<b\>\{x\}\</b\> \| \*y\*");
        assert_eq!(markdown("a\nb"), "a b");
        assert_eq!(markdown("{% hint %}"), r"\{\% hint %\}");
        assert_eq!(markdown("{{ x }} {# y #}"), r"\{\{ x \}\} \{\# y \#\}");
        assert_eq!(markdown("Corso (2023) $5!"), "Corso (2023) $5!");
        assert_eq!(markdown("a:b, a: b, https://x"), r"a\:b, a: b, https://x");
        assert_eq!(markdown("import x from 'y'"), "&#105;mport x from 'y'");
        assert_eq!(markdown("export\nconst"), "&#101;xport const");
        assert_eq!(markdown("important"), "important");
        assert_eq!(markdown("- item"), r"\- item");
        assert_eq!(markdown("1. item"), r"1\. item");
    }

    #[test]
    fn gitbook_text_uses_references_where_gitbook_takes_no_escape() {
        assert_eq!(gitbook_text("{% hint %} {{ x }}"), "&#123;% hint %&#125; &#123;&#123; x &#125;&#125;");
        assert_eq!(gitbook_text("<img> a|b & c"), "&lt;img&gt; a&#124;b &amp; c");
        assert_eq!(gitbook_text("*a* _b_ `c` $$d$$"), r"\*a\* \_b\_ \`c\` \$\$d\$\$");
        assert_eq!(gitbook_text("- x"), r"\- x");
        assert_eq!(gitbook_text("= x"), "&#61; x");
        assert_eq!(gitbook_text("1. x"), r"1\. x");
        assert_eq!(gitbook_text("a:b"), "a:b");
    }

    #[test]
    fn markdown_ticked_turns_ticks_into_code_spans_and_escapes_the_rest() {
        assert_eq!(markdown_ticked("`User.Read.all` is <bad>"), r"`User.Read.all` is \<bad\>");
        assert_eq!(markdown_ticked("odd ` tick"), r"odd \` tick");
        assert_eq!(markdown_ticked("`a|b`"), "`a|b`");
    }

    #[test]
    fn markdown_code_fences_outgrow_the_content() {
        assert_eq!(markdown_code("User.Read.All"), "`User.Read.All`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x"), "`` `x ``");
    }
}
