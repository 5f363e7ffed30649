//! `index.json` and `index.md` of an inventory run, written as the rows finish, so that a run
//! holds no entry per row. The text is, byte for byte, what serde_json's pretty printer and the
//! page give for the whole list at once (the tests below compare the two).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::quote;

/// What the index says before its rows.
#[derive(Serialize)]
pub struct Head<'a> {
    pub profile: &'a str,
    pub title: &'a str,
    pub generator: &'static str,
    pub inventory: String,
}

/// One bundle in place.
#[derive(Serialize)]
pub struct Entry {
    pub tenant: String,
    pub line: usize,
    pub cloud: String,
    pub path: String,
    pub files: usize,
    pub warnings: usize,
}

/// One row that is not in place.
#[derive(Serialize)]
pub struct Failed {
    pub line: usize,
    pub errors: Vec<Diagnostic>,
    /// Found by the check before rendering (and printed then).
    #[serde(skip)]
    pub from_check: bool,
    /// The file system refused: the run fails whole.
    #[serde(skip)]
    pub io: Option<String>,
}

/// `text` with `spaces` before every line but the first.
fn indent_rest(text: &str, spaces: usize) -> String {
    text.replace('\n', &format!("\n{}", " ".repeat(spaces)))
}

fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// `index.json` up to its first bundle.
fn json_head(head: &Head<'_>) -> String {
    let text = pretty(head);
    format!("{},\n  \"bundles\": [", text.strip_suffix("\n}").unwrap_or(&text))
}

/// One bundle of `index.json`, `first` or after another.
fn json_entry(entry: &Entry, first: bool) -> String {
    format!("{}\n    {}", if first { "" } else { "," }, indent_rest(&pretty(entry), 4))
}

/// `index.json` after its last bundle.
fn json_tail(bundles: usize, failed: &[Failed]) -> String {
    let mut text = String::from(if bundles == 0 { "]" } else { "\n  ]" });
    if !failed.is_empty() {
        text.push_str(",\n  \"failed\": ");
        text.push_str(&indent_rest(&pretty(&failed), 2));
    }
    text.push_str("\n}\n");
    text
}

fn md_head(head: &Head<'_>, bundles: usize) -> String {
    format!(
        "# {}: runbooks\n\n{} bundles rendered from `{}` by {}.\n\n| Tenant | Cloud | Runbook | Warnings |\n| --- | --- | --- | --- |\n",
        quote::markdown(head.title),
        bundles,
        quote::markdown(&head.inventory),
        head.generator
    )
}

fn md_row(entry: &Entry) -> String {
    format!(
        "| {} | {} | [runbook]({}runbook.md) | {} |\n",
        quote::markdown_code(&entry.tenant),
        quote::markdown(&entry.cloud),
        quote::markdown_url(&entry.path),
        entry.warnings
    )
}

fn md_failed(failed: &[Failed]) -> String {
    let mut text = String::new();
    if !failed.is_empty() {
        text.push_str("\n## Rows that failed\n\n");
        for f in failed {
            let first = f.errors.first().map(|e| e.message.clone()).unwrap_or_default();
            text.push_str(&format!("- line {}: {}\n", f.line, quote::markdown(&first)));
        }
    }
    text
}

/// A write of an index file that the file system refused, and which file.
pub struct WriteError {
    pub file: &'static str,
    pub error: io::Error,
}

impl WriteError {
    /// The error of a run writing into `target`, naming the file as it would have been there.
    pub fn into_anyhow(self, target: &Path) -> anyhow::Error {
        anyhow::anyhow!("cannot write `{}`: {}", target.join(self.file).display(), self.error)
    }
}

fn on(file: &'static str) -> impl Fn(io::Error) -> WriteError {
    move |error| WriteError { file, error }
}

const JSON: &str = "index.json";
const MD: &str = "index.md";

/// Both index files of a staging folder, open while the rows are rendered. The page's rows go
/// to a file of their own first: its head counts them.
pub struct Writer {
    json: BufWriter<File>,
    md_rows: BufWriter<File>,
    md_rows_path: PathBuf,
    md_path: PathBuf,
    bundles: usize,
}

impl Writer {
    pub fn create(staging: &Path, head: &Head<'_>) -> Result<Writer, WriteError> {
        let md_rows_path = staging.join(".index.md.rows");
        let mut json = BufWriter::new(crate::output::create_with_mode(&staging.join(JSON), false).map_err(on(JSON))?);
        json.write_all(json_head(head).as_bytes()).map_err(on(JSON))?;
        let md_rows = BufWriter::new(crate::output::create_with_mode(&md_rows_path, false).map_err(on(MD))?);
        Ok(Writer { json, md_rows, md_rows_path, md_path: staging.join(MD), bundles: 0 })
    }

