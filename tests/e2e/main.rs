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
        expect::printed(&run, &d, &app_id, &index);
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
    // The old app as the old page had it registered, retired steps included: the upgrade bundle's
    // manifest is the old profile's permissions (retired ones too) and the new ones together.
    let Some((tenant, dir, name, credential)) =
        register_twice(&Case { profile: old, extra: &["--include-retired"], ..Case::default() })
    else {
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
    profile_avepoint_express_2024_04 => "avepoint-express-2024-04",
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
    profile_veeam_vb365_2026_07 => "veeam-vb365-2026-07",
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

/// Profile format 2: a directory role on the main app's service principal, its redirect URIs and
/// public client flows, and two further apps with their own manifests, roles and credentials
/// (the Office 365 Management APIs row is left out with `--workloads`: the sandbox has no service
/// principal for that API).
#[test]
fn format_2_directory_roles_sign_in_settings_and_further_apps() {
    let Some((tenant, dir, name, _)) = register_twice(&Case {
        profile: "tests/fixtures/v2/acme-backup-2.yaml",
        credential: "secret",
        extra: &["--workloads", "exchange,sharepoint,onedrive,teams"],
        ..Case::default()
    }) else {
        return;
    };
    let bundle = dir.path().join("bundle");
    let d = tenant.directory();
    let (_, sp) = expect::registered(&d, &name, &expect::manifest(&bundle), "secret", 2);
    assert_eq!(expect::directory_roles(&d, &sp), ["f2ef992c-3afb-46b9-b7cf-a126ee74c451"], "Global Reader, once");
    let app = expect::apps_named(&d, &name)[0];
    assert_eq!(app["isFallbackPublicClient"], true);
    assert_eq!(app["web"]["redirectUris"], serde_json::json!(["https://acme.example.com/signin"]));
    assert_eq!(
        app["publicClient"]["redirectUris"],
        serde_json::json!(["https://login.microsoftonline.com/common/oauth2/nativeclient"])
    );
    for (other, manifest, secrets, roles) in [
        ("Acme Restore Portal", "app-manifest-restore-portal.json", 0, vec![]),
        (
            "Acme Backup (second backup app)",
            "app-manifest-backup-2.json",
            2,
            vec!["4a5d8f65-41da-4de4-8968-e035b65339cf"],
        ),
    ] {
        let text = std::fs::read_to_string(bundle.join(manifest)).expect("manifest");
        let wanted: serde_json::Value = serde_json::from_str(&text).expect("json");
        let (_, other_sp) = expect::registered(&d, other, &wanted, "secret", secrets);
        assert_eq!(expect::directory_roles(&d, &other_sp), roles, "{other}");
    }
    let portal = expect::apps_named(&d, "Acme Restore Portal")[0];
    assert_eq!(portal["web"]["redirectUris"], serde_json::json!(["https://acme.example.com/restore"]));
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

/// Veeam Backup for Microsoft 365 8.5 (format 2): Global Reader on the main app, public client
/// flows and http://localhost, and the two further apps (the Restore Portal's, without a
/// credential, and a backup application), each with exactly its manifest's grants.
#[test]
fn veeam_vb365_2026_07_roles_sign_in_settings_and_further_apps() {
    let Some((tenant, dir, name, _)) = register_twice(&Case { profile: "veeam", ..Case::default() }) else {
        return;
    };
    let bundle = dir.path().join("bundle");
    let d = tenant.directory();
    let sp = expect::apps_named(&d, &name)[0]["appId"].as_str().map(str::to_string).expect("appId");
    let sp_id = d["servicePrincipals"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["appId"] == sp.as_str()))
        .and_then(|s| s["id"].as_str())
        .expect("service principal")
        .to_string();
    assert_eq!(expect::directory_roles(&d, &sp_id), ["f2ef992c-3afb-46b9-b7cf-a126ee74c451"], "Global Reader, once");
    let app = expect::apps_named(&d, &name)[0];
    assert_eq!(app["isFallbackPublicClient"], true);
    assert_eq!(app["publicClient"]["redirectUris"], serde_json::json!(["http://localhost"]));
    for (other, manifest, certificates) in [
        ("Veeam Backup for Microsoft 365 Restore Portal", "app-manifest-restore-portal.json", 0),
        ("Veeam Backup for Microsoft 365 backup application", "app-manifest-backup-application.json", 2),
    ] {
        let text = std::fs::read_to_string(bundle.join(manifest)).expect("manifest");
        let wanted: serde_json::Value = serde_json::from_str(&text).expect("json");
        expect::registered(&d, other, &wanted, "certificate", certificates);
    }
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

/// With --mailbox-scope, the scoped mail, calendar and contact permissions are neither requested
/// nor granted in Entra ID (`registered` checks the grants against the manifest, which leaves
/// them out); a runner signs in with a certificate, and the results line names the secret's key.
#[test]
fn mailbox_scope_grants_no_mail_permission_tenant_wide_runner_with_certificate() {
    let Some(tool) = sandbox::tool() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let tenant = Tenant::new(&tool, "public", &[], None);
    let (runner, pem) = make_runner(&tenant, dir.path(), true);
    let bundle = dir.path().join("bundle");
    render(
        &["corso-2023-09", "--tenant", "contoso", "--credential", "secret", "--mailbox-scope", "backup@contoso.com"],
        &bundle,
    );
    let manifest = expect::manifest(&bundle);
    let mail_read_write = "e2a3a72e-5f79-4c64-b1b1-878b674786c9";
    assert!(!manifest.to_string().contains(mail_read_write), "Mail.ReadWrite left out");
    let results = dir.path().join("results.jsonl");
    let results_s = results.to_str().expect("utf-8").to_string();
    let env = [
        ("M365_RUNBOOK_RUNNER_ID", runner.as_str()),
        ("M365_RUNBOOK_RUNNER_CERT", pem.as_str()),
        ("M365_RUNBOOK_RESULTS", results_s.as_str()),
    ];
    let script = bundle.join("register-app.sh");
    for n in 1..=2 {
        let run = tenant.run_env(&["bash".as_ref(), script.as_os_str()], &env);
        expect::run_ok(&tenant, &run, &format!("mailbox scope run {n}"));
        let d = tenant.directory();
        let (app_id, _) = expect::registered(&d, "CorsoApp", &manifest, "secret", n);
        let by_cert = tenant
            .requests()
            .iter()
            .filter(|r| r["issued"]["appid"] == runner.as_str() && r["issued"]["credential"]["type"] == "certificate")
            .count();
        assert!(by_cert >= n, "the runner signed in with its certificate");
        let text = std::fs::read_to_string(&results).expect("results");
        let last: serde_json::Value = serde_json::from_str(text.lines().last().expect("a line")).expect("json");
        let app = &expect::apps_named(&d, "CorsoApp")[0];
        let secrets = app["passwordCredentials"].as_array().expect("secrets");
        assert_eq!(last["app_id"], app_id.as_str());
        assert!(secrets.iter().any(|p| p["keyId"] == last["credential_key_id"]), "the new secret's key id: {last}");
        assert!(run.stdout.contains("Rotation:") == (n == 2), "older secrets listed for removal on the second run");
    }
}

/// Signs in as the admin and makes a runner app with a secret and the Graph application
/// permissions the runbook lists for unattended runs. Returns (runner app id, secret).
fn make_runner(tenant: &Tenant, dir: &Path, certificate: bool) -> (String, String) {
    let script = dir.join("make-runner.sh");
    std::fs::write(
        &script,
        r#"set -euo pipefail
az login --tenant "$ENTRA_SANDBOX_TENANT_ID" --allow-no-subscriptions --output none
id=$(az ad app create --display-name 'runner' --query appId --output tsv)
az ad sp create --id "$id" --output none
sp=$(az ad sp show --id "$id" --query id --output tsv)
graph=$(az ad sp show --id 00000003-0000-0000-c000-000000000000 --query id --output tsv)
for role in Application.ReadWrite.All AppRoleAssignment.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All User.Read.All; do
  rid=$(az ad sp show --id 00000003-0000-0000-c000-000000000000 --query "appRoles[?value=='$role'].id" --output tsv)
  printf '{"principalId": "%s", "resourceId": "%s", "appRoleId": "%s"}' "$sp" "$graph" "$rid" > "$1.body"
  az rest --method POST --url "https://graph.microsoft.com/v1.0/servicePrincipals/$graph/appRoleAssignedTo" \
    --headers Content-Type=application/json --output none --body "@$1.body"
done
if [ "$2" = certificate ]; then
  secret=$(az ad app credential reset --id "$id" --create-cert --query fileWithCertAndPrivateKey --output tsv --only-show-errors)
else
  secret=$(az ad app credential reset --id "$id" --query password --output tsv --only-show-errors)
fi
printf '%s\n%s\n' "$id" "$secret" > "$1"
"#,
    )
    .expect("script");
    let out = dir.join("runner.txt");
    let kind = if certificate { "certificate" } else { "secret" };
    let run = tenant.run(&["bash".as_ref(), script.as_os_str(), out.as_os_str(), kind.as_ref()]);
    assert_eq!(run.status, 0, "make the runner: {}\n{}", run.stdout, run.stderr);
    let text = std::fs::read_to_string(&out).expect("runner.txt");
    let mut lines = text.lines();
    (lines.next().expect("id").to_string(), lines.next().expect("secret").to_string())
}

/// An MSP's registration, unattended: signed in as a runner service principal (secret from the
/// environment), with an owner, notes, a service management reference and the property lock, the
/// customer's own certificate uploaded once, and one JSON results line per run.
#[test]
fn runner_owner_hardening_and_own_certificate() {
    let Some(tool) = sandbox::tool() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let tenant = Tenant::new(&tool, "public", &[], None);
    let (runner, secret) = make_runner(&tenant, dir.path(), false);
    let d = tenant.directory();
    // The sandbox has no /users/{upn} lookup (one user, not listed by Graph): the owner is given
    // by object id. A name (UPN) is looked up with `az ad user show` first.
    let admin_id = d["users"][0]["id"].as_str().expect("admin id").to_string();

    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    let o = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=t", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha1", "-in"])
        .arg(&cert)
        .output()
        .expect("openssl");
    let thumbprint: String =
        String::from_utf8_lossy(&o.stdout).split('=').nth(1).expect("fingerprint").trim().replace(':', "");

    let bundle = dir.path().join("bundle");
    // KODO's own form takes a secret only: a copy of its profile whose form also takes a certificate.
    let kodo = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden/kodo-2021-08-certificate.yaml");
    render(
        &[
            kodo,
            "--tenant",
            "contoso",
            "--certificate-file",
            cert.to_str().expect("utf-8"),
            "--owner",
            &admin_id,
            "--notes",
            "Managed by Example MSP",
            "--service-management-reference",
            "CHG-0042",
        ],
        &bundle,
    );
    assert!(
        std::fs::read_to_string(bundle.join("certificate.pem")).expect("certificate.pem").contains("BEGIN CERTIFICATE")
    );
    let results = dir.path().join("results.jsonl");
    let results_s = results.to_str().expect("utf-8").to_string();
    let env = [
        ("M365_RUNBOOK_RUNNER_ID", runner.as_str()),
        ("M365_RUNBOOK_RUNNER_SECRET", secret.as_str()),
        ("M365_RUNBOOK_RESULTS", results_s.as_str()),
    ];
    let script = bundle.join("register-app.sh");
    for n in 1..=2 {
        let run = tenant.run_env(&["bash".as_ref(), script.as_os_str()], &env);
        expect::run_ok(&tenant, &run, &format!("runner run {n}"));
        let d = tenant.directory();
        let apps = expect::apps_named(&d, "KODO for Cloud");
        assert_eq!(apps.len(), 1);
        let app = apps[0];
        let owners: Vec<&str> = app["owners"].as_array().expect("owners").iter().filter_map(|o| o.as_str()).collect();
        assert_eq!(owners.iter().filter(|o| **o == admin_id).count(), 1, "the admin is an owner, once: {owners:?}");
        assert!(app["notes"].as_str().expect("notes").ends_with("Managed by Example MSP"), "{}", app["notes"]);
        assert!(app["notes"].as_str().expect("notes").contains("kodo-2021-08"));
        assert_eq!(app["serviceManagementReference"], "CHG-0042");
        assert_eq!(app["servicePrincipalLockConfiguration"]["isEnabled"], true);
        assert_eq!(app["servicePrincipalLockConfiguration"]["allProperties"], true);
        let keys = app["keyCredentials"].as_array().expect("keys");
        assert_eq!(keys.len(), 1, "the certificate is uploaded once: {keys:#?}");
        assert_eq!(keys[0]["customKeyIdentifier"].as_str(), Some(thumbprint.as_str()), "the certificate given");
        assert_eq!(app["passwordCredentials"].as_array().map(Vec::len), Some(0));
        // Made by the runner: its sign-ins, not the admin's, authenticated the script's calls.
        let issued_to_runner = tenant.requests().iter().filter(|r| r["issued"]["appid"] == runner.as_str()).count();
        assert!(issued_to_runner >= n, "the runner signed in");

        let text = std::fs::read_to_string(&results).expect("results file");
        assert!(!text.contains(&secret), "no secret in the results");
        let lines: Vec<serde_json::Value> =
            text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
        assert_eq!(lines.len(), n, "one line per run");
        let last = &lines[n - 1];
        let sp =
            d["servicePrincipals"].as_array().expect("sps").iter().find(|s| s["appId"] == app["appId"]).expect("sp");
        assert_eq!(last["app_id"], app["appId"]);
        assert_eq!(last["service_principal_id"], sp["id"]);
        assert_eq!(last["tenant_id"], d["tenant"]["id"]);
        assert_eq!(last["credential"], "certificate");
        assert_eq!(last["credential_key_id"], keys[0]["keyId"]);
        assert_eq!(
            last["credential_expires"].as_str().map(|s| &s[..10]),
            keys[0]["endDateTime"].as_str().map(|s| &s[..10])
        );
        if n == 1 {
            // Someone turns the lock off: the next run turns it on again.
            let url = format!("https://graph.microsoft.com/v1.0/applications/{}", app["id"].as_str().expect("id"));
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
                r#"{"servicePrincipalLockConfiguration": {"isEnabled": false}}"#.as_ref(),
            ]);
            assert_eq!(o.status, 0, "{}", o.stderr);
            assert_eq!(
                tenant.directory()["applications"]
                    .as_array()
                    .expect("apps")
                    .iter()
                    .find(|a| a["id"] == app["id"])
                    .expect("app")["servicePrincipalLockConfiguration"]["isEnabled"],
                false
            );
        }
    }
}
