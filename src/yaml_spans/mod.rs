//! Where each node of a YAML document is, by path (`permissions[0].application[3]`).
//!
//! serde gives us typed values but not their positions; this walks the same text with an event
//! parser and records the start of every node, so any error found after parsing can still name
//! the file, line and column it comes from.

use std::collections::HashMap;

use crate::diagnostic::Location;

pub mod nodes;

#[derive(Debug, Default)]
pub struct Spans {
    file: String,
    text: String,
    /// Where each line of `text` starts.
    line_starts: Vec<usize>,
    nodes: Nodes,
}

/// The node positions of a built-in profile, written by `build.rs` with [`nodes::nodes`]: every
/// path in one text, and per node, sorted by path, the path's start and end in it, its line and
/// its column. Offsets, not `&str`, so that the tables need no relocation at start-up.
#[derive(Debug)]
pub struct NodeTable {
    pub paths: &'static str,
    pub nodes: &'static [(u32, u32, u32, u32)],
}

impl NodeTable {
    fn path(&self, (start, end, ..): (u32, u32, u32, u32)) -> &'static str {
        self.paths.get(start as usize..end as usize).unwrap_or_default()
    }

    /// Every node: (path, (line, column)), sorted by path.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, (usize, usize))> + '_ {
        self.nodes.iter().map(|n| (self.path(*n), (n.2 as usize, n.3 as usize)))
    }

    fn get(&self, path: &str) -> Option<(usize, usize)> {
        let i = self.nodes.binary_search_by(|n| self.path(*n).cmp(path)).ok()?;
        Some((self.nodes[i].2 as usize, self.nodes[i].3 as usize))
    }
}

/// A text's node positions: indexed at run time, or a built-in profile's table.
#[derive(Debug)]
enum Nodes {
    Indexed(HashMap<String, (usize, usize)>),
    Table(&'static NodeTable),
}

impl Default for Nodes {
    fn default() -> Self {
        Nodes::Indexed(HashMap::new())
    }
}

impl Nodes {
    fn get(&self, path: &str) -> Option<(usize, usize)> {
        match self {
            Nodes::Indexed(map) => map.get(path).copied(),
            Nodes::Table(table) => table.get(path),
        }
    }
}

impl Spans {
    /// Indexes `text`. A text the event parser rejects gives an empty index: the typed parser
    /// reports that error itself, with its own position.
    pub fn index(file: &str, text: &str) -> Spans {
        Spans::with(file, text, Nodes::Indexed(nodes::nodes(text)))
    }

    /// The positions of a built-in profile's `text`, from the table `build.rs` made of it with
    /// [`nodes::nodes`] (a test holds the two equal).
    pub fn from_table(file: &str, text: &str, table: &'static NodeTable) -> Spans {
        Spans::with(file, text, Nodes::Table(table))
    }

    fn with(file: &str, text: &str, nodes: Nodes) -> Spans {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Spans { file: file.to_string(), text: text.to_string(), line_starts, nodes }
    }

    /// The location of the node at `path`: a value where there is one, else its key, else (for a
    /// mapping in a list) its first key.
    pub fn locate(&self, path: &str) -> Option<Location> {
        self.locate_with_width(path, None)
    }

    /// Like `locate`, underlining `width` characters (e.g. the offending name).
    pub fn locate_with_width(&self, path: &str, width: Option<usize>) -> Option<Location> {
        let (line, column) = self
            .nodes
            .get(path)
            .or_else(|| self.nodes.get(&format!("{path}#key")))
            .or_else(|| self.nodes.get(&format!("{path}#map")))?;
        Some(self.at(line, column, Some(path.to_string()), width))
    }

    /// A location at a known line and column (from the typed parser's error).
    pub fn at(&self, line: usize, column: usize, path: Option<String>, width: Option<usize>) -> Location {
        let line_text = self.line(line).map(str::to_string);
        let width = width.unwrap_or_else(|| line_text.as_deref().map_or(1, |t| scalar_width(t, column)));
        Location { file: self.file.clone(), line, column, path, line_text, width }
    }

