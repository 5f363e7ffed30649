//! Line wrapping for generated Markdown pages. Templates write prose in short lines, but a value
//! (a summary, a warning, a product name) can make a line as long as it likes; markdownlint's
//! MD013 and Docusaurus's style limit lines to 80 and 120 columns. Only prose lines are wrapped,
//! and only at a single space before a word that cannot start a block of its own, so the page
//! means exactly what it meant before: tables, headings, code, front matter, HTML, JSX, imports,
//! admonition fences and GitBook tags are left as they are.

/// Wraps every paragraph of `text` that has a line longer than `width` characters: its lines
/// are joined and filled again (paragraphs that fit are left as written). A word longer than the
/// line stays whole (MD013 allows a long line with no space beyond the limit). Blank lines in a
/// row outside code become one.
pub fn reflow(text: &str, width: usize) -> String {
    let mut out = Page::with_capacity(text.len() + text.len() / 16);
    walk(text, &mut out, &mut |page, paragraph| fill(page, paragraph, width));
    out.text
}

/// A page laid out by [`layout`]: text as [`reflow`] writes it, and paragraphs left to fill.
#[derive(Debug, PartialEq)]
pub enum Part {
    Text(String),
    /// A paragraph's lines as written, filled by [`fill_paragraph`] once they are final; after
    /// a newline when the page has a line before it.
    Paragraph {
        lines: Vec<String>,
        newline_before: bool,
    },
}

/// [`reflow`] of `text`, except for the paragraphs with a line that `held` picks, which are
/// left as they are written: once the text in them is final, each is filled with
/// [`fill_paragraph`] and the parts joined, which gives the page [`reflow`] gives. That holds
/// when what replaces text in a held paragraph does not change how its lines begin or end (a
/// paragraph's bounds depend on nothing else); the caller sees to that.
pub fn layout(text: &str, width: usize, held: &dyn Fn(&str) -> bool) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut out = Page::with_capacity(text.len() + text.len() / 16);
    walk(text, &mut out, &mut |page, paragraph| {
        if paragraph.iter().any(|l| held(l)) {
            parts.push(Part::Text(std::mem::take(&mut page.text)));
            let lines = paragraph.iter().map(|l| l.to_string()).collect();
            parts.push(Part::Paragraph { lines, newline_before: page.lines > 0 });
            // A paragraph is at least one line, and never blank.
            page.lines += 1;
            page.last_blank = false;
        } else {
            fill(page, paragraph, width);
        }
    });
    parts.push(Part::Text(out.text));
    parts
}

/// One paragraph as [`reflow`] writes it: as it is when every line fits, else filled again.
pub fn fill_paragraph(lines: &[&str], width: usize) -> String {
    let mut out = Page::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    fill(&mut out, lines, width);
    out.text
}

/// Walks the lines of `text`, writing to `out` every line that keeps its shape and giving each
/// paragraph (a prose line and the lines that continue it) to `paragraph`.
fn walk(text: &str, out: &mut Page, paragraph: &mut dyn FnMut(&mut Page, &[&str])) {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut fence: Option<(char, usize)> = None;
    let mut front_matter = text.starts_with("---\n");
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        i += 1;
        if front_matter {
            if i > 1 && line == "---" {
                front_matter = false;
            }
            out.push(line);
            continue;
        }
        if let Some((c, len)) = fence {
            let run = trimmed.chars().take_while(|x| *x == c).count();
            if run >= len && trimmed[run * c.len_utf8()..].trim().is_empty() {
                fence = None;
            }
            out.push(line);
            continue;
        }
        if let Some(open) = opens_fence(trimmed) {
            fence = Some(open);
            out.push(line);
            continue;
        }
        if trimmed.is_empty() {
            // One blank line is as good as several, and markdownlint (MD012) wants one.
            if out.lines == 0 || !out.last_blank || i == lines.len() {
                out.push("");
            }
            continue;
        }
        if !is_prose(trimmed) {
            out.push(line);
            continue;
        }
        // A paragraph: this line and the lines that continue it at the same indentation.
        let indent = prefix_len(line);
        let start = i - 1;
        while i < lines.len() && continues(lines[i], indent) {
            i += 1;
        }
        paragraph(out, &lines[start..i]);
    }
}

