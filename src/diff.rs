//! What changes between two profiles (usually two versions of one product's page): permissions
//! added, removed or changed type, per API and with GUIDs; the SharePoint add-in grant and tenant
//! settings; lint findings that appear or disappear. Pure: resolved permissions and findings in,
//! a [`ProfileDiff`] out, printed as text, JSON or Markdown.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::catalog::Kind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::{PlannedApi, PlannedPermission, Resolution};
use crate::profile::{AddInRequest, Profile, SettingValue};
use crate::quote;

/// One side of a comparison: the profile, its permissions as resolved, and its lint findings.
pub struct Side<'a> {
    pub profile: &'a Profile,
    /// The main app's APIs.
    pub apis: &'a [PlannedApi],
    /// Each further app's slug and APIs.
    pub apps: Vec<(&'a str, &'a [PlannedApi])>,
    pub findings: &'a [Diagnostic],
}

impl<'a> Side<'a> {
    /// A side from a profile's resolution (every row, no selection).
    pub fn resolved(profile: &'a Profile, r: &'a Resolution, findings: &'a [Diagnostic]) -> Side<'a> {
        let apps = profile.apps.iter().zip(&r.apps).map(|(a, apis)| (a.slug.as_str(), apis.as_slice())).collect();
        Side { profile, apis: &r.apis, apps, findings }
    }

    /// A side from a plan (after the selection and `--least-privilege`).
    pub fn planned(plan: &'a crate::plan::Plan<'a>, findings: &'a [Diagnostic]) -> Side<'a> {
        let apps = plan.extras.apps.iter().map(|a| (a.slug, a.apis.as_slice())).collect();
        Side { profile: plan.profile, apis: &plan.apis, apps, findings }
    }
}

#[derive(Debug, Serialize)]
pub struct ProfileDiff {
    pub old: ProfileRef,
    pub new: ProfileRef,
    /// APIs with a change, in the new profile's order, then APIs only the old one asks of.
    pub apis: Vec<ApiDiff>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_in: Option<AddInDiff>,
    pub tenant_settings: Vec<SettingChange>,
    /// Format 2: the further apps added, removed or changed, by slug.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<AppDiff>,
    /// Format 2: roles added or removed (directory roles on each app, the administrator's roles,
    /// Exchange roles and public-folder rights).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleChange>,
    pub findings: FindingsDiff,
}

/// A further app (format 2): present on [old, new], and its permission changes.
#[derive(Debug, Serialize)]
pub struct AppDiff {
    pub slug: String,
    pub display_name: String,
    pub present: [bool; 2],
    pub apis: Vec<ApiDiff>,
}

/// A role added or removed. `section` says which: `directory role (main app)`, ...
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RoleChange {
    pub section: String,
    pub role: String,
    pub added: bool,
}

/// The same permission asked for with other workload or usage tags.
#[derive(Debug, Serialize)]
pub struct TagChange {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct ProfileRef {
    pub id: String,
    pub title: String,
    pub version: String,
}

#[derive(Debug, Serialize)]
pub struct ApiDiff {
    pub api: String,
    pub app_id: String,
    pub added: Vec<Permission>,
    pub removed: Vec<Permission>,
    pub changed_type: Vec<TypeChange>,
    /// Format 2: same permission, other tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retagged: Vec<TagChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Permission {
    pub name: String,
    /// `Application` or `Delegated`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
}

/// The same name asked for as the other type: granted differently, with another GUID.
#[derive(Debug, Serialize)]
pub struct TypeChange {
    pub name: String,
    pub from: &'static str,
    pub from_id: String,
    pub to: &'static str,
    pub to_id: String,
}

/// The SharePoint add-in grant (appinv.aspx): requests added or removed, and the app-only policy.
#[derive(Debug, Default, Serialize)]
pub struct AddInDiff {
    /// Whether each side asks for the grant at all: [old, new].
    pub present: [bool; 2],
    /// [old, new], when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_app_only_policy: Option<[bool; 2]>,
    pub added: Vec<AddInRequest>,
    pub removed: Vec<AddInRequest>,
}

/// A `Set-SPOTenant` setting added (no `old`), removed (no `new`) or changed.
#[derive(Debug, Serialize)]
pub struct SettingChange {
    pub name: String,
    pub old: Option<SettingValue>,
    pub new: Option<SettingValue>,
}

#[derive(Debug, Default, Serialize)]
pub struct FindingsDiff {
    pub appeared: Vec<Finding>,
    pub disappeared: Vec<Finding>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: String,
    pub message: String,
}

fn entra_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Application => "Application",
        Kind::Delegated => "Delegated",
    }
}

pub fn compare(old: &Side<'_>, new: &Side<'_>) -> ProfileDiff {
    ProfileDiff {
        old: profile_ref(old.profile),
        new: profile_ref(new.profile),
        apis: compare_apis(old.apis, new.apis),
        add_in: add_in_diff(old.profile, new.profile),
        tenant_settings: setting_changes(old.profile, new.profile),
        apps: app_diffs(old, new),
        roles: role_changes(old.profile, new.profile),
        findings: findings_diff(old.findings, new.findings),
    }
}

/// Tags of a permission's rows as one phrase: `exchange, teams; backup` (`all` when untagged).
pub fn tags_text(p: &PlannedPermission) -> String {
    let w: Vec<&str> = p.workloads().iter().map(|w| w.as_str()).collect();
    let u: Vec<&str> = p.usage().iter().map(|u| u.as_str()).collect();
    let part = |v: Vec<&str>| if v.is_empty() { "all".to_string() } else { v.join(", ") };
    format!("{}; {}", part(w), part(u))
}

fn compare_apis(old: &[PlannedApi], new: &[PlannedApi]) -> Vec<ApiDiff> {
    let mut app_ids: Vec<(&str, &str)> = Vec::new();
    for a in new.iter().chain(old) {
        if !app_ids.iter().any(|(id, _)| *id == a.resource.app_id) {
            app_ids.push((a.resource.app_id, a.resource.display_name));
        }
    }
    let perms = |apis: &[PlannedApi], app_id: &str| -> Vec<(Kind, String, String, String)> {
        apis.iter()
            .filter(|a| a.resource.app_id == app_id)
            .flat_map(|a| {
                a.permissions.iter().map(|p| (p.kind, p.data.name.to_string(), p.data.id.to_string(), tags_text(p)))
            })
            .collect()
    };
    let mut apis = Vec::new();
    for (app_id, name) in app_ids {
        let before = perms(old, app_id);
        let after = perms(new, app_id);
        let has = |list: &[(Kind, String, String, String)], kind: Kind, name: &str| {
            list.iter().find(|(k, n, _, _)| *k == kind && n == name).map(|(_, _, id, tags)| (id.clone(), tags.clone()))
        };
        let mut added: Vec<Permission> = Vec::new();
        let mut removed: Vec<Permission> = Vec::new();
        let mut changed_type = Vec::new();
        let mut retagged = Vec::new();
        for (kind, pname, id, tags) in &after {
            if let Some((_, old_tags)) = has(&before, *kind, pname) {
                if &old_tags != tags {
                    retagged.push(TagChange {
                        name: pname.clone(),
                        kind: entra_kind(*kind),
                        from: old_tags,
                        to: tags.clone(),
                    });
                }
                continue;
            }
            // Asked for before only as the other type, and no longer as that type: a type change.
            match has(&before, kind.other(), pname) {
                Some((from_id, _)) if has(&after, kind.other(), pname).is_none() => changed_type.push(TypeChange {
                    name: pname.clone(),
                    from: entra_kind(kind.other()),
                    from_id,
                    to: entra_kind(*kind),
                    to_id: id.clone(),
                }),
                _ => added.push(Permission { name: pname.clone(), kind: entra_kind(*kind), id: id.clone() }),
            }
        }
        for (kind, pname, id, _) in &before {
            let changed = changed_type.iter().any(|c| &c.name == pname && c.from == entra_kind(*kind));
            if has(&after, *kind, pname).is_none() && !changed {
                removed.push(Permission { name: pname.clone(), kind: entra_kind(*kind), id: id.clone() });
            }
        }
        if !(added.is_empty() && removed.is_empty() && changed_type.is_empty() && retagged.is_empty()) {
            apis.push(ApiDiff {
                api: name.to_string(),
                app_id: app_id.to_string(),
                added,
                removed,
                changed_type,
                retagged,
            });
        }
    }
    apis
}

fn app_diffs(old: &Side<'_>, new: &Side<'_>) -> Vec<AppDiff> {
    fn find<'s>(side: &Side<'s>, slug: &str) -> Option<(&'s str, &'s [PlannedApi])> {
        let name = side.profile.apps.iter().find(|a| a.slug == slug).map(|a| a.display_name.as_str())?;
        side.apps.iter().find(|(s, _)| *s == slug).map(|(_, apis)| (name, *apis))
    }
    let mut slugs: Vec<&str> = new.apps.iter().map(|(s, _)| *s).collect();
    slugs.extend(old.apps.iter().map(|(s, _)| *s).filter(|s| !new.apps.iter().any(|(n, _)| n == s)));
    slugs
        .into_iter()
        .filter_map(|slug| {
            let (o, n) = (find(old, slug), find(new, slug));
            let display_name = n.or(o).map(|(name, _)| name.to_string()).unwrap_or_default();
            let apis = compare_apis(o.map_or(&[], |(_, apis)| apis), n.map_or(&[], |(_, apis)| apis));
            let present = [o.is_some(), n.is_some()];
            (present != [true, true] || !apis.is_empty()).then(|| AppDiff {
                slug: slug.to_string(),
                display_name,
                present,
                apis,
            })
        })
        .collect()
}

