//! The comparison, pure: what a profile asks for (resolved into a plan) against what the tenant
//! holds (a `State`), as a list of findings. No file, clock or network here.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::state::{Credential, CredentialKind, State};
use crate::catalog::{Catalog, Kind, ResourceData};
use crate::date::Date;
use crate::diagnostic::Location;
use crate::guid::Guid;
use crate::plan::PlannedApi;

/// What the comparison needs besides the state.
pub struct Expected<'a> {
    /// The permissions the profile asks for with these values (least privilege applied).
    pub apis: &'a [PlannedApi],
    pub catalog: &'a Catalog,
    /// Built-in older versions of the same product, newest first, with what each asked for.
    pub older: &'a [Older],
    /// The app id the values name, if any.
    pub client_id: Option<&'a Guid>,
    pub as_of: Date,
    pub expiring_within_days: u32,
}

/// An older built-in profile of the same product and its permissions: (resource app id, kind,
/// permission id).
pub struct Older {
    pub id: String,
    pub permissions: BTreeSet<(String, Kind, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// Asked for by the profile, not in `requiredResourceAccess`.
    MissingPermission,
    /// In `requiredResourceAccess`, not asked for by the profile.
    ExtraPermission,
    /// Asked for by the profile, without admin consent.
    NotConsented,
    /// Consented (an app role assignment or a scope of the all-users grant), not asked for.
    ConsentedNotRequired,
    CredentialExpired,
    CredentialExpiring,
    /// No credential valid on the day judged: the product cannot sign in.
    NoCredential,
    /// The profile needs SharePoint app-only access, which refuses secrets.
    CertificateNeeded,
    /// The service principal is disabled: nobody can sign in as the app.
    Disabled,
    /// The app is not the one the values name (`client_id`).
    OtherApp,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MissingPermission => "missing-permission",
            Code::ExtraPermission => "extra-permission",
            Code::NotConsented => "not-consented",
            Code::ConsentedNotRequired => "consented-not-required",
            Code::CredentialExpired => "credential-expired",
            Code::CredentialExpiring => "credential-expiring",
            Code::NoCredential => "no-credential",
            Code::CertificateNeeded => "certificate-needed",
            Code::Disabled => "disabled",
            Code::OtherApp => "other-app",
        }
    }

    /// What to do about findings of this kind.
    pub fn help(self) -> &'static str {
        match self {
            Code::MissingPermission | Code::ExtraPermission => {
                "run the bundle's register-app script again: it sets requiredResourceAccess to exactly the profile's list"
            }
            Code::NotConsented => {
                "run the bundle's register-app script again: it grants admin consent for each permission"
            }
            Code::ConsentedNotRequired => {
                "once the product no longer needs it, remove it: az rest --method DELETE --url \
                 GRAPH/v1.0/servicePrincipals/SP_ID/appRoleAssignments/ID (application), or PATCH the grant's scope (delegated)"
            }
            Code::CredentialExpired => "remove it: az ad app credential delete --id APP_ID --key-id KEY_ID",
            Code::CredentialExpiring => {
                "add a new credential (the register-app script appends one), switch the product to it, then remove the old one by its key id"
            }
            Code::NoCredential => "add a credential with the bundle's register-app script",
            Code::CertificateNeeded => {
                "render the bundle with --credential certificate and run its register-app script"
            }
            Code::Disabled => "enable it: az ad sp update --id APP_ID --set accountEnabled=true",
            Code::OtherApp => "export the state of the app the values name, or correct client_id",
        }
    }
}

/// A permission as findings show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PermissionRef {
    pub api: String,
    pub resource_app_id: String,
    /// The name, when the catalog knows the GUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
}

