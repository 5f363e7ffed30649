//! `init --from`: vendor permission tables of every shape, each read into a profile with a
//! report where every row is resolved, corrected or unresolved. The fixtures in
//! `tests/fixtures/import/` are short invented tables in the shapes real pages use; each has a
//! `.expected` file holding the exit status, the whole report and the whole profile.
//! Regenerate them on purpose with `UPDATE_GOLDEN=1 cargo test --test integration import`.

use std::fs;
use std::path::PathBuf;

use crate::common::{bin, repo, stderr, stdout};

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/import")
}

const FIXTURES: &[&str] = &[
    "avepoint-express.md",
    "veeam-8.5.md",
    "kodo-cells.txt",
    "ticks.md",
    "headings.md",
    "consent.txt",
    "wrapped.md",
    "saved-page.html",
    "glued.txt",
    "cells-continuation.txt",
    "sections.md",
];

/// The profile's `source.date` is today's date; the expected files hold a placeholder.
fn undated(profile: &str) -> String {
    profile
        .lines()
        .map(|l| match l.strip_prefix("  date: \"") {
            Some(rest) if rest.len() > 10 && rest.as_bytes()[10] == b'"' => format!("  date: \"TODAY{}", &rest[10..]),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn init(fixture: &str, extra: &[&str]) -> std::process::Output {
    bin()
        .current_dir(fixtures())
        .args(["init", "acme-backup-3", "--from", fixture, "--out", "-"])
        .args(extra)
        .output()
        .expect("runs")
}

#[test]
fn import_every_fixture_gives_its_whole_expected_report_and_profile() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for fixture in FIXTURES {
        let o = init(fixture, &[]);
        let got = format!(
            "exit: {}\n--- report\n{}--- profile\n{}",
            o.status.code().unwrap_or(-1),
            stderr(&o),
            undated(&stdout(&o))
        );
        let path = fixtures().join(format!("{fixture}.expected"));
        if update {
            fs::write(&path, &got).expect("write");
            continue;
        }
        let want = fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            mismatches.push(format!("{fixture}:\n--- got\n{got}\n--- want\n{want}"));
        }
    }
    assert!(mismatches.is_empty(), "{}\nregenerate with UPDATE_GOLDEN=1", mismatches.join("\n"));
}

#[test]
fn import_profiles_load_and_lint_without_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    for fixture in FIXTURES {
        let o = init(fixture, &[]);
        let file = tmp.path().join(format!("{}.yaml", fixture.replace('.', "-")));
        fs::write(&file, stdout(&o)).expect("write");
        let lint = bin().args(["lint", &file.display().to_string(), "--format", "json"]).output().expect("runs");
        assert_eq!(lint.status.code(), Some(0), "{fixture}: {}{}", stdout(&lint), stderr(&lint));
        let v: serde_json::Value = serde_json::from_slice(&lint.stdout).expect("json");
        assert_eq!(v["errors"], 0, "{fixture}: {v}");
        assert_eq!(v["profiles"][0]["id"], "acme-backup-3", "{fixture}: the profile loaded");
    }
}

fn json(fixture: &str) -> serde_json::Value {
    let o = init(fixture, &["--format", "json"]);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{fixture}: {e}: {}", stdout(&o)))
}

#[test]
fn import_avepoint_express_keeps_all_eleven_rows() {
    // The issue: 11 rows read as 1 permission, 10 dropped without a word, exit 0.
    let v = json("avepoint-express.md");
    let s = &v["summary"];
    assert_eq!((s["rows"].as_u64(), s["unresolved"].as_u64()), (Some(11), Some(0)), "{s}");
    assert_eq!(s["resolved"].as_u64().unwrap_or(0) + s["corrected"].as_u64().unwrap_or(0), 11, "{s}");
    let got: Vec<String> = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| format!("{} {} {}", r["resolved"]["api"], r["resolved"]["name"], r["resolved"]["type"]))
        .collect();
    assert!(
        got.contains(&"\"Office 365 Exchange Online\" \"Exchange.ManageAsApp\" \"application\"".to_string()),
        "{got:?}"
    );
    assert!(got.contains(&"\"Office 365 SharePoint Online\" \"User.Read.All\" \"application\"".to_string()), "{got:?}");
    assert!(
        got.contains(&"\"Azure Active Directory Graph\" \"Directory.Read.All\" \"application\"".to_string()),
        "{got:?}"
    );
    assert_eq!(init("avepoint-express.md", &[]).status.code(), Some(0));
}

