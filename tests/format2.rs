//! Profile format 2: tags and the selection they allow, directory and Exchange roles, sign-in
//! settings and further apps, through the command line (`tests/fixtures/v2/acme-backup-2.yaml`
//! uses every field).

use std::fs;

use serde_json::Value;

use crate::common::{repo, run_in, stderr, stdout};

const ACME: &str = "tests/fixtures/v2/acme-backup-2.yaml";

fn render(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("b");
    let out_s = out.to_string_lossy().to_string();
    let mut args = vec!["render", ACME, "--tenant", "contoso", "--out", &out_s, "--as-of", "2026-11-01", "-q"];
    args.extend_from_slice(extra);
    let o = run_in(&repo(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    (tmp, out)
}

fn bundle_json(dir: &std::path::Path) -> Value {
    serde_json::from_str(&fs::read_to_string(dir.join("bundle.json")).expect("bundle.json")).expect("json")
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|p| format!("{} {} {}", p["api"].as_str().unwrap_or(""), p["name"].as_str().unwrap_or(""), p["type"]))
        .collect()
}

#[test]
fn the_whole_profile_renders_every_app_with_its_own_manifest() {
    let (_t, out) = render(&[]);
    let v = bundle_json(&out);
    let files: Vec<&str> = v["files"].as_array().expect("files").iter().filter_map(Value::as_str).collect();
    assert_eq!(
        files,
        vec![
            "runbook.md",
            "register-app.sh",
            "register-app.ps1",
            "app-manifest.json",
            "app-manifest-restore-portal.json",
            "app-manifest-backup-2.json",
            "exchange-online.ps1",
            "collect-state.sh",
            "collect-state.ps1",
            "bundle.json"
        ]
    );
    let portal: Value =
        serde_json::from_str(&fs::read_to_string(out.join("app-manifest-restore-portal.json")).expect("manifest"))
            .expect("json");
    assert_eq!(portal[0]["resourceAppId"], "00000003-0000-0000-c000-000000000000");
    assert_eq!(portal[0]["resourceAccess"][0]["id"], "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "User.Read scope");
    assert_eq!(portal[0]["resourceAccess"][0]["type"], "Scope");
    let apps = v["apps"].as_array().expect("apps");
    assert_eq!(
        apps.iter().map(|a| a["slug"].as_str().unwrap_or("")).collect::<Vec<_>>(),
        ["restore-portal", "backup-2"]
    );
    assert_eq!(apps[0]["credential"], "none");
    assert_eq!(apps[1]["credential"], "secret", "inherits the main app's");
    assert_eq!(apps[1]["directory_roles"][0]["template_id"], "4a5d8f65-41da-4de4-8968-e035b65339cf");
    assert_eq!(v["directory_roles"][0]["name"], "Global Reader");
    assert_eq!(v["directory_roles"][0]["template_id"], "f2ef992c-3afb-46b9-b7cf-a126ee74c451");
    assert_eq!(v["public_client_flows"], true);
    assert_eq!(v["redirect_uris"]["web"][0], "https://acme.example.com/signin");
    assert_eq!(v["exchange"]["roles"][0]["retirement"][1]["date"], "2025-02-01");
    assert_eq!(v["admin_roles"][1]["any_of"], serde_json::json!(["Global Administrator", "Exchange Administrator"]));
    // Office 365 Management APIs, new in the catalog, resolves to the service principal's GUID.
    let activity = v["permissions"].as_array().expect("permissions").iter().find(|p| p["name"] == "ActivityFeed.Read");
    assert_eq!(activity.map(|p| p["id"].clone()), Some(Value::from("594c1fb6-4f81-4475-ae41-0c394909246c")));
    assert_eq!(
        activity.map(|p| p["resource_app_id"].clone()),
        Some(Value::from("c5393580-f805-4401-95e8-94b7a6ef2fc2"))
    );
    assert!(v.get("selection").is_none() && v.get("omitted").is_none(), "nothing selected away: {v:#}");
}

#[test]
fn workloads_and_without_keep_only_what_the_subset_needs_and_say_what_was_left_out() {
    let (_t, out) = render(&["--workloads", "exchange", "--without", "restore"]);
    let v = bundle_json(&out);
    assert_eq!(
        names(&v["permissions"]),
        vec![
            "Microsoft Graph Directory.Read.All \"Role\"",
            "Microsoft Graph Mail.Read \"Role\"",
            "Office 365 Exchange Online full_access_as_app \"Role\""
        ]
    );
    // Directory.Read.All is kept by its backup row only: the restore row is not this subset's.
    let dir = &v["permissions"][0];
    assert_eq!(dir["usage"], serde_json::json!(["backup"]));
    assert!(dir.get("workloads").is_none(), "the backup row serves every workload: {dir}");
    assert_eq!(v["selection"], serde_json::json!({"workloads": ["exchange"], "without": ["restore"]}));
    let omitted: Vec<&str> = v["omitted"].as_array().expect("omitted").iter().filter_map(Value::as_str).collect();
    assert!(omitted.contains(&"Microsoft Graph Mail.ReadWrite (application)"), "{omitted:?}");
    assert!(omitted.contains(&"app Acme Restore Portal (restore-portal)"), "{omitted:?}");
    assert!(v.get("apps").is_none(), "both further apps are left out: {v:#}");
    assert!(!out.join("app-manifest-restore-portal.json").exists());
    // The Exchange role for restore is gone, the backup one stays.
    assert_eq!(v["exchange"]["roles"], serde_json::json!([{"role": "View-Only Configuration"}]));
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(out.join("app-manifest.json")).expect("manifest")).expect("json");
    assert_eq!(manifest.as_array().map(Vec::len), Some(2), "Graph and Exchange only");
    let runbook = fs::read_to_string(out.join("runbook.md")).expect("runbook");
    assert!(
        runbook.contains("workloads exchange; without\nrestore")
            || runbook.contains("workloads exchange; without restore"),
        "{runbook}"
    );
    assert!(runbook.contains("- Microsoft Graph Mail.ReadWrite (application)"));
}

#[test]
fn selections_also_come_from_values_files_and_set() {
    let tmp = tempfile::tempdir().expect("tmp");
    let values = tmp.path().join("v.yaml");
    fs::write(&values, "tenant: contoso\nworkloads: [teams]\n").expect("values");
    let out = tmp.path().join("b");
    let o = run_in(
        &repo(),
        &[
            "render",
            ACME,
            "-f",
            &values.to_string_lossy(),
            "--set",
            "without=restore",
            "--out",
            &out.to_string_lossy(),
            "-q",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = bundle_json(&out);
    assert_eq!(v["selection"], serde_json::json!({"workloads": ["teams"], "without": ["restore"]}));
    let got = names(&v["permissions"]);
    assert!(got.contains(&"Microsoft Graph ChannelMessage.Read.All \"Role\"".to_string()), "{got:?}");
    assert!(!got.iter().any(|n| n.contains("Mail.Read")), "{got:?}");
}

#[test]
fn a_selection_the_profile_cannot_meet_is_an_error_naming_the_flag() {
    for (args, message) in [
        (vec!["--workloads", "planner"], "error: profile `acme-backup-2` tags nothing with workload `planner`"),
        (vec!["--workloads", "sharepiont"], "did you mean `sharepoint`?"),
        (vec!["--without", "backup,restore"], "`without`: leaving out every use leaves only untagged rows"),
    ] {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("b");
        let mut a = vec!["render", ACME, "--tenant", "contoso", "--out"];
        let out_s = out.to_string_lossy().to_string();
        a.push(&out_s);
        a.extend(args.iter().copied());
        let o = run_in(&repo(), &a);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert!(!out.exists());
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let o = run_in(
        &repo(),
        &[
            "render",
            "corso",
            "--tenant",
            "contoso",
            "--out",
            &tmp.path().join("b").to_string_lossy(),
            "--without",
            "restore",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tags nothing with usage `restore`"), "{}", stderr(&o));
}

/// Writes ACME with `from` replaced by `to` and returns what lint prints.
fn lint_variant(from: &str, to: &str) -> String {
    let text = fs::read_to_string(repo().join(ACME)).expect("fixture");
    assert!(text.contains(from), "{from}");
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("p.yaml");
    fs::write(&path, text.replacen(from, to, 1)).expect("write");
    let o = run_in(&repo(), &["lint", &path.to_string_lossy(), "--as-of", "2026-11-01"]);
    // 2: the profile cannot be read; 1: it reads, and lint finds errors in it.
    assert!(matches!(o.status.code(), Some(1 | 2)), "{}", stderr(&o));
    // Input errors go to stderr, lint findings to stdout.
    format!("{}{}", stderr(&o), stdout(&o)).replace(&path.to_string_lossy().to_string(), "p.yaml")
}

#[test]
fn format_2_mistakes_are_reported_at_their_line_with_the_nearest_name() {
    let e = lint_variant("    - role: Global Reader\n", "    - role: Global Raeder\n");
    assert!(
        e.contains("error: unknown directory role `Global Raeder`\n  --> p.yaml:18:13 (app.directory_roles[0].role)"),
        "{e}"
    );
    assert!(e.contains("did you mean `Global Reader`?"), "{e}");
    let e = lint_variant(
        "{name: Mail.Read, workloads: [exchange], purpose: Read mailboxes}",
        "{name: Mail.Read, workload: [exchange]}",
    );
    assert!(e.contains("error: unknown field `workload`, expected one of `name`, `workloads`, `usage`, `purpose`\n  --> p.yaml:27:27"), "{e}");
    let e = lint_variant("    web: [https://acme.example.com/signin]", "    web: [http://acme.example.com/signin]");
    assert!(
        e.contains("must start with https:// (or http://localhost)\n  --> p.yaml:14:11 (app.redirect_uris.web[0])"),
        "{e}"
    );
    let e = lint_variant("    - role: View-Only Configuration", "    - role: View-Only Configurations");
    assert!(e.contains("unknown Exchange Online management role `View-Only Configurations`"), "{e}");
    assert!(e.contains("did you mean `View-Only Configuration`?"), "{e}");
    let e = lint_variant(
        "  - slug: backup-2\n    display_name: Acme Backup (second backup app)",
        "  - slug: restore-portal\n    display_name: Acme Backup",
    );
    assert!(e.contains("app slug `restore-portal` is used twice"), "{e}");
    assert!(e.contains("app name `Acme Backup` is used by another app of this profile"), "{e}");
    let e = lint_variant("    access_rights: Owner", "    access_rights: owner");
    assert!(e.contains("`owner` is not a public-folder access right") && e.contains("did you mean `Owner`?"), "{e}");
    let e = lint_variant(
        "      - {name: ChannelMessage.Read.All, workloads: [teams]}",
        "      - {name: ChannelMessage.Read.all, workloads: [teams]}",
    );
    assert!(e.contains("error[wrong-case]") && e.contains("p.yaml:29:16 (permissions[0].application[3].name)"), "{e}");
    let e = lint_variant(
        "      - api: Microsoft Graph\n        application: [Sites.Read.All]",
        "      - api: Microsoft Graph\n        application: [Sites.Read.Al]",
    );
    assert!(e.contains("(apps[1].permissions[0].application[0])"), "a further app's names are resolved too: {e}");
}

#[test]
fn format_2_fields_need_format_2() {
    let e = lint_variant("format: 2\n", "");
    for field in
        ["app.redirect_uris", "app.public_client_flows", "app.directory_roles", "apps", "admin_roles", "exchange"]
    {
        assert!(e.contains(&format!("error: `{field}` is a format 2 field")), "{field}: {e}");
    }
    assert!(e.contains("help: add `format: 2` at the top of the profile"), "{e}");
    let e = lint_variant("format: 2\n", "format: 3\n");
    assert!(e.contains("unknown profile format `3`"), "{e}");
}

#[test]
fn diff_shows_tag_role_and_app_changes() {
    let text = fs::read_to_string(repo().join(ACME)).expect("fixture");
    let tmp = tempfile::tempdir().expect("tmp");
    let old = tmp.path().join("old.yaml");
    fs::write(&old, &text).expect("old");
    let new = tmp.path().join("new.yaml");
    let changed = text
        .replacen("id: acme-backup-2", "id: acme-backup-3", 1)
        .replacen(
            "{name: ChannelMessage.Read.All, workloads: [teams]}",
            "{name: ChannelMessage.Read.All, workloads: [teams, groups]}",
            1,
        )
        .replacen("    directory_roles:\n      - role: Reports Reader\n", "", 1)
        .replacen("  - slug: restore-portal", "  - slug: portal", 1);
    fs::write(&new, changed).expect("new");
    let o = run_in(&repo(), &["diff", &old.to_string_lossy(), &new.to_string_lossy(), "--as-of", "2026-11-01"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("~ ChannelMessage.Read.All  Application  tags teams; backup -> teams, groups; backup"),
        "{text}"
    );
    assert!(text.contains("\n+ app portal (Acme Restore Portal)\n  + Microsoft Graph  User.Read  Delegated"), "{text}");
    assert!(text.contains("\n- app restore-portal (Acme Restore Portal)"), "{text}");
    assert!(text.contains("Roles\n  - directory role (backup-2): Reports Reader"), "{text}");
    let o = run_in(
        &repo(),
        &["diff", &old.to_string_lossy(), &new.to_string_lossy(), "--format", "json", "--as-of", "2026-11-01"],
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v["roles"],
        serde_json::json!([{"section": "directory role (backup-2)", "role": "Reports Reader", "added": false}])
    );
    assert_eq!(v["apps"].as_array().map(Vec::len), Some(2));
}

#[test]
fn exchange_online_ps1_holds_the_user_steps_alone_when_the_profile_asks_no_ews() {
    let text = fs::read_to_string(repo().join(ACME)).expect("fixture");
    let text = text.replacen(
        "  - api: Office 365 Exchange Online\n    application:\n      - {name: full_access_as_app, workloads: [exchange], usage: [backup, restore]}\n",
        "",
        1,
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("p.yaml");
    fs::write(&path, text).expect("write");
    let out = tmp.path().join("b");
    let o = run_in(
        &repo(),
        &["render", &path.to_string_lossy(), "--tenant", "contoso", "--out", &out.to_string_lossy(), "-q"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let script = fs::read_to_string(out.join("exchange-online.ps1")).expect("exchange-online.ps1");
    assert!(!script.contains("$AppId") && !script.contains("EwsAllowedAppIDs"), "no EWS step: {script}");
    assert!(script.contains("param(\n    # The account (user principal name) that the product signs in with.\n    [string] $User = ''\n)"), "{script}");
    assert!(script.contains("New-ManagementRoleAssignment -Role 'View-Only Configuration' -User $User"), "{script}");
    assert!(script.contains("Write-Warning ('ApplicationImpersonation' + ' is retired"), "{script}");
    assert!(
        script.contains("Add-PublicFolderClientPermission -Identity $folder.Identity -User $User -AccessRights $right")
    );
    let (start, end) =
        (script.find("if (-not $User)").expect("check"), script.find("Connect-ExchangeOnline").expect("connect"));
    assert!(start < end, "-User is checked before anything is done");
}

#[test]
fn inventory_rows_choose_their_own_subset() {
    let tmp = tempfile::tempdir().expect("tmp");
    let inventory = tmp.path().join("inv.csv");
    fs::write(&inventory, "tenant,workloads,without\ncontoso,exchange;teams,restore\nfabrikam,,\n").expect("csv");
    let out = tmp.path().join("o");
    let o = run_in(
        &repo(),
        &["render", ACME, "--inventory", &inventory.to_string_lossy(), "--out", &out.to_string_lossy(), "-q"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let contoso = bundle_json(&out.join("contoso"));
    assert_eq!(contoso["selection"], serde_json::json!({"workloads": ["exchange", "teams"], "without": ["restore"]}));
    let fabrikam = bundle_json(&out.join("fabrikam"));
    assert!(fabrikam.get("selection").is_none(), "an empty cell selects nothing away");
    assert!(fabrikam["permissions"].as_array().map(Vec::len) > contoso["permissions"].as_array().map(Vec::len));
}

#[test]
fn show_lists_tags_apps_and_roles() {
    let o = run_in(&repo(), &["show", "veeam"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("  Role  7b2449af-6ccd-4f4d-9f78-e550c193f0d1  ChannelMessage.Read.All  [teams; backup]"),
        "{text}"
    );
    assert!(text.contains("further app restore-portal (Veeam Backup for Microsoft 365 Restore Portal)"), "{text}");
    assert!(text.contains("directory role: Global Reader"), "{text}");
    let o = run_in(&repo(), &["show", "veeam", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["apps"][1]["slug"], "backup-application");
    assert_eq!(v["apps"][1]["permissions"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["exchange"]["public_folders"]["access_rights"], "Owner");
}

#[test]
fn lint_reads_the_further_apps_too() {
    let text = fs::read_to_string(repo().join(ACME)).expect("fixture").replacen(
        "      - api: Microsoft Graph\n        application: [Sites.Read.All]\n",
        "      - api: Microsoft Graph\n        application: [Sites.Read.All]\n      - api: Azure Active Directory Graph\n        application: [Directory.Read.All]\n",
        1,
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("p.yaml");
    fs::write(&path, text).expect("write");
    let o = run_in(&repo(), &["lint", &path.to_string_lossy(), "--as-of", "2026-11-01", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let retired: Vec<&Value> = v["profiles"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "retired-api")
        .collect();
    assert_eq!(retired.len(), 1, "{v:#}");
    assert_eq!(retired[0]["location"]["path"], "apps[1].permissions[1].application[0]");
}