/// Writes one paragraph: its lines as they are if each fits (a line of no more bytes than
/// `width` has no more characters either), else joined and filled again.
fn fill(out: &mut Page, paragraph: &[&str], width: usize) {
    let Some(first) = paragraph.first() else { return };
    if paragraph.iter().all(|l| l.len() <= width || l.chars().count() <= width) {
        paragraph.iter().for_each(|l| out.push(l));
    } else {
        let indent = prefix_len(first);
        let joined = std::iter::once(first[indent..].trim())
            .chain(paragraph[1..].iter().map(|l| l.trim()))
            .collect::<Vec<_>>()
            .join(" ");
        out.push(&wrapped(&format!("{}{joined}", &first[..indent]), width));
    }
}

/// The page being written: its text, how many lines it has, and whether the last one is blank.
struct Page {
    text: String,
    lines: usize,
    last_blank: bool,
}

impl Page {
    fn with_capacity(bytes: usize) -> Page {
        Page { text: String::with_capacity(bytes), lines: 0, last_blank: false }
    }

    fn push(&mut self, line: &str) {
        if self.lines > 0 {
            self.text.push('\n');
        }
        self.text.push_str(line);
        self.lines += 1;
        self.last_blank = line.trim().is_empty();
    }
}

/// The most paragraphs [`wrapped`] remembers per thread before it starts again.
const WRAPPED_LIMIT: usize = 512;

