//! What a directory must hold after a bundle's script ran: the assertions every case shares.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::sandbox::{Run, Tenant};

/// The az CLI checks for a newer version of itself once a week after `az login`
/// (azure-cli core `util.py`, `show_updates_available`): the one host a run may try that the
/// emulator does not answer. Nothing in the scripts calls it.
const AZ_VERSION_CHECK_HOST: &str = "azcliprod.blob.core.windows.net:443";

/// (resourceAppId, permission id, Role|Scope) of a `requiredResourceAccess` array.
pub fn access_set(rra: &Value) -> BTreeSet<(String, String, String)> {
    let mut set = BTreeSet::new();
    for r in rra.as_array().expect("requiredResourceAccess is an array") {
        let api = r["resourceAppId"].as_str().expect("resourceAppId").to_string();
        for a in r["resourceAccess"].as_array().expect("resourceAccess") {
            set.insert((
                api.clone(),
                a["id"].as_str().expect("id").to_string(),
                a["type"].as_str().expect("type").to_string(),
            ));
        }
    }
    set
}

pub fn manifest(bundle: &Path) -> Value {
    let text = std::fs::read_to_string(bundle.join("app-manifest.json")).expect("app-manifest.json");
    serde_json::from_str(&text).expect("manifest is JSON")
}

fn array<'a>(d: &'a Value, key: &str) -> &'a [Value] {
    d[key].as_array().map(Vec::as_slice).unwrap_or(&[])
}

pub fn apps_named<'a>(d: &'a Value, name: &str) -> Vec<&'a Value> {
    array(d, "applications").iter().filter(|a| a["displayName"] == name).collect()
}

fn sp_of<'a>(d: &'a Value, app_id: &str) -> Vec<&'a Value> {
    array(d, "servicePrincipals").iter().filter(|s| s["appId"] == app_id).collect()
}

/// What a run must have printed and left, whatever the case.
pub fn run_ok(tenant: &Tenant, run: &Run, what: &str) {
    assert_eq!(run.status, 0, "{what}: exit {}\nstdout:\n{}\nstderr:\n{}", run.status, run.stdout, run.stderr);
    let blocked: Vec<String> = tenant
        .requests()
        .iter()
        .filter(|r| r["kind"] == "blocked")
        .filter_map(|r| r["connect"].as_str().map(str::to_string))
        .filter(|h| h != AZ_VERSION_CHECK_HOST)
        .collect();
    assert!(blocked.is_empty(), "{what}: connections to hosts the sandbox does not emulate: {blocked:?}");
    let bugs: Vec<Value> = tenant.requests().into_iter().filter(|r| !r["emulatorException"].is_null()).collect();
    assert!(bugs.is_empty(), "{what}: the emulator failed on a request: {bugs:#?}");
}