#[test]
fn import_veeam_rows_land_on_their_own_apis() {
    // The issue: EWS.AccessAsUser.All put on Microsoft Graph, AllSites.FullControl dropped.
    let v = json("veeam-8.5.md");
    let find = |name: &str| -> Vec<String> {
        v["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["resolved"]["name"] == name)
            .map(|r| {
                format!(
                    "{}/{}",
                    r["resolved"]["api"].as_str().unwrap_or(""),
                    r["resolved"]["type"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    assert_eq!(find("EWS.AccessAsUser.All"), vec!["Office 365 Exchange Online/delegated"]);
    assert_eq!(find("AllSites.FullControl"), vec!["Office 365 SharePoint Online/delegated"]);
    assert_eq!(find("Directory.Read.All"), vec!["Microsoft Graph/application", "Microsoft Graph/delegated"]);
    let role: Vec<&serde_json::Value> =
        v["rows"].as_array().expect("rows").iter().filter(|r| r["status"] == "not-a-permission").collect();
    assert_eq!(role.len(), 1);
    assert_eq!(role[0]["published"]["role"], "Global Reader");
    assert_eq!(v["summary"]["unresolved"], 0);
}

#[test]
fn import_json_counts_match_the_text_summary_and_every_row_has_one_status() {
    for fixture in FIXTURES {
        let v = json(fixture);
        let rows = v["rows"].as_array().expect("rows");
        let count = |s: &str| rows.iter().filter(|r| r["status"] == s).count() as u64;
        let s = &v["summary"];
        assert_eq!(s["resolved"].as_u64(), Some(count("resolved")), "{fixture}");
        assert_eq!(s["corrected"].as_u64(), Some(count("corrected")), "{fixture}");
        assert_eq!(s["unresolved"].as_u64(), Some(count("unresolved")), "{fixture}");
        assert_eq!(s["not_permissions"].as_u64(), Some(count("not-a-permission")), "{fixture}");
        assert_eq!(rows.len() as u64, s["rows"].as_u64().unwrap_or(0) + count("not-a-permission"), "{fixture}");
        let text = stderr(&init(fixture, &[]));
        let last = text.lines().last().unwrap_or_default();
        assert!(
            last.contains(&format!(
                "{} resolved, {} corrected, {} unresolved",
                count("resolved"),
                count("corrected"),
                count("unresolved")
            )),
            "{fixture}: {last}"
        );
        assert!(v["profile"]["text"].as_str().is_some_and(|t| t.contains("permissions:")), "{fixture}");
    }
}

#[test]
fn import_exit_status_is_one_exactly_when_a_row_is_unresolved_and_json_goes_to_stdout_alone() {
    for fixture in FIXTURES {
        let o = init(fixture, &["--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
        let unresolved = v["summary"]["unresolved"].as_u64().unwrap_or(0);
        assert_eq!(o.status.code(), Some(if unresolved > 0 { 1 } else { 0 }), "{fixture}");
        assert!(o.stderr.is_empty(), "{fixture}: {}", stderr(&o));
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let from = fixtures().join("veeam-8.5.md");
    let o = bin()
        .current_dir(tmp.path())
        .args(["init", "veeam-8-5", "--from", &from.display().to_string(), "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["profile"]["path"], "veeam-8-5.yaml");
    assert!(fs::read_to_string(tmp.path().join("veeam-8-5.yaml")).expect("written").contains("AllSites.FullControl"));
}

#[test]
fn import_of_a_file_without_a_table_is_an_input_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("prose.txt"), "Open the portal.\nThen add \"Mail.Read\" to the app.\n").expect("write");
    let o = bin().current_dir(tmp.path()).args(["init", "acme-5", "--from", "prose.txt"]).output().expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: found no permission table or list in `prose.txt` (2 lines read as text, naming 1 permission in passing); \
         copy the page's permission table into the file\n"
    );
    assert!(!tmp.path().join("acme-5.yaml").exists());
}

#[test]
fn import_quiet_leaves_resolved_rows_to_the_summary() {
    let o = bin()
        .current_dir(fixtures())
        .args(["--quiet", "init", "acme", "--from", "veeam-8.5.md", "--out", "-"])
        .output()
        .expect("runs");
    let err = stderr(&o);
    assert!(!err.contains(": resolved:"), "{err}");
    assert_eq!(err.lines().filter(|l| l.contains(": corrected:")).count(), 7, "{err}");
    assert!(
        err.ends_with("veeam-8.5.md: 11 rows: 4 resolved, 7 corrected, 0 unresolved; 1 role carried into notes\n"),
        "{err}"
    );
}
