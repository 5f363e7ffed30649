//! Resolution: a profile plus values become a plan, with every permission name turned into its
//! GUID and every default applied. Templates see only plans.
//!
//! Problems are collected, not thrown one at a time, so a profile with five bad names reports
//! all five, each at its line.

use serde::Serialize;

use crate::catalog::{Catalog, Kind, PermissionData, ResourceData};
use crate::cloud::Cloud;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, InputError, Location};
use crate::guid::Guid;
use crate::plan_extras::{self, Extras};
use crate::profile::{
    AddIn, ApiPermissions, CredentialKind, InputSource, LoadedProfile, Profile, Selection, Tags, TenantSetting, Usage,
    Workload,
};
use crate::retirement::{self, Retired};
use crate::suggest;
use crate::tenant::TenantName;
use crate::values::{SecretYears, SiteUrl, Values};

/// Everything a bundle is rendered from.
#[derive(Debug)]
pub struct Plan<'a> {
    pub profile: &'a Profile,
    pub origin: &'a str,
    pub catalog_date: &'a str,
    pub tenant: TenantName,
    pub tenant_domain: String,
    pub tenant_id: Option<Guid>,
    pub client_id: Option<Guid>,
    pub app_name: String,
    pub credential: CredentialKind,
    pub secret_years: SecretYears,
    pub cloud: Cloud,
    pub apis: Vec<PlannedApi>,
    pub add_in: Option<&'a AddIn>,
    pub tenant_settings: Vec<&'a TenantSetting>,
    /// With `--least-privilege`: what was narrowed and the sites to grant.
    pub least_privilege: Option<LeastPrivilege>,
    /// The credential was not given: it is the default for this profile.
    pub credential_defaulted: bool,
    /// The workloads and uses rendered (`--workloads`, `--without`).
    pub selection: Selection,
    /// Format 2: roles, further apps, Exchange roles; and what the selection left out.
    pub extras: Extras<'a>,
    /// The date the bundle is judged by (`--as-of`, default today): retired steps are left out.
    pub as_of: Date,
    /// Steps left out because they were retired by `as_of`, or by `--least-privilege`.
    pub retired: Retired,
    /// `--include-retired`: retired steps are kept, each marked as retired.
    pub include_retired: bool,
    /// Users made owners of the app.
    pub owners: Vec<String>,
    /// The app's `notes`: the product and profile, then the values' notes.
    pub app_notes: String,
    pub service_management_reference: Option<String>,
    /// Where a certificate credential comes from.
    pub certificate_source: CertificateSource,
    /// With `--mailbox-scope`: the Exchange RBAC for Applications roles that replace the
    /// tenant-wide mail, calendar and contact permissions.
    pub mailbox_scope: Option<MailboxScoping>,
}

/// The certificate a certificate credential uploads.
#[derive(Debug, Clone)]
pub enum CertificateSource {
    /// A self-signed one that az makes on the machine running the script.
    Create,
    /// The user's own (`--certificate-file`), public part only.
    File(crate::certificate::Certificate),
    /// One already in Azure Key Vault.
    KeyVault { vault: String, name: String },
}

