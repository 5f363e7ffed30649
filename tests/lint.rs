//! `lint` and `explain`: every rule fires on its failing fixture and not on its passing one; the
//! vendors' pages as published show every defect they are known to have; dates matter.

use std::fs;

use m365_runbook::lint::{RULES, reference};

use crate::common::{builtin_ids, repo, run_in, stderr, stdout};

const AS_OF: &str = "2026-11-22";

fn lint_json(file: &str, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["lint", file, "--format", "json"];
    args.extend(extra);
    let o = run_in(&repo(), &args);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{file}: {e}: {}", stderr(&o)));
    (o.status.code(), v)
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    report["profiles"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// `# lint-args: ...` on a fixture's first line.
fn fixture_args(path: &str) -> Vec<String> {
    let text = fs::read_to_string(repo().join(path)).expect("fixture");
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("# lint-args:"))
        .map(|a| a.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

#[test]
fn every_rule_fires_on_its_failing_fixture_and_not_on_its_passing_one() {
    let mut problems = Vec::new();
    for rule in RULES {
        for (kind, should_fire) in [("fail", true), ("pass", false)] {
            let path = format!("tests/fixtures/lint/{}.{kind}.yaml", rule.id);
            if !repo().join(&path).is_file() {
                problems.push(format!("{}: no {kind} fixture ({path})", rule.id));
                continue;
            }
            let args = fixture_args(&path);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (_, report) = lint_json(&path, &args);
            let fired = codes(&report).iter().any(|c| c == rule.id);
            if fired != should_fire {
                problems.push(format!(
                    "{}: {kind} fixture {} the rule: {:?}",
                    rule.id,
                    if fired { "fires" } else { "does not fire" },
                    codes(&report)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn builtin_profiles_have_no_errors() {
    let o = run_in(&repo(), &["lint", "--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o)
            .ends_with(&format!("{} profiles as of {AS_OF}: 0 errors, 136 warnings, 0 infos\n", builtin_ids().len())),
        "{}",
        stdout(&o)
    );
}

#[test]
fn strict_fails_on_warnings_and_allow_silences_a_rule() {
    let o = run_in(&repo(), &["lint", "corso", "--strict", "--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(0), "corso has no warnings: {}", stdout(&o));
    let o = run_in(&repo(), &["lint", "kodo-2020-11", "--strict", "--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(1));
    let o = run_in(
        &repo(),
        &[
            "lint",
            "kodo-2020-11",
            "--as-of",
            AS_OF,
            "--allow",
            "retired-api",
            "--allow",
            "delegated-unattended",
            "--allow",
            "redundant",
            "--allow",
            "ews-full-access",
            "--allow",
            "sharepoint-secret",
            "--allow",
            "high-privilege",
        ],
    );
    assert_eq!(stdout(&o), "kodo-2020-11: clean\n");
    let o = run_in(&repo(), &["lint", "kodo", "--allow", "legacy-authx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown lint rule `legacy-authx`") && stderr(&o).contains("did you mean `legacy-auth`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_same_profile_gives_different_findings_before_and_after_a_cutoff() {
    let finding = |as_of: &str| {
        let (_, v) = lint_json("tests/fixtures/lint/sharepoint-add-in.fail.yaml", &["--as-of", as_of]);
        let f = v["profiles"][0]["findings"].as_array().expect("findings")[0].clone();
        (f["severity"].as_str().unwrap_or("").to_string(), f["message"].as_str().unwrap_or("").to_string())
    };
    let before = finding("2023-06-01");
    let during = finding("2024-01-01");
    let after = finding("2026-04-02");
    assert_eq!(before.0, "info");
    assert!(before.1.contains("on 2023-11-27"), "{}", before.1);
    assert_eq!(during.0, "warning");
    assert!(during.1.contains("since 2023-11-27") && during.1.contains("on 2026-04-02"), "{}", during.1);
    assert_eq!(after.0, "warning");
    assert!(after.1.contains("since 2026-04-02") && !after.1.contains("2023-11-27"), "{}", after.1);
}

/// The rule each correction of a built-in profile undoes.
fn expected_rule(published: &serde_json::Value, corrected: &serde_json::Value) -> &'static str {
    // An API name no catalog entry answers to ("<Microsoft Entra application>", two portal
    // names run together): the API itself is unknown.
    if m365_runbook::catalog::Catalog::builtin().resource(published["api"].as_str().unwrap_or("")).is_none() {
        return "unknown-api";
    }
    if corrected.is_null() {
        return "unknown-permission";
    }
    let same = |k: &str| published[k] == corrected[k];
    if !same("type") {
        "wrong-type"
    } else if !same("name")
        && published["name"].as_str().map(str::to_lowercase) == corrected["name"].as_str().map(str::to_lowercase)
    {
        "wrong-case"
    } else if !same("name") {
        "unknown-permission"
    } else if ["Exchange", "SharePoint"].contains(&published["api"].as_str().unwrap_or("")) {
        "api-alias"
    } else {
        "wrong-api"
    }
}

#[test]
fn every_defect_of_the_published_pages_is_found_with_the_right_rule_and_line() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut problems = Vec::new();
    for id in builtin_ids() {
        let fixture = format!("tests/fixtures/published/{id}.yaml");
        let text = fs::read_to_string(repo().join(&fixture)).expect("published fixture");
        // The exact report, pinned.
        let o = run_in(&repo(), &["lint", &fixture, "--as-of", AS_OF]);
        let expected_path = repo().join(format!("tests/fixtures/published/{id}.lint"));
        if update {
            fs::write(&expected_path, stdout(&o)).expect("write");
        }
        if stdout(&o) != fs::read_to_string(&expected_path).unwrap_or_default() {
            problems.push(format!("{id}: lint output differs from {}", expected_path.display()));
        }
        // Every correction the built-in profile records is a finding of the right rule, at the
        // line of the published name.
        let (_, shown) = {
            let o = run_in(&repo(), &["show", &id, "--format", "json"]);
            (o.status.code(), serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("show json"))
        };
        let (_, report) = lint_json(&fixture, &["--as-of", AS_OF]);
        let findings = report["profiles"][0]["findings"].as_array().expect("findings").clone();
        for c in shown["corrections"].as_array().expect("corrections") {
            let rule = expected_rule(&c["published"], c.get("corrected").unwrap_or(&serde_json::Value::Null));
            let name = c["published"]["name"].as_str().expect("name");
            let api = c["published"]["api"].as_str().expect("api");
            let hit = findings.iter().any(|f| {
                let line = f["location"]["line"].as_u64().unwrap_or(0) as usize;
                let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
                (f["code"] == rule && (line_text.contains(name) || (rule == "api-alias" && line_text.contains(api))))
                    // Under an API that does not exist, lint can only report the API itself.
                    || (f["code"] == "unknown-api" && line_text.contains(api))
            });
            if !hit {
                problems.push(format!("{id}: no `{rule}` finding at the line of {api} | {name}"));
            }
        }
        if o.status.code() != Some(if findings.iter().any(|f| f["severity"] == "error") { 1 } else { 0 }) {
            problems.push(format!("{id}: exit {:?}", o.status.code()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fix_corrects_what_it_can_and_the_result_lints_without_those_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = run_in(&repo(), &["lint", "--fix", "tests/fixtures/published/kodo-2020-03.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "tests/fixtures/published/kodo-2020-03.yaml: 3 correction(s) applied\n");
    let fixed = tmp.path().join("fixed.yaml");
    fs::write(&fixed, &o.stdout).expect("write");
    let (code, report) = lint_json(&fixed.to_string_lossy(), &["--as-of", AS_OF]);
    assert_eq!(code, Some(0), "{report}");
    let text = stdout(&o);
    assert!(
        text.contains("- api: Office 365 Exchange Online")
            && text.contains("permission names are case-sensitive: `User.Read.all` is `User.Read.All`"),
        "{text}"
    );
}

#[test]
fn explain_prints_a_rule_and_refuses_unknown_ids() {
    let o = run_in(&repo(), &["explain", "legacy-auth"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.starts_with("legacy-auth (warning): Set-SPOTenant -LegacyAuthProtocolsEnabled $true\n\n"), "{text}");
    assert!(text.contains("Source: Microsoft 365 Message Center MC1184649"), "{text}");
    let o = run_in(&repo(), &["explain", "legacy"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_rule_reference_in_docs_is_current() {
    let path = repo().join("docs/lint-rules.md");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::create_dir_all(path.parent().expect("docs")).expect("mkdir");
        fs::write(&path, reference()).expect("write");
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap_or_default(),
        reference(),
        "regenerate with UPDATE_GOLDEN=1 cargo test --test integration lint"
    );
}

#[test]
fn render_writes_warnings_at_the_top_of_the_runbook_and_stops_on_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("k").to_string_lossy().to_string();
    let o = run_in(&repo(), &["render", "kodo-2020-03", "--tenant", "contoso", "--as-of", AS_OF, "--out", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning[retired-api]"), "{}", stderr(&o));
    let runbook = fs::read_to_string(tmp.path().join("k/runbook.md")).expect("runbook");
    let warnings = runbook.find("## Warnings").expect("warnings section");
    assert!(warnings < runbook.find("## Step 1").expect("step 1"));
    // Lines are wrapped at 80 columns: compare the words.
    let words = runbook.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("- **retired-api:** `Directory.Read.All` (application) is a permission of the retired `Azure Active Directory Graph`: since 2025-08-31"), "{runbook}");
    let out2 = tmp.path().join("p").to_string_lossy().to_string();
    let o = run_in(
        &repo(),
        &["render", "tests/fixtures/published/kodo-2020-03.yaml", "--tenant", "contoso", "--out", &out2],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[wrong-case]"), "{}", stderr(&o));
    assert!(!tmp.path().join("p").exists());
}
