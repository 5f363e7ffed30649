//! Splits a template into text, raw blocks, comments and tags the way tera 2.4's lexer does
//! (`tera/src/parsing/lexer.rs`: `basic_tokenize` and `whitespace_filter`), so that the text a
//! compiled template writes is byte for byte the text tera writes. Anything this lexer does not
//! know is an [`Unsupported`] error: the template is then left to tera at run time.

use super::Unsupported;

/// A token inside `{{ }}` or `{% %}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Str(String),
    Int(i64),
    Bool(bool),
    Op(&'static str),
}

/// A piece of a template, before whitespace control is applied.
#[derive(Debug)]
enum Piece {
    Text(String),
    /// `{% raw %}` body (already trimmed inside as tera does), with the `-` of the opening
    /// tag's start and of the closing tag's end.
    Raw {
        ws_start: bool,
        body: String,
        ws_end: bool,
    },
    Comment {
        ws_start: bool,
        ws_end: bool,
    },
    /// `{{ }}` (`var`) or `{% %}`, with its tokens and the `-` at either end.
    Tag {
        var: bool,
        ws_start: bool,
        toks: Vec<Tok>,
        ws_end: bool,
    },
}

/// What the parser reads: text with whitespace control applied, and tags.
#[derive(Debug)]
pub enum Item {
    Text(String),
    Var(Vec<Tok>),
    Tag(Vec<Tok>),
}

pub fn lex(src: &str) -> Result<Vec<Item>, Unsupported> {
    Ok(whitespace(pieces(src)?))
}

/// tera's `skip_tag`: `-? ws* NAME ws* -? %}` at the start of `s`; the length and whether the
/// tag ends with `-`.
fn skip_tag(s: &str, name: &str) -> Option<(usize, bool)> {
    let mut p = s.strip_prefix('-').unwrap_or(s);
    p = p.trim_start_matches(|c: char| c.is_ascii_whitespace());
    p = p.strip_prefix(name)?;
    p = p.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let mut ws = false;
    if let Some(r) = p.strip_prefix('-') {
        p = r;
        ws = true;
    }
    p = p.strip_prefix("%}")?;
    Some((s.len() - p.len(), ws))
}

fn pieces(src: &str) -> Result<Vec<Piece>, Unsupported> {
    let mut out = Vec::new();
    let mut rest = src;
    while !rest.is_empty() {
        let head = rest.get(..2);
        if matches!(head, Some("{{") | Some("{%") | Some("{#")) {
            let ws_start = rest.as_bytes().get(2) == Some(&b'-');
            let after = &rest[if ws_start { 3 } else { 2 }..];
            // `{% raw %}`: its length and whether it ends with `-%}`.
            let raw = if head == Some("{%") { skip_tag(after, "raw") } else { None };
            match head {
                Some("{#") => {
                    // As tera: the first `#}` after the opening, and a `-` just before it.
                    let end = after.find("#}").ok_or_else(|| Unsupported::new("a comment that does not end"))?;
                    let ws_end = end > 0 && after.as_bytes()[end - 1] == b'-';
                    rest = &after[end + 2..];
                    out.push(Piece::Comment { ws_start, ws_end });
                }
                _ if raw.is_some() => {
                    let (open, trim_body_start) = raw.unwrap_or_default();
                    let body_start = open;
                    let mut offset = open;
                    let mut found = None;
                    while let Some(at) = after[offset..].find("{%") {
                        let body_end = offset + at;
                        offset = body_end + 2;
                        let trim_body_end = after.as_bytes().get(offset) == Some(&b'-');
                        if let Some((len, ws_end)) = skip_tag(&after[offset..], "endraw") {
                            let mut body = &after[body_start..body_end];
                            if trim_body_start {
                                body = body.trim_start();
                            }
                            if trim_body_end {
                                body = body.trim_end();
                            }
                            found = Some((body.to_string(), ws_end, offset + len));
                            break;
                        }
                    }
                    let (body, ws_end, len) = found.ok_or_else(|| Unsupported::new("a raw block that does not end"))?;
                    out.push(Piece::Raw { ws_start, body, ws_end });
                    rest = &after[len..];
                }
                _ => {
                    let var = head == Some("{{");
                    let (toks, ws_end, len) = tag_tokens(after, var)?;
                    out.push(Piece::Tag { var, ws_start, toks, ws_end });
                    rest = &after[len..];
                }
            }
            continue;
        }
        // Text runs to the next `{{`, `{%` or `{#`.
        let end = rest.as_bytes().windows(2).position(|w| w == b"{{" || w == b"{%" || w == b"{#").unwrap_or(rest.len());
        out.push(Piece::Text(rest[..end].to_string()));
        rest = &rest[end..];
    }
    Ok(out)
}