thread_local! {
    /// (width, paragraph) -> the paragraph filled: the pages of an inventory share most of their
    /// paragraphs, and filling one again costs a hundred times a lookup.
    static WRAPPED: std::cell::RefCell<std::collections::HashMap<(usize, String), String>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// [`wrap_line`] into a new string, remembered.
fn wrapped(line: &str, width: usize) -> String {
    WRAPPED.with(|m| {
        let mut map = m.borrow_mut();
        let key = (width, line.to_string());
        if let Some(hit) = map.get(&key) {
            return hit.clone();
        }
        let mut out = String::with_capacity(line.len() + line.len() / 8);
        wrap_line(line, width, &mut out);
        if map.len() >= WRAPPED_LIMIT {
            map.clear();
        }
        map.insert(key, out.clone());
        out
    })
}

/// A code fence opening: three or more backticks or tildes.
fn opens_fence(trimmed: &str) -> Option<(char, usize)> {
    let c = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = trimmed.chars().take_while(|x| *x == c).count();
    (run >= 3).then_some((c, run))
}

/// Whether `line` goes on with the paragraph whose text starts at column `indent`.
fn continues(line: &str, indent: usize) -> bool {
    let trimmed = line.trim_start();
    let spaces = line.len() - trimmed.len();
    !trimmed.is_empty()
        && is_prose(trimmed)
        && opens_fence(trimmed).is_none()
        && spaces == indent
        && prefix_len(line) == indent
}

/// Lines that are something other than a paragraph or a list item keep their shape.
fn is_prose(trimmed: &str) -> bool {
    const BLOCKS: &[&str] = &["|", "#", "<", "{", ":::", "import ", "export ", "---", "***", "===", ">"];
    !BLOCKS.iter().any(|b| trimmed.starts_with(b)) && !trimmed.ends_with('\\') && !trimmed.ends_with("  ")
}

/// The part of a line before its text: indentation and a list marker. Continuation lines are
/// indented to where the text starts, so they stay in the list item.
fn prefix_len(line: &str) -> usize {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let marker = if rest.starts_with("- ") || rest.starts_with("* ") || rest.starts_with("+ ") {
        2
    } else {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && (rest[digits..].starts_with(". ") || rest[digits..].starts_with(") ")) {
            digits + 2
        } else {
            0
        }
    };
    indent + marker
}

/// Whether a line may begin with `word` without becoming something else: a list item, a heading,
/// a block quote, a code fence, HTML or JSX, an MDX expression, a GitBook tag, a table row.
fn starts_safely(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else { return false };
    if first.is_ascii_digit() {
        // `1.` or `1)` alone would start an ordered list.
        let digits = word.chars().take_while(char::is_ascii_digit).count();
        let rest = &word[digits..];
        return !(rest == "." || rest == ")");
    }
    match first {
        c if c.is_alphanumeric() => true,
        '(' | '"' | '\'' | '\\' | '&' => true,
        // A shell variable; `$$` would open a math block in GitBook.
        '$' => chars.next().is_some_and(|c| c.is_alphanumeric()),
        // Emphasis (`**bold**`, `*it*`), not a list marker or a thematic break.
        '*' | '_' => chars.next().is_some_and(|c| c.is_alphanumeric() || c == '*' || c == '_'),
        // A code span; three backticks would open a fence.
        '`' => !word.starts_with("```"),
        // Link text, unless it could be read as a link reference definition.
        '[' => !word.contains("]:"),
        _ => false,
    }
}

fn wrap_line(line: &str, width: usize, out: &mut String) {
    let prefix = prefix_len(line);
    let indent = " ".repeat(prefix);
    let (head, text) = line.split_at(prefix);
    // Break candidates: single spaces, so code spans and padded text keep their spacing.
    let bytes = text.as_bytes();
    let mut words: Vec<&str> = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len().saturating_sub(1) {
        if bytes[i] == b' ' && bytes[i - 1] != b' ' && bytes[i + 1] != b' ' {
            words.push(&text[start..i]);
            start = i + 1;
        }
    }
    words.push(&text[start..]);

    // Greedy, but when a line overflows, break at the last word on it that may start a line.
    // Each word with its width in characters, counted once.
    let mut lines: Vec<Vec<(&str, usize)>> = vec![Vec::new()];
    let width_of = |l: &[(&str, usize)]| prefix + l.iter().map(|w| w.1).sum::<usize>() + l.len() - 1;
    for word in words {
        lines.last_mut().expect("one line at least").push((word, word.chars().count()));
        loop {
            let line = lines.last_mut().expect("one line at least");
            if line.len() < 2 || width_of(line) <= width {
                break;
            }
            let fits = (1..line.len()).rev().find(|&i| starts_safely(line[i].0) && width_of(&line[..i]) <= width);
            let Some(at) = fits.or_else(|| (1..line.len()).rev().find(|&i| starts_safely(line[i].0))) else { break };
            let rest = line.split_off(at);
            lines.push(rest);
        }
    }
    out.push_str(head);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&indent);
        }
        for (j, (word, _)) in line.iter().enumerate() {
            if j > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_prose_and_list_items_with_their_indentation() {
        let text = "one two three four five six\n- alpha beta gamma delta epsilon\n1. uno dos tres cuatro cinco\n";
        assert_eq!(
            reflow(text, 14),
            "one two three\nfour five six\n- alpha beta\n  gamma delta\n  epsilon\n1. uno dos\n   tres cuatro\n   cinco\n"
        );
    }

    #[test]
    fn leaves_tables_headings_code_front_matter_and_tags_alone() {
        let long = "word ".repeat(30);
        for line in [
            format!("| {long} |"),
            format!("## {long}"),
            format!("<TabItem {long}>"),
            format!("{{% hint {long} %}}"),
            format!(":::warning {long}"),
        ] {
            let text = format!("{line}\n");
            assert_eq!(reflow(&text, 20), text);
        }
        let fenced = format!("```bash\n{long}\n```\n{long}\n");
        let got = reflow(&fenced, 20);
        assert!(got.starts_with(&format!("```bash\n{long}\n```\n")), "{got}");
        assert!(got.lines().skip(3).all(|l| l.len() <= 20), "{got}");
        let front = format!("---\ndescription: {long}\n---\n");
        assert_eq!(reflow(&front, 20), front);
    }

    #[test]
    fn never_starts_a_line_with_a_block_marker() {
        let text = "aaaa - bbbb 1. cccc # dddd > eeee {x} <y> ``` ffff\n";
        let got = reflow(text, 4);
        for line in got.lines().skip(1) {
            assert!(starts_safely(line), "{line:?} in {got:?}");
        }
        assert_eq!(got.replace('\n', " "), text.replace('\n', " "));
    }

    #[test]
    fn fills_a_paragraph_again_only_when_a_line_is_too_long() {
        let fits = "short line\nanother\n\n- item\n  more\n";
        assert_eq!(reflow(fits, 20), fits);
        let long = "It only adds:\nnothing is removed at all in the end\n- one two\n  three four five six\n";
        assert_eq!(
            reflow(long, 20),
            "It only adds:\nnothing is removed\nat all in the end\n- one two three four\n  five six\n"
        );
        assert_eq!(reflow("a b c d e f g h i\nj k\n", 8), "a b c d\ne f g h\ni j k\n");
    }

    #[test]
    fn a_remembered_paragraph_is_filled_again_for_another_width() {
        let text = "one two three four five six\n";
        assert_eq!(reflow(text, 14), "one two three\nfour five six\n");
        assert_eq!(reflow(text, 8), "one two\nthree\nfour\nfive six\n");
        assert_eq!(reflow(text, 14), "one two three\nfour five six\n");
        for i in 0..WRAPPED_LIMIT + 10 {
            let long = format!("word{i} {}\n", "x ".repeat(20));
            let mut direct = String::new();
            wrap_line(long.trim_end(), 10, &mut direct);
            assert_eq!(reflow(&long, 10), format!("{direct}\n"));
        }
        assert!(WRAPPED.with(|m| m.borrow().len()) <= WRAPPED_LIMIT);
    }

    #[test]
    fn blank_lines_in_a_row_become_one_outside_code() {
        assert_eq!(reflow("a\n\n\n\nb\n```\n\n\n```\n", 80), "a\n\nb\n```\n\n\n```\n");
    }

    #[test]
    fn a_layout_with_its_paragraphs_filled_is_the_reflowed_page() {
        let text = "---\ntitle: X\n---\n# Head\n\nA short line with KEY.\nnext\n\n\n- one two three four five six seven eight KEY nine ten\n  eleven\n\nplain prose that is long enough to be wrapped at twenty\n```\nKEY\n```\n| KEY |\n";
        for value in ["k", "a-much-longer-value-than-the-key"] {
            let parts = layout(text, 20, &|l| l.contains("KEY"));
            assert!(parts.iter().filter(|p| matches!(p, Part::Paragraph { .. })).count() == 2, "{parts:?}");
            let mut page = String::new();
            for part in &parts {
                match part {
                    Part::Text(t) => page.push_str(&t.replace("KEY", value)),
                    Part::Paragraph { lines, newline_before } => {
                        let lines: Vec<String> = lines.iter().map(|l| l.replace("KEY", value)).collect();
                        if *newline_before {
                            page.push('\n');
                        }
                        page.push_str(&fill_paragraph(&lines.iter().map(String::as_str).collect::<Vec<_>>(), 20));
                    }
                }
            }
            assert_eq!(page, reflow(&text.replace("KEY", value), 20), "{value}");
        }
    }

    #[test]
    fn keeps_double_spaces_and_long_words() {
        let text = "a  b and a-very-long-word-that-does-not-fit\n";
        assert_eq!(reflow(text, 6), "a  b\nand\na-very-long-word-that-does-not-fit\n");
    }
}