/// Every role a profile names, as (section, role).
fn roles_of(p: &Profile) -> BTreeSet<(String, String)> {
    let mut set = BTreeSet::new();
    for r in &p.app.directory_roles {
        set.insert(("directory role (main app)".to_string(), r.role.clone()));
    }
    for a in &p.apps {
        for r in &a.directory_roles {
            set.insert((format!("directory role ({})", a.slug), r.role.clone()));
        }
    }
    for a in &p.admin_roles {
        set.insert(("administrator role".to_string(), a.any_of.join(" or ")));
    }
    if let Some(e) = &p.exchange {
        for r in &e.roles {
            set.insert(("Exchange role".to_string(), r.role.clone()));
        }
        if let Some(f) = &e.public_folders {
            set.insert(("public-folder right".to_string(), f.access_rights.clone()));
        }
    }
    set
}

fn role_changes(old: &Profile, new: &Profile) -> Vec<RoleChange> {
    let (before, after) = (roles_of(old), roles_of(new));
    let mut out: Vec<RoleChange> = after
        .difference(&before)
        .map(|(section, role)| RoleChange { section: section.clone(), role: role.clone(), added: true })
        .chain(before.difference(&after).map(|(section, role)| RoleChange {
            section: section.clone(),
            role: role.clone(),
            added: false,
        }))
        .collect();
    out.sort();
    out
}