    /// The next bundle, in line order.
    pub fn bundle(&mut self, entry: &Entry) -> Result<(), WriteError> {
        self.json.write_all(json_entry(entry, self.bundles == 0).as_bytes()).map_err(on(JSON))?;
        self.md_rows.write_all(md_row(entry).as_bytes()).map_err(on(MD))?;
        self.bundles += 1;
        Ok(())
    }

    /// How many bundles are listed.
    pub fn bundles(&self) -> usize {
        self.bundles
    }

    /// Ends both files with the rows that failed, in line order.
    pub fn finish(self, head: &Head<'_>, failed: &[Failed]) -> Result<(), WriteError> {
        let Writer { mut json, md_rows, md_rows_path, md_path, bundles } = self;
        json.write_all(json_tail(bundles, failed).as_bytes()).map_err(on(JSON))?;
        json.into_inner().map_err(|e| on(JSON)(e.into_error()))?;
        drop(md_rows.into_inner().map_err(|e| on(MD)(e.into_error()))?);
        let mut md = BufWriter::new(crate::output::create_with_mode(&md_path, false).map_err(on(MD))?);
        md.write_all(md_head(head, bundles).as_bytes()).map_err(on(MD))?;
        io::copy(&mut File::open(&md_rows_path).map_err(on(MD))?, &mut md).map_err(on(MD))?;
        md.write_all(md_failed(failed).as_bytes()).map_err(on(MD))?;
        md.into_inner().map_err(|e| on(MD)(e.into_error()))?;
        std::fs::remove_file(&md_rows_path).map_err(on(MD))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole index at once, as it was written before it was streamed.
    #[derive(Serialize)]
    struct Whole<'a> {
        profile: &'a str,
        title: &'a str,
        generator: &'static str,
        inventory: String,
        bundles: &'a [Entry],
        #[serde(skip_serializing_if = "<[Failed]>::is_empty")]
        failed: &'a [Failed],
    }

    fn entry(i: usize) -> Entry {
        Entry {
            tenant: format!("tenant{i}"),
            line: i + 2,
            cloud: "gcc-high".into(),
            path: format!("tenant{i}/"),
            files: 8,
            warnings: i,
        }
    }

    #[test]
    fn streamed_json_is_the_pretty_json_of_the_whole_list() {
        let head =
            Head { profile: "kodo", title: "KODO \"x\"", generator: "m365-runbook 0", inventory: "a.csv".into() };
        for bundles in [0, 1, 3] {
            for failures in [0, 2] {
                let entries: Vec<Entry> = (0..bundles).map(entry).collect();
                let failed: Vec<Failed> = (0..failures)
                    .map(|i| Failed {
                        line: 40 + i,
                        errors: vec![Diagnostic::error(format!("bad\nrow {i}"))],
                        from_check: i == 0,
                        io: None,
                    })
                    .collect();
                let mut streamed = json_head(&head);
                for (i, e) in entries.iter().enumerate() {
                    streamed.push_str(&json_entry(e, i == 0));
                }
                streamed.push_str(&json_tail(entries.len(), &failed));
                let whole = Whole {
                    profile: head.profile,
                    title: head.title,
                    generator: head.generator,
                    inventory: head.inventory.clone(),
                    bundles: &entries,
                    failed: &failed,
                };
                assert_eq!(streamed, crate::render::json_text(&whole), "{bundles} bundles, {failures} failed");
            }
        }
    }

    #[test]
    fn the_writer_leaves_both_files_and_nothing_else() {
        let tmp = tempfile::tempdir().expect("tmp");
        let head = Head { profile: "kodo", title: "KODO", generator: "m365-runbook 0", inventory: "a.csv".into() };
        let Ok(mut w) = Writer::create(tmp.path(), &head) else { panic!("create") };
        for i in 0..2 {
            assert!(w.bundle(&entry(i)).is_ok());
        }
        assert_eq!(w.bundles(), 2);
        let failed = [Failed { line: 9, errors: vec![Diagnostic::error("no")], from_check: true, io: None }];
        assert!(w.finish(&head, &failed).is_ok());
        let mut names: Vec<String> = std::fs::read_dir(tmp.path())
            .expect("dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        names.sort();
        assert_eq!(names, ["index.json", "index.md"]);
        let md = std::fs::read_to_string(tmp.path().join("index.md")).expect("md");
        assert!(md.starts_with("# KODO: runbooks\n\n2 bundles rendered from `a.csv` by m365-runbook 0.\n"), "{md}");
        assert!(md.contains("| `tenant1` | gcc-high | [runbook](tenant1/runbook.md) | 1 |\n"), "{md}");
        assert!(md.ends_with("## Rows that failed\n\n- line 9: no\n"), "{md}");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(tmp.path().join("index.json")).expect("json"))
                .expect("parses");
        assert_eq!(json["bundles"][1]["tenant"], "tenant1");
        assert_eq!(json["failed"][0]["line"], 9);
    }
}
