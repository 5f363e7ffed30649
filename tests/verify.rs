//! `verify`: exported app states (recorded from the sandbox, `tests/fixtures/verify/`) against
//! profiles, as a user runs it: verdicts, exit codes, errors, inventories, and the collect-state
//! scripts that write the exports.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{repo, run, stderr, stdout};

const FILES: [&str; 5] = [
    "application.json",
    "service-principal.json",
    "app-role-assignments.json",
    "oauth2-permission-grants.json",
    "resource-service-principals.json",
];

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/verify").join(name)
}

/// A copy of a fixture state folder at `to`, with `edit` applied to one file's text.
fn copy_state(from: &str, to: &Path, edit: Option<(&str, &dyn Fn(String) -> String)>) {
    fs::create_dir_all(to).expect("mkdir");
    for f in FILES {
        let mut text = fs::read_to_string(fixture(from).join(f)).expect("fixture");
        if let Some((name, change)) = edit
            && name == f
        {
            text = change(text);
        }
        fs::write(to.join(f), text).expect("write");
    }
}

#[test]
fn verify_a_clean_export_exits_0_with_its_verdict() {
    let state = fixture("corso-2023-09");
    let o =
        run(&["verify", "corso", "--state", &state.to_string_lossy(), "--tenant", "contoso", "--as-of", "2026-12-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "verify corso-2023-09 as of 2026-12-01 (credentials expiring within 30 days)\n\n\
         contoso: clean (app 5ecf6be0-9d38-4219-af4e-df5e4b3676b8 `CorsoApp`, service principal 2ed0bf96-4a01-427c-a215-f5e8e485a2a7)\n  \
         permissions asked for: 14\n  \
         secret `m365-runbook` (key id fa14545b-092d-4d57-a9c6-cea52ba6f949): valid, ends 2027-12-01 (365 days left)\n\n\
         summary: 1 tenant: 1 clean, 0 with findings, 0 unusable\n"
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn verify_findings_exit_1_and_json_names_the_older_profile() {
    let state = fixture("kodo-upgraded");
    let o = run(&[
        "verify",
        "kodo",
        "--state",
        &state.to_string_lossy(),
        "--as-of",
        "2027-11-20",
        "--expiring-within",
        "14",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["profile"], "kodo-2021-08");
    assert_eq!(v["expiring_within_days"], 14);
    assert_eq!(v["summary"], serde_json::json!({"tenants": 1, "clean": 0, "findings": 1, "unusable": 0}));
    let t = &v["tenants"][0];
    assert_eq!(t["verdict"], "findings");
    // 45 on the page; as of 2027-11-20 EWS (`full_access_as_app`) has been off since 2027-04-01.
    assert_eq!(t["required"], 44);
    let findings = t["findings"].as_array().expect("findings");
    let leftover = findings
        .iter()
        .find(|f| f["code"] == "consented-not-required" && f["permission"]["name"] == "Directory.Read.All")
        .expect("the Azure AD Graph leftover");
    assert_eq!(leftover["older_profile"], "kodo-2021-06");
    assert_eq!(leftover["permission"]["resource_app_id"], "00000002-0000-0000-c000-000000000000");
    assert_eq!(leftover["permission"]["type"], "Role");
    assert_eq!(leftover["at"]["file"], state.join("app-role-assignments.json").to_string_lossy().as_ref());
    let expiring = findings.iter().find(|f| f["code"] == "credential-expiring").expect("expiring secret");
    assert_eq!(expiring["key_id"], "561fe65e-b724-4a9b-acd1-bf4a8fc9548f");
    assert_eq!(t["credentials"][0]["days_left"], 11);
}

#[test]
fn verify_text_gives_the_fix_once_per_kind_of_finding() {
    let state = fixture("corso-2023-09");
    let o = run(&["verify", "corso-2022-12", "--state", &state.to_string_lossy(), "--as-of", "2026-12-01"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert_eq!(text.matches("\n  extra-permission: ").count(), 8, "{text}");
    assert_eq!(text.matches("= help (extra-permission)").count(), 1, "{text}");
    assert!(text.contains("summary: 1 tenant: 0 clean, 1 with findings, 0 unusable"), "{text}");
}

#[test]
fn verify_unusable_input_exits_2_naming_file_line_and_field() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("contoso");
    let bad_guid = |t: String| t.replacen("\"appRoleId\": \"7b2449af-", "\"appRoleId\": \"7b2449af+", 1);
    copy_state("corso-2023-09", &dir, Some(("app-role-assignments.json", &bad_guid)));
    let o = run(&["verify", "corso", "--state", &dir.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "", "nothing but the error");
    let file = dir.join("app-role-assignments.json").to_string_lossy().to_string();
    let err = stderr(&o);
    assert!(err.starts_with("error: `value[1].appRoleId`: `7b2449af+"), "{err}");
    assert!(err.contains(&format!("--> {file}:16:20 (value[1].appRoleId)")), "{err}");
}

#[test]
fn verify_without_a_state_or_with_a_missing_one_exits_2() {
    let o = run(&["verify", "corso"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error: no state to verify"), "{}", stderr(&o));
    assert!(stderr(&o).contains("help: give --state DIR"), "{}", stderr(&o));
    let o = run(&["verify", "corso", "--state", "/nonexistent/state"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`/nonexistent/state` is not a folder"), "{}", stderr(&o));
    // A folder without one of the files.
    let tmp = tempfile::tempdir().expect("tmp");
    copy_state("corso-2023-09", tmp.path(), None);
    fs::remove_file(tmp.path().join("service-principal.json")).expect("rm");
    let o = run(&["verify", "corso", "--state", &tmp.path().to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("service-principal.json`: "), "{}", stderr(&o));
}

#[test]
fn verify_takes_each_file_by_flag() {
    let d = fixture("corso-2023-09");
    let f = |n: &str| d.join(n).to_string_lossy().to_string();
    let (a, s, r, g) = (f(FILES[0]), f(FILES[1]), f(FILES[2]), f(FILES[3]));
    let o = run(&[
        "verify",
        "corso",
        "--application",
        &a,
        "--service-principal",
        &s,
        "--app-role-assignments",
        &r,
        "--grants",
        &g,
        "--as-of",
        "2026-12-01",
        "--client-id",
        "5ecf6be0-9d38-4219-af4e-df5e4b3676b8",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = run(&[
        "verify",
        "corso",
        "--state",
        &d.to_string_lossy(),
        "--as-of",
        "2026-12-01",
        "--client-id",
        "11111111-2222-3333-4444-555555555555",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("other-app: the exported app is `5ecf6be0-"), "{}", stdout(&o));
}

#[test]
fn verify_an_inventory_gives_one_verdict_per_tenant_and_a_summary() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().join("state");
    copy_state("corso-2023-09", &root.join("contoso"), None);
    let disable = |t: String| t.replace("\"accountEnabled\": true", "\"accountEnabled\": false");
    copy_state("corso-2023-09", &root.join("fabrikam"), Some(("service-principal.json", &disable)));
    let inventory = tmp.path().join("customers.csv");
    fs::write(&inventory, "tenant,cloud\ncontoso,public\nfabrikam,\nnorthwind,gcc\n").expect("write");
    let args = |format: &'static str| {
        vec![
            "verify".to_string(),
            "corso".into(),
            "--inventory".into(),
            inventory.to_string_lossy().into(),
            "--state-root".into(),
            root.to_string_lossy().into(),
            "--as-of".into(),
            "2026-12-01".into(),
            "--format".into(),
            format.into(),
        ]
    };
    let o = crate::common::bin().args(args("json")).output().expect("runs");
    assert_eq!(o.status.code(), Some(2), "a tenant without a state: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let verdicts: Vec<(&str, &str)> = v["tenants"]
        .as_array()
        .expect("tenants")
        .iter()
        .map(|t| (t["tenant"].as_str().expect("tenant"), t["verdict"].as_str().expect("verdict")))
        .collect();
    assert_eq!(verdicts, vec![("contoso", "clean"), ("fabrikam", "findings"), ("northwind", "unusable")]);
    assert_eq!(v["summary"], serde_json::json!({"tenants": 3, "clean": 1, "findings": 1, "unusable": 1}));
    assert_eq!(v["tenants"][1]["findings"][0]["code"], "disabled");
    assert_eq!(v["tenants"][2]["errors"][0]["location"]["line"], 4, "the inventory line of the tenant");

    let o = crate::common::bin().args(args("text")).output().expect("runs");
    let text = stdout(&o);
    assert!(text.contains("\nnorthwind: unusable input ("), "{text}");
    assert!(text.contains("help: run the collect-state script of the tenant's bundle"), "{text}");
    assert!(text.ends_with("summary: 3 tenants: 1 clean, 1 with findings, 1 unusable\n"), "{text}");

    // Only clean tenants: exit 0.
    fs::write(&inventory, "tenant\ncontoso\n").expect("write");
    let o = crate::common::bin().args(args("text")).output().expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A bad row stops the run before anything is judged, as render does.
    fs::write(&inventory, "tenant,clod\ncontoso,public\n").expect("write");
    let o = crate::common::bin().args(args("text")).output().expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown column `clod`"), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn collect_state_scripts_write_exactly_the_files_verify_reads() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("b");
    let o = run(&["render", "kodo", "--tenant", "contoso", "--out", &out.to_string_lossy()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for script in ["collect-state.sh", "collect-state.ps1"] {
        let text = fs::read_to_string(out.join(script)).expect("script");
        // The loop that moves the finished files into the state folder names exactly these.
        let moved = text
            .lines()
            .find(|l| l.trim_start().starts_with("for f in ") || l.trim_start().starts_with("foreach ($f in "))
            .expect("the loop that moves the files");
        let names: Vec<String> = moved
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| w.len() > 3 && !["foreach", "for"].contains(w))
            .map(|w| format!("{w}.json"))
            .collect();
        assert_eq!(names, FILES.to_vec(), "{script}: {moved}");
        for f in FILES {
            assert!(text.contains(&format!("#   {f}")), "{script} documents {f}");
        }
        // Read-only: after the shared helpers (which end by selecting the cloud), no call that
        // changes the tenant, and none of the helpers' consent functions is called.
        let own = text
            .split_once("\nuse_cloud\n")
            .or_else(|| text.split_once("\n    Use-Cloud\n"))
            .map(|(_, rest)| rest)
            .expect("the shared helpers end with the cloud selection");
        for word in [
            "credential reset",
            "--method POST",
            "--method PATCH",
            "--method DELETE",
            "az ad app update",
            "az ad sp create",
            "grant_",
            "Grant-",
            "Invoke-Graph",
            "secretText",
        ] {
            assert!(!own.contains(word), "{script} contains {word}");
        }
        assert!(own.contains("az ad app show --id"), "{script}: the check looks at the script's own part");
    }
    let index: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("bundle.json")).expect("index")).expect("json");
    let files: Vec<&str> = index["files"].as_array().expect("files").iter().filter_map(|f| f.as_str()).collect();
    assert!(files.contains(&"collect-state.sh") && files.contains(&"collect-state.ps1"), "{files:?}");
}

#[test]
fn verify_help_has_examples_and_the_man_page_has_the_command() {
    let o = run(&["verify", "--help"]);
    let text = stdout(&o);
    assert!(text.contains("Examples:\n  bash collect-state.sh"), "{text}");
    for flag in ["--state <DIR>", "--inventory <FILE>", "--state-root <DIR>", "--expiring-within <DAYS>", "--as-of"] {
        assert!(text.contains(flag), "{flag} missing from:\n{text}");
    }
    let man = stdout(&run(&["man"]));
    assert!(man.contains("verify"), "the manual lists verify");
}

#[test]
fn verify_with_only_a_tenant_reads_state_slash_tenant() {
    let tmp = tempfile::tempdir().expect("tmp");
    copy_state("corso-2023-09", &tmp.path().join("state/contoso"), None);
    let o = crate::common::run_in(tmp.path(), &["verify", "corso", "--tenant", "contoso", "--as-of", "2026-12-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\ncontoso: clean "), "{}", stdout(&o));
    let o = crate::common::run_in(tmp.path(), &["verify", "corso", "--tenant", "fabrikam"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("state/fabrikam/application.json"), "{}", stderr(&o));
}
