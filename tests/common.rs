//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_m365-runbook"));
    // No user configuration leaks into tests: an empty config folder, no profiles folder.
    c.env_remove("M365_RUNBOOK_PROFILES").env("NO_COLOR", "1").env("M365_RUNBOOK_CONFIG", empty_config_dir());
    c
}

/// A config folder that holds nothing (tests that import make their own).
pub fn empty_config_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("m365-runbook-tests-empty-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The ids of every built-in profile, from the binary itself.
pub fn builtin_ids() -> Vec<String> {
    let out = run(&["list", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["profiles"].as_array().expect("profiles").iter().map(|p| p["id"].as_str().expect("id").to_string()).collect()
}

/// Every file below `dir`, as (relative path, text), sorted.
pub fn read_tree(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    files
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).expect("below root").to_string_lossy().replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&path).expect("utf-8 file")));
        }
    }
}

/// `index.json` of an inventory's output folder `out`.
pub fn read_index(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).expect("index")).expect("json")
}

/// The field `field` of each entry of the index's list `list` (`bundles` or `failed`).
pub fn index_column<'a>(index: &'a serde_json::Value, list: &str, field: &str) -> Vec<&'a serde_json::Value> {
    index[list].as_array().expect("the index's list").iter().map(|e| &e[field]).filter(|v| !v.is_null()).collect()
}
