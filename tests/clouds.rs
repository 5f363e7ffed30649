//! Clouds, consent, credentials and the vendor steps a cloud changes: every built-in profile in
//! every built-in cloud, rendered in process.

use std::fs;

use m365_runbook::catalog::Catalog;
use m365_runbook::cloud::Cloud;
use m365_runbook::job::{self, Rendered, Setup};
use m365_runbook::profile::{CredentialKind, ProfileSet};
use m365_runbook::render::{Bundle, Templates};
use m365_runbook::values::Values;

use crate::common::{repo, run_in, stderr};

fn render(
    profile: &str,
    cloud: &str,
    credential: Option<CredentialKind>,
    least_privilege: bool,
    sites: &[&str],
) -> Rendered {
    let set = ProfileSet::builtin().expect("built-ins");
    let loaded = set.find(profile).expect("profile");
    let catalog = Catalog::builtin();
    let templates = Templates::builtin().expect("templates");
    let setup = Setup {
        catalog: &catalog,
        templates: &templates,
        as_of: "2026-11-22".parse().expect("date"),
        allow: &[],
        flavor: Default::default(),
    };
    let mut values = Values::for_tenant("contoso".parse().expect("tenant"));
    values.credential = credential;
    values.least_privilege = least_privilege;
    values.sites = sites.iter().map(|s| s.parse().expect("site")).collect();
    job::run(&setup, loaded, &values, Cloud::builtin(cloud).expect("cloud"))
        .unwrap_or_else(|e| panic!("{profile} {cloud}: {e}"))
}

fn all_text(bundle: &Bundle) -> String {
    bundle.files().map(|(_, f)| f.text.as_str()).collect::<Vec<_>>().join("\n")
}

fn hosts(cloud: &Cloud) -> Vec<String> {
    let host = |u: &str| u.trim_start_matches("https://").to_string();
    vec![
        host(&cloud.login),
        host(&cloud.graph),
        host(&cloud.portal),
        host(&cloud.entra()),
        format!("-admin.{}", cloud.sharepoint_suffix),
    ]
}

#[test]
fn no_bundle_carries_another_clouds_endpoint_or_the_admin_consent_command() {
    let set = ProfileSet::builtin().expect("built-ins");
    let ids: Vec<(String, Vec<CredentialKind>)> = set
        .profiles
        .iter()
        .map(|p| (p.profile.id.clone(), m365_runbook::plan::accepted_credentials(&p.profile)))
        .collect();
    let clouds: Vec<Cloud> = Cloud::builtin_ids().into_iter().filter_map(Cloud::builtin).collect();
    for cloud in &clouds {
        let own = hosts(cloud);
        let foreign: Vec<String> = clouds
            .iter()
            .flat_map(hosts)
            .filter(|h| !own.contains(h) && !own.iter().any(|o| o.contains(h.as_str())))
            .collect();
        for (id, takes) in &ids {
            // A credential the product cannot take is an error (credential-unsupported).
            for credential in [CredentialKind::Secret, CredentialKind::Certificate]
                .into_iter()
                .filter(|c| takes.is_empty() || takes.contains(c))
            {
                let text = all_text(&render(id, &cloud.id, Some(credential), false, &[]).bundle);
                for h in &foreign {
                    assert!(!text.contains(h.as_str()), "{id} in {}: found {h}", cloud.id);
                }
                // Graph (called by the scripts) and the Entra admin center (linked by them); sign-in
                // goes through `az cloud set`, so the login host need not appear.
                for h in [&own[1], &own[3]] {
                    assert!(text.contains(h.as_str()), "{id} in {}: missing its own {h}", cloud.id);
                }
                let calls_admin_consent = text
                    .lines()
                    .any(|l| !l.trim_start().starts_with('#') && l.contains("az ad app permission admin-consent"));
                assert!(!calls_admin_consent, "{id} in {}: admin-consent", cloud.id);
                assert!(text.contains(&format!("az cloud set --name '{}'", cloud.az_cloud)), "{id} in {}", cloud.id);
            }
        }
    }
}

#[test]
fn dod_registers_its_cloud_in_both_scripts() {
    let b = render("corso", "dod", None, false, &[]).bundle;
    for script in ["register-app.sh", "register-app.ps1"] {
        let text = b.get(script).expect(script);
        let register = text.find("az cloud register --name 'AzureUSGovernmentDoD'").expect("register");
        assert!(register < text.find("az cloud set --name 'AzureUSGovernmentDoD'").expect("set"), "{script}");
        assert!(text.contains("'https://dod-graph.microsoft.us/'"), "{script}");
    }
}

