//! Reading input files within limits: a size cap (a huge file or `/dev/zero` fails at once),
//! UTF-8 with or without a byte-order mark (UTF-16 with one where Windows tools write it), an
//! invalid byte reported with its line, and a cap on YAML nesting.

use std::io::Read;
use std::path::Path;

use crate::diagnostic::{Diagnostic, InputError, Location};

/// The largest profile, values, cloud or template file read.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// The largest inventory or service-principal export read.
pub const MAX_DATA_BYTES: u64 = 64 << 20;
/// The deepest YAML nesting accepted; real profiles and values use fewer than ten levels.
pub const MAX_YAML_DEPTH: usize = 64;
/// The longest value echoed in a message; longer ones are cut with their length.
pub const MAX_SHOWN_CHARS: usize = 200;

/// Which encodings a file may be in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// Also UTF-16 (little or big endian) with its byte-order mark, as Windows PowerShell 5.1
    /// `>` writes.
    Utf8OrUtf16,
}

/// Reads `path` as text: `what` names it in errors (`profile`, `values file`).
pub fn read_text(path: &Path, what: &str, limit: u64, encoding: Encoding) -> Result<String, InputError> {
    let shown = path.display().to_string();
    let cannot = |e: std::io::Error| InputError::msg(format!("cannot read {what} `{shown}`: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    if let Ok(meta) = file.metadata()
        && meta.is_dir()
    {
        return Err(InputError::msg(format!("cannot read {what} `{shown}`: it is a folder")));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::msg(format!(
            "{what} `{shown}` is larger than {} MiB; this is not a file m365-runbook reads",
            limit >> 20
        )));
    }
    decode(&shown, bytes, encoding)
}

/// Text from bytes: a UTF-8 byte-order mark is dropped; UTF-16 is decoded when allowed.
pub fn decode(shown: &str, bytes: Vec<u8>, encoding: Encoding) -> Result<String, InputError> {
    if encoding == Encoding::Utf8OrUtf16
        && let Some(big_endian) = match bytes.get(..2) {
            Some([0xFF, 0xFE]) => Some(false),
            Some([0xFE, 0xFF]) => Some(true),
            _ => None,
        }
    {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], c.get(1).copied().unwrap_or(0)];
                if big_endian { u16::from_be_bytes(pair) } else { u16::from_le_bytes(pair) }
            })
            .collect();
        return String::from_utf16(&units).map_err(|_| {
            InputError::one(
                Diagnostic::error("the file is not valid UTF-16 (its byte-order mark says it is)")
                    .at(Some(Location::file(shown))),
            )
        });
    }
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        let mut location = Location::file(shown);
        location.line = line;
        location.column = column;
        InputError::one(
            Diagnostic::error("the file is not valid UTF-8 here").at(Some(location)).help("save the file as UTF-8"),
        )
    })
}

/// Refuses YAML nested deeper than [`MAX_YAML_DEPTH`], before any parser that walks the tree
/// recursively or builds paths per node sees it. Stops at the first level too many.
pub fn check_yaml_depth(origin: &str, text: &str) -> Result<(), InputError> {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new_from_str(text);
    let too_deep = |line: usize, col: usize| {
        let mut location = Location::file(origin);
        location.line = line;
        location.column = col + 1;
        InputError::one(
            Diagnostic::error(format!("the YAML is nested more than {MAX_YAML_DEPTH} levels deep")).at(Some(location)),
        )
    };
    let mut depth = 0usize;
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => return Ok(()),
            Ok((Event::SequenceStart(..) | Event::MappingStart(..), mark)) => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Err(too_deep(mark.line(), mark.col()));
                }
            }
            Ok((Event::SequenceEnd | Event::MappingEnd, _)) => depth = depth.saturating_sub(1),
            Ok(_) => {}
            // The event parser's own limit is deeper than ours; other errors the typed parser
            // reports with its own words.
            Err(e) if e.info().contains("recursion limit") => {
                return Err(too_deep(e.marker().line(), e.marker().col()));
            }
            Err(_) => return Ok(()),
        }
    }
}

/// `text` for a message: control characters escaped, cut to [`MAX_SHOWN_CHARS`] with its length.
pub fn shown(text: &str) -> String {
    let count = text.chars().count();
    if count <= MAX_SHOWN_CHARS {
        return text.escape_debug().to_string();
    }
    let head: String = text.chars().take(MAX_SHOWN_CHARS).collect();
    format!("{}… ({count} characters)", head.escape_debug())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_utf16_and_bad_bytes() {
        assert_eq!(decode("f", b"\xEF\xBB\xBFid: x".to_vec(), Encoding::Utf8).expect("bom"), "id: x");
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("{\"a\":1}".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode("f", utf16.clone(), Encoding::Utf8OrUtf16).expect("utf-16"), "{\"a\":1}");
        assert!(decode("f", utf16, Encoding::Utf8).is_err(), "UTF-16 only where allowed");
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("ok".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode("f", be, Encoding::Utf8OrUtf16).expect("be"), "ok");
        let err = decode("f", b"a\nbc\xFFd".to_vec(), Encoding::Utf8).expect_err("bad");
        let at = err.diagnostics[0].location.clone().expect("location");
        assert_eq!((at.line, at.column), (2, 3));
    }

    #[test]
    fn deep_yaml_stops_at_the_limit() {
        let deep = format!("a: {}1{}", "[".repeat(100_000), "]".repeat(100_000));
        let t = std::time::Instant::now();
        let err = check_yaml_depth("f.yaml", &deep).expect_err("deep");
        assert!(t.elapsed().as_millis() < 500, "{:?}", t.elapsed());
        assert!(err.to_string().contains("nested more than 64 levels"), "{err}");
        check_yaml_depth("f.yaml", "a:\n  b: [1, {c: d}]\n").expect("shallow");
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(100_000);
        let s = shown(&long);
        assert!(s.len() < 300 && s.ends_with("(100000 characters)"), "{s}");
        assert_eq!(shown("a\u{1b}b"), "a\\u{1b}b");
    }
}
