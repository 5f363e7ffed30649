//! Hostile or odd input: each case a clear error (exit 2) naming file, line and field, quickly
//! and in little memory, with bounded output; odd but valid encodings accepted.

use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::{bin, repo, stderr, stdout};

/// Generous for a debug build on a loaded machine; the release figures are in the closing note.
const QUICK: Duration = Duration::from_secs(10);

fn timed(dir: &Path, args: &[&str]) -> Output {
    let start = Instant::now();
    let o = bin().current_dir(dir).args(args).output().expect("runs");
    assert!(start.elapsed() < QUICK, "{args:?} took {:?}", start.elapsed());
    o
}

fn input_error(o: &Output, what: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(stderr(o).contains(what), "{}", stderr(o));
}

#[test]
fn ten_thousand_unknown_columns_give_one_short_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let header: Vec<String> = (0..10_000).map(|i| format!("col{i}")).collect();
    fs::write(tmp.path().join("wide.csv"), format!("tenant,{}\ncontoso\n", header.join(","))).expect("csv");
    let o = timed(tmp.path(), &["render", "corso", "--inventory", "wide.csv"]);
    input_error(&o, "the header row has 10001 columns");
    assert!(o.stderr.len() < 2_000, "{} bytes of errors", o.stderr.len());
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn a_repeated_column_is_an_error_with_its_place() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("dup.csv"), "tenant,tenant\ncontoso,fabrikam\n").expect("csv");
    let o = timed(tmp.path(), &["render", "corso", "--inventory", "dup.csv"]);
    input_error(&o, "column `tenant` appears twice (first as column 1)\n --> dup.csv:1:8 (tenant)");
}

#[test]
fn deeply_nested_yaml_fails_at_once_wherever_it_is() {
    let tmp = tempfile::tempdir().expect("tmp");
    let deep = format!("tenant: {}x{}\n", "[".repeat(100_000), "]".repeat(100_000));
    fs::write(tmp.path().join("deep.yaml"), &deep).expect("deep");
    fs::write(tmp.path().join("inv.yaml"), format!("- {deep}")).expect("inv");
    fs::write(tmp.path().join("profile.yaml"), format!("id: {}x{}\n", "{a: ".repeat(100_000), "}".repeat(100_000)))
        .expect("profile");
    for args in [
        vec!["render", "corso", "-f", "deep.yaml"],
        vec!["render", "corso", "--tenant", "contoso", "--cloud-file", "deep.yaml"],
        vec!["render", "corso", "--inventory", "inv.yaml"],
        vec!["lint", "profile.yaml"],
    ] {
        let o = timed(tmp.path(), &args);
        input_error(&o, "nested more than 64 levels deep");
    }
}

#[cfg(unix)]
#[test]
fn an_endless_file_fails_at_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    for args in [
        vec!["render", "corso", "-f", "/dev/zero"],
        vec!["render", "corso", "--tenant", "contoso", "--cloud-file", "/dev/zero"],
        vec!["render", "corso", "--inventory", "/dev/zero"],
    ] {
        let o = timed(tmp.path(), &args);
        input_error(&o, "is larger than");
    }
}

#[test]
fn a_huge_value_is_not_echoed_whole() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("v.yaml"), format!("tenant: {}\n", "x".repeat(1_000_000))).expect("v");
    let o = timed(tmp.path(), &["render", "corso", "-f", "v.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stderr.len() < 4_000, "{} bytes of errors", o.stderr.len());
    assert!(stderr(&o).contains("characters in all)"), "{}", stderr(&o));
}

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("v.yaml"), b"tenant: contoso\napp_name: caf\xE9\n").expect("v");
    let o = timed(tmp.path(), &["render", "corso", "-f", "v.yaml"]);
    input_error(&o, "not valid UTF-8 here\n --> v.yaml:2:14");
}

#[test]
fn list_items_that_are_not_strings_are_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("v.yaml"), "tenant: contoso\nsites: [1, {a: b}]\n").expect("v");
    let o = timed(tmp.path(), &["render", "corso", "-f", "v.yaml", "--least-privilege"]);
    input_error(&o, "`sites[0]` is not a URL: each item is a string\n --> v.yaml:2:9");
    fs::write(tmp.path().join("inv.yaml"), "- tenant: contoso\n  sites: [https://contoso.sharepoint.com, 2]\n")
        .expect("inv");
    let o = timed(tmp.path(), &["render", "corso", "--inventory", "inv.yaml"]);
    input_error(&o, "`sites[1]` is not a URL");
}