#[test]
fn the_credential_defaults_to_what_the_product_takes_and_kodo_is_told_it_cannot_work() {
    // KODO's form takes a client secret: the default, although SharePoint app-only needs a certificate.
    let kodo = render("kodo", "public", None, false, &[]);
    let sh = kodo.bundle.get("register-app.sh").expect("sh");
    assert!(sh.contains("--query password") && !sh.contains("--create-cert"));
    assert!(kodo.warnings.iter().any(|w| w.code.as_deref() == Some("sharepoint-secret")));
    let index: serde_json::Value = serde_json::from_str(kodo.bundle.get("bundle.json").expect("index")).expect("json");
    assert_eq!(index["verdict"]["status"], "cannot-work-as-documented");
    assert_eq!(index["values"]["credential"], "secret");
    let corso = render("corso", "public", None, false, &[]).bundle;
    let sh = corso.get("register-app.sh").expect("sh");
    assert!(sh.contains("--years \"$CREDENTIAL_YEARS\" --query password") && !sh.contains("--create-cert"));

    // A profile whose inputs name no credential, with SharePoint app-only access: a certificate.
    let tmp = tempfile::tempdir().expect("tmp");
    let profile = tmp.path().join("sp.yaml");
    let text = fs::read_to_string(repo().join("tests/fixtures/lint/sharepoint-secret.pass.yaml"))
        .expect("fixture")
        .replace("  credential: certificate\n", "");
    fs::write(&profile, text).expect("write");
    let out = tmp.path().join("b");
    let o = run_in(
        &repo(),
        &[
            "render",
            &profile.to_string_lossy(),
            "--tenant",
            "contoso",
            "--out",
            &out.to_string_lossy(),
            "--as-of",
            "2026-11-22",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fs::read_to_string(out.join("register-app.sh")).expect("sh").contains("--create-cert"));
    assert!(
        fs::read_to_string(out.join("runbook.md"))
            .expect("md")
            .contains("This bundle creates a certificate, not the client secret")
    );
}

#[test]
fn a_credential_the_product_cannot_take_stops_the_render_with_the_rule_id() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("c").to_string_lossy().to_string();
    let o = run_in(&repo(), &["render", "corso", "--tenant", "contoso", "--credential", "certificate", "--out", &out]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(
            "error[credential-unsupported]: Corso takes a client secret only (its inputs), but this bundle creates a certificate\n"
        ),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("= help: render with --credential secret"), "{}", stderr(&o));
    assert!(!std::path::Path::new(&out).exists(), "nothing written");
}

#[test]
fn ews_profiles_get_the_exchange_step_for_their_cloud() {
    let kodo = render("kodo", "gcc-high", None, false, &[]).bundle;
    let ps = kodo.get("exchange-online.ps1").expect("exchange step");
    assert!(ps.contains("Connect-ExchangeOnline -ExchangeEnvironmentName 'O365USGovGCCHigh'"), "{ps}");
    assert!(kodo.get("runbook.md").expect("md").contains("Admit the app to Exchange Web Services"));
    assert!(render("corso", "public", None, false, &[]).bundle.get("exchange-online.ps1").is_none());
}