/// Exchange RBAC for Applications in place of tenant-wide Entra grants.
#[derive(Debug)]
pub struct MailboxScoping {
    pub scope: crate::values::MailboxScope,
    /// (Graph application permission, Exchange application role), e.g. ("Mail.Read", "Application Mail.Read").
    pub roles: Vec<(&'static str, String)>,
}

/// The Microsoft Graph application permissions that Exchange RBAC for Applications has a role for:
/// role "Application NAME" ("Role Based Access Control for Applications in Exchange Online",
/// learn.microsoft.com/exchange/permissions-exo/application-rbac, read 2026-12-01).
pub const RBAC_SCOPABLE: &[&str] = &[
    "Calendars.Read",
    "Calendars.ReadWrite",
    "Contacts.Read",
    "Contacts.ReadWrite",
    "Mail.Read",
    "Mail.ReadBasic",
    "Mail.ReadWrite",
    "Mail.Send",
    "MailboxSettings.Read",
    "MailboxSettings.ReadWrite",
];

/// Takes the RBAC-scopable Graph application permissions out of `apis` (so that they are neither
/// requested nor granted tenant-wide in Entra ID) and returns their Exchange roles.
fn scope_mailboxes(apis: &mut Vec<PlannedApi>) -> Vec<(&'static str, String)> {
    let mut roles = Vec::new();
    for api in apis.iter_mut().filter(|a| a.resource.app_id == GRAPH_APP_ID) {
        api.permissions.retain(|p| {
            let scoped = p.kind == Kind::Application && RBAC_SCOPABLE.contains(&p.data.name);
            if scoped {
                roles.push((p.data.name, format!("Application {}", p.data.name)));
            }
            !scoped
        });
    }
    apis.retain(|a| !a.permissions.is_empty());
    roles
}

/// Tenant-wide permissions replaced by their selected-scope forms, the per-site grants, and
/// what stays tenant-wide.
#[derive(Debug)]
pub struct LeastPrivilege {
    /// (API, permission replaced, its selected-scope replacement)
    pub replaced: Vec<(&'static str, &'static str, &'static str)>,
    /// The Graph permission role (read, write, manage, fullcontrol) matching the broadest
    /// permission replaced: what each site or drive grant gives.
    pub role: &'static str,
    /// Sites.*.All was replaced by Sites.Selected: the sites below are granted one by one.
    pub sites_selected: bool,
    /// Files.*.All was replaced by Files.SelectedOperations.Selected: drives are granted one by one.
    pub files_selected: bool,
    pub sites: Vec<SiteUrl>,
    /// Microsoft Graph's Sites.FullControl.All application permission, which the scripts' helper
    /// app holds for as long as it takes to grant the sites (Graph's `POST /sites/{id}/permissions`
    /// needs it; az's own delegated token has no Sites scope).
    pub granter: Option<(&'static str, &'static PermissionData)>,
    /// Application permissions that keep their tenant-wide reach: (API, permission).
    pub tenant_wide: Vec<(&'static str, &'static str)>,
}

/// Microsoft Graph's app id.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

const SITE_LEVELS: &[(&str, &str)] = &[
    ("Sites.Read.All", "read"),
    ("Sites.ReadWrite.All", "write"),
    ("Sites.Manage.All", "manage"),
    ("Sites.FullControl.All", "fullcontrol"),
];

/// Tenant-wide application permissions with a selected-scope form in the catalog, and that form.
/// Files.SelectedOperations.Selected reaches only the drives, folders and files granted to the app
/// one by one (`POST /drives/{drive-id}/items/{item-id}/permissions`); Sites.Selected only the sites
/// granted (`POST /sites/{site-id}/permissions`); the TeamsAppInstallation "Selected" forms only the
/// Teams apps an administrator preapproves. Sources: learn.microsoft.com/graph/permissions-selected-overview,
/// learn.microsoft.com/graph/api/driveitem-post-permissions, learn.microsoft.com/graph/api/site-post-permissions,
/// learn.microsoft.com/graph/permissions-reference (checked 2026-12-01).
fn selected_form(name: &str) -> Option<String> {
    if SITE_LEVELS.iter().any(|(n, _)| *n == name) {
        return Some("Sites.Selected".into());
    }
    if matches!(name, "Files.Read.All" | "Files.ReadWrite.All") {
        return Some("Files.SelectedOperations.Selected".into());
    }
    // TeamsAppInstallation.ReadWriteForChat.All -> TeamsAppInstallation.ReadWriteSelectedForChat.All
    let rest = name.strip_prefix("TeamsAppInstallation.")?;
    let (verb, target) = rest.split_once("For")?;
    if verb.contains("Selected") {
        return None;
    }
    Some(format!("TeamsAppInstallation.{verb}SelectedFor{target}"))
}

/// Replaces tenant-wide application permissions with their selected-scope forms, per API, and
/// lists what keeps its tenant-wide reach.
fn narrow(apis: &mut [PlannedApi], sites: Vec<SiteUrl>) -> LeastPrivilege {
    let mut replaced = Vec::new();
    let mut level = 0;
    for api in apis.iter_mut() {
        let mut added: Vec<&'static PermissionData> = Vec::new();
        let resource = api.resource;
        api.permissions.retain(|p| {
            if p.kind != Kind::Application {
                return true;
            }
            let Some(form) = selected_form(p.data.name).and_then(|f| resource.get(Kind::Application, &f)) else {
                return true;
            };
            // The grant role: read for Read permissions, write for ReadWrite, the site levels above.
            let l = SITE_LEVELS
                .iter()
                .position(|(n, _)| *n == p.data.name)
                .unwrap_or_else(|| usize::from(p.data.name.contains("ReadWrite") || p.data.name.contains("Manage")));
            level = level.max(l);
            replaced.push((resource.display_name, p.data.name, form.name));
            if !added.iter().any(|a| a.id == form.id) {
                added.push(form);
            }
            false
        });
        for form in added {
            if !api.permissions.iter().any(|p| p.kind == Kind::Application && p.data.id == form.id) {
                api.permissions.push(PlannedPermission {
                    path: String::new(),
                    kind: Kind::Application,
                    data: form,
                    rows: vec![Tags::default()],
                    purpose: None,
                });
            }
        }
        api.permissions.sort_by(|a, b| (a.kind, a.data.name).cmp(&(b.kind, b.data.name)));
    }
    let tenant_wide = apis
        .iter()
        .flat_map(|a| {
            a.of_kind(Kind::Application)
                .filter(|p| !p.data.name.contains("Selected"))
                .map(move |p| (a.resource.display_name, p.data.name))
        })
        .collect();
    LeastPrivilege {
        sites_selected: replaced.iter().any(|(_, _, f)| *f == "Sites.Selected"),
        files_selected: replaced.iter().any(|(_, _, f)| *f == "Files.SelectedOperations.Selected"),
        replaced,
        role: SITE_LEVELS[level].1,
        sites,
        tenant_wide,
        granter: None,
    }
}

const SHAREPOINT: &str = "00000003-0000-0ff1-ce00-000000000000";

/// The sites given that are not in the tenant's SharePoint, as errors at `at`.
pub fn foreign_sites(values: &Values, cloud: &Cloud, at: Option<Location>) -> Vec<Diagnostic> {
    let site_host = format!("{}.{}", values.tenant, cloud.sharepoint_suffix);
    values
        .sites
        .iter()
        .filter(|s| s.host != site_host)
        .map(|s| {
            Diagnostic::error(format!("site `{}` is not in the tenant's SharePoint (`{site_host}`)", s.url))
                .at(at.clone())
                .help(format!("give sites of https://{site_host}"))
        })
        .collect()
}

/// The credentials a product can take, from the profile's inputs: a client secret when an input
/// is filled with `client_secret`, a certificate when one is filled with `certificate_path` or
/// `certificate_thumbprint`. Empty when the inputs name no credential (nothing is known).
pub fn accepted_credentials(profile: &Profile) -> Vec<CredentialKind> {
    let mut kinds = Vec::new();
    for i in &profile.inputs.values {
        let kind = match i.from {
            InputSource::ClientSecret => CredentialKind::Secret,
            InputSource::CertificatePath | InputSource::CertificateThumbprint => CredentialKind::Certificate,
            _ => continue,
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds.sort();
    kinds
}

/// Whether the bundle asks for application permissions on Office 365 SharePoint Online, which
/// SharePoint honours only from a certificate since ACS is gone.
pub fn needs_sharepoint_app_only(apis: &[PlannedApi]) -> bool {
    apis.iter().any(|a| a.resource.app_id == SHAREPOINT && a.of_kind(Kind::Application).next().is_some())
}

/// The credential a bundle creates: the one asked for; else the only one the product takes (its
/// inputs); else a certificate when the profile needs SharePoint app-only access (SharePoint
/// refuses app-only tokens from secrets); else the profile's.
pub fn effective_credential(profile: &Profile, apis: &[PlannedApi], given: Option<CredentialKind>) -> CredentialKind {
    given.unwrap_or_else(|| match accepted_credentials(profile).as_slice() {
        [only] => *only,
        _ if needs_sharepoint_app_only(apis) => CredentialKind::Certificate,
        _ => profile.app.credential,
    })
}

/// An API and one of its permissions, by name.
#[derive(Debug, Serialize)]
pub struct PermissionName<'a> {
    pub api: &'a str,
    pub name: &'a str,
}

/// One API and the permissions asked of it, sorted by type then name.
#[derive(Debug, Serialize)]
pub struct PlannedApi {
    #[serde(serialize_with = "resource_name")]
    pub resource: &'static ResourceData,
    pub permissions: Vec<PlannedPermission>,
}

#[derive(Debug, Serialize)]
pub struct PlannedPermission {
    /// YAML path of the entry in the profile (its first entry, for a duplicate).
    #[serde(skip)]
    pub path: String,
    pub kind: Kind,
    #[serde(flatten, serialize_with = "permission_fields")]
    pub data: &'static PermissionData,
    /// The tags of each row asking for it (one row per table of the vendor's page).
    #[serde(skip)]
    pub rows: Vec<Tags>,
    /// What the vendor says it is for (the first row that says).
    #[serde(skip)]
    pub purpose: Option<String>,
}

impl PlannedPermission {
    /// Every workload its rows name, in order; empty when a row names none (it serves all).
    pub fn workloads(&self) -> Vec<Workload> {
        union(&self.rows, |t| &t.workloads)
    }

    /// Every use its rows name; empty when a row names none.
    pub fn usage(&self) -> Vec<Usage> {
        union(&self.rows, |t| &t.usage)
    }

    /// Whether every selection that keeps `other` keeps this one too.
    pub fn covers(&self, other: &PlannedPermission) -> bool {
        other.rows.iter().all(|o| self.rows.iter().any(|r| r.covers(o)))
    }
}

/// The union of one tag list over rows, sorted; empty if any row leaves it empty (all).
fn union<T: Copy + Ord>(rows: &[Tags], field: impl Fn(&Tags) -> &Vec<T>) -> Vec<T> {
    if rows.iter().any(|r| field(r).is_empty()) {
        return Vec::new();
    }
    let mut all: Vec<T> = rows.iter().flat_map(|r| field(r).iter().copied()).collect();
    all.sort();
    all.dedup();
    all
}

fn resource_name<S: serde::Serializer>(r: &&'static ResourceData, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.display_name)
}

fn permission_fields<S: serde::Serializer>(p: &&'static PermissionData, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(2))?;
    m.serialize_entry("name", p.name)?;
    m.serialize_entry("id", p.id)?;
    m.end()
}

/// One permission as the JSON outputs list it: API, resource app id, name, Entra type, GUID, and
/// (for `show`) what it grants.
#[derive(Debug, Serialize)]
pub struct PermissionRow<'a> {
    pub api: &'a str,
    pub resource_app_id: &'a str,
    pub name: &'a str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    /// Format 2: the workloads and uses of its rows (empty: all).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<Usage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<&'a str>,
}

/// Every permission of `apis`, API by API, with descriptions when asked.
pub fn permission_rows(apis: &[PlannedApi], with_description: bool) -> Vec<PermissionRow<'_>> {
    apis.iter()
        .flat_map(|a| {
            a.permissions.iter().map(move |perm| PermissionRow {
                api: a.resource.display_name,
                resource_app_id: a.resource.app_id,
                name: perm.data.name,
                kind: perm.kind.entra_type(),
                id: perm.data.id,
                description: with_description.then(|| perm.data.summary()),
                workloads: perm.workloads(),
                usage: perm.usage(),
                purpose: perm.purpose.as_deref(),
            })
        })
        .collect()
}

impl PlannedApi {
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &PlannedPermission> {
        self.permissions.iter().filter(move |p| p.kind == kind)
    }
}

/// How one permission name in a profile failed to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// The API itself is unknown.
    UnknownApi { suggestion: Option<&'static str> },
    /// Right name and type, wrong case.
    WrongCase { correct: &'static str },
    /// The name exists on this API only as the other type.
    WrongType,
    /// The name exists with this type on another API.
    WrongApi { api: &'static str },
    /// No such permission; maybe a near name.
    Unknown { suggestion: Option<String> },
}

impl Unresolved {
    /// The stable id of the problem, shared with `lint`.
    pub fn code(&self) -> &'static str {
        match self {
            Unresolved::UnknownApi { .. } => "unknown-api",
            Unresolved::WrongCase { .. } => "wrong-case",
            Unresolved::WrongType => "wrong-type",
            Unresolved::WrongApi { .. } => "wrong-api",
            Unresolved::Unknown { .. } => "unknown-permission",
        }
    }
}

/// Looks up one name, explaining a miss.
pub fn lookup(
    catalog: &Catalog,
    resource: &'static ResourceData,
    kind: Kind,
    name: &str,
) -> Result<&'static PermissionData, Unresolved> {
    if let Some(p) = resource.get(kind, name) {
        return Ok(p);
    }
    if let Some(p) = resource.get_ignore_case(kind, name) {
        return Err(Unresolved::WrongCase { correct: p.name });
    }
    if resource.get(kind.other(), name).is_some() {
        return Err(Unresolved::WrongType);
    }
    if let Some(other) = catalog.resources().iter().find(|r| r.app_id != resource.app_id && r.get(kind, name).is_some())
    {
        return Err(Unresolved::WrongApi { api: other.display_name });
    }
    let here = resource.permissions(kind).iter().map(|p| p.name);
    let suggestion = suggest::nearest(name, here).map(str::to_string).or_else(|| {
        // Across every API and type, named with its API so the fix is unambiguous.
        let all = catalog.resources().iter().flat_map(|r| r.app_roles.iter().chain(r.scopes).map(|p| p.name));
        suggest::nearest(name, all).map(str::to_string)
    });
    Err(Unresolved::Unknown { suggestion })
}

/// Explains an unresolved name as a diagnostic at `location`.
pub fn unresolved_diagnostic(
    problem: &Unresolved,
    api: &str,
    kind: Kind,
    name: &str,
    location: Option<Location>,
) -> Diagnostic {
    let name_shown = name.escape_debug();
    let d = match problem {
        Unresolved::UnknownApi { suggestion } => {
            let d = Diagnostic::error(format!("unknown API `{}`", api.escape_debug()))
                .note("known APIs: Microsoft Graph, Office 365 SharePoint Online, Office 365 Exchange Online, Azure Active Directory Graph, Office 365 Management APIs, Microsoft Information Protection Sync Service (or their app ids; `m365-runbook catalog info` lists them)");
            match suggestion {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d,
            }
        }
        Unresolved::WrongCase { correct } => {
            Diagnostic::error(format!("`{api}` has no {kind} permission `{name_shown}`: names are case-sensitive"))
                .help(format!("write `{correct}`"))
        }
        Unresolved::WrongType => {
            Diagnostic::error(format!("`{name_shown}` is a {} permission of `{api}`, not {kind}", kind.other()))
                .help(format!("move it to `{}`, or remove it if the product does not need it", kind.other()))
        }
        Unresolved::WrongApi { api: other } => Diagnostic::error(format!(
            "`{name_shown}` is not {} {kind} permission of `{api}`; it belongs to `{other}`",
            if kind == Kind::Application { "an" } else { "a" }
        ))
        .help(format!("list it under `api: {other}`")),
        Unresolved::Unknown { suggestion } => {
            let d = Diagnostic::error(format!("`{api}` has no {kind} permission `{name_shown}`"));
            match suggestion {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("check the name with `m365-runbook catalog search`"),
            }
        }
    };
    d.code(problem.code()).at(location)
}

/// Every permission of a profile resolved against the catalog: the APIs with the permissions that
/// resolved (the main app's, then each further app's), every name that did not (each at its line),
/// and warnings (duplicates).
#[derive(Debug, Default)]
pub struct Resolution {
    pub apis: Vec<PlannedApi>,
    /// The further apps' APIs, in the order of `apps` in the profile.
    pub apps: Vec<Vec<PlannedApi>>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// Resolves, stopping at errors: the main app's APIs, each further app's, and the warnings.
pub fn resolve_permissions(loaded: &LoadedProfile, catalog: &Catalog) -> Result<Resolution, InputError> {
    let r = resolution(loaded, catalog);
    if r.errors.is_empty() { Ok(r) } else { Err(InputError::new(r.errors.clone())) }
}

/// Resolves every entry, collecting problems instead of stopping. Duplicates are granted once.
pub fn resolution(loaded: &LoadedProfile, catalog: &Catalog) -> Resolution {
    let profile = &loaded.profile;
    let mut r = Resolution::default();
    r.apis = resolve_groups(
        loaded,
        catalog,
        &profile.permissions,
        "permissions",
        &Tags::default(),
        &mut r.errors,
        &mut r.warnings,
    );
    for (k, app) in profile.apps.iter().enumerate() {
        let apis = resolve_groups(
            loaded,
            catalog,
            &app.permissions,
            &format!("apps[{k}].permissions"),
            &app.tags(),
            &mut r.errors,
            &mut r.warnings,
        );
        r.apps.push(apis);
    }
    r
}

/// Resolves one app's permission groups (at YAML path `base`), whose rows inherit `inherited`
/// tags where neither they nor their group have their own.
fn resolve_groups(
    loaded: &LoadedProfile,
    catalog: &Catalog,
    groups: &[ApiPermissions],
    base: &str,
    inherited: &Tags,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<PlannedApi> {
    let mut apis: Vec<PlannedApi> = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        let Some(resource) = catalog.resource(&group.api) else {
            let suggestion = suggest::nearest(
                &group.api,
                catalog
                    .resources()
                    .iter()
                    .flat_map(|r| std::iter::once(r.display_name).chain(r.aliases.iter().copied())),
            );
            let at = loaded.spans().locate(&format!("{base}[{i}].api"));
            errors.push(unresolved_diagnostic(
                &Unresolved::UnknownApi { suggestion },
                &group.api,
                Kind::Application,
                "",
                at,
            ));
            continue;
        };
        let index = match apis.iter().position(|a| a.resource.app_id == resource.app_id) {
            Some(index) => index,
            None => {
                apis.push(PlannedApi { resource, permissions: Vec::new() });
                apis.len() - 1
            }
        };
        let group_tags = Tags::inherit(&group.workloads, &group.usage, inherited);
        for (kind, entries, field) in
            [(Kind::Application, &group.application, "application"), (Kind::Delegated, &group.delegated, "delegated")]
        {
            for (j, entry) in entries.iter().enumerate() {
                let name = entry.name();
                let entry_path = format!("{base}[{i}].{field}[{j}]");
                let path = entry.name_path(&entry_path);
                let tags = entry.tags(&group_tags);
                match lookup(catalog, resource, kind, name) {
                    Ok(data) => {
                        let planned = &mut apis[index].permissions;
                        match planned.iter_mut().find(|p| p.kind == kind && p.data.id == data.id) {
                            // The same row twice: a copying slip. The same name with other tags is
                            // another row of the page (backup and restore tables): both are kept.
                            Some(p) if p.rows.contains(&tags) => warnings.push(
                                Diagnostic::warning(format!(
                                    "`{name}` ({kind}) is listed more than once for `{}`",
                                    resource.display_name
                                ))
                                .code("duplicate")
                                .at(loaded.spans().locate(&path))
                                .help("remove the repeated entry; the bundle grants it once"),
                            ),
                            Some(p) => {
                                p.rows.push(tags);
                                if p.purpose.is_none() {
                                    p.purpose = entry.purpose().map(str::to_string);
                                }
                            }
                            None => planned.push(PlannedPermission {
                                path,
                                kind,
                                data,
                                rows: vec![tags],
                                purpose: entry.purpose().map(str::to_string),
                            }),
                        }
                    }
                    Err(problem) => {
                        let width = Some(name.chars().count());
                        errors.push(unresolved_diagnostic(
                            &problem,
                            resource.display_name,
                            kind,
                            name,
                            loaded.spans().locate_with_width(&path, width),
                        ));
                    }
                }
            }
        }
    }
    for api in &mut apis {
        api.permissions.sort_by(|a, b| (a.kind, a.data.name).cmp(&(b.kind, b.data.name)));
    }
    apis.retain(|a| !a.permissions.is_empty());
    apis
}

/// Resolves `loaded` with `values` in `cloud`. Names that do not resolve stop it.
pub fn resolve<'a>(
    loaded: &'a LoadedProfile,
    catalog: &'a Catalog,
    values: &Values,
    cloud: Cloud,
    as_of: Date,
) -> Result<Plan<'a>, InputError> {
    let profile = &loaded.profile;
    // Warnings (duplicates, retired steps, ...) are lint's to report; see `lint`.
    let Resolution { apis: mut main, apps, .. } = resolve_permissions(loaded, catalog)?;
    let selection = values.selection.clone();
    let mut problems = foreign_sites(values, &cloud, Some(Location::file("--site")));
    problems.extend(plan_extras::check_selection(profile, &selection));
    if !problems.is_empty() {
        return Err(InputError::new(problems));
    }
    // The credential follows the whole profile, so that a subset renders the same app.
    let credential = effective_credential(profile, &main, values.credential);
    let mut omitted = Vec::new();
    plan_extras::select_permissions(&mut main, &selection, &mut omitted, "");
    let mut apis = main;
    let mut add_in = profile.sharepoint.as_ref().and_then(|s| s.add_in.as_ref());
    let mut tenant_settings: Vec<&'a TenantSetting> =
        profile.sharepoint.as_ref().map_or_else(Vec::new, |s| s.tenant_settings.iter().collect());
    let retired = retirement::prune(
        &mut retirement::Steps { apis: &mut apis, add_in: &mut add_in, tenant_settings: &mut tenant_settings },
        catalog,
        &retirement::Judged { as_of, include_retired: values.include_retired, least_privilege: values.least_privilege },
    );
    let least_privilege = values.least_privilege.then(|| narrow(&mut apis, values.sites.clone()));
    let mut least_privilege = least_privilege;
    if let Some(l) = least_privilege.as_mut() {
        l.granter = catalog
            .resource(GRAPH_APP_ID)
            .and_then(|graph| graph.get(Kind::Application, "Sites.FullControl.All").map(|p| (graph.app_id, p)));
    }
    let extras = plan_extras::build(profile, apps, credential, &selection, omitted);

