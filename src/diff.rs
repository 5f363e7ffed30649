//! What changes between two profiles (usually two versions of one product's page): permissions
//! added, removed or changed type, per API and with GUIDs; the SharePoint add-in grant and tenant
//! settings; lint findings that appear or disappear. Pure: resolved permissions and findings in,
//! a [`ProfileDiff`] out, printed as text, JSON or Markdown.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::catalog::Kind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::PlannedApi;
use crate::profile::{AddInRequest, Profile, SettingValue};
use crate::quote;

/// One side of a comparison: the profile, its permissions as resolved, and its lint findings.
pub struct Side<'a> {
    pub profile: &'a Profile,
    pub apis: &'a [PlannedApi],
    pub findings: &'a [Diagnostic],
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
    pub findings: FindingsDiff,
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
    let mut app_ids: Vec<(&str, &str)> = Vec::new();
    for a in new.apis.iter().chain(old.apis) {
        if !app_ids.iter().any(|(id, _)| *id == a.resource.app_id) {
            app_ids.push((a.resource.app_id, a.resource.display_name));
        }
    }
    let perms = |apis: &[PlannedApi], app_id: &str| -> Vec<(Kind, String, String)> {
        apis.iter()
            .filter(|a| a.resource.app_id == app_id)
            .flat_map(|a| a.permissions.iter().map(|p| (p.kind, p.data.name.to_string(), p.data.id.to_string())))
            .collect()
    };
    let mut apis = Vec::new();
    for (app_id, name) in app_ids {
        let before = perms(old.apis, app_id);
        let after = perms(new.apis, app_id);
        let has = |list: &[(Kind, String, String)], kind: Kind, name: &str| {
            list.iter().find(|(k, n, _)| *k == kind && n == name).map(|(_, _, id)| id.clone())
        };
        let mut added: Vec<Permission> = Vec::new();
        let mut removed: Vec<Permission> = Vec::new();
        let mut changed_type = Vec::new();
        for (kind, pname, id) in &after {
            if has(&before, *kind, pname).is_some() {
                continue;
            }
            // Asked for before only as the other type, and no longer as that type: a type change.
            match has(&before, kind.other(), pname) {
                Some(from_id) if has(&after, kind.other(), pname).is_none() => changed_type.push(TypeChange {
                    name: pname.clone(),
                    from: entra_kind(kind.other()),
                    from_id,
                    to: entra_kind(*kind),
                    to_id: id.clone(),
                }),
                _ => added.push(Permission { name: pname.clone(), kind: entra_kind(*kind), id: id.clone() }),
            }
        }
        for (kind, pname, id) in &before {
            let changed = changed_type.iter().any(|c| &c.name == pname && c.from == entra_kind(*kind));
            if has(&after, *kind, pname).is_none() && !changed {
                removed.push(Permission { name: pname.clone(), kind: entra_kind(*kind), id: id.clone() });
            }
        }
        if !(added.is_empty() && removed.is_empty() && changed_type.is_empty()) {
            apis.push(ApiDiff { api: name.to_string(), app_id: app_id.to_string(), added, removed, changed_type });
        }
    }
    ProfileDiff {
        old: profile_ref(old.profile),
        new: profile_ref(new.profile),
        apis,
        add_in: add_in_diff(old.profile, new.profile),
        tenant_settings: setting_changes(old.profile, new.profile),
        findings: findings_diff(old.findings, new.findings),
    }
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
            let _ = writeln!(out, "<!-- markdownlint-enable MD013 -->");
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