#[test]
fn least_privilege_swaps_tenant_wide_sites_for_selected_with_a_grant_per_site() {
    let r = render(
        "kodo",
        "gcc-high",
        None,
        true,
        &["https://contoso.sharepoint.us/sites/finance", "https://contoso.sharepoint.us"],
    );
    let manifest: serde_json::Value =
        serde_json::from_str(r.bundle.get("app-manifest.json").expect("manifest")).expect("json");
    let index: serde_json::Value = serde_json::from_str(r.bundle.get("bundle.json").expect("index")).expect("json");
    let names: Vec<&str> =
        index["permissions"].as_array().expect("perms").iter().filter_map(|p| p["name"].as_str()).collect();
    assert!(!names.iter().any(|n| n.starts_with("Sites.") && n.ends_with(".All")), "{names:?}");
    assert_eq!(names.iter().filter(|n| **n == "Sites.Selected").count(), 2, "Graph and SharePoint");
    assert_eq!(manifest.as_array().map(Vec::len), Some(3));
    let sh = r.bundle.get("register-app.sh").expect("sh");
    assert!(sh.contains("SITE_ROLE='fullcontrol'"));
    assert!(sh.contains("done <<< 'contoso.sharepoint.us /sites/finance\ncontoso.sharepoint.us /'"), "{sh}");
    let ps = r.bundle.get("register-app.ps1").expect("ps1");
    assert!(
        ps.contains("$Sites = @(@('contoso.sharepoint.us', '/sites/finance'), @('contoso.sharepoint.us', '/'))"),
        "{ps}"
    );
    assert!(
        names.contains(&"Files.SelectedOperations.Selected") && !names.contains(&"Files.ReadWrite.All"),
        "{names:?}"
    );
    // The tenant-wide appinv.aspx grant is dropped, and what stays tenant-wide is listed.
    assert!(r.bundle.get("appinv-permission-request.xml").is_none());
    let md = r.bundle.get("runbook.md").expect("md").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(md.contains("**Least privilege.** This bundle asks for the selected-scope form"), "{md}");
    assert!(md.contains("`Sites.Selected` instead of `Sites.FullControl.All` (Microsoft Graph)"), "{md}");
    let stays = md.split("stay tenant-wide").nth(1).expect("tenant-wide list");
    assert!(stays.contains("`Directory.ReadWrite.All`") && stays.contains("`Mail.ReadWrite`"), "{md}");
    assert!(
        !md.contains("reaches only the sites granted to it"),
        "no claim of site-only reach while tenant-wide grants remain"
    );
    assert!(md.contains("`POST /drives/{drive-id}/items/{item-id}/permissions`"), "{md}");
    assert_eq!(index["retired"]["add_in"]["why"], "retired", "past its end of life, the date is the reason");
    let tenant_wide = index["least_privilege"]["tenant_wide"].as_array().expect("tenant_wide");
    assert!(tenant_wide.iter().any(|p| p["name"] == "Group.ReadWrite.All"), "{tenant_wide:?}");
    assert!(!tenant_wide.iter().any(|p| p["name"].as_str().is_some_and(|n| n.contains("Selected"))));
}

#[test]
fn sites_outside_the_tenant_are_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("x").to_string_lossy().to_string();
    let o = run_in(
        &repo(),
        &[
            "render",
            "kodo",
            "--tenant",
            "contoso",
            "--least-privilege",
            "--site",
            "https://fabrikam.sharepoint.com/sites/a",
            "--out",
            &out,
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("site `https://fabrikam.sharepoint.com/sites/a` is not in the tenant's SharePoint (`contoso.sharepoint.com`)"), "{}", stderr(&o));
}

#[test]
fn a_custom_cloud_file_renders_with_its_endpoints_and_a_bad_one_is_located() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cloud = "id: usnat\nname: Air-gapped test cloud\nlogin: https://login.example.mil\ngraph: https://graph.example.mil\n\
        portal: https://portal.example.mil\ntenant_domain_suffix: onmicrosoft.example.mil\nsharepoint_suffix: sharepoint.example.mil\n\
        spo_region: ITAR\naz_cloud: USNat\naz_register:\n  endpoint_active_directory: https://login.example.mil\n  \
        endpoint_active_directory_graph_resource_id: https://graph.example.mil/\n  endpoint_resource_manager: https://management.example.mil/\n  \
        endpoint_microsoft_graph_resource_id: https://graph.example.mil/\nexchange_environment: O365USGovDoD\n";
    let file = tmp.path().join("usnat.yaml");
    fs::write(&file, cloud).expect("write");
    let out = tmp.path().join("b").to_string_lossy().to_string();
    let o = run_in(
        &repo(),
        &[
            "render",
            "kodo",
            "--tenant",
            "contoso",
            "--cloud-file",
            &file.to_string_lossy(),
            "--out",
            &out,
            "--as-of",
            "2026-11-22",
            "--include-retired",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let sh = fs::read_to_string(tmp.path().join("b/register-app.sh")).expect("sh");
    assert!(
        sh.contains("GRAPH='https://graph.example.mil'") && sh.contains("az cloud register --name 'USNat'"),
        "{sh}"
    );
    let md = fs::read_to_string(tmp.path().join("b/runbook.md")).expect("md");
    assert!(
        md.contains("`contoso.onmicrosoft.example.mil`")
            && md.contains("https://contoso-admin.sharepoint.example.mil/_layouts/15/appinv.aspx")
    );
    assert!(!md.contains("microsoftonline.com") && !sh.contains("graph.microsoft.com"));

    fs::write(&file, cloud.replace("graph: https://graph.example.mil\n", "graph: http://graph.example.mil\n"))
        .expect("write");
    let o = run_in(
        &repo(),
        &[
            "render",
            "kodo",
            "--tenant",
            "contoso",
            "--cloud-file",
            &file.to_string_lossy(),
            "--out",
            &format!("{out}2"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("`graph`: `http://graph.example.mil` is not an https URL")
            && err.contains("usnat.yaml:4:8 (graph)"),
        "{err}"
    );
}