    let mailbox_scope = match &values.mailbox_scope {
        None => None,
        Some(scope) => {
            let roles = scope_mailboxes(&mut apis);
            if roles.is_empty() {
                return Err(InputError::one(
                    Diagnostic::error(format!(
                        "--mailbox-scope: profile `{}` asks for no Microsoft Graph application permission that \
                         Exchange RBAC for Applications can scope ({})",
                        profile.id,
                        RBAC_SCOPABLE.join(", ")
                    ))
                    .at(Some(Location::file("--mailbox-scope"))),
                ));
            }
            Some(MailboxScoping { scope: scope.clone(), roles })
        }
    };
    let certificate_source = match (&values.certificate, &values.keyvault, &values.keyvault_cert) {
        (Some(c), _, _) => CertificateSource::File(c.clone()),
        (None, Some(v), Some(n)) => CertificateSource::KeyVault { vault: v.as_str().into(), name: n.as_str().into() },
        _ => CertificateSource::Create,
    };
    let mut app_notes = format!(
        "{} {} {}: registered from m365-runbook profile {} ({}).",
        profile.vendor, profile.product, profile.version, profile.id, profile.source.url
    );
    if let Some(n) = &values.notes {
        app_notes.push(' ');
        app_notes.push_str(n.as_str());
    }
    let app_notes: String = app_notes.chars().take(1024).collect();
    let app_name =
        values.app_name.as_ref().map_or_else(|| profile.app.display_name.clone(), |n| n.as_str().to_string());
    Ok(Plan {
        owners: values.owners.iter().map(|o| o.as_str().to_string()).collect(),
        app_notes,
        service_management_reference: values.service_management_reference.as_ref().map(|s| s.as_str().to_string()),
        certificate_source,
        mailbox_scope,
        profile,
        origin: &loaded.origin,
        catalog_date: catalog.snapshot_date(),
        tenant_domain: format!("{}.{}", values.tenant, cloud.tenant_domain_suffix),
        tenant: values.tenant.clone(),
        tenant_id: values.tenant_id.clone(),
        client_id: values.client_id.clone(),
        app_name,
        credential,
        secret_years: values.secret_years.unwrap_or(SecretYears::DEFAULT),
        cloud,
        apis,
        add_in,
        tenant_settings,
        least_privilege,
        credential_defaulted: values.credential.is_none(),
        selection,
        extras,
        as_of,
        retired,
        include_retired: values.include_retired,
    })
}

