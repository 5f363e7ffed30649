//! A small, tolerant reader for tables in a saved web page: `<tr>` rows of `<td>`/`<th>` cells
//! (cells spanning rows repeated into the rows below), and headings, paragraphs and list items
//! outside tables as text lines. Unclosed tags, missing `</td>` and unknown markup are accepted;
//! scripts, styles and comments are skipped.

use super::table::Event;

/// Whether the text looks like HTML with a table in it.
pub fn is_html(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("<table") || lower.contains("<tr")
}

struct Tag<'a> {
    name: String,
    closing: bool,
    attrs: &'a str,
}

/// Parses the tag starting at `text[0] == '<'`; returns it and its length in bytes.
fn parse_tag(text: &str) -> Option<(Tag<'_>, usize)> {
    let body = &text[1..];
    let (closing, body) = match body.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    if !body.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_len = body.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(body.len());
    let mut quote = None;
    for (i, c) in body.char_indices().skip(name_len) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => {
                let consumed = text.len() - body.len() + i + 1;
                let tag = Tag { name: body[..name_len].to_ascii_lowercase(), closing, attrs: &body[name_len..i] };
                return Some((tag, consumed));
            }
            _ => {}
        }
    }
    None
}

fn attr_number(attrs: &str, name: &str) -> usize {
    let lower = attrs.to_ascii_lowercase();
    let Some(at) = lower.find(name) else { return 1 };
    let rest = lower[at + name.len()..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else { return 1 };
    let digits: String =
        rest.trim_start().trim_start_matches(['"', '\'']).chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<usize>().unwrap_or(1).clamp(1, 1000)
}

/// Decodes the character references pages use.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.char_indices().take(12).find(|(_, c)| *c == ';').map(|(i, _)| i) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            "ndash" => Some('–'),
            "mdash" => Some('—'),
            "rsquo" | "lsquo" => Some('\''),
            "check" | "checkmark" => Some('✓'),
            _ => {
                let number = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"));
                match number {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => name.strip_prefix('#').and_then(|d| d.parse::<u32>().ok()),
                }
                .and_then(char::from_u32)
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn squash(text: &str) -> String {
    decode_entities(text).replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

const BLOCKS: &[&str] =
    &["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "div", "br", "ul", "ol", "section", "caption", "dt", "dd"];

/// A cell being read: its text, rowspan and colspan.
type SpannedCell = (String, usize, usize);

#[derive(Default)]
struct Reader {
    out: Vec<Event>,
    depth: usize,
    row: Option<(usize, Vec<SpannedCell>)>,
    cell: Option<String>,
    /// Per column: the text of a cell spanning down and how many rows it still covers.
    spans: Vec<Option<(String, usize)>>,
    text: String,
    text_line: usize,
}

impl Reader {
    fn flush_text(&mut self) {
        let t = squash(&self.text);
        if !t.is_empty() {
            self.out.push(Event::Text { line: self.text_line, text: t });
        }
        self.text.clear();
    }

    fn close_cell(&mut self) {
        if let (Some(cell), Some((_, cells))) = (self.cell.take(), self.row.as_mut())
            && let Some(last) = cells.last_mut()
        {
            last.0 = squash(&cell);
        }
    }

    fn close_row(&mut self) {
        self.close_cell();
        let Some((line, cells)) = self.row.take() else { return };
        let mut row = Vec::new();
        let take_spans = |row: &mut Vec<String>, spans: &mut Vec<Option<(String, usize)>>| {
            while let Some(Some((text, left))) = spans.get_mut(row.len()) {
                row.push(text.clone());
                *left -= 1;
                if *left == 0 {
                    spans[row.len() - 1] = None;
                }
            }
        };
        for (text, rowspan, colspan) in cells {
            take_spans(&mut row, &mut self.spans);
            let col = row.len();
            if rowspan > 1 {
                if self.spans.len() <= col {
                    self.spans.resize(col + 1, None);
                }
                self.spans[col] = Some((text.clone(), rowspan - 1));
            }
            row.push(text);
            row.extend(std::iter::repeat_n(String::new(), colspan - 1));
        }
        take_spans(&mut row, &mut self.spans);
        if row.iter().any(|c| !c.is_empty()) {
            self.out.push(Event::Row { line, cells: row });
        }
    }
}

/// Reads a saved page into events.
pub fn events(page: &str) -> Vec<Event> {
    let mut r = Reader { text_line: 1, ..Reader::default() };
    let mut line = 1;
    let mut i = 0;
    let bytes = page.as_bytes();
    while i < page.len() {
        let rest = &page[i..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
            line += rest[..end].matches('\n').count();
            i += end;
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            // A declaration (`<!DOCTYPE html>`) or processing instruction.
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            line += rest[..end].matches('\n').count();
            i += end;
            continue;
        }
        if bytes[i] == b'<'
            && let Some((tag, len)) = parse_tag(rest)
        {
            line += rest[..len].matches('\n').count();
            i += len;
            if !tag.closing && (tag.name == "script" || tag.name == "style") {
                let close = format!("</{}", tag.name);
                let end = page[i..].to_ascii_lowercase().find(&close).map_or(page.len() - i, |e| e);
                line += page[i..i + end].matches('\n').count();
                i += end;
                continue;
            }
            match (tag.name.as_str(), tag.closing) {
                ("table", false) => {
                    r.flush_text();
                    r.depth += 1;
                    r.spans.clear();
                }
                ("table", true) => {
                    r.close_row();
                    r.depth = r.depth.saturating_sub(1);
                    r.out.push(Event::TableEnd);
                    r.text_line = line;
                }
                ("tr", false) if r.depth > 0 => {
                    r.close_row();
                    r.row = Some((line, Vec::new()));
                }
                ("tr", true) => r.close_row(),
                ("td" | "th", false) if r.depth > 0 => {
                    r.close_cell();
                    if r.row.is_none() {
                        r.row = Some((line, Vec::new()));
                    }
                    let spans = (attr_number(tag.attrs, "rowspan"), attr_number(tag.attrs, "colspan"));
                    if let Some((_, cells)) = r.row.as_mut() {
                        cells.push((String::new(), spans.0, spans.1));
                    }
                    r.cell = Some(String::new());
                }
                ("td" | "th", true) => r.close_cell(),
                (name, _) if BLOCKS.contains(&name) => match r.cell.as_mut() {
                    Some(cell) => cell.push(' '),
                    None if r.depth == 0 => {
                        r.flush_text();
                        r.text_line = line;
                    }
                    None => {}
                },
                _ => {}
            }
            continue;
        }
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find('<').map_or(rest.len(), |n| n + first);
        let chunk = &rest[..next];
        if let Some(cell) = r.cell.as_mut() {
            cell.push_str(chunk);
        } else if r.depth == 0 {
            if r.text.trim().is_empty() {
                r.text_line = line + chunk[..chunk.len() - chunk.trim_start().len()].matches('\n').count();
            }
            r.text.push_str(chunk);
        }
        line += chunk.matches('\n').count();
        i += next;
    }
    r.close_row();
    r.flush_text();
    r.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> Event {
        Event::Row { line, cells: cells.iter().map(|c| c.to_string()).collect() }
    }

    #[test]
    fn reads_rows_repeats_spanned_cells_and_keeps_headings() {
        let page = "<html><head><style>td{}</style></head><body>\n<h3>Backup &amp; restore</h3>\n<table>\n\
            <tr><th>API</th><th>Permission</th><th>Type</th></tr>\n\
            <tr><td rowspan=\"2\">Microsoft Graph</td><td>Mail.Read<br>(Read mail)</td><td>Application</td></tr>\n\
            <tr><td>User.Read.All<td>Delegated<sup>1</sup></tr>\n<!-- <tr><td>hidden</td></tr> -->\n\
            <tr><td colspan=3>Exchange</td></tr>\n</table>\n<p>After&nbsp;it.</p>\n";
        assert_eq!(
            events(page),
            vec![
                Event::Text { line: 2, text: "Backup & restore".into() },
                row(4, &["API", "Permission", "Type"]),
                row(5, &["Microsoft Graph", "Mail.Read (Read mail)", "Application"]),
                row(6, &["Microsoft Graph", "User.Read.All", "Delegated1"]),
                row(8, &["Exchange", "", ""]),
                Event::TableEnd,
                Event::Text { line: 10, text: "After it.".into() },
            ]
        );
    }

    #[test]
    fn decodes_references() {
        assert_eq!(decode_entities("a&#39;b &#x2713; &bogus; & &lt;"), "a'b ✓ &bogus; & <");
    }
}
