//! End-to-end: bundles rendered by the binary, their bash scripts run with the real Azure CLI
//! against `entra-sandbox` (an emulator of Entra ID sign-in, ARM and Microsoft Graph), and the
//! directory they leave checked. Every script runs twice: the second run must change nothing but
//! add one credential.
//!
//! Run with `M365_RUNBOOK_E2E=1 cargo test --test e2e` (about 10 minutes on 2 cores) where
//! `../shared/tools/entra-sandbox` exists; otherwise each case says so and passes.

mod expect;
mod sandbox;
mod verify;

use std::path::{Path, PathBuf};
use std::process::Command;

use sandbox::Tenant;

fn render(args: &[&str], out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_m365-runbook"))
        .env("NO_COLOR", "1")
        .env_remove("M365_RUNBOOK_PROFILES")
        .env("M365_RUNBOOK_CONFIG", out.with_extension("config"))
        .args(["render", "--quiet", "--out"])
        .arg(out)
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(o.status.success(), "render {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

struct Case<'a> {
    profile: &'a str,
    cloud: &'a str,
    app_name: &'a str,
    credential: &'a str,
    sites: &'a [&'a str],
    lag: Option<u32>,
    extra: &'a [&'a str],
}

impl Default for Case<'_> {
    fn default() -> Self {
        Case { profile: "corso", cloud: "public", app_name: "", credential: "", sites: &[], lag: None, extra: &[] }
    }
}

/// Renders `case`, runs its `register-app.sh` twice in one tenant and checks the directory
/// after each run. Returns the tenant and the bundle, for more checks.
fn register_twice(case: &Case<'_>) -> Option<(Tenant, tempfile::TempDir, String, String)> {
    let tool = sandbox::tool()?;
    let dir = tempfile::tempdir().expect("tmp");
    let bundle = dir.path().join("bundle");
    let mut args = vec![case.profile, "--tenant", "contoso"];
    let cloud_file;
    if case.cloud.ends_with(".yaml") {
        cloud_file = dir.path().join("cloud.yaml");
        let o = Command::new(env!("CARGO_BIN_EXE_m365-runbook"))
            .args(["cloud", "show", case.cloud.trim_end_matches(".yaml")])
            .output()
            .expect("cloud show");
        std::fs::write(&cloud_file, &o.stdout).expect("cloud file");
        args.extend(["--cloud-file", cloud_file.to_str().expect("utf-8 path")]);
    } else {
        args.extend(["--cloud", case.cloud]);
    }
    if !case.app_name.is_empty() {
        args.extend(["--app-name", case.app_name]);
    }
    if !case.credential.is_empty() {
        args.extend(["--credential", case.credential]);
    }
    if !case.sites.is_empty() {
        args.push("--least-privilege");
        for s in case.sites {
            args.extend(["--site", s]);
        }
    }
    args.extend(case.extra);
    render(&args, &bundle);
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("bundle.json")).expect("bundle.json")).expect("json");
    let name = index["values"]["app_name"].as_str().expect("app name").to_string();
    let credential = index["values"]["credential"].as_str().expect("credential").to_string();
    let sandbox_cloud =
        if case.cloud.ends_with(".yaml") { dir.path().join("cloud.yaml") } else { PathBuf::from(case.cloud) };
    let tenant = Tenant::new(&tool, sandbox_cloud.to_str().expect("utf-8"), case.sites, case.lag);
    let manifest = expect::manifest(&bundle);
    for n in 1..=2 {
        let run = tenant.run_script(&bundle.join("register-app.sh"));
        let what = format!("{} run {n}", case.profile);
        expect::run_ok(&tenant, &run, &what);
        let d = tenant.directory();
        let (app_id, _) = expect::registered(&d, &name, &manifest, &credential, n);
        expect::printed(&run, &d, &app_id);
        if !case.sites.is_empty() {
            let role = index["least_privilege"]["role"].as_str().unwrap_or("fullcontrol");
            expect::sites_granted(&d, &app_id, &name, case.sites, role);
            expect::helper_service_principal_deleted(&tenant, n);
        }
    }
    Some((tenant, dir, name, credential))
}

/// Registers with `old`, then runs the upgrade bundle to `new` twice: the app then holds old and
/// new permissions together (the upgrade removes nothing), each consented, and no new credential.
fn upgrade(old: &str, new: &str) {
    let Some((tenant, dir, name, credential)) = register_twice(&Case { profile: old, ..Case::default() }) else {
        return;
    };
    let up = dir.path().join("upgrade");
    render(&[new, "--upgrade-from", old, "--tenant", "contoso", "--credential", &credential], &up);
    let manifest = expect::manifest(&up);
    for n in 1..=2 {
        let run = tenant.run_script(&up.join("upgrade-app.sh"));
        expect::run_ok(&tenant, &run, &format!("upgrade {old} -> {new}, run {n}"));
        expect::registered(&tenant.directory(), &name, &manifest, &credential, 2);
    }
}

