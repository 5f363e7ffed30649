//! The delta bundle of `render NEW --upgrade-from OLD`: `upgrade.md`, scripts that only add what
//! the app is missing (`upgrade-app.sh`, `upgrade-app.ps1`), the app's `requiredResourceAccess`
//! after the upgrade (old and new together: nothing is taken away), and the SharePoint and
//! Exchange files when what they do changed. What may now be removed is listed, never removed.

use serde::Serialize;

use super::index::Generator;
use super::view;
use super::{Bundle, Flavor, Page, reflow};
use crate::catalog::Kind;
use crate::diagnostic::{Diagnostic, InputError};
use crate::diff::{FindingsDiff, ProfileDiff};
use crate::plan::{Plan, PlannedApi};

pub const UPGRADE_MD: &str = "upgrade.md";
pub const UPGRADE_SH: &str = "upgrade-app.sh";
pub const UPGRADE_PS1: &str = "upgrade-app.ps1";

#[derive(Serialize)]
struct UpgradeView<'a> {
    title: String,
    description: String,
    from: From<'a>,
    /// Per API, what the new profile asks for that the old one does not.
    added: Vec<DeltaApi<'a>>,
    /// Per API, what the old profile asks for that the new one does not.
    removable: Vec<DeltaApi<'a>>,
    changed_type: Vec<ChangedType<'a>>,
    has_application: bool,
    has_delegated: bool,
    add_in_changed: bool,
    add_in_dropped: bool,
    settings_dropped: Vec<&'a crate::diff::SettingChange>,
    ews_new: bool,
    /// The new profile needs another kind of credential (a certificate, for SharePoint app-only).
    credential_changed: bool,
    findings: &'a FindingsDiff,
    counts: Counts,
}

#[derive(Serialize)]
struct From<'a> {
    id: &'a str,
    title: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct DeltaApi<'a> {
    name: &'a str,
    app_id: &'a str,
    /// `--query` for the ids of this API's permissions in `az ad app permission list`.
    have_query: String,
    permissions: Vec<DeltaPermission<'a>>,
    application: Vec<DeltaPermission<'a>>,
    delegated: Vec<DeltaPermission<'a>>,
}

#[derive(Clone, Serialize)]
struct DeltaPermission<'a> {
    name: &'a str,
    id: &'a str,
    /// `Application` or `Delegated`.
    kind: &'static str,
    summary: &'a str,
    /// `GUID=Role` or `GUID=Scope`, as `az ad app permission add --api-permissions` takes it.
    api_permission: String,
}

#[derive(Serialize)]
struct ChangedType<'a> {
    api: &'a str,
    name: &'a str,
    from: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
struct Counts {
    added: usize,
    removable: usize,
    changed: usize,
}

/// The permissions of `apis` that `other` does not ask for (same API, type and GUID), per API.
fn missing_from<'a>(apis: &'a [PlannedApi], other: &[PlannedApi]) -> Vec<DeltaApi<'a>> {
    apis.iter()
        .filter_map(|api| {
            let theirs = other.iter().find(|o| o.resource.app_id == api.resource.app_id);
            let permissions: Vec<DeltaPermission> = api
                .permissions
                .iter()
                .filter(|p| {
                    !theirs.is_some_and(|t| t.permissions.iter().any(|q| q.kind == p.kind && q.data.id == p.data.id))
                })
                .map(|p| DeltaPermission {
                    name: p.data.name,
                    id: p.data.id,
                    kind: if p.kind == Kind::Application { "Application" } else { "Delegated" },
                    summary: p.data.summary(),
                    api_permission: format!("{}={}", p.data.id, p.kind.entra_type()),
                })
                .collect();
            if permissions.is_empty() {
                return None;
            }
            let of = |k: &str| permissions.iter().filter(|p| p.kind == k).cloned().collect();
            Some(DeltaApi {
                name: api.resource.display_name,
                app_id: api.resource.app_id,
                have_query: format!("[?resourceAppId=='{}'].resourceAccess[].id", api.resource.app_id),
                application: of("Application"),
                delegated: of("Delegated"),
                permissions,
            })
        })
        .collect()
}

/// The union of both plans' permissions, in the new plan's API order, for `app-manifest.json`.
fn union_manifest(new: &Plan<'_>, old: &Plan<'_>) -> String {
    use super::manifest::{RequiredResourceAccess, ResourceAccess};
    let mut entries: Vec<RequiredResourceAccess> = Vec::new();
    for api in new.apis.iter().chain(&old.apis) {
        let index = match entries.iter().position(|e| e.resource_app_id == api.resource.app_id) {
            Some(i) => i,
            None => {
                entries
                    .push(RequiredResourceAccess { resource_app_id: api.resource.app_id, resource_access: Vec::new() });
                entries.len() - 1
            }
        };
        for p in &api.permissions {
            let access = &mut entries[index].resource_access;
            if !access.iter().any(|a| a.id == p.data.id && a.kind == p.kind.entra_type()) {
                access.push(ResourceAccess { id: p.data.id, kind: p.kind.entra_type() });
            }
        }
    }
    super::json_text(&entries)
}

