//! What format 2 adds to a plan: directory roles on the service principal, roles the signed-in
//! administrator needs, further apps, Exchange Online roles, and the selection of workloads and
//! uses (`render --workloads exchange,teams --without restore`) applied to all of them.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Location};
use crate::plan::PlannedApi;
use crate::profile::{
    AdminRole, CredentialKind, ExtraCredential, Profile, PublicFolderRight, RedirectUris, RoleEntry, Selection,
    SignInAudience, Tags, Usage, Workload,
};
use crate::roles::{self, DirectoryRole, ExchangeRole};

/// A directory role assigned to an app's service principal.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRole {
    pub name: &'static str,
    pub template_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<Usage>,
}

/// A further app of the product, resolved.
#[derive(Debug)]
pub struct PlannedApp<'a> {
    pub slug: &'a str,
    pub display_name: &'a str,
    pub purpose: Option<&'a str>,
    pub sign_in_audience: SignInAudience,
    /// None: a public client without a credential.
    pub credential: Option<CredentialKind>,
    pub apis: Vec<PlannedApi>,
    pub roles: Vec<PlannedRole>,
    pub redirect_uris: Option<&'a RedirectUris>,
    pub public_client_flows: bool,
    /// `app-manifest-SLUG.json`.
    pub manifest: String,
}

/// Roles the signed-in administrator needs for one task (any one of them).
#[derive(Debug, Serialize)]
pub struct PlannedAdminRole<'a> {
    pub any_of: Vec<&'static str>,
    pub purpose: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<Usage>,
}

/// An Exchange Online management role for the product's user account.
#[derive(Debug)]
pub struct PlannedExchangeRole<'a> {
    pub role: &'static ExchangeRole,
    pub purpose: Option<&'a str>,
}

/// Everything format 2 adds, after the selection.
#[derive(Debug, Default)]
pub struct Extras<'a> {
    pub roles: Vec<PlannedRole>,
    pub apps: Vec<PlannedApp<'a>>,
    pub admin_roles: Vec<PlannedAdminRole<'a>>,
    pub exchange_roles: Vec<PlannedExchangeRole<'a>>,
    pub public_folders: Option<&'a PublicFolderRight>,
    /// What the selection left out, one line each (`Microsoft Graph Mail.Read (application)`).
    pub omitted: Vec<String>,
}

/// The manifest file of further app `slug`.
pub fn manifest_name(slug: &str) -> String {
    format!("app-manifest-{slug}.json")
}

pub fn planned_roles(entries: &[RoleEntry], selection: &Selection) -> Vec<PlannedRole> {
    entries
        .iter()
        .filter(|e| selection.keeps(&e.tags()))
        .filter_map(|e| {
            roles::directory_role(&e.role).map(|r: &DirectoryRole| PlannedRole {
                name: r.name,
                template_id: r.template_id,
                purpose: e.purpose.clone(),
                workloads: e.workloads.clone(),
                usage: e.usage.clone(),
            })
        })
        .collect()
}

fn admin_role<'a>(a: &'a AdminRole) -> PlannedAdminRole<'a> {
    PlannedAdminRole {
        any_of: a.any_of.iter().filter_map(|n| roles::directory_role(n)).map(|r| r.name).collect(),
        purpose: &a.purpose,
        workloads: a.workloads.clone(),
        usage: a.usage.clone(),
    }
}

/// Removes from `apis` every permission no selected row asks for, noting each in `omitted`.
pub fn select_permissions(apis: &mut Vec<PlannedApi>, selection: &Selection, omitted: &mut Vec<String>, app: &str) {
    if selection.is_all() {
        return;
    }
    for api in apis.iter_mut() {
        api.permissions.retain_mut(|p| {
            // Only the rows selected say what the permission is for in this bundle.
            p.rows.retain(|r| selection.keeps(r));
            if p.rows.is_empty() {
                omitted.push(format!("{app}{} {} ({})", api.resource.display_name, p.data.name, p.kind));
            }
            !p.rows.is_empty()
        });
    }
    apis.retain(|a| !a.permissions.is_empty());
}