/// One case per built-in profile, each with its defaults: `every_builtin_profile_has_a_case`
/// fails when a profile is added without one.
macro_rules! profile_cases {
    ($($name:ident => $id:literal,)*) => {
        $(
            #[test]
            fn $name() {
                register_twice(&Case { profile: $id, ..Case::default() });
            }
        )*
        const PROFILE_CASES: &[&str] = &[$($id),*];
    };
}

profile_cases! {
    profile_commvault_cloud_exchange_online_2026_12 => "commvault-cloud-exchange-online-2026-12",
    profile_commvault_exchange_online_2023e => "commvault-exchange-online-2023e",
    profile_commvault_onedrive_11_42 => "commvault-onedrive-11-42",
    profile_commvault_sharepoint_online_11_42 => "commvault-sharepoint-online-11-42",
    profile_commvault_teams_11_44 => "commvault-teams-11-44",
    profile_corso_2022_10 => "corso-2022-10",
    profile_corso_2022_12 => "corso-2022-12",
    profile_corso_2023_04 => "corso-2023-04",
    profile_corso_2023_09 => "corso-2023-09",
    profile_druva_microsoft_365_advanced_2026_12 => "druva-microsoft-365-advanced-2026-12",
    profile_ibm_storage_protect_for_cloud_2026_12 => "ibm-storage-protect-for-cloud-2026-12",
    profile_keepit_microsoft_365_2026_12 => "keepit-microsoft-365-2026-12",
    profile_kodo_2020_03 => "kodo-2020-03",
    profile_kodo_2020_11 => "kodo-2020-11",
    profile_kodo_2021_06 => "kodo-2021-06",
    profile_kodo_2021_08 => "kodo-2021-08",
    profile_manageengine_recoverymanager_plus_azure_ad => "manageengine-recoverymanager-plus-azure-ad",
    profile_manageengine_recoverymanager_plus_entra_id => "manageengine-recoverymanager-plus-entra-id",
    profile_metallic_exchange_online_2026_12 => "metallic-exchange-online-2026-12",
    profile_metallic_teams_2026_12 => "metallic-teams-2026-12",
    profile_nakivo_backup_replication_2022_10 => "nakivo-backup-replication-2022-10",
    profile_nakivo_backup_replication_2024_05 => "nakivo-backup-replication-2024-05",
    profile_probax_msp_backup_2026_12 => "probax-msp-backup-2026-12",
    profile_techarrow_contentaccess_orion => "techarrow-contentaccess-orion",
    profile_techarrow_contentaccess_paris => "techarrow-contentaccess-paris",
    profile_veeam_data_cloud_microsoft_365_2026_12 => "veeam-data-cloud-microsoft-365-2026-12",
    profile_virtualdcs_cloudcover_365_2026_12 => "virtualdcs-cloudcover-365-2026-12",
}

#[test]
fn every_builtin_profile_has_a_case() {
    let o = Command::new(env!("CARGO_BIN_EXE_m365-runbook")).args(["list", "--format", "json"]).output().expect("list");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let ids: Vec<&str> = v["profiles"].as_array().expect("profiles").iter().filter_map(|p| p["id"].as_str()).collect();
    assert_eq!(ids, PROFILE_CASES, "add the new profile to profile_cases! in tests/e2e/main.rs");
}

#[test]
fn certificate_credential() {
    // KODO's own form takes a secret only: a copy of its profile whose form also takes a certificate.
    let kodo = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden/kodo-2021-08-certificate.yaml");
    register_twice(&Case { profile: kodo, credential: "certificate", ..Case::default() });
}

#[test]
fn secret_credential_with_replication_lag() {
    register_twice(&Case { profile: "corso", credential: "secret", lag: Some(3), ..Case::default() });
}

#[test]
fn gcc_high() {
    register_twice(&Case { profile: "kodo", cloud: "gcc-high", ..Case::default() });
}
#[test]
fn dod_registers_its_cloud() {
    register_twice(&Case { profile: "corso", cloud: "dod", ..Case::default() });
}
#[test]
fn china() {
    register_twice(&Case { profile: "corso", cloud: "china", ..Case::default() });
}
#[test]
fn cloud_file() {
    register_twice(&Case { profile: "corso", cloud: "gcc-high.yaml", ..Case::default() });
}

#[test]
fn least_privilege_with_lag() {
    register_twice(&Case {
        profile: "corso",
        sites: &["https://contoso.sharepoint.com/sites/Finance", "https://contoso.sharepoint.com/sites/HR"],
        lag: Some(3),
        ..Case::default()
    });
}
#[test]
fn least_privilege_kodo_gcc_high() {
    register_twice(&Case {
        profile: "kodo",
        cloud: "gcc-high",
        sites: &["https://contoso.sharepoint.us/sites/Finance"],
        ..Case::default()
    });
}

#[test]
fn app_names_with_quotes_dollars_backticks_and_accents() {
    register_twice(&Case { profile: "corso", app_name: "O'Brien $HOME `id` Sauvegarde Société", ..Case::default() });
}