fn profile_ref(p: &Profile) -> ProfileRef {
    ProfileRef { id: p.id.clone(), title: p.title.clone(), version: p.version.clone() }
}

fn add_in_diff(old: &Profile, new: &Profile) -> Option<AddInDiff> {
    let get = |p: &Profile| p.sharepoint.as_ref().and_then(|s| s.add_in.clone());
    let (before, after) = (get(old), get(new));
    if before == after {
        return None;
    }
    let requests = |a: &Option<crate::profile::AddIn>| a.as_ref().map(|a| a.requests.clone()).unwrap_or_default();
    let (b, a) = (requests(&before), requests(&after));
    let policy = |x: &Option<crate::profile::AddIn>| x.as_ref().is_some_and(|a| a.allow_app_only_policy);
    let diff = AddInDiff {
        present: [before.is_some(), after.is_some()],
        allow_app_only_policy: (before.is_some() && after.is_some() && policy(&before) != policy(&after))
            .then(|| [policy(&before), policy(&after)]),
        added: a.iter().filter(|r| !b.contains(r)).cloned().collect(),
        removed: b.iter().filter(|r| !a.contains(r)).cloned().collect(),
    };
    Some(diff)
}

fn setting_changes(old: &Profile, new: &Profile) -> Vec<SettingChange> {
    let get = |p: &Profile| p.sharepoint.as_ref().map(|s| s.tenant_settings.clone()).unwrap_or_default();
    let (before, after) = (get(old), get(new));
    let mut names: Vec<&str> = after.iter().map(|s| s.name.as_str()).collect();
    names.extend(before.iter().map(|s| s.name.as_str()).filter(|n| !after.iter().any(|s| s.name == *n)));
    let value = |list: &[crate::profile::TenantSetting], name: &str| {
        list.iter().find(|s| s.name == name).map(|s| s.value.clone())
    };
    names
        .into_iter()
        .filter_map(|name| {
            let (o, n) = (value(&before, name), value(&after, name));
            (o != n).then(|| SettingChange { name: name.to_string(), old: o, new: n })
        })
        .collect()
}

