//! Whole-bundle snapshots: every built-in profile, plus variants, rendered by the binary and
//! compared file by file with `tests/golden/`. Regenerate on purpose with
//! `UPDATE_GOLDEN=1 cargo test --test integration golden`, then review the diff.

use std::path::Path;

use crate::common::{builtin_ids, read_tree, repo, run, stderr};

/// (golden folder, arguments after `render PROFILE --out DIR`)
fn cases() -> Vec<(String, String, Vec<&'static str>)> {
    let mut cases: Vec<(String, String, Vec<&'static str>)> =
        builtin_ids().into_iter().map(|id| (id.clone(), id, vec!["--tenant", "contoso"])).collect();
    // KODO takes a client secret only; a test copy whose form also takes a certificate keeps the
    // certificate bundle of the same permissions under snapshot.
    cases.push((
        "kodo-2021-08-certificate".into(),
        "tests/fixtures/golden/kodo-2021-08-certificate.yaml".into(),
        vec![
            "--tenant",
            "fabrikam",
            "--tenant-id",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "--client-id",
            "11111111-2222-3333-4444-555555555555",
            "--credential",
            "certificate",
            "--secret-years",
            "2",
            "--app-name",
            "Backup (O'Brien) $HOME `id` \u{2019}x\u{2019}; ü",
        ],
    ));
    cases.push(("corso-2023-09-gcc".into(), "corso-2023-09".into(), vec!["--tenant", "contoso", "--cloud", "gcc"]));
    cases.push((
        "kodo-2021-08-gcc-high-least-privilege".into(),
        "kodo-2021-08".into(),
        vec![
            "--tenant",
            "contoso",
            "--cloud",
            "gcc-high",
            "--least-privilege",
            "--site",
            "https://contoso.sharepoint.us/sites/finance",
            "--site",
            "https://contoso.sharepoint.us",
        ],
    ));
    cases.push(("kodo-2020-11-dod".into(), "kodo-2020-11".into(), vec!["--tenant", "contoso", "--cloud", "dod"]));
    cases.push(("corso-2022-10-china".into(), "corso-2022-10".into(), vec!["--tenant", "contoso", "--cloud", "china"]));
    // Format 2: a subset by workload and use.
    cases.push((
        "veeam-vb365-2026-07-exchange-without-restore".into(),
        "veeam-vb365-2026-07".into(),
        vec!["--tenant", "contoso", "--workloads", "exchange", "--without", "restore"],
    ));
    // Every documentation flavour, for three profiles (markdown is every case above).
    for profile in ["corso-2023-09", "kodo-2021-08", "veeam-vb365-2026-07"] {
        for flavor in ["docusaurus", "gitbook"] {
            cases.push((
                format!("{profile}-{flavor}"),
                profile.into(),
                vec!["--tenant", "contoso", "--flavor", flavor],
            ));
        }
    }
    // Delta bundles of `--upgrade-from`.
    cases.push((
        "corso-2023-09-upgrade-from-corso-2022-10".into(),
        "corso-2023-09".into(),
        vec!["--tenant", "contoso", "--upgrade-from", "corso-2022-10"],
    ));
    cases.push((
        "kodo-2021-08-upgrade-from-kodo-2020-03-gitbook".into(),
        "kodo-2021-08".into(),
        vec!["--tenant", "contoso", "--upgrade-from", "kodo-2020-03", "--flavor", "gitbook"],
    ));
    cases.push((
        "kodo-2021-08-upgrade-from-kodo-2021-06-docusaurus".into(),
        "kodo-2021-08".into(),
        vec![
            "--tenant",
            "contoso",
            "--client-id",
            "11111111-2222-3333-4444-555555555555",
            "--upgrade-from",
            "kodo-2021-06",
            "--flavor",
            "docusaurus",
        ],
    ));
    cases
}

/// (golden folder, arguments after `docs --out DIR --as-of DATE`): `m365-runbook docs` outputs.
fn docs_cases() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("docs-markdown", vec!["corso-2023-09", "kodo-2021-08"]),
        ("docs-docusaurus", vec!["--flavor", "docusaurus", "corso-2023-09", "kodo-2021-08"]),
        ("docs-gitbook", vec!["--flavor", "gitbook", "corso-2022-10", "kodo-2020-03"]),
    ]
}