impl PermissionRef {
    fn shown(&self) -> String {
        let kind = if self.kind == "Role" { "application" } else { "delegated" };
        match &self.name {
            Some(n) => format!("{} {kind} permission `{n}` ({})", self.api, self.id),
            None => format!("{} {kind} permission {} (unknown to the catalog)", self.api, self.id),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<PermissionRef>,
    /// The newest built-in older profile of the product that asked for this permission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub older_profile: Option<String>,
    /// The app role assignment or grant behind a consent finding, to remove it by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Where in the exported files, when it comes from one entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CredentialRow {
    pub kind: CredentialKind,
    pub on: &'static str,
    pub key_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub end: Date,
    pub days_left: i64,
    /// valid, expiring or expired
    pub status: &'static str,
}

/// The verdict on one app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub app_id: String,
    pub app_name: String,
    pub service_principal_id: String,
    /// How many permissions the profile asks for.
    pub required: usize,
    pub findings: Vec<Finding>,
    pub credentials: Vec<CredentialRow>,
    /// What was read but not judged, and why (per-user grants, for example).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

type Key = (String, Kind, String);

fn kind_name(kind: Kind) -> &'static str {
    kind.entra_type()
}

/// Compares `state` with what `expected` asks for.
pub fn compare(expected: &Expected<'_>, state: &State) -> Verdict {
    let catalog = expected.catalog;
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let app = &state.application;

    if let Some(client_id) = expected.client_id.filter(|c| **c != app.app_id) {
        findings.push(Finding {
            code: Code::OtherApp,
            message: format!("the exported app is `{}`, but the values name `{client_id}`", app.app_id),
            permission: None,
            older_profile: None,
            object_id: None,
            key_id: None,
            at: None,
        });
    }
    if !state.service_principal.account_enabled {
        findings.push(plain(Code::Disabled, "the service principal is disabled (accountEnabled is false)".into()));
    }

    // What the profile asks for, keyed by (resource app id, kind, permission id).
    let mut required: BTreeMap<Key, PermissionRef> = BTreeMap::new();
    for api in expected.apis {
        for p in &api.permissions {
            required.insert(
                (api.resource.app_id.to_ascii_lowercase(), p.kind, p.data.id.to_string()),
                PermissionRef {
                    api: api.resource.display_name.to_string(),
                    resource_app_id: api.resource.app_id.to_string(),
                    name: Some(p.data.name.to_string()),
                    kind: kind_name(p.kind),
                    id: p.data.id.to_string(),
                },
            );
        }
    }

    // requiredResourceAccess, with ids normalised through the catalog (an old duplicate id
    // counts as the permission it duplicates).
    let mut listed: BTreeMap<Key, PermissionRef> = BTreeMap::new();
    for r in &app.required {
        let p = permission(catalog, r.resource_app_id.as_str(), None, r.kind, r.id.as_str());
        listed.insert((p.resource_app_id.to_ascii_lowercase(), r.kind, p.id.clone()), p);
    }
    for (key, p) in &required {
        if !listed.contains_key(key) {
            findings.push(permission_finding(
                Code::MissingPermission,
                p,
                "is not in the app's requiredResourceAccess",
                None,
            ));
        }
    }
    for (key, p) in &listed {
        if !required.contains_key(key) {
            let older = older_with(expected.older, key);
            findings.push(permission_finding(
                Code::ExtraPermission,
                p,
                "is in the app's requiredResourceAccess, but the profile does not ask for it",
                older,
            ));
        }
    }

    // Consent: resource service principal object ids to app ids.
    let mut resource_app: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    for r in &state.resources {
        resource_app.insert(r.id.to_string(), (r.app_id.to_string(), r.display_name.clone()));
    }
    for a in &state.assignments {
        if resource_app.contains_key(a.resource_id.as_str()) {
            continue;
        }
        let by_name = a.resource_display_name.as_deref().and_then(|n| {
            catalog.resources().iter().find(|r| r.service_principal_display_name.eq_ignore_ascii_case(n))
        });
        if let Some(r) = by_name {
            resource_app.insert(a.resource_id.to_string(), (r.app_id.to_string(), a.resource_display_name.clone()));
        }
    }

    let mut consented: BTreeSet<Key> = BTreeSet::new();
    for a in &state.assignments {
        let Some((app_id, shown)) = resource_app.get(a.resource_id.as_str()) else {
            let name = a.resource_display_name.clone().unwrap_or_else(|| a.resource_id.to_string());
            findings.push(Finding {
                code: Code::ConsentedNotRequired,
                message: format!(
                    "an application permission {} of the API `{name}` (service principal {}) is consented, but the profile asks for nothing of that API",
                    a.app_role_id, a.resource_id
                ),
                permission: None,
                older_profile: None,
                object_id: Some(a.id.clone()),
                key_id: None,
                at: Some(a.at.clone()),
            });
            continue;
        };
        let p = permission(catalog, app_id, shown.as_deref(), Kind::Application, a.app_role_id.as_str());
        let key = (app_id.to_ascii_lowercase(), Kind::Application, p.id.clone());
        if !required.contains_key(&key) {
            let older = older_with(expected.older, &key);
            let mut f = permission_finding(
                Code::ConsentedNotRequired,
                &p,
                "is consented, but the profile does not ask for it",
                older,
            );
            f.object_id = Some(a.id.clone());
            f.at = Some(a.at.clone());
            findings.push(f);
        }
        consented.insert(key);
    }
    let per_user = state.grants.iter().filter(|g| !g.all_principals).count();
    if per_user > 0 {
        notes.push(format!(
            "{per_user} delegated grant(s) for single users were not counted: admin consent is the grant for all users (AllPrincipals)"
        ));
    }
    for g in state.grants.iter().filter(|g| g.all_principals) {
        let (app_id, shown) = match resource_app.get(g.resource_id.as_str()) {
            Some((a, s)) => (a.clone(), s.clone()),
            None => {
                findings.push(Finding {
                    code: Code::ConsentedNotRequired,
                    message: format!(
                        "delegated permissions `{}` of the API with service principal {} are consented, and that API is not in `resource-service-principals.json`",
                        g.scopes.join(" "),
                        g.resource_id
                    ),
                    permission: None,
                    older_profile: None,
                    object_id: Some(g.id.clone()),
                    key_id: None,
                    at: Some(g.at.clone()),
                });
                continue;
            }
        };
        let resource = catalog.resource(&app_id);
        for scope in &g.scopes {
            let p = match resource.and_then(|r| r.get(Kind::Delegated, scope)) {
                Some(data) => PermissionRef {
                    api: resource.map_or_else(|| app_id.clone(), |r| r.display_name.to_string()),
                    resource_app_id: app_id.clone(),
                    name: Some(data.name.to_string()),
                    kind: "Scope",
                    id: data.id.to_string(),
                },
                // A scope the catalog does not know: shown by name, keyed by name.
                None => PermissionRef {
                    api: resource
                        .map(|r| r.display_name.to_string())
                        .or(shown.clone())
                        .unwrap_or_else(|| app_id.clone()),
                    resource_app_id: app_id.clone(),
                    name: Some(scope.clone()),
                    kind: "Scope",
                    id: scope.clone(),
                },
            };
            let key = (app_id.to_ascii_lowercase(), Kind::Delegated, p.id.clone());
            if !required.contains_key(&key) {
                let older = older_with(expected.older, &key);
                let mut f = permission_finding(
                    Code::ConsentedNotRequired,
                    &p,
                    "is in the grant for all users, but the profile does not ask for it",
                    older,
                );
                f.object_id = Some(g.id.clone());
                f.at = Some(g.at.clone());
                findings.push(f);
            }
            consented.insert(key);
        }
    }
    for (key, p) in &required {
        if !consented.contains(key) {
            let how = if key.1 == Kind::Application {
                "has no app role assignment (admin consent)"
            } else {
                "is not in the grant for all users (admin consent)"
            };
            findings.push(permission_finding(Code::NotConsented, p, how, None));
        }
    }

    // Credentials, on the application and on the service principal.
    let credentials: Vec<&Credential> = app.credentials.iter().chain(&state.service_principal.credentials).collect();
    let mut rows = Vec::new();
    for c in &credentials {
        let days_left = expected.as_of.days_until(c.end);
        let status = if days_left < 0 {
            "expired"
        } else if days_left <= i64::from(expected.expiring_within_days) {
            "expiring"
        } else {
            "valid"
        };
        let what = credential_shown(c);
        let finding = match status {
            "expired" => {
                Some((Code::CredentialExpired, format!("{what} expired on {} ({} days ago)", c.end, -days_left)))
            }
            "expiring" => Some((Code::CredentialExpiring, format!("{what} expires on {}, in {days_left} days", c.end))),
            _ => None,
        };
        if let Some((code, message)) = finding {
            findings.push(Finding {
                code,
                message,
                permission: None,
                older_profile: None,
                object_id: None,
                key_id: Some(c.key_id.clone()),
                at: Some(c.at.clone()),
            });
        }
        rows.push(CredentialRow {
            kind: c.kind,
            on: c.on,
            key_id: c.key_id.clone(),
            display_name: c.display_name.clone(),
            end: c.end,
            days_left,
            status,
        });
    }
    let usable = |c: &&&Credential| expected.as_of.days_until(c.end) >= 0;
    if !credentials.iter().any(|c| usable(&c)) {
        findings.push(plain(
            Code::NoCredential,
            format!("the app has no secret or certificate valid on {}", expected.as_of),
        ));
    } else if needs_certificate(expected.apis)
        && !credentials.iter().filter(usable).any(|c| c.kind == CredentialKind::Certificate)
    {
        findings.push(plain(
            Code::CertificateNeeded,
            format!(
                "the profile asks for SharePoint application permissions, which refuse app-only tokens from secrets, and the app has no certificate valid on {}",
                expected.as_of
            ),
        ));
    }

    findings.sort_by(|a, b| {
        (a.code, a.permission.as_ref().map(|p| (&p.api, &p.name)), &a.key_id).cmp(&(
            b.code,
            b.permission.as_ref().map(|p| (&p.api, &p.name)),
            &b.key_id,
        ))
    });
    rows.sort_by(|a, b| (a.end, &a.key_id).cmp(&(b.end, &b.key_id)));
    Verdict {
        app_id: app.app_id.to_string(),
        app_name: app.display_name.clone(),
        service_principal_id: state.service_principal.id.to_string(),
        required: required.len(),
        findings,
        credentials: rows,
        notes,
    }
}

const SHAREPOINT: &str = "00000003-0000-0ff1-ce00-000000000000";

fn needs_certificate(apis: &[PlannedApi]) -> bool {
    apis.iter().any(|a| a.resource.app_id == SHAREPOINT && a.of_kind(Kind::Application).next().is_some())
}

fn credential_shown(c: &Credential) -> String {
    let kind = match c.kind {
        CredentialKind::Secret => "secret",
        CredentialKind::Certificate => "certificate",
    };
    let name = c.display_name.as_deref().map(|n| format!(" `{}`", n.escape_debug())).unwrap_or_default();
    let on = if c.on == "application" { String::new() } else { format!(" of the {}", c.on) };
    format!("{kind}{name}{on} (key id {})", c.key_id)
}

fn plain(code: Code, message: String) -> Finding {
    Finding { code, message, permission: None, older_profile: None, object_id: None, key_id: None, at: None }
}

fn permission_finding(code: Code, p: &PermissionRef, what: &str, older: Option<String>) -> Finding {
    let mut message = format!("{} {what}", p.shown());
    if let Some(o) = &older {
        message.push_str(&format!("; {o} asked for it"));
    }
    Finding {
        code,
        message,
        permission: Some(p.clone()),
        older_profile: older,
        object_id: None,
        key_id: None,
        at: None,
    }
}

/// A permission by resource app id and GUID, named through the catalog when it is known.
fn permission(catalog: &Catalog, app_id: &str, shown: Option<&str>, kind: Kind, id: &str) -> PermissionRef {
    let resource: Option<&ResourceData> = catalog.resource(app_id);
    let data = resource.and_then(|r| r.get_by_id(kind, id));
    PermissionRef {
        api: resource
            .map(|r| r.display_name.to_string())
            .or(shown.map(str::to_string))
            .unwrap_or_else(|| app_id.to_string()),
        resource_app_id: resource.map_or_else(|| app_id.to_string(), |r| r.app_id.to_string()),
        name: data.map(|d| d.name.to_string()),
        kind: kind_name(kind),
        id: data.map_or_else(|| id.to_ascii_lowercase(), |d| d.id.to_string()),
    }
}

fn older_with(older: &[Older], key: &Key) -> Option<String> {
    older.iter().find(|o| o.permissions.contains(key)).map(|o| o.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::Cloud;
    use crate::profile::LoadedProfile;
    use crate::values::Values;
    use crate::verify::state;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/verify");

    /// A fixture's five files as text, to edit before parsing.
    struct Texts {
        app: String,
        sp: String,
        assigned: String,
        granted: String,
        resources: String,
    }

    fn texts(fixture: &str) -> Texts {
        let read = |name: &str| std::fs::read_to_string(format!("{FIXTURES}/{fixture}/{name}")).expect("fixture");
        Texts {
            app: read(state::APPLICATION),
            sp: read(state::SERVICE_PRINCIPAL),
            assigned: read(state::APP_ROLE_ASSIGNMENTS),
            granted: read(state::GRANTS),
            resources: read(state::RESOURCES),
        }
    }

    impl Texts {
        fn state(&self) -> State {
            state::parse(
                ("application.json", &self.app),
                ("service-principal.json", &self.sp),
                ("app-role-assignments.json", &self.assigned),
                ("oauth2-permission-grants.json", &self.granted),
                Some(("resource-service-principals.json", &self.resources)),
            )
            .expect("parses")
        }

        /// Edits a file as JSON.
        fn edit(&mut self, file: &str, f: impl FnOnce(&mut serde_json::Value)) {
            let text = match file {
                "app" => &mut self.app,
                "sp" => &mut self.sp,
                "assigned" => &mut self.assigned,
                "granted" => &mut self.granted,
                _ => &mut self.resources,
            };
            let mut v: serde_json::Value = serde_json::from_str(text).expect("json");
            f(&mut v);
            *text = serde_json::to_string_pretty(&v).expect("json");
        }
    }

    fn verdict_with(
        profile: &str,
        state: &State,
        as_of: &str,
        least_privilege: bool,
        client_id: Option<&str>,
    ) -> Verdict {
        let b = crate::profile::find_builtin(profile).expect("built-in");
        let loaded = LoadedProfile::parse(b.id, b.text).expect("parses");
        let catalog = Catalog::builtin();
        let mut values = Values::for_tenant("contoso".parse().expect("tenant"));
        values.least_privilege = least_privilege;
        let as_of: crate::date::Date = as_of.parse().expect("date");
        let plan = crate::plan::resolve(&loaded, &catalog, &values, Cloud::builtin("public").expect("cloud"), as_of)
            .expect("plan");
        let older = crate::verify::older_versions(&loaded.profile, &catalog);
        let client_id: Option<Guid> = client_id.map(|c| c.parse().expect("guid"));
        let expected = Expected {
            apis: &plan.apis,
            catalog: &catalog,
            older: &older,
            client_id: client_id.as_ref(),
            as_of,
            expiring_within_days: 30,
        };
        compare(&expected, state)
    }

    fn verdict(profile: &str, state: &State, as_of: &str) -> Verdict {
        verdict_with(profile, state, as_of, false, None)
    }

    /// (code, permission name or key id, older profile)
    fn summary(v: &Verdict) -> Vec<(&'static str, String, Option<String>)> {
        v.findings
            .iter()
            .map(|f| {
                let what = f
                    .permission
                    .as_ref()
                    .map(|p| format!("{}/{}", p.api, p.name.clone().unwrap_or_default()))
                    .or(f.key_id.clone())
                    .unwrap_or_default();
                (f.code.as_str(), what, f.older_profile.clone())
            })
            .collect()
    }

    #[test]
    fn an_app_registered_by_the_bundle_is_clean() {
        let v = verdict("corso-2023-09", &texts("corso-2023-09").state(), "2026-12-01");
        assert_eq!(summary(&v), vec![], "{v:#?}");
        assert_eq!(v.required, 14);
        assert_eq!(v.credentials.len(), 1);
        assert_eq!((v.credentials[0].status, v.credentials[0].days_left), ("valid", 365));
    }

    #[test]
    fn an_older_profile_finds_what_the_newer_one_added_without_naming_an_older_version() {
        let v = verdict("corso-2022-12", &texts("corso-2023-09").state(), "2026-12-01");
        let extra: Vec<_> = summary(&v).into_iter().filter(|f| f.0 == "extra-permission").collect();
        let consented: Vec<_> = summary(&v).into_iter().filter(|f| f.0 == "consented-not-required").collect();
        assert_eq!(extra.len(), 8, "{v:#?}");
        assert_eq!(consented.len(), 8);
        assert!(extra.iter().chain(&consented).all(|f| f.2.is_none()), "no version before corso-2022-12 had them");
        assert!(extra.iter().any(|f| f.1 == "Microsoft Graph/Chat.Read.All"));
    }

    #[test]
    fn leftovers_of_an_upgrade_name_the_older_version_that_asked_for_them() {
        let v = verdict("kodo-2021-08", &texts("kodo-upgraded").state(), "2026-12-01");
        let got: Vec<_> = summary(&v).into_iter().filter(|f| f.0 != "certificate-needed").collect();
        let older = |s: &str| Some(s.to_string());
        assert_eq!(
            got,
            vec![
                ("extra-permission", "Azure Active Directory Graph/Directory.Read.All".into(), older("kodo-2021-06")),
                ("extra-permission", "Azure Active Directory Graph/User.Read.All".into(), older("kodo-2020-11")),
                ("extra-permission", "Microsoft Graph/User.Read".into(), older("kodo-2021-06")),
                (
                    "consented-not-required",
                    "Azure Active Directory Graph/Directory.Read.All".into(),
                    older("kodo-2021-06")
                ),
                ("consented-not-required", "Azure Active Directory Graph/User.Read.All".into(), older("kodo-2020-11")),
                ("consented-not-required", "Microsoft Graph/User.Read".into(), older("kodo-2021-06")),
            ]
        );
        // The grant and the assignment are named by id, to remove them.
        let grant =
            v.findings.iter().find(|f| f.message.contains("`User.Read`") && f.code == Code::ConsentedNotRequired);
        assert_eq!(grant.and_then(|f| f.object_id.as_deref()), Some("l4tQfqB8RGOInkchGqch6haejTNmRF3ljT-idIQBCKE"));
        // KODO 2021-08 asks for SharePoint application permissions; the app has only a secret.
        assert!(v.findings.iter().any(|f| f.code == Code::CertificateNeeded));
    }

    #[test]
    fn missing_and_unconsented_permissions_are_found() {
        let mut t = texts("corso-2023-09");
        // Chat.Read.All leaves requiredResourceAccess; Mail.ReadWrite loses its assignment.
        t.edit("app", |v| {
            let list = v["requiredResourceAccess"][0]["resourceAccess"].as_array_mut().expect("list");
            list.retain(|a| a["id"] != "6b7d71aa-70aa-4810-a8d9-5d9fb2830017");
        });
        t.edit("assigned", |v| {
            let list = v["value"].as_array_mut().expect("list");
            list.retain(|a| a["appRoleId"] != "e2a3a72e-5f79-4c64-b1b1-878b674786c9");
        });
        let v = verdict("corso-2023-09", &t.state(), "2026-12-01");
        assert_eq!(
            summary(&v),
            vec![
                ("missing-permission", "Microsoft Graph/Chat.Read.All".into(), None),
                ("not-consented", "Microsoft Graph/Mail.ReadWrite".into(), None),
            ]
        );
    }

    #[test]
    fn delegated_consent_is_the_all_users_grant_and_per_user_grants_are_noted() {
        let mut t = texts("kodo-upgraded");
        // The all-users Graph grant becomes one user's: User.Read is no longer admin-consented.
        t.edit("granted", |v| {
            v["value"][1]["consentType"] = "Principal".into();
            v["value"][1]["principalId"] = "11111111-1111-1111-1111-111111111111".into();
        });
        let v = verdict("kodo-2020-03", &t.state(), "2026-12-01");
        let not_consented: Vec<_> = summary(&v).into_iter().filter(|f| f.0 == "not-consented").collect();
        // Azure AD Graph is retired: its rows are asked for on Microsoft Graph, which the app that
        // an old bundle registered never got.
        assert_eq!(
            not_consented,
            vec![
                ("not-consented", "Microsoft Graph/Directory.Read.All".into(), None),
                ("not-consented", "Microsoft Graph/User.Read".into(), None),
                ("not-consented", "Microsoft Graph/User.Read.All".into(), None),
            ]
        );
        assert_eq!(v.notes.len(), 1, "{:?}", v.notes);
        assert!(v.notes[0].starts_with("1 delegated grant(s) for single users"));
    }

    #[test]
    fn credentials_are_judged_by_day_against_the_window() {
        let state = texts("corso-2023-09").state();
        let status = |as_of: &str| {
            let v = verdict("corso-2023-09", &state, as_of);
            (
                v.credentials[0].status,
                v.credentials[0].days_left,
                summary(&v).into_iter().map(|f| f.0).collect::<Vec<_>>(),
            )
        };
        assert_eq!(status("2027-10-31"), ("valid", 31, vec![]));
        assert_eq!(status("2027-11-01"), ("expiring", 30, vec!["credential-expiring"]));
        assert_eq!(status("2027-12-01"), ("expiring", 0, vec!["credential-expiring"]), "valid through its last day");
        assert_eq!(status("2027-12-02"), ("expired", -1, vec!["credential-expired", "no-credential"]));
    }

    #[test]
    fn a_certificate_satisfies_sharepoint_and_service_principal_credentials_count() {
        let mut t = texts("kodo-upgraded");
        t.edit("sp", |v| {
            v["keyCredentials"] = serde_json::json!([{
                "customKeyIdentifier": "A1B2", "displayName": "CN=CLI-Login", "endDateTime": "2026-12-10T00:00:00Z",
                "key": null, "keyId": "c0ffee00-0000-0000-0000-000000000001", "startDateTime": "2025-12-10T00:00:00Z",
                "type": "AsymmetricX509Cert", "usage": "Verify"
            }]);
        });
        let v = verdict("kodo-2021-08", &t.state(), "2026-12-01");
        assert!(!v.findings.iter().any(|f| f.code == Code::CertificateNeeded), "{v:#?}");
        let cert = v.findings.iter().find(|f| f.code == Code::CredentialExpiring).expect("expiring certificate");
        assert_eq!(cert.key_id.as_deref(), Some("c0ffee00-0000-0000-0000-000000000001"));
        assert!(cert.message.starts_with("certificate `CN=CLI-Login` of the service principal"), "{}", cert.message);
    }

    #[test]
    fn least_privilege_expects_sites_selected() {
        let v = verdict_with("corso-2023-09", &texts("corso-2023-09").state(), "2026-12-01", true, None);
        let got: Vec<_> = summary(&v).into_iter().map(|f| (f.0, f.1)).collect();
        assert_eq!(
            got,
            vec![
                ("missing-permission", "Microsoft Graph/Files.SelectedOperations.Selected".into()),
                ("missing-permission", "Microsoft Graph/Sites.Selected".into()),
                ("extra-permission", "Microsoft Graph/Files.ReadWrite.All".into()),
                ("extra-permission", "Microsoft Graph/Sites.FullControl.All".into()),
                ("not-consented", "Microsoft Graph/Files.SelectedOperations.Selected".into()),
                ("not-consented", "Microsoft Graph/Sites.Selected".into()),
                ("consented-not-required", "Microsoft Graph/Files.ReadWrite.All".into()),
                ("consented-not-required", "Microsoft Graph/Sites.FullControl.All".into()),
            ]
        );
    }

    #[test]
    fn a_disabled_service_principal_and_another_app_are_findings() {
        let mut t = texts("corso-2023-09");
        t.edit("sp", |v| v["accountEnabled"] = false.into());
        let v = verdict_with(
            "corso-2023-09",
            &t.state(),
            "2026-12-01",
            false,
            Some("11111111-2222-3333-4444-555555555555"),
        );
        let codes: Vec<&str> = v.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, vec!["disabled", "other-app"]);
    }

    #[test]
    fn consent_to_an_api_nobody_can_name_is_reported_not_dropped() {
        let mut t = texts("corso-2023-09");
        t.edit("assigned", |v| {
            v["value"][0]["resourceId"] = "99999999-9999-9999-9999-999999999999".into();
            v["value"][0]["resourceDisplayName"] = "Contoso API".into();
        });
        let v = verdict("corso-2023-09", &t.state(), "2026-12-01");
        let got: Vec<_> = summary(&v).into_iter().map(|f| f.0).collect();
        // The assignment moved away from Graph: Graph's permission lost its consent.
        assert_eq!(got, vec!["not-consented", "consented-not-required"]);
        let f = v.findings.iter().find(|f| f.code == Code::ConsentedNotRequired).expect("finding");
        assert!(f.message.contains("`Contoso API`"), "{}", f.message);
        assert_eq!(f.at.as_ref().map(|l| l.line), Some(4));
    }

    #[test]
    fn without_the_resources_file_apis_are_named_from_the_assignments() {
        let t = texts("corso-2023-09");
        let s = state::parse(
            ("application.json", &t.app),
            ("service-principal.json", &t.sp),
            ("app-role-assignments.json", &t.assigned),
            ("oauth2-permission-grants.json", &t.granted),
            None,
        )
        .expect("parses");
        assert_eq!(summary(&verdict("corso-2023-09", &s, "2026-12-01")), vec![]);
    }
}