    /// Line `number` (1-based) of the text, without its line break, as `str::lines` gives it.
    fn line(&self, number: usize) -> Option<&str> {
        let start = *self.line_starts.get(number.checked_sub(1)?)?;
        if start >= self.text.len() {
            return None;
        }
        match self.line_starts.get(number) {
            // Ended by `\n`, or by `\r\n`.
            Some(next) => self.text.get(start..next - 1).map(|l| l.strip_suffix('\r').unwrap_or(l)),
            None => self.text.get(start..),
        }
    }

    pub fn file(&self) -> &str {
        &self.file
    }
}

/// How far the plain scalar starting at `column` runs: to a flow separator, a `: ` or ` #`, or the
/// end of the line, without trailing space.
fn scalar_width(line: &str, column: usize) -> usize {
    let rest: Vec<char> = line.chars().skip(column.saturating_sub(1)).collect();
    let mut end = rest.len();
    for (i, c) in rest.iter().enumerate() {
        let next = rest.get(i + 1).copied();
        if matches!(c, ',' | ']' | '}')
            || (*c == ':' && next.is_none_or(char::is_whitespace))
            || (*c == '#' && i > 0 && rest[i - 1].is_whitespace())
        {
            end = i;
            break;
        }
    }
    rest[..end].iter().rev().skip_while(|c| c.is_whitespace()).count().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str =
        "id: x\npermissions:\n  - api: Microsoft Graph\n    application:\n      - Mail.Read\n      - User.Read.All\n";

    #[test]
    fn finds_nested_sequence_items() {
        let spans = Spans::index("p.yaml", DOC);
        let loc = spans.locate("permissions[0].application[1]").expect("located");
        assert_eq!((loc.line, loc.column, loc.width), (6, 9, 13));
        assert_eq!(loc.line_text.as_deref(), Some("      - User.Read.All"));
        let api = spans.locate("permissions[0].api").expect("located");
        assert_eq!((api.line, api.column), (3, 10));
    }

    #[test]
    fn falls_back_to_the_key_of_an_empty_value() {
        let spans = Spans::index("p.yaml", "id:\nvendor: v\n");
        let loc = spans.locate("id").expect("located");
        assert_eq!(loc.line, 1);
    }

    #[test]
    fn mappings_in_lists_are_located_at_their_first_key_and_values_underlined_whole() {
        let spans = Spans::index(
            "p.yaml",
            "s:\n  list:\n    - name: Legacy Auth # why\n      value: true\n  add_in:\n    x: [a b, c]\n",
        );
        let item = spans.locate("s.list[0]").expect("item");
        assert_eq!((item.line, item.column), (3, 7));
        let name = spans.locate("s.list[0].name").expect("name");
        assert_eq!((name.column, name.width), (13, 11));
        let add_in = spans.locate("s.add_in").expect("map");
        assert_eq!((add_in.line, add_in.column), (5, 3));
        let flow = spans.locate("s.add_in.x[0]").expect("flow item");
        assert_eq!((flow.column, flow.width), (9, 3));
    }

    #[test]
    fn lines_are_those_of_str_lines() {
        for text in ["a\nb\n", "a\r\nb", "\n\nx", "", "only", "a\n\n", "a\r", "a\r\n\r"] {
            let spans = Spans::index("p.yaml", text);
            let lines: Vec<&str> = text.lines().collect();
            for n in 0..lines.len() + 2 {
                assert_eq!(spans.line(n), n.checked_sub(1).and_then(|i| lines.get(i).copied()), "{text:?} {n}");
            }
        }
    }

    #[test]
    fn unknown_paths_are_none() {
        assert!(Spans::index("p.yaml", DOC).locate("permissions[3]").is_none());
    }
}