#[test]
fn a_site_path_that_climbs_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = timed(
        tmp.path(),
        &[
            "render",
            "corso",
            "--tenant",
            "contoso",
            "--least-privilege",
            "--site",
            "https://contoso.sharepoint.com/sites/../../_layouts",
        ],
    );
    input_error(&o, "has a `.` or `..` segment in its path");
}

fn profile_with(tmp: &Path, edit: impl Fn(String) -> String) -> String {
    let o = bin().current_dir(tmp).args(["init", "acme", "--out", "-"]).output().expect("init");
    let text = edit(stdout(&o));
    fs::write(tmp.join("acme.yaml"), text).expect("profile");
    "acme.yaml".to_string()
}

#[test]
fn a_source_url_must_be_a_web_address() {
    let tmp = tempfile::tempdir().expect("tmp");
    let p = profile_with(tmp.path(), |t| {
        let line = t.lines().find(|l| l.trim_start().starts_with("url:")).expect("url line").to_string();
        let indent = &line[..line.len() - line.trim_start().len()];
        t.replace(&line, &format!("{indent}url: \"javascript:alert(1)\""))
    });
    let o = timed(tmp.path(), &["render", &p, "--tenant", "contoso"]);
    input_error(&o, "`javascript:alert(1)` is not an http or https URL");
    assert!(stderr(&o).contains("(source.url)"), "{}", stderr(&o));
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn a_byte_order_mark_is_accepted_in_profiles_and_cloud_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    // The mark right before the first key (a leading comment would hide the problem).
    let p = profile_with(tmp.path(), |t| {
        format!("\u{FEFF}{}", t.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n"))
    });
    let o = timed(tmp.path(), &["lint", &p]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cloud = stdout(&bin().args(["cloud", "show", "gcc"]).output().expect("cloud"));
    fs::write(tmp.path().join("c.yaml"), format!("\u{FEFF}{cloud}")).expect("cloud");
    let o = timed(tmp.path(), &["render", "corso", "--tenant", "contoso", "--cloud-file", "c.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn catalog_import_takes_bom_and_utf16_files_and_escapes_what_it_prints() {
    let tmp = tempfile::tempdir().expect("tmp");
    let json = fs::read_to_string(repo().join("tests/fixtures/sp/sharepoint-az.json")).expect("fixture");
    let json = json.replacen("\"Office 365 SharePoint Online\"", "\"Office\\u001b[2J 365\\u202eSharePoint\"", 2);
    fs::write(tmp.path().join("bom.json"), format!("\u{FEFF}{json}")).expect("bom");
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(json.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    fs::write(tmp.path().join("utf16.json"), utf16).expect("utf16");
    let catalog = tmp.path().join("catalog.json").to_string_lossy().to_string();
    for file in ["bom.json", "utf16.json"] {
        let o = timed(tmp.path(), &["--catalog", &catalog, "catalog", "import", file]);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        assert!(!stdout(&o).contains('\u{1b}') && !stdout(&o).contains('\u{202e}'), "{}", stdout(&o));
        assert!(stdout(&o).contains("Office\\u{1b}[2J 365\\u{202e}SharePoint"), "{}", stdout(&o));
    }
    let o = timed(tmp.path(), &["--catalog", &catalog, "-q", "catalog", "import", "bom.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "--quiet silences the report");
}

#[cfg(unix)]
#[test]
fn a_template_folder_cannot_read_files_outside_itself() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("secret.txt"), "TOP SECRET").expect("secret");
    fs::create_dir(tmp.path().join("t")).expect("t");
    std::os::unix::fs::symlink("../secret.txt", tmp.path().join("t/runbook.md.tera")).expect("symlink");
    let o = timed(tmp.path(), &["--templates", "t", "render", "corso", "--tenant", "contoso"]);
    input_error(&o, "outside the templates folder");
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn a_runaway_template_loop_stops_with_an_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::create_dir(tmp.path().join("t")).expect("t");
    fs::write(
        tmp.path().join("t/app.env.tera"),
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}xxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
    )
    .expect("template");
    let o = timed(tmp.path(), &["--templates", "t", "render", "corso", "--tenant", "contoso"]);
    input_error(&o, "wrote more than 32 MiB");
    assert!(!tmp.path().join("out").exists());
}