fn findings_diff(old: &[Diagnostic], new: &[Diagnostic]) -> FindingsDiff {
    let set = |ds: &[Diagnostic]| -> BTreeSet<Finding> {
        ds.iter()
            .filter(|d| d.severity >= Severity::Warning)
            .map(|d| Finding {
                severity: d.severity,
                code: d.code.clone().unwrap_or_default(),
                message: d.message.clone(),
            })
            .collect()
    };
    let (before, after) = (set(old), set(new));
    FindingsDiff {
        appeared: after.difference(&before).cloned().collect(),
        disappeared: before.difference(&after).cloned().collect(),
    }
}

impl ProfileDiff {
    pub fn is_empty(&self) -> bool {
        self.apis.is_empty()
            && self.apps.is_empty()
            && self.roles.is_empty()
            && self.add_in.is_none()
            && self.tenant_settings.is_empty()
            && self.findings.appeared.is_empty()
            && self.findings.disappeared.is_empty()
    }

    /// (added, removed, changed type), over every API.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.apis
            .iter()
            .fold((0, 0, 0), |(a, r, c), d| (a + d.added.len(), r + d.removed.len(), c + d.changed_type.len()))
    }

    fn headline(&self) -> String {
        let (added, removed, changed) = self.counts();
        format!(
            "{} -> {}: {added} permission{} added, {removed} removed, {changed} changed type",
            self.old.id,
            self.new.id,
            if added == 1 { "" } else { "s" }
        )
    }

    /// For people at a terminal: one line per change, `+` added, `-` removed, `~` changed.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.headline());
        if self.is_empty() {
            let _ = writeln!(out, "no differences");
            return out;
        }
        let width = self
            .apis
            .iter()
            .flat_map(|a| {
                a.added
                    .iter()
                    .chain(&a.removed)
                    .map(|p| p.name.len())
                    .chain(a.changed_type.iter().map(|c| c.name.len()))
            })
            .max()
            .unwrap_or(0);
        for api in &self.apis {
            let _ = writeln!(out, "\n{} ({})", api.api, api.app_id);
            for p in &api.added {
                let _ = writeln!(out, "  + {:<width$}  {:<11}  {}", p.name, p.kind, p.id);
            }
            for p in &api.removed {
                let _ = writeln!(out, "  - {:<width$}  {:<11}  {}", p.name, p.kind, p.id);
            }
            for c in &api.changed_type {
                let _ = writeln!(out, "  ~ {:<width$}  {} {} -> {} {}", c.name, c.from, c.from_id, c.to, c.to_id);
            }
            for t in &api.retagged {
                let _ = writeln!(out, "  ~ {:<width$}  {:<11}  tags {} -> {}", t.name, t.kind, t.from, t.to);
            }
        }
        for app in &self.apps {
            let mark = match app.present {
                [false, true] => "+ ",
                [true, false] => "- ",
                _ => "",
            };
            let _ = writeln!(out, "\n{mark}app {} ({})", app.slug, app.display_name);
            for api in &app.apis {
                for p in &api.added {
                    let _ = writeln!(out, "  + {}  {}  {}  {}", api.api, p.name, p.kind, p.id);
                }
                for p in &api.removed {
                    let _ = writeln!(out, "  - {}  {}  {}  {}", api.api, p.name, p.kind, p.id);
                }
                for c in &api.changed_type {
                    let _ = writeln!(out, "  ~ {}  {}  {} -> {}", api.api, c.name, c.from, c.to);
                }
                for t in &api.retagged {
                    let _ = writeln!(out, "  ~ {}  {}  {}  tags {} -> {}", api.api, t.name, t.kind, t.from, t.to);
                }
            }
        }
        if !self.roles.is_empty() {
            let _ = writeln!(out, "\nRoles");
            for r in &self.roles {
                let _ = writeln!(out, "  {} {}: {}", if r.added { "+" } else { "-" }, r.section, r.role);
            }
        }
        if let Some(a) = &self.add_in {
            let _ = writeln!(out, "\nSharePoint add-in grant (appinv.aspx)");
            match a.present {
                [false, true] => {
                    let _ = writeln!(out, "  + the grant");
                }
                [true, false] => {
                    let _ = writeln!(out, "  - the grant");
                }
                _ => {}
            }
            if let Some([o, n]) = a.allow_app_only_policy {
                let _ = writeln!(out, "  ~ AllowAppOnlyPolicy {o} -> {n}");
            }
            for r in &a.added {
                let _ = writeln!(out, "  + {} {}", r.scope, r.right);
            }
            for r in &a.removed {
                let _ = writeln!(out, "  - {} {}", r.scope, r.right);
            }
        }
        if !self.tenant_settings.is_empty() {
            let _ = writeln!(out, "\nSharePoint tenant settings (Set-SPOTenant)");
            for s in &self.tenant_settings {
                let _ = match (&s.old, &s.new) {
                    (None, Some(n)) => writeln!(out, "  + {} {}", s.name, setting_text(n)),
                    (Some(o), None) => writeln!(out, "  - {} {}", s.name, setting_text(o)),
                    (Some(o), Some(n)) => writeln!(out, "  ~ {} {} -> {}", s.name, setting_text(o), setting_text(n)),
                    (None, None) => Ok(()),
                };
            }
        }
        if !self.findings.appeared.is_empty() || !self.findings.disappeared.is_empty() {
            let _ = writeln!(out, "\nLint findings");
            for f in &self.findings.appeared {
                let _ = writeln!(out, "  + {}[{}]: {}", f.severity.as_str(), f.code, f.message);
            }
            for f in &self.findings.disappeared {
                let _ = writeln!(out, "  - {}[{}]: {}", f.severity.as_str(), f.code, f.message);
            }
        }
        out
    }

    /// A Markdown report (CommonMark, markdownlint-clean), for a pull request or a change note.
    pub fn markdown(&self) -> String {
        let md = quote::markdown;
        let code = quote::markdown_code;
        let mut out = String::new();
        let _ = writeln!(out, "# Changes from {} to {}\n", code(&self.old.id), code(&self.new.id));
        let (added, removed, changed) = self.counts();
        let _ = writeln!(
            out,
            "From {} ({}) to {} ({}): {added} permission{} added, {removed} removed, {changed} changed type.",
            md(&self.old.title),
            md(&self.old.version),
            md(&self.new.title),
            md(&self.new.version),
            if added == 1 { "" } else { "s" }
        );
        if self.is_empty() {
            let _ = writeln!(out, "\nNo differences.");
        }
        for api in &self.apis {
            let _ = writeln!(out, "\n## {}\n\nAPI app id: {}.\n", md(&api.api), code(&api.app_id));
            let _ = writeln!(out, "<!-- markdownlint-disable MD013 -->");
            let _ = writeln!(out, "| Change | Permission | Type | GUID |\n| --- | --- | --- | --- |");
            for (what, list) in [("added", &api.added), ("removed", &api.removed)] {
                for p in list {
                    let _ = writeln!(out, "| {what} | {} | {} | {} |", code(&p.name), p.kind, code(&p.id));
                }
            }
            for c in &api.changed_type {
                let _ = writeln!(
                    out,
                    "| changed type | {} | {} → {} | {} → {} |",
                    code(&c.name),
                    c.from,
                    c.to,
                    code(&c.from_id),
                    code(&c.to_id)
                );
            }
            for t in &api.retagged {
                let _ = writeln!(
                    out,
                    "| tags changed | {} | {} | {} → {} |",
                    code(&t.name),
                    t.kind,
                    md(&t.from),
                    md(&t.to)
                );
            }
            let _ = writeln!(out, "<!-- markdownlint-enable MD013 -->");
        }
        for app in &self.apps {
            let state = match app.present {
                [false, true] => " (new)",
                [true, false] => " (no longer asked for)",
                _ => "",
            };
            let _ = writeln!(out, "\n## App {}{state}\n", code(&app.slug));
            let _ = writeln!(out, "{}.", md(&app.display_name));
            for api in &app.apis {
                for (what, list) in [("Added", &api.added), ("Removed", &api.removed)] {
                    for p in list {
                        let _ = writeln!(out, "\n- {what}: {} {} ({})", md(&api.api), code(&p.name), p.kind);
                    }
                }
                for t in &api.retagged {
                    let _ = writeln!(
                        out,
                        "\n- Tags of {} {}: {} → {}",
                        md(&api.api),
                        code(&t.name),
                        md(&t.from),
                        md(&t.to)
                    );
                }
            }
        }
        if !self.roles.is_empty() {
            let _ = writeln!(out, "\n## Roles\n");
            for r in &self.roles {
                let what = if r.added { "Added" } else { "Removed" };
                let _ = writeln!(out, "- {what} {}: {}", md(&r.section), md(&r.role));
            }
        }
        if let Some(a) = &self.add_in {
            let _ = writeln!(out, "\n## SharePoint add-in grant (appinv.aspx)\n");
            match a.present {
                [false, true] => {
                    let _ = writeln!(out, "- The grant is new.");
                }
                [true, false] => {
                    let _ = writeln!(out, "- The grant is no longer asked for.");
                }
                _ => {}
            }
            if let Some([o, n]) = a.allow_app_only_policy {
                let _ = writeln!(out, "- `AllowAppOnlyPolicy`: `{o}` → `{n}`");
            }
            for r in &a.added {
                let _ = writeln!(out, "- Added: {} {}", code(&r.scope), code(&r.right));
            }
            for r in &a.removed {
                let _ = writeln!(out, "- Removed: {} {}", code(&r.scope), code(&r.right));
            }
        }
        if !self.tenant_settings.is_empty() {
            let _ = writeln!(out, "\n## SharePoint tenant settings\n");
            for s in &self.tenant_settings {
                let show =
                    |v: &Option<SettingValue>| v.as_ref().map_or("not set".to_string(), |v| code(&setting_text(v)));
                let _ = writeln!(out, "- {}: {} → {}", code(&s.name), show(&s.old), show(&s.new));
            }
        }
        if !self.findings.appeared.is_empty() || !self.findings.disappeared.is_empty() {
            let _ = writeln!(out, "\n## Lint findings\n");
            for (what, list) in [("New", &self.findings.appeared), ("Gone", &self.findings.disappeared)] {
                for f in list {
                    let rule = code(&format!("{}[{}]", f.severity.as_str(), f.code));
                    let _ = writeln!(out, "- {what} {rule}: {}", quote::markdown_ticked(&f.message));
                }
            }
        }
        crate::render::reflow::reflow(&out, crate::render::PAGE_WIDTH)
    }
}

pub fn setting_text(v: &SettingValue) -> String {
    match v {
        SettingValue::Bool(b) => b.to_string(),
        SettingValue::Int(i) => i.to_string(),
        SettingValue::Text(t) => t.clone(),
    }
}