impl Plan<'_> {
    /// Application permissions, API by API: what admin consent grants as app role assignments.
    pub fn application_permissions(&self) -> impl Iterator<Item = (&PlannedApi, &PlannedPermission)> {
        self.apis.iter().flat_map(|a| a.of_kind(Kind::Application).map(move |p| (a, p)))
    }

    /// Whether the bundle asks for Exchange `full_access_as_app`, which depends on EWS.
    pub fn uses_ews(&self) -> bool {
        self.apis.iter().any(|a| {
            a.resource.app_id == "00000002-0000-0ff1-ce00-000000000000"
                && a.of_kind(Kind::Application).any(|p| p.data.name == "full_access_as_app")
        })
    }

    pub fn has_delegated(&self) -> bool {
        self.apis.iter().any(|a| a.of_kind(Kind::Delegated).next().is_some())
    }

    /// The SharePoint admin site, e.g. `https://contoso-admin.sharepoint.com`.
    pub fn sharepoint_admin_url(&self) -> String {
        format!("https://{}-admin.{}", self.tenant, self.cloud.sharepoint_suffix)
    }

    /// The tenant for sign-in: its id when known, else its initial domain.
    pub fn sign_in_tenant(&self) -> String {
        self.tenant_id.as_ref().map_or_else(|| self.tenant_domain.clone(), Guid::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AS_OF: &str = "2026-11-22";

    fn profile(permissions: &str) -> LoadedProfile {
        let text = format!(
            "id: t\nvendor: V\nproduct: P\nversion: '1'\ntitle: T\nsource:\n  url: https://example.com\n  date: '2024-01-01'\napp:\n  display_name: P\npermissions:\n{permissions}inputs:\n  via: form\n  values: []\n"
        );
        LoadedProfile::parse("t.yaml", &text).expect("parses")
    }

    fn plan_errors(permissions: &str) -> Vec<Diagnostic> {
        let loaded = profile(permissions);
        let catalog = Catalog::builtin();
        let values = Values::for_tenant("contoso".parse().expect("tenant"));
        resolve(&loaded, &catalog, &values, Cloud::builtin("public").expect("cloud"), AS_OF.parse().expect("date"))
            .expect_err("fails")
            .diagnostics
    }

    #[test]
    fn resolves_names_to_guids_sorted_by_type_then_name() {
        let loaded = profile(
            "  - api: Microsoft Graph\n    application: [User.Read.All, Mail.ReadWrite]\n    delegated: [User.Read]\n",
        );
        let catalog = Catalog::builtin();
        let values = Values::for_tenant("contoso".parse().expect("tenant"));
        let plan =
            resolve(&loaded, &catalog, &values, Cloud::builtin("public").expect("cloud"), AS_OF.parse().expect("date"))
                .expect("resolves");
        let got: Vec<(Kind, &str, &str)> =
            plan.apis[0].permissions.iter().map(|p| (p.kind, p.data.name, p.data.id)).collect();
        assert_eq!(
            got,
            vec![
                (Kind::Application, "Mail.ReadWrite", "e2a3a72e-5f79-4c64-b1b1-878b674786c9"),
                (Kind::Application, "User.Read.All", "df021288-bdef-4463-88db-98f22de89214"),
                (Kind::Delegated, "User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d"),
            ]
        );
        assert_eq!(plan.tenant_domain, "contoso.onmicrosoft.com");
        assert_eq!(plan.sharepoint_admin_url(), "https://contoso-admin.sharepoint.com");
    }

    #[test]
    fn every_kind_of_bad_name_is_reported_at_its_line() {
        let errors = plan_errors(
            "  - api: Microsoft Graph\n    application:\n      - User.Read.all\n      - User.Read\n      - Mail.ReadWrite.All\n  - api: Azure Active Directory Graph\n    application: [Calendars.ReadWrite]\n  - api: Microsoft Grap\n    application: [X]\n",
        );
        let got: Vec<(Option<String>, usize, Option<String>)> = errors
            .iter()
            .map(|d| (d.code.clone(), d.location.as_ref().map_or(0, |l| l.line), d.help.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("wrong-case".into()), 14, Some("write `User.Read.All`".into())),
                (
                    Some("wrong-type".into()),
                    15,
                    Some("move it to `delegated`, or remove it if the product does not need it".into())
                ),
                (Some("unknown-permission".into()), 16, Some("did you mean `Mail.ReadWrite`?".into())),
                (Some("wrong-api".into()), 18, Some("list it under `api: Microsoft Graph`".into())),
                (Some("unknown-api".into()), 19, Some("did you mean `Microsoft Graph`?".into())),
            ]
        );
    }

    #[test]
    fn duplicates_are_granted_once_and_warned_about() {
        let loaded = profile(
            "  - api: Microsoft Graph\n    application: [Mail.Read]\n  - api: Graph\n    application: [Mail.Read]\n",
        );
        let catalog = Catalog::builtin();
        let values = Values::for_tenant("contoso".parse().expect("tenant"));
        let plan =
            resolve(&loaded, &catalog, &values, Cloud::builtin("public").expect("cloud"), AS_OF.parse().expect("date"))
                .expect("resolves");
        assert_eq!(plan.apis.len(), 1);
        assert_eq!(plan.apis[0].permissions.len(), 1);
        let warnings = resolution(&loaded, &catalog).warnings;
        assert_eq!(warnings[0].code.as_deref(), Some("duplicate"));
        assert_eq!(warnings[0].location.as_ref().map(|l| l.line), Some(15));
    }
}
