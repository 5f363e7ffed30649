//! `collect-state.sh` run in the tenant a bundle registered, and `verify` on what it exported:
//! clean right after registration, leftovers named after an upgrade, and nothing written to the
//! directory by the export.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::{Case, register_twice, render};
use crate::expect;
use crate::sandbox::{Run, Tenant};

/// Runs the bundle's collect-state.sh into `state` (given as its argument).
fn collect(tenant: &Tenant, bundle: &Path, state: &Path) -> Run {
    let o = Command::new(&tenant.tool)
        .arg("run")
        .arg("--state")
        .arg(tenant.state.path())
        .arg("--approve-device-code")
        .args(&tenant.options)
        .arg("--")
        .arg("bash")
        .arg(bundle.join("collect-state.sh"))
        .arg(state)
        .output()
        .expect("entra-sandbox runs");
    Run {
        status: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// `m365-runbook verify PROFILE --state STATE --format json`: the exit status and the report.
fn verify(profile: &str, state: &Path) -> (i32, Value) {
    let o = Command::new(env!("CARGO_BIN_EXE_m365-runbook"))
        .env("NO_COLOR", "1")
        .env_remove("M365_RUNBOOK_PROFILES")
        .args(["verify", profile, "--format", "json", "--state"])
        .arg(state)
        .output()
        .expect("the binary runs");
    let report = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("verify {profile}: {e}\n{}", String::from_utf8_lossy(&o.stderr)));
    (o.status.code().unwrap_or(-1), report)
}

/// The Graph requests of the last run other than reads: an export must make none.
fn writes_of_last_run(tenant: &Tenant) -> Vec<String> {
    let requests = tenant.requests();
    let last = requests.iter().rposition(|r| r["kind"] == "run-start").expect("a run");
    requests[last..]
        .iter()
        .filter(|r| r["kind"] == "request" && r["method"] != "GET")
        .filter(|r| !r["host"].as_str().unwrap_or("").starts_with("login."))
        .map(|r| format!("{} {}{}", r["method"], r["host"], r["path"]))
        .collect()
}

fn codes(report: &Value) -> Vec<(String, String, Option<String>)> {
    report["tenants"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["permission"]["name"].as_str().unwrap_or("").to_string(),
                f["older_profile"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn collect_and_verify(case: &Case<'_>, profile: &str) {
    let Some((tenant, dir, _, _)) = register_twice(case) else { return };
    let bundle = dir.path().join("bundle");
    let state = dir.path().join("state");
    let run = collect(&tenant, &bundle, &state);
    expect::run_ok(&tenant, &run, &format!("{profile} collect-state"));
    assert_eq!(writes_of_last_run(&tenant), Vec::<String>::new(), "collect-state changed the directory");
    let (status, report) = verify(profile, &state);
    assert_eq!((status, codes(&report)), (0, vec![]), "{report:#}");
    assert_eq!(report["tenants"][0]["credentials"].as_array().map(Vec::len), Some(2), "two runs, two credentials");
}

#[test]
fn registered_corso_verifies_clean() {
    collect_and_verify(&Case { profile: "corso-2023-09", ..Case::default() }, "corso-2023-09");
}

#[test]
fn registered_kodo_with_a_certificate_and_delegated_grants_verifies_clean() {
    collect_and_verify(&Case { profile: "kodo-2020-03", credential: "certificate", ..Case::default() }, "kodo-2020-03");
}

#[test]
fn an_app_named_with_quotes_is_found_by_its_exact_name() {
    collect_and_verify(
        &Case { profile: "corso", app_name: "O'Brien $HOME `id` Sauvegarde Société", ..Case::default() },
        "corso-2023-09",
    );
}

#[test]
fn after_an_upgrade_verify_names_what_the_older_version_left() {
    let Some((tenant, dir, _, _)) =
        register_twice(&Case { profile: "kodo-2020-03", credential: "secret", ..Case::default() })
    else {
        return;
    };
    let up = dir.path().join("upgrade");
    render(&["kodo-2021-08", "--upgrade-from", "kodo-2020-03", "--tenant", "contoso", "--credential", "secret"], &up);
    let run = tenant.run_script(&up.join("upgrade-app.sh"));
    expect::run_ok(&tenant, &run, "upgrade kodo-2020-03 -> kodo-2021-08");
    let full = dir.path().join("full");
    render(&["kodo-2021-08", "--tenant", "contoso", "--credential", "secret"], &full);
    let state = dir.path().join("state");
    let run = collect(&tenant, &full, &state);
    expect::run_ok(&tenant, &run, "kodo-2021-08 collect-state");
    let (status, report) = verify("kodo-2021-08", &state);
    assert_eq!(status, 1, "{report:#}");
    let older = |s: &str| Some(s.to_string());
    let leftovers: Vec<_> = codes(&report).into_iter().filter(|c| c.0 == "consented-not-required").collect();
    assert_eq!(
        leftovers,
        vec![
            ("consented-not-required".into(), "Directory.Read.All".into(), older("kodo-2021-06")),
            ("consented-not-required".into(), "User.Read.All".into(), older("kodo-2020-11")),
            ("consented-not-required".into(), "User.Read".into(), older("kodo-2021-06")),
        ],
        "{report:#}"
    );
    assert!(!codes(&report).iter().any(|c| c.0 == "not-consented" || c.0 == "missing-permission"), "{report:#}");
}
