//! Where each value of a JSON document is, by path (`value[3].appRoleId`), so a problem found
//! after parsing still names the file, line and column it comes from.
//!
//! The text has already been parsed by serde_json; this walk only records positions and gives
//! up quietly (leaving later paths unknown) on anything it does not expect.

use std::collections::HashMap;

use crate::diagnostic::Location;

#[derive(Debug, Default)]
pub struct Spans {
    file: String,
    lines: Vec<String>,
    /// path -> (1-based line, 1-based column, width in characters)
    nodes: HashMap<String, (usize, usize, usize)>,
}

struct Walker<'a> {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    col: usize,
    nodes: &'a mut HashMap<String, (usize, usize, usize)>,
}

impl Walker<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn string(&mut self) -> Option<String> {
        if self.bump()? != '"' {
            return None;
        }
        let mut s = String::new();
        loop {
            match self.bump()? {
                '"' => return Some(s),
                '\\' => {
                    let c = self.bump()?;
                    s.push(c);
                }
                c => s.push(c),
            }
        }
    }

    fn value(&mut self, path: &str) -> Option<()> {
        self.skip_space();
        let (line, col, start) = (self.line, self.col, self.pos);
        match self.peek()? {
            '{' => {
                self.bump();
                self.skip_space();
                if self.peek()? == '}' {
                    self.bump();
                } else {
                    loop {
                        self.skip_space();
                        let key = self.string()?;
                        self.skip_space();
                        if self.bump()? != ':' {
                            return None;
                        }
                        let child = if path.is_empty() { key } else { format!("{path}.{key}") };
                        self.value(&child)?;
                        self.skip_space();
                        match self.bump()? {
                            ',' => continue,
                            '}' => break,
                            _ => return None,
                        }
                    }
                }
            }
            '[' => {
                self.bump();
                self.skip_space();
                if self.peek()? == ']' {
                    self.bump();
                } else {
                    let mut i = 0;
                    loop {
                        self.value(&format!("{path}[{i}]"))?;
                        i += 1;
                        self.skip_space();
                        match self.bump()? {
                            ',' => continue,
                            ']' => break,
                            _ => return None,
                        }
                    }
                }
            }
            '"' => {
                self.string()?;
            }
            _ => {
                while self.peek().is_some_and(|c| !matches!(c, ',' | '}' | ']') && !c.is_whitespace()) {
                    self.bump();
                }
            }
        }
        // Containers are shown by their first line only.
        let width = if self.line == line { self.pos - start } else { 1 };
        self.nodes.insert(path.to_string(), (line, col, width));
        Some(())
    }
}

impl Spans {
    pub fn index(file: &str, text: &str) -> Spans {
        let mut nodes = HashMap::new();
        let mut w = Walker { chars: text.chars().collect(), pos: 0, line: 1, col: 1, nodes: &mut nodes };
        let _ = w.value("");
        Spans { file: file.to_string(), lines: text.lines().map(str::to_string).collect(), nodes }
    }

    /// The location of the value at `path`, or of the nearest enclosing value that is known
    /// (a missing field is shown at the object that lacks it). The path is always named.
    pub fn at(&self, path: &str) -> Location {
        let mut probe = path.to_string();
        loop {
            if let Some(&(line, column, width)) = self.nodes.get(&probe) {
                return Location {
                    file: self.file.clone(),
                    line,
                    column,
                    path: (!path.is_empty()).then(|| path.to_string()),
                    line_text: self.lines.get(line - 1).cloned(),
                    width: width.clamp(1, 80),
                };
            }
            match probe.rfind(['.', '[']) {
                Some(i) => probe.truncate(i),
                None if !probe.is_empty() => probe.clear(),
                None => {
                    let mut l = Location::file(self.file.clone());
                    l.path = Some(path.to_string());
                    return l;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_and_falls_back_to_the_enclosing_one() {
        let text = "{\n  \"value\": [\n    {\"appRoleId\": \"x\", \"n\": 1},\n    {\"s\": \"a\\\"b\"}\n  ]\n}\n";
        let spans = Spans::index("f.json", text);
        let l = spans.at("value[0].appRoleId");
        assert_eq!((l.line, l.column, l.width), (3, 19, 3));
        assert_eq!(l.path.as_deref(), Some("value[0].appRoleId"));
        assert_eq!(l.line_text.as_deref(), Some("    {\"appRoleId\": \"x\", \"n\": 1},"));
        let l = spans.at("value[1].s");
        assert_eq!((l.line, l.column), (4, 11));
        let missing = spans.at("value[1].resourceId");
        assert_eq!((missing.line, missing.column), (4, 5), "shown at the object that lacks it");
        assert_eq!(missing.path.as_deref(), Some("value[1].resourceId"));
        assert_eq!(spans.at("value").line, 2);
    }
}