#[test]
fn upgrade_corso_2022_10() {
    upgrade("corso-2022-10", "corso-2023-09");
}
#[test]
fn upgrade_corso_2022_12() {
    upgrade("corso-2022-12", "corso-2023-09");
}
#[test]
fn upgrade_corso_2023_04() {
    upgrade("corso-2023-04", "corso-2023-09");
}
#[test]
fn upgrade_kodo_2020_03() {
    upgrade("kodo-2020-03", "kodo-2021-08");
}
#[test]
fn upgrade_kodo_2020_11() {
    upgrade("kodo-2020-11", "kodo-2021-08");
}
#[test]
fn upgrade_kodo_2021_06() {
    upgrade("kodo-2021-06", "kodo-2021-08");
}

/// Read-modify-write of what others granted: a scope someone added to the app's delegated grant
/// stays after the script runs again, and so does an application permission granted by hand.
#[test]
fn grants_made_by_others_are_kept() {
    let Some(tool) = sandbox::tool() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let bundle = dir.path().join("bundle");
    render(&["kodo-2021-06", "--tenant", "contoso"], &bundle);
    let tenant = Tenant::new(&tool, "public", &[], None);
    let run = tenant.run_script(&bundle.join("register-app.sh"));
    expect::run_ok(&tenant, &run, "first run");
    let d = tenant.directory();
    let app = expect::apps_named(&d, "KODO for Cloud")[0].clone();
    let sp = d["servicePrincipals"]
        .as_array()
        .expect("sps")
        .iter()
        .find(|s| s["appId"] == app["appId"])
        .expect("sp")
        .clone();
    let grant = d["oauth2PermissionGrants"]
        .as_array()
        .expect("grants")
        .iter()
        .find(|g| g["clientId"] == sp["id"])
        .expect("grant")
        .clone();
    let graph = tenant.directory()["servicePrincipals"]
        .as_array()
        .expect("sps")
        .iter()
        .find(|s| s["appId"] == "00000003-0000-0000-c000-000000000000")
        .expect("graph")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let scope = format!("{} Extra.Scope", grant["scope"].as_str().expect("scope"));
    let graph_url = "https://graph.microsoft.com/v1.0";
    let patch = format!("{{\"scope\": \"{scope}\"}}");
    let url = format!("{graph_url}/oauth2PermissionGrants/{}", grant["id"].as_str().expect("id"));
    let o = tenant.run(&[
        "az".as_ref(),
        "rest".as_ref(),
        "--method".as_ref(),
        "PATCH".as_ref(),
        "--url".as_ref(),
        url.as_ref(),
        "--headers".as_ref(),
        "Content-Type=application/json".as_ref(),
        "--body".as_ref(),
        patch.as_ref(),
    ]);
    assert_eq!(o.status, 0, "{}", o.stderr);
    // Someone grants one more application permission by hand (AuditLog.Read.All on Graph).
    let body = format!(
        "{{\"principalId\": \"{}\", \"resourceId\": \"{graph}\", \"appRoleId\": \"b0afded3-3588-46d8-8b3d-9842eff778da\"}}",
        sp["id"].as_str().expect("id")
    );
    let url = format!("{graph_url}/servicePrincipals/{graph}/appRoleAssignedTo");
    let o = tenant.run(&[
        "az".as_ref(),
        "rest".as_ref(),
        "--method".as_ref(),
        "POST".as_ref(),
        "--url".as_ref(),
        url.as_ref(),
        "--headers".as_ref(),
        "Content-Type=application/json".as_ref(),
        "--body".as_ref(),
        body.as_ref(),
    ]);
    assert_eq!(o.status, 0, "{}", o.stderr);

    let run = tenant.run_script(&bundle.join("register-app.sh"));
    expect::run_ok(&tenant, &run, "second run");
    let d = tenant.directory();
    let after = d["oauth2PermissionGrants"]
        .as_array()
        .expect("grants")
        .iter()
        .find(|g| g["id"] == grant["id"])
        .expect("grant kept");
    let scopes: Vec<&str> = after["scope"].as_str().expect("scope").split_whitespace().collect();
    assert!(scopes.contains(&"Extra.Scope"), "the scope another admin added is kept: {scopes:?}");
    for s in grant["scope"].as_str().expect("scope").split_whitespace() {
        assert!(scopes.contains(&s), "{s}");
    }
    let by_hand = d["appRoleAssignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .filter(|a| a["principalId"] == sp["id"] && a["appRoleId"] == "b0afded3-3588-46d8-8b3d-9842eff778da")
        .count();
    assert_eq!(by_hand, 1, "the hand-made grant is kept, once");
}

#[test]
fn upgrade_nakivo_2022_10() {
    upgrade("nakivo-backup-replication-2022-10", "nakivo-backup-replication-2024-05");
}
#[test]
fn upgrade_techarrow_orion() {
    upgrade("techarrow-contentaccess-orion", "techarrow-contentaccess-paris");
}
#[test]
fn upgrade_manageengine_azure_ad() {
    upgrade("manageengine-recoverymanager-plus-azure-ad", "manageengine-recoverymanager-plus-entra-id");
}
