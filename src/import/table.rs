//! Plain text as copied from a page, cut into table rows and other lines: pipe and Markdown
//! tables (rows split over two lines joined again), tab-separated rows, and tables pasted one
//! cell per line (a run of column titles, then the cells).

use super::cell::is_header_word;

/// What the reader found, in page order. Line numbers count from 1.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// One row of a pipe, tab or HTML table, its cells in order (empty cells kept).
    Row { line: usize, cells: Vec<String> },
    /// The column titles of a table pasted one cell per line.
    Header { line: usize, cells: Vec<String> },
    /// One cell of a table pasted one cell per line.
    Cell { line: usize, text: String },
    /// The end of a table.
    TableEnd,
    /// A line outside any table: a heading, a list item, prose.
    Text { line: usize, text: String },
}

fn is_separator(cells: &[String]) -> bool {
    cells.iter().all(|c| c.chars().all(|ch| "-:= ".contains(ch))) && cells.iter().any(|c| c.contains('-'))
}

fn split_row(line: &str) -> Vec<String> {
    let t = line.trim();
    if t.contains('\t') && !t.contains('|') {
        return t.split('\t').map(|c| c.trim().to_string()).collect();
    }
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| c.trim().to_string()).collect()
}

fn is_row_line(line: &str) -> bool {
    let t = line.trim();
    (t.contains('|') && t.len() > 1) || t.contains('\t')
}

/// A numbered or lettered step, or a Markdown heading: the end of a table pasted cell by cell.
fn ends_cell_table(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && t[digits..].starts_with(". ")) || t.starts_with('#') || is_row_line(t) || t.starts_with('<')
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Reads text into events.
pub fn events(text: &str) -> Vec<Event> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        if is_row_line(line) {
            i = pipe_table(&lines, i, &mut out);
            out.push(Event::TableEnd);
            continue;
        }
        if let Some(next) = cell_table(&lines, i, &mut out) {
            out.push(Event::TableEnd);
            i = next;
            continue;
        }
        out.push(Event::Text { line: i + 1, text: line.trim().to_string() });
        i += 1;
    }
    out
}

/// Reads a pipe or tab table starting at `start`; returns the index after it.
fn pipe_table(lines: &[&str], start: usize, out: &mut Vec<Event>) -> usize {
    let first = lines[start].trim();
    let closes = first.ends_with('|');
    let mut i = start;
    while i < lines.len() && is_row_line(lines[i]) {
        let line_no = i + 1;
        let mut joined = lines[i].trim().to_string();
        i += 1;
        // A cell split over two lines: the row does not close the way the first row does.
        while closes && !joined.ends_with('|') && i < lines.len() && !lines[i].trim().is_empty() {
            joined.push(' ');
            joined.push_str(lines[i].trim());
            i += 1;
        }
        let cells = split_row(&joined);
        if !is_separator(&cells) {
            out.push(Event::Row { line: line_no, cells });
        }
    }
    i
}

/// A table pasted one cell per line starts with at least two column titles on lines of their
/// own. Emits its events and returns the index after it, or `None` when `start` begins none.
fn cell_table(lines: &[&str], start: usize, out: &mut Vec<Event>) -> Option<usize> {
    let mut titles = Vec::new();
    let mut i = start;
    while i < lines.len() {
        let t = lines[i].trim();
        if t.is_empty() {
            i += 1;
            continue;
        }
        if !is_header_word(t) {
            break;
        }
        titles.push(t.to_string());
        i += 1;
    }
    if titles.len() < 2 {
        return None;
    }
    let table_indent = indent(lines[start]);
    out.push(Event::Header { line: start + 1, cells: titles });
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        if ends_cell_table(line) || (table_indent > 0 && indent(line) < table_indent) {
            break;
        }
        out.push(Event::Cell { line: i + 1, text: line.trim().to_string() });
        i += 1;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> Event {
        Event::Row { line, cells: cells.iter().map(|c| c.to_string()).collect() }
    }

    #[test]
    fn joins_a_row_split_over_two_lines_and_skips_separators() {
        let text = "Intro\n\n| API | Permission | Type |\n|---|---|---|\n| Graph | Sites.Read.All (Read items in\nall site collections) | Application |\n| Graph | Mail.Read | Application |\n\nAfter\n";
        assert_eq!(
            events(text),
            vec![
                Event::Text { line: 1, text: "Intro".into() },
                row(3, &["API", "Permission", "Type"]),
                row(5, &["Graph", "Sites.Read.All (Read items in all site collections)", "Application"]),
                row(7, &["Graph", "Mail.Read", "Application"]),
                Event::TableEnd,
                Event::Text { line: 9, text: "After".into() },
            ]
        );
    }

    #[test]
    fn reads_a_table_pasted_one_cell_per_line_up_to_the_next_step() {
        let text = "  3. Add these:\n\n    API\n\n    Permission name\n\n    Microsoft Graph\n\n    Mail.Read\n\n  4. Next step\n";
        assert_eq!(
            events(text),
            vec![
                Event::Text { line: 1, text: "3. Add these:".into() },
                Event::Header { line: 3, cells: vec!["API".into(), "Permission name".into()] },
                Event::Cell { line: 7, text: "Microsoft Graph".into() },
                Event::Cell { line: 9, text: "Mail.Read".into() },
                Event::TableEnd,
                Event::Text { line: 11, text: "4. Next step".into() },
            ]
        );
    }
}