/// The app a registration leaves: exactly one of that name, its permissions those of the
/// manifest, one service principal, one app role assignment per application permission, one
/// AllPrincipals grant per API with delegated permissions, holding exactly those scopes, and
/// `credentials` credentials of the kind asked for. Returns (appId, service principal id).
pub fn registered(d: &Value, name: &str, expected: &Value, credential: &str, credentials: usize) -> (String, String) {
    let apps = apps_named(d, name);
    assert_eq!(apps.len(), 1, "exactly one app named {name:?}: {apps:#?}");
    let app = apps[0];
    let app_id = app["appId"].as_str().expect("appId").to_string();
    assert_eq!(access_set(&app["requiredResourceAccess"]), access_set(expected), "requiredResourceAccess");
    let sps = sp_of(d, &app_id);
    assert_eq!(sps.len(), 1, "one service principal for {app_id}");
    let sp_id = sps[0]["id"].as_str().expect("sp id").to_string();

    let want = access_set(expected);
    let mut roles: Vec<(String, String)> = array(d, "appRoleAssignments")
        .iter()
        .filter(|a| a["principalId"] == sp_id.as_str())
        .map(|a| {
            let resource = array(d, "servicePrincipals")
                .iter()
                .find(|s| s["id"] == a["resourceId"])
                .and_then(|s| s["appId"].as_str())
                .unwrap_or("?")
                .to_string();
            (resource, a["appRoleId"].as_str().unwrap_or("?").to_string())
        })
        .collect();
    roles.sort();
    let mut want_roles: Vec<(String, String)> =
        want.iter().filter(|(_, _, t)| t == "Role").map(|(api, id, _)| (api.clone(), id.clone())).collect();
    want_roles.sort();
    assert_eq!(roles, want_roles, "exactly one app role assignment per application permission");

    let apis: BTreeSet<&String> = want.iter().filter(|(_, _, t)| t == "Scope").map(|(api, _, _)| api).collect();
    let grants: Vec<&Value> =
        array(d, "oauth2PermissionGrants").iter().filter(|g| g["clientId"] == sp_id.as_str()).collect();
    assert_eq!(grants.len(), apis.len(), "one delegated grant per API: {grants:#?}");
    for api in apis {
        let resource_sp = sp_of(d, api).first().and_then(|s| s["id"].as_str()).unwrap_or("?").to_string();
        let grant = grants.iter().find(|g| g["resourceId"] == resource_sp.as_str()).expect("a grant for the API");
        assert_eq!(grant["consentType"], "AllPrincipals");
        let scopes: BTreeSet<String> =
            grant["scope"].as_str().unwrap_or("").split_whitespace().map(str::to_string).collect();
        let names = &d["resources"][api.as_str()]["oauth2PermissionScopes"];
        let want_scopes: BTreeSet<String> = want
            .iter()
            .filter(|(a, _, t)| a == api && t == "Scope")
            .map(|(_, id, _)| names[id.as_str()].as_str().unwrap_or(id).to_string())
            .collect();
        assert_eq!(scopes, want_scopes, "the grant's scopes for {api}");
    }
    let (have, other) = match credential {
        "certificate" => (array(app, "keyCredentials").len(), array(app, "passwordCredentials").len()),
        _ => (array(app, "passwordCredentials").len(), array(app, "keyCredentials").len()),
    };
    assert_eq!((have, other), (credentials, 0), "{credential}s on the app");
    (app_id, sp_id)
}

/// The tenant id, client id and consent URL a run printed are the directory's.
pub fn printed(run: &Run, d: &Value, app_id: &str) {
    let tenant_id = d["tenant"]["id"].as_str().expect("tenant id");
    assert!(run.stdout.contains(tenant_id), "tenant id {tenant_id} not printed:\n{}", run.stdout);
    let consent = format!("/~/CallAnAPI/appId/{app_id}/isMSAApp~/false");
    assert!(run.stdout.contains(&consent), "the consent page {consent} not printed:\n{}", run.stdout);
    let client_lines = run.stdout.lines().filter(|l| l.contains(app_id)).count();
    assert!(client_lines >= 2, "client id {app_id} printed as a value too:\n{}", run.stdout);
}

/// The sites given hold exactly one permission for the app, with `role`; no helper app is left.
pub fn sites_granted(d: &Value, app_id: &str, app_name: &str, sites: &[&str], role: &str) {
    for url in sites {
        let site = array(d, "sites").iter().find(|s| s["webUrl"] == *url).expect("site in the directory");
        let perms: Vec<&Value> = array(site, "permissions")
            .iter()
            .filter(|p| array(p, "grantedToIdentitiesV2").iter().any(|g| g["application"]["id"] == app_id))
            .collect();
        assert_eq!(perms.len(), 1, "{url}: one permission for the app: {perms:#?}");
        assert_eq!(perms[0]["roles"], serde_json::json!([role]), "{url}");
    }
    let helper = format!("{app_name} (site grants)");
    assert!(apps_named(d, &helper).is_empty(), "the helper app is deleted");
}

/// The scripts asked Graph to delete the site helper's service principal, once per run (by object
/// id). The emulator does not implement `DELETE /servicePrincipals/{id}` (it answers 400 "Resource
/// not found for the segment"), although Graph documents it
/// (learn.microsoft.com/graph/api/serviceprincipal-delete): the request is what can be checked.
pub fn helper_service_principal_deleted(tenant: &Tenant, runs: usize) {
    let deletes = tenant
        .requests()
        .iter()
        .filter(|r| {
            r["method"] == "DELETE"
                && r["path"].as_str().is_some_and(|p| p.starts_with("/v1.0/servicePrincipals/"))
                && r["token"]["idtyp"] == "user"
        })
        .count();
    assert_eq!(deletes, runs, "one DELETE of the helper's service principal per run");
}