/// Builds the extras of `profile`: `apps` are the further apps' resolved APIs, in profile order.
pub fn build<'a>(
    profile: &'a Profile,
    apps: Vec<Vec<PlannedApi>>,
    main_credential: CredentialKind,
    selection: &Selection,
    omitted: Vec<String>,
) -> Extras<'a> {
    let mut omitted = omitted;
    let mut planned_apps = Vec::new();
    for (app, mut apis) in profile.apps.iter().zip(apps) {
        if !selection.keeps(&app.tags()) {
            omitted.push(format!("app {} ({})", app.display_name, app.slug));
            continue;
        }
        select_permissions(&mut apis, selection, &mut omitted, &format!("{}: ", app.slug));
        if apis.is_empty() {
            omitted.push(format!("app {} ({}): none of its permissions is selected", app.display_name, app.slug));
            continue;
        }
        planned_apps.push(PlannedApp {
            slug: &app.slug,
            display_name: &app.display_name,
            purpose: app.purpose.as_deref(),
            sign_in_audience: app.sign_in_audience,
            credential: match app.credential {
                None => Some(main_credential),
                Some(ExtraCredential::Secret) => Some(CredentialKind::Secret),
                Some(ExtraCredential::Certificate) => Some(CredentialKind::Certificate),
                Some(ExtraCredential::None) => None,
            },
            apis,
            roles: planned_roles(&app.directory_roles, selection),
            redirect_uris: app.redirect_uris.as_ref(),
            public_client_flows: app.public_client_flows.unwrap_or(false),
            manifest: manifest_name(&app.slug),
        });
    }
    let exchange = profile.exchange.as_ref();
    Extras {
        roles: planned_roles(&profile.app.directory_roles, selection),
        apps: planned_apps,
        admin_roles: profile.admin_roles.iter().filter(|a| selection.keeps(&a.tags())).map(admin_role).collect(),
        exchange_roles: exchange
            .map(|e| {
                e.roles
                    .iter()
                    .filter(|r| selection.keeps(&r.tags()))
                    .filter_map(|r| {
                        roles::exchange_role(&r.role)
                            .map(|role| PlannedExchangeRole { role, purpose: r.purpose.as_deref() })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        public_folders: exchange.and_then(|e| e.public_folders.as_ref()).filter(|p| selection.keeps(&p.tags())),
        omitted,
    }
}

/// Every workload and use the profile tags anything with.
pub fn profile_tags(profile: &Profile) -> (BTreeSet<Workload>, BTreeSet<Usage>) {
    let mut all: Vec<Tags> = Vec::new();
    let groups = profile.permissions.iter().chain(profile.apps.iter().flat_map(|a| a.permissions.iter()));
    for g in groups {
        all.push(g.tags());
        for e in g.application.iter().chain(&g.delegated) {
            all.push(e.tags(&Tags::default()));
        }
    }
    all.extend(profile.app.directory_roles.iter().map(RoleEntry::tags));
    for a in &profile.apps {
        all.push(a.tags());
        all.extend(a.directory_roles.iter().map(RoleEntry::tags));
    }
    all.extend(profile.admin_roles.iter().map(AdminRole::tags));
    if let Some(e) = &profile.exchange {
        all.extend(e.roles.iter().map(|r| r.tags()));
        all.extend(e.public_folders.iter().map(|p| p.tags()));
    }
    let workloads = all.iter().flat_map(|t| t.workloads.iter().copied()).collect();
    let usage = all.iter().flat_map(|t| t.usage.iter().copied()).collect();
    (workloads, usage)
}

/// A selection naming a workload or use the profile never tags selects nothing on purpose: an error.
pub fn check_selection(profile: &Profile, selection: &Selection) -> Vec<Diagnostic> {
    let (workloads, usage) = profile_tags(profile);
    let mut out = Vec::new();
    let list = |set: Vec<&str>| if set.is_empty() { "none".to_string() } else { set.join(", ") };
    let tagged_workloads = list(workloads.iter().map(|w| w.as_str()).collect());
    for w in selection.workloads.iter().flatten() {
        if !workloads.contains(w) {
            out.push(
                Diagnostic::error(format!("profile `{}` tags nothing with workload `{w}`", profile.id))
                    .at(Some(Location::file("--workloads")))
                    .note(format!("workloads in this profile: {tagged_workloads}")),
            );
        }
    }
    for u in &selection.without {
        if !usage.contains(u) {
            out.push(
                Diagnostic::error(format!("profile `{}` tags nothing with usage `{u}`", profile.id))
                    .at(Some(Location::file("--without")))
                    .note(format!("uses in this profile: {}", list(usage.iter().map(|u| u.as_str()).collect()))),
            );
        }
    }
    out
}