/// The tokens of a tag up to its end (`%}` or `}}`, either after a `-`): the tokens, whether
/// the end has the `-`, and the bytes read.
fn tag_tokens(s: &str, var: bool) -> Result<(Vec<Tok>, bool, usize), Unsupported> {
    let close = if var { "}}" } else { "%}" };
    let b = s.as_bytes();
    let mut i = 0;
    let mut toks = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return Err(Unsupported::new("a tag that does not end"));
        }
        let rest = &s[i..];
        if rest.starts_with('-') && rest[1..].starts_with(close) {
            return Ok((toks, true, i + 3));
        }
        if rest.starts_with(close) {
            return Ok((toks, false, i + 2));
        }
        let two = rest.get(..2).unwrap_or("");
        if let Some(op) = ["==", "!=", ">=", "<="].into_iter().find(|op| *op == two) {
            toks.push(Tok::Op(op));
            i += 2;
            continue;
        }
        if ["//", "**", "</", "?.", "?[", ".."].contains(&two) {
            return Err(Unsupported::new(format!("the operator `{two}`")));
        }
        let c = b[i];
        if let Some(op) =
            ["+", "-", "~", "|", "=", ">", "<", "(", ")", "."].into_iter().find(|op| op.as_bytes()[0] == c)
        {
            toks.push(Tok::Op(op));
            i += 1;
            continue;
        }
        if c == b'"' || c == b'\'' {
            let (text, len) = string(&rest[1..], c)?;
            toks.push(Tok::Str(text));
            i += len + 2;
            continue;
        }
        if c.is_ascii_digit() {
            let len = rest.bytes().take_while(u8::is_ascii_digit).count();
            if rest.as_bytes().get(len) == Some(&b'.') {
                return Err(Unsupported::new("a float"));
            }
            let n = rest[..len].parse::<i64>().map_err(|_| Unsupported::new("an integer out of range"))?;
            toks.push(Tok::Int(n));
            i += len;
            continue;
        }
        let len = rest
            .bytes()
            .enumerate()
            .take_while(|&(k, c)| c == b'_' || if k == 0 { c.is_ascii_alphabetic() } else { c.is_ascii_alphanumeric() })
            .count();
        if len == 0 {
            return Err(Unsupported::new(format!("the character `{}`", rest.chars().next().unwrap_or(' '))));
        }
        let word = &rest[..len];
        toks.push(match word {
            "true" | "True" => Tok::Bool(true),
            "false" | "False" => Tok::Bool(false),
            _ => Tok::Ident(word.to_string()),
        });
        i += len;
    }
}

/// A string literal's text up to `delim` (`s` starts after the opening quote), with tera's
/// escapes read; and its length in the source.
fn string(s: &str, delim: u8) -> Result<(String, usize), Unsupported> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((at, c)) = chars.next() {
        if c as u32 == u32::from(delim) {
            return Ok((out, at));
        }
        if c == '\\' {
            match chars.next().map(|(_, c)| c) {
                Some(e @ ('"' | '\'' | '/' | '\\')) => out.push(e),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                _ => return Err(Unsupported::new("an unknown escape in a string")),
            }
        } else {
            out.push(c);
        }
    }
    Err(Unsupported::new("a string that does not end"))
}

/// tera's `whitespace_filter`: text after a tag ending in `-` loses its leading whitespace,
/// text before a tag starting with `-` its trailing whitespace; a comment's `-#}` carries over
/// to the next text; any other token ends a pending trim.
fn whitespace(pieces: Vec<Piece>) -> Vec<Item> {
    let mut items = Vec::new();
    let mut trim_next = false;
    let starts_with_ws = |p: Option<&Piece>| match p {
        Some(Piece::Tag { ws_start, .. } | Piece::Comment { ws_start, .. } | Piece::Raw { ws_start, .. }) => *ws_start,
        _ => false,
    };
    let mut iter = pieces.into_iter().peekable();
    while let Some(piece) = iter.next() {
        match piece {
            Piece::Text(text) => {
                let mut t = text.as_str();
                if trim_next {
                    trim_next = false;
                    t = t.trim_start();
                }
                if starts_with_ws(iter.peek()) {
                    t = t.trim_end();
                }
                if !t.is_empty() {
                    items.push(Item::Text(t.to_string()));
                }
            }
            Piece::Raw { body, ws_end, .. } => {
                let mut t = body.as_str();
                if trim_next {
                    trim_next = false;
                    t = t.trim_start();
                }
                if ws_end {
                    trim_next = true;
                }
                if starts_with_ws(iter.peek()) {
                    t = t.trim_end();
                }
                if !t.is_empty() {
                    items.push(Item::Text(t.to_string()));
                }
            }
            Piece::Comment { ws_end, .. } => {
                if ws_end {
                    trim_next = true;
                }
            }
            Piece::Tag { var, toks, ws_end, .. } => {
                trim_next = ws_end;
                items.push(if var { Item::Var(toks) } else { Item::Tag(toks) });
            }
        }
    }
    items
}
