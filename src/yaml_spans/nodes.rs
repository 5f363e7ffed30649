//! The walk behind [`super::Spans`]: the position of every node of a YAML text, by path. Kept
//! apart, with nothing but `yaml_rust2` and `std`, so that `build.rs` indexes the built-in
//! profiles with this same code and the binary carries their positions as tables.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Path -> (line, column), both 1-based. Paths: `permissions[0].application[3]`; a mapping's
/// key is `PATH#key`, a mapping itself `PATH#map` (at its first key), a repeated key
/// `PATH#duplicate`. A text the event parser rejects gives what was read before the error.
pub fn nodes(text: &str) -> HashMap<String, (usize, usize)> {
    let mut nodes = HashMap::new();
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    while let Ok((event, mark)) = parser.next_token() {
        match event {
            Event::StreamEnd => break,
            Event::Scalar(value, style, ..) => {
                if let Some(Frame::Map { path, key, located }) = stack.last_mut()
                    && key.is_none()
                {
                    // A mapping is located at its first key: the parser's own mark for a
                    // block mapping is not where a reader would look.
                    if !*located {
                        nodes.entry(format!("{path}#map")).or_insert((mark.line(), mark.col() + 1));
                        *located = true;
                    }
                    // A mapping key: remember it, and where it is (for missing values).
                    let child = join_key(path, &value);
                    *key = Some(value);
                    let marker = format!("{child}#key");
                    if nodes.contains_key(&marker) {
                        record(&mut nodes, format!("{child}#duplicate"), mark);
                    }
                    record(&mut nodes, marker, mark);
                    continue;
                }
                let path = next_child(&mut stack);
                // An empty value (`key:` and nothing) is placed on the next line by the
                // parser; point at its key instead.
                if !(value.is_empty() && style == TScalarStyle::Plain) {
                    record(&mut nodes, path, mark);
                }
            }
            Event::Alias(_) => {
                let path = next_child(&mut stack);
                record(&mut nodes, path, mark);
            }
            Event::SequenceStart(..) => {
                let path = next_child(&mut stack);
                record(&mut nodes, path.clone(), mark);
                stack.push(Frame::Seq { path, index: 0 });
            }
            Event::MappingStart(..) => {
                let path = next_child(&mut stack);
                stack.push(Frame::Map { path, key: None, located: false });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    nodes
}

enum Frame {
    /// `located`: its `#map` entry is recorded (at its first key).
    Map {
        path: String,
        key: Option<String>,
        located: bool,
    },
    Seq {
        path: String,
        index: usize,
    },
}

/// The path of the node that starts now, advancing the parent's key or index.
fn next_child(stack: &mut [Frame]) -> String {
    match stack.last_mut() {
        None => String::new(),
        Some(Frame::Map { path, key, .. }) => {
            let k = key.take().unwrap_or_default();
            join_key(path, &k)
        }
        Some(Frame::Seq { path, index }) => {
            let p = format!("{path}[{index}]");
            *index += 1;
            p
        }
    }
}

fn record(nodes: &mut HashMap<String, (usize, usize)>, path: String, mark: Marker) {
    // Marker lines are 1-based, columns 0-based.
    nodes.entry(path).or_insert((mark.line(), mark.col() + 1));
}

fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}
