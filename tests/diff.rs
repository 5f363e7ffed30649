//! `diff OLD NEW` and `render NEW --upgrade-from OLD`: what changes between two profiles, and a
//! bundle that adds only what is missing.

use std::collections::BTreeSet;
use std::fs;

use serde_json::Value;

use crate::common::{repo, run, run_in, stderr, stdout};

/// The nine Microsoft Graph application permissions Corso added between its first permission
/// list (October 2022) and v0.13.0 (September 2023).
const CORSO_ADDED: [&str; 9] = [
    "ChannelMessage.Read.All",
    "ChannelSettings.Read.All",
    "Chat.Read.All",
    "Directory.Read.All",
    "MailboxSettings.Read",
    "Member.Read.Hidden",
    "Sites.FullControl.All",
    "TeamMember.Read.All",
    "TeamSettings.Read.All",
];

fn json(args: &[&str]) -> (Option<i32>, Value) {
    let o = run(args);
    (o.status.code(), serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o))))
}

/// name -> GUID of every permission `show` lists for a profile.
fn guids(profile: &str) -> Vec<(String, String)> {
    let (_, v) = json(&["show", profile, "--format", "json"]);
    v["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| (p["name"].as_str().expect("name").to_string(), p["id"].as_str().expect("id").to_string()))
        .collect()
}

#[test]
fn corso_2022_10_to_2023_09_adds_exactly_nine_graph_permissions() {
    let (code, v) = json(&["diff", "corso-2022-10", "corso-2023-09", "--format", "json", "--as-of", "2026-11-22"]);
    assert_eq!(code, Some(1), "different profiles exit 1");
    let apis = v["apis"].as_array().expect("apis");
    assert_eq!(apis.len(), 1, "{v:#}");
    assert_eq!(apis[0]["api"], "Microsoft Graph");
    assert_eq!(apis[0]["app_id"], "00000003-0000-0000-c000-000000000000");
    let added: BTreeSet<&str> =
        apis[0]["added"].as_array().expect("added").iter().map(|p| p["name"].as_str().expect("name")).collect();
    assert_eq!(added, CORSO_ADDED.into_iter().collect());
    assert!(apis[0]["added"].as_array().expect("added").iter().all(|p| p["type"] == "Application"));
    assert_eq!(apis[0]["removed"], serde_json::json!([]));
    assert_eq!(apis[0]["changed_type"], serde_json::json!([]));
    // Each GUID is the one the new profile's own listing shows.
    let shown = guids("corso-2023-09");
    for p in apis[0]["added"].as_array().expect("added") {
        let want = shown.iter().find(|(n, _)| n == p["name"].as_str().expect("name")).expect("listed");
        assert_eq!(p["id"].as_str(), Some(want.1.as_str()));
    }
    assert!(v.get("add_in").is_none());
    assert_eq!(v["tenant_settings"], serde_json::json!([]));

    let o = run(&["diff", "corso-2022-10", "corso-2023-09", "--as-of", "2026-11-22"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.starts_with("corso-2022-10 -> corso-2023-09: 9 permissions added, 0 removed, 0 changed type\n"),
        "{text}"
    );
    assert_eq!(text.lines().filter(|l| l.starts_with("  + ")).count(), 9, "{text}");
    assert!(text.contains("  + Sites.FullControl.All     Application  a82116e5-55eb-4c41-a434-62fe8a61c773"), "{text}");
}

#[test]
fn identical_profiles_exit_0_and_bad_input_exits_2() {
    let o = run(&["diff", "corso", "corso-2023-09"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).ends_with("no differences\n"), "{}", stdout(&o));
    let o = run(&["diff", "corso", "corso-2099"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown profile `corso-2099`"), "{}", stderr(&o));
    let o = run_in(&repo(), &["diff", "corso", "tests/fixtures/published/kodo-2020-03.yaml"]);
    assert_eq!(o.status.code(), Some(2), "a profile whose names do not resolve");
    assert!(stderr(&o).contains("error[wrong-case]"), "{}", stderr(&o));
    let o = run(&["diff", "corso"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn sharepoint_grants_settings_and_findings_are_compared() {
    let (code, v) = json(&["diff", "kodo-2020-03", "kodo-2021-08", "--format", "json", "--as-of", "2026-11-22"]);
    assert_eq!(code, Some(1));
    assert_eq!(v["add_in"]["present"], serde_json::json!([false, true]));
    assert_eq!(v["add_in"]["added"][0]["scope"], "http://sharepoint/content/tenant");
    assert_eq!(v["tenant_settings"][0]["name"], "LegacyAuthProtocolsEnabled");
    assert_eq!(v["tenant_settings"][0]["old"], Value::Null);
    assert_eq!(v["tenant_settings"][0]["new"], true);
    let codes = |key: &str| -> BTreeSet<String> {
        v["findings"][key]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["code"].as_str().expect("code").to_string())
            .collect()
    };
    assert!(codes("appeared").contains("sharepoint-add-in"), "{:?}", codes("appeared"));
    assert!(codes("disappeared").contains("retired-api"), "{:?}", codes("disappeared"));
    // Azure AD Graph is gone from the new page: its permissions are removed, with GUIDs.
    let aad =
        v["apis"].as_array().expect("apis").iter().find(|a| a["api"] == "Azure Active Directory Graph").expect("aad");
    assert_eq!(aad["removed"][0]["name"], "Directory.Read.All");
    assert_eq!(aad["removed"][0]["id"], "5778995a-e1bf-45b8-affa-663a9f3f4d04");
}

const PROFILE: &str = "id: ID
vendor: Acme
product: Acme Backup
version: 'V'
title: Acme Backup V
source:
  url: https://example.com/setup
  date: '2024-01-31'
app:
  display_name: Acme Backup
permissions:
  - api: Microsoft Graph
PERMISSIONS
SHAREPOINT
inputs:
  via: form
  values:
    - {name: Client ID, from: client_id}
";

fn profile(id: &str, permissions: &str, sharepoint: &str) -> String {
    PROFILE
        .replace("ID", id)
        .replace("'V'", &format!("'{id}'"))
        .replace("PERMISSIONS", permissions)
        .replace("SHAREPOINT", sharepoint)
}

#[test]
fn a_permission_asked_for_as_the_other_type_is_a_type_change() {
    let tmp = tempfile::tempdir().expect("tmp");
    let old = tmp.path().join("old.yaml");
    let new = tmp.path().join("new.yaml");
    fs::write(
        &old,
        profile(
            "acme-1",
            "    application: [Mail.Read]\n    delegated: [User.Read.All]",
            "sharepoint:\n  tenant_settings:\n    - {name: LegacyAuthProtocolsEnabled, value: true}\n    - {name: ConditionalAccessPolicy, value: AllowLimitedAccess}",
        ),
    )
    .expect("write");
    fs::write(
        &new,
        profile(
            "acme-2",
            "    application: [Mail.Read, User.Read.All]",
            "sharepoint:\n  tenant_settings:\n    - {name: ConditionalAccessPolicy, value: BlockAccess}",
        ),
    )
    .expect("write");
    let (o, n) = (old.to_string_lossy().to_string(), new.to_string_lossy().to_string());
    let (code, v) = json(&["diff", &o, &n, "--format", "json"]);
    assert_eq!(code, Some(1));
    let graph = &v["apis"][0];
    assert_eq!(graph["added"], serde_json::json!([]), "{v:#}");
    assert_eq!(graph["removed"], serde_json::json!([]), "{v:#}");
    assert_eq!(graph["changed_type"][0]["name"], "User.Read.All");
    assert_eq!(graph["changed_type"][0]["from"], "Delegated");
    assert_eq!(graph["changed_type"][0]["to"], "Application");
    assert_eq!(graph["changed_type"][0]["to_id"], "df021288-bdef-4463-88db-98f22de89214");
    let settings = v["tenant_settings"].as_array().expect("settings");
    assert_eq!(settings.len(), 2, "{v:#}");
    assert_eq!(settings[0]["name"], "ConditionalAccessPolicy");
    assert_eq!(
        (&settings[0]["old"], &settings[0]["new"]),
        (&Value::from("AllowLimitedAccess"), &Value::from("BlockAccess"))
    );
    assert_eq!(settings[1]["name"], "LegacyAuthProtocolsEnabled");
    assert_eq!(settings[1]["new"], Value::Null);

    let text = stdout(&run(&["diff", &o, &n]));
    assert!(text.contains("  ~ User.Read.All  Delegated a154be20-db9c-4678-8ab7-66f6cc099a59 -> Application df021288-bdef-4463-88db-98f22de89214"), "{text}");
    assert!(text.contains("  ~ ConditionalAccessPolicy AllowLimitedAccess -> BlockAccess"), "{text}");
    assert!(text.contains("  - LegacyAuthProtocolsEnabled true"), "{text}");
}

#[test]
fn markdown_reports_are_tables_with_guids() {
    let o = run(&["diff", "corso-2022-10", "corso-2023-09", "--format", "markdown", "--as-of", "2026-11-22"]);
    assert_eq!(o.status.code(), Some(1));
    let md = stdout(&o);
    assert!(md.starts_with("# Changes from `corso-2022-10` to `corso-2023-09`\n\n"), "{md}");
    assert!(md.contains("| added | `Chat.Read.All` | Application | `6b7d71aa-70aa-4810-a8d9-5d9fb2830017` |"), "{md}");
    assert_eq!(md.lines().filter(|l| l.starts_with("| added |")).count(), 9);
    for l in md.lines().filter(|l| !l.starts_with('|')) {
        assert!(l.chars().count() <= 80, "{l}");
    }
}

fn upgrade(args: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("u").to_string_lossy().to_string();
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", &out, "--as-of", "2026-11-22"]);
    let o = run(&all);
    (tmp, o)
}

#[test]
fn upgrade_bundles_add_only_what_is_missing_and_list_what_may_go() {
    let (tmp, o) = upgrade(&["corso-2023-09", "--upgrade-from", "corso-2022-10", "--tenant", "contoso"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmp.path().join("u");
    let mut names: Vec<String> =
        fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").file_name().to_string_lossy().into()).collect();
    names.sort();
    assert_eq!(names, ["app-manifest.json", "bundle.json", "upgrade-app.ps1", "upgrade-app.sh", "upgrade.md"]);
    let sh = fs::read_to_string(dir.join("upgrade-app.sh")).expect("sh");
    let ps = fs::read_to_string(dir.join("upgrade-app.ps1")).expect("ps1");
    for script in [&sh, &ps] {
        // One call per API, with only the permissions the app does not list yet.
        assert_eq!(script.matches("az ad app permission add ").count(), 1, "{script}");
        for (name, id) in guids("corso-2023-09").iter().filter(|(n, _)| CORSO_ADDED.contains(&n.as_str())) {
            assert!(script.contains(&format!("'{id}=Role'")), "{name} missing:\n{script}");
        }
        assert!(!script.contains("credential reset"), "an upgrade creates no credential");
        assert!(!script.contains("--required-resource-accesses"), "an upgrade never replaces the permission list");
        assert!(!script.contains("permission delete"), "an upgrade removes nothing");
    }
    // The manifest is old and new together: the app keeps every permission it had.
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("app-manifest.json")).expect("manifest")).expect("json");
    assert_eq!(manifest[0]["resourceAccess"].as_array().expect("access").len(), 14);
    let page = fs::read_to_string(dir.join("upgrade.md")).expect("page");
    assert!(page.contains("| Permissions to add | 9 |"), "{page}");
    assert!(!page.contains("What may now be removed"), "{page}");
    let index: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("bundle.json")).expect("index")).expect("json");
    assert_eq!(index["upgrade"]["from"], "corso-2022-10");
    assert_eq!(index["diff"]["apis"][0]["added"].as_array().expect("added").len(), 9);
}

#[test]
fn upgrades_list_removable_permissions_and_changed_sharepoint_steps() {
    // Past their end of life the new SharePoint steps are left out; --include-retired keeps them.
    let (tmp, o) = upgrade(&["kodo-2021-08", "--upgrade-from", "kodo-2020-03", "--tenant", "contoso"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["appinv-permission-request.xml", "sharepoint-tenant.ps1"] {
        assert!(!tmp.path().join("u").join(f).exists(), "{f}: retired by 2026-11-22");
    }
    let (tmp, o) =
        upgrade(&["kodo-2021-08", "--upgrade-from", "kodo-2020-03", "--tenant", "contoso", "--include-retired"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmp.path().join("u");
    for f in ["appinv-permission-request.xml", "sharepoint-tenant.ps1"] {
        assert!(dir.join(f).is_file(), "{f}: the SharePoint steps changed");
    }
    let page = fs::read_to_string(dir.join("upgrade.md")).expect("page");
    assert!(page.contains("## What may now be removed"), "{page}");
    // KODO takes a client secret only: no certificate step, although SharePoint would want one.
    assert!(!page.contains("## Step 3: Add a certificate"), "{page}");
    assert!(page.contains("| `Directory.Read.All` | Application | `5778995a-e1bf-45b8-affa-663a9f3f4d04` |"), "{page}");
    let sh = fs::read_to_string(dir.join("upgrade-app.sh")).expect("sh");
    assert!(sh.contains("printf '  %s: %s (%s, %s)\\n' 'Azure Active Directory Graph' 'Directory.Read.All'"), "{sh}");
    assert!(sh.contains("grant_scopes") || !sh.contains("Scope"), "delegated additions go through one grant per API");
}

#[test]
fn upgrade_goes_beside_the_full_bundle_by_default_and_refuses_unknown_profiles() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = run_in(tmp.path(), &["render", "corso", "--upgrade-from", "corso-2022-12", "--tenant", "contoso"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tmp.path().join("out/corso-2023-09/contoso-from-corso-2022-12/upgrade.md").is_file());
    let o = run_in(tmp.path(), &["render", "corso", "--upgrade-from", "corso-1999", "--tenant", "contoso"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown profile `corso-1999`"), "{}", stderr(&o));
}