/// Renders the delta bundle from the new plan, the old one and their diff.
pub fn render(
    new: &Plan<'_>,
    old: &Plan<'_>,
    diff: &ProfileDiff,
    templates: &super::Templates,
    warnings: &[Diagnostic],
    flavor: Flavor,
) -> Result<Bundle, InputError> {
    let added = missing_from(&new.apis, &old.apis);
    let removable = missing_from(&old.apis, &new.apis);
    let add_in_changed = diff.add_in.as_ref().is_some_and(|a| a.present[1]);
    let add_in_dropped = diff.add_in.as_ref().is_some_and(|a| a.present == [true, false]);
    // Only settings the new plan still sets: retired ones are left out (see `retirement`).
    let settings: Vec<&str> = diff
        .tenant_settings
        .iter()
        .filter(|s| s.new.is_some() && new.tenant_settings.iter().any(|t| t.name == s.name))
        .map(|s| s.name.as_str())
        .collect();
    let ews_new = new.uses_ews() && !old.uses_ews();

    let mut files = vec![UPGRADE_MD, UPGRADE_SH, UPGRADE_PS1, super::MANIFEST];
    if add_in_changed && new.add_in.is_some() {
        files.push(super::APPINV_XML);
    }
    if !settings.is_empty() {
        files.push(super::SHAREPOINT_PS1);
    }
    if ews_new {
        files.push(super::EXCHANGE_PS1);
    }
    files.push(super::INDEX);

    let header = format!(
        "Generated by m365-runbook {} from profiles {} and {} (catalog {}). Render again instead of editing.",
        env!("CARGO_PKG_VERSION"),
        old.profile.id,
        new.profile.id,
        new.catalog_date
    );
    let mut view = view::build(new, warnings, &files, &header, flavor, Page::Bundle);
    // The SharePoint step and script set only what changed.
    view.tenant_settings.retain(|s| settings.contains(&s.name));
    let (a, r, c) = diff.counts();
    let upgrade = UpgradeView {
        title: format!("Upgrade from {} to {}", old.profile.id, new.profile.id),
        description: format!(
            "Upgrade the Microsoft Entra ID application of {} {} from {} to {}.",
            new.profile.vendor, new.profile.product, old.profile.version, new.profile.version
        ),
        from: From { id: &old.profile.id, title: &old.profile.title, version: &old.profile.version },
        has_application: added.iter().any(|a| !a.application.is_empty()),
        has_delegated: added.iter().any(|a| !a.delegated.is_empty()),
        changed_type: diff
            .apis
            .iter()
            .flat_map(|a| {
                a.changed_type.iter().map(|c| ChangedType { api: &a.api, name: &c.name, from: c.from, to: c.to })
            })
            .collect(),
        counts: Counts { added: a + c, removable: r + c, changed: c },
        added,
        removable,
        add_in_changed,
        add_in_dropped,
        settings_dropped: diff.tenant_settings.iter().filter(|s| s.new.is_none()).collect(),
        ews_new,
        credential_changed: new.credential != old.credential,
        findings: &diff.findings,
    };
    let mut context = tera::Context::from_serialize(&view)
        .map_err(|e| InputError::msg(format!("internal error: cannot build the template context: {e}")))?;
    context.insert("upgrade", &upgrade);

    let mut bundle = Bundle::default();
    for file in &files {
        let text = match *file {
            UPGRADE_MD => reflow::reflow(&templates.render("upgrade.md.tera", &context)?, super::PAGE_WIDTH),
            super::MANIFEST => union_manifest(new, old),
            super::APPINV_XML => view.add_in.as_ref().map(|a| a.xml.clone()).unwrap_or_default(),
            super::INDEX => continue,
            name => templates.render(&format!("{name}.tera"), &context)?,
        };
        let executable = matches!(*file, UPGRADE_SH | UPGRADE_PS1 | super::SHAREPOINT_PS1 | super::EXCHANGE_PS1);
        bundle.insert(file, text, executable);
    }
    bundle.insert(super::INDEX, index(new, old, diff, warnings, &files), false);
    Ok(bundle)
}

#[derive(Serialize)]
struct Index<'a> {
    generator: Generator<'a>,
    upgrade: Upgrade<'a>,
    files: &'a [&'a str],
    diff: &'a ProfileDiff,
    warnings: &'a [Diagnostic],
}

#[derive(Serialize)]
struct Upgrade<'a> {
    from: &'a str,
    to: &'a str,
    tenant_domain: &'a str,
    app_name: &'a str,
    cloud: &'a str,
}

fn index(new: &Plan<'_>, old: &Plan<'_>, diff: &ProfileDiff, warnings: &[Diagnostic], files: &[&str]) -> String {
    super::json_text(&Index {
        generator: Generator::new(new.catalog_date),
        upgrade: Upgrade {
            from: &old.profile.id,
            to: &new.profile.id,
            tenant_domain: &new.tenant_domain,
            app_name: &new.app_name,
            cloud: &new.cloud.id,
        },
        files,
        diff,
        warnings,
    })
}
