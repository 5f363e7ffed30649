//! Bad input: each fixture in `tests/fixtures/bad/NAME.yaml` is a profile with one defect; its
//! `NAME.stderr` is the exact message expected. Every one exits 2 and writes nothing.
//! Regenerate the messages on purpose with `UPDATE_GOLDEN=1`.

use crate::common::{repo, run_in, stderr};

#[test]
fn every_bad_profile_fails_with_its_exact_message_and_writes_nothing() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = repo().join("tests/fixtures/bad");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_string))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "fixtures missing: {names:?}");
    let tmp = tempfile::tempdir().expect("tmp");
    let mut failures = Vec::new();
    for name in names {
        let out = tmp.path().join(&name);
        let profile = format!("tests/fixtures/bad/{name}.yaml");
        let o = run_in(&repo(), &["render", &profile, "--tenant", "contoso", "--out", &out.to_string_lossy()]);
        let expected_path = dir.join(format!("{name}.stderr"));
        let got = stderr(&o);
        if update {
            std::fs::write(&expected_path, &got).expect("write expected");
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if o.status.code() != Some(2) {
            failures.push(format!("{name}: exit {:?}, expected 2", o.status.code()));
        }
        if out.exists() {
            failures.push(format!("{name}: wrote {}", out.display()));
        }
        if got != expected {
            failures.push(format!("{name}: stderr differs\n--- expected\n{expected}--- got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