#[test]
fn every_docs_folder_matches_its_golden_copy() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let tmp = tempfile::tempdir().expect("tmp");
    let mut failures = Vec::new();
    for (name, extra) in docs_cases() {
        let out_dir = tmp.path().join(name);
        let out_arg = out_dir.to_string_lossy().to_string();
        let mut args = vec!["docs", "--out", out_arg.as_str(), "--as-of", "2026-11-22"];
        args.extend(extra.iter().copied());
        let o = run(&args);
        assert!(o.status.success(), "docs {name} failed:\n{}", stderr(&o));
        let golden = repo().join("tests/golden").join(name);
        if update {
            let _ = std::fs::remove_dir_all(&golden);
            copy_tree(&out_dir, &golden);
            continue;
        }
        if let Some(diff) = compare(&golden, &out_dir) {
            failures.push(format!("{name}: {diff}"));
        }
    }
    assert!(
        failures.is_empty(),
        "docs differ from tests/golden (if intended: UPDATE_GOLDEN=1 cargo test --test integration golden):\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_bundle_matches_its_golden_copy() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let tmp = tempfile::tempdir().expect("tmp");
    let mut failures = Vec::new();
    for (name, profile, extra) in cases() {
        let out_dir = tmp.path().join(&name);
        let out_arg = out_dir.to_string_lossy().to_string();
        // Pinned: date-dependent warnings must not change the snapshots from one day to the next.
        let mut args = vec!["render", profile.as_str(), "--out", out_arg.as_str(), "--as-of", "2026-11-22"];
        args.extend(extra.iter().copied());
        let o = run(&args);
        assert!(o.status.success(), "render {name} failed:\n{}", stderr(&o));
        // A flavour changes only the runbook (and SUMMARY.md, in bundle.json too): every other file must equal
        // the markdown bundle's golden copy, and only the flavoured files are kept as a snapshot.
        if is_flavour_case(&extra) {
            let base = repo().join("tests/golden").join(&profile);
            for (rel, text) in read_tree(&out_dir) {
                if FLAVOURED.contains(&rel.as_str()) {
                    continue;
                }
                let expected = std::fs::read_to_string(base.join(&rel)).unwrap_or_default();
                if expected != text {
                    failures.push(format!("{name}: {rel} differs from tests/golden/{profile}/{rel}"));
                }
                std::fs::remove_file(out_dir.join(&rel)).expect("remove");
            }
        }
        let golden = repo().join("tests/golden").join(&name);
        if update {
            let _ = std::fs::remove_dir_all(&golden);
            copy_tree(&out_dir, &golden);
            continue;
        }
        if let Some(diff) = compare(&golden, &out_dir) {
            failures.push(format!("{name}: {diff}"));
        }
    }
    assert!(
        failures.is_empty(),
        "bundles differ from tests/golden (if intended: UPDATE_GOLDEN=1 cargo test --test integration golden):\n{}",
        failures.join("\n")
    );
}

/// The files a documentation flavour changes (bundle.json lists the files, SUMMARY.md among them).
const FLAVOURED: &[&str] = &["runbook.md", "SUMMARY.md", "bundle.json"];

/// A bundle that differs from a golden markdown case by its `--flavor` alone.
fn is_flavour_case(args: &[&str]) -> bool {
    args == ["--tenant", "contoso", "--flavor", "docusaurus"] || args == ["--tenant", "contoso", "--flavor", "gitbook"]
}

#[test]
fn golden_folders_have_no_strays() {
    let mut names: Vec<String> = cases().into_iter().map(|c| c.0).collect();
    names.extend(docs_cases().into_iter().map(|c| c.0.to_string()));
    for entry in std::fs::read_dir(repo().join("tests/golden")).expect("golden folder") {
        let name = entry.expect("entry").file_name().to_string_lossy().to_string();
        assert!(names.contains(&name), "tests/golden/{name} belongs to no test case: remove it");
    }
}

fn compare(expected: &Path, actual: &Path) -> Option<String> {
    if !expected.is_dir() {
        return Some(format!("no golden copy at {}", expected.display()));
    }
    let want = read_tree(expected);
    let got = read_tree(actual);
    let want_names: Vec<&str> = want.iter().map(|(n, _)| n.as_str()).collect();
    let got_names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    if want_names != got_names {
        return Some(format!("files differ: expected {want_names:?}, got {got_names:?}"));
    }
    for ((name, w), (_, g)) in want.iter().zip(&got) {
        if w != g {
            let line = w
                .lines()
                .zip(g.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| w.lines().count().min(g.lines().count()));
            return Some(format!(
                "{name} differs at line {}:\n  expected: {:?}\n  got:      {:?}",
                line + 1,
                w.lines().nth(line).unwrap_or("<end of file>"),
                g.lines().nth(line).unwrap_or("<end of file>")
            ));
        }
    }
    None
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, text) in read_tree(from) {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write golden");
    }
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let tmp = tempfile::tempdir().expect("tmp");
    for dir in ["a", "b"] {
        let out = tmp.path().join(dir).to_string_lossy().to_string();
        let o = run(&["render", "kodo", "--tenant", "contoso", "--out", &out]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(read_tree(&tmp.path().join("a")), read_tree(&tmp.path().join("b")));
}
