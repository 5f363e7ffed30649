//! A catalog overlay: resources imported by `catalog import`, stored as JSON in the user's
//! config folder (or `--catalog FILE`) and applied over the built-in tables on every command.
//!
//! The built-in tables are `'static`; an overlay is read once per process and leaked to become
//! `'static` too, so every command keeps working with plain references.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::data::{PermissionData, ResourceData};
use crate::diagnostic::InputError;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    pub schema_version: u32,
    /// The day of the last import (YYYY-MM-DD).
    pub imported: String,
    pub resources: Vec<OverlayResource>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayResource {
    pub key: String,
    pub display_name: String,
    pub app_id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where it was imported from (the file name given to `catalog import`) and when.
    pub source: String,
    pub app_roles: Vec<OverlayPermission>,
    pub scopes: Vec<OverlayPermission>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayPermission {
    pub name: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_consent_required: Option<bool>,
    /// Documented but not listed by the service principal; kept across imports.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
}

/// What `catalog info` reports about an overlay in use.
#[derive(Clone, Debug, Serialize)]
pub struct OverlayInfo {
    pub path: String,
    pub imported: String,
    pub sources: Vec<String>,
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

impl Overlay {
    /// Reads the overlay at `path`; a missing file is no overlay.
    pub fn read(path: &Path) -> Result<Option<Overlay>, InputError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(InputError::msg(format!("cannot read the catalog overlay `{}`: {e}", path.display())));
            }
        };
        let overlay: Overlay = serde_json::from_str(&text).map_err(|e| {
            InputError::msg(format!(
                "the catalog overlay `{}` is damaged (line {}, column {}): {e}; delete it or import again",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        Ok(Some(overlay))
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Turns the overlay into `'static` tables (see the module comment).
    pub fn into_static(self) -> (OverlayInfo, Vec<&'static ResourceData>) {
        let info = OverlayInfo {
            path: String::new(),
            imported: self.imported.clone(),
            sources: self.resources.iter().map(|r| format!("{}: {}", r.display_name, r.source)).collect(),
        };
        let perms = |list: Vec<OverlayPermission>| -> &'static [PermissionData] {
            let mut v: Vec<PermissionData> = list
                .into_iter()
                .map(|p| PermissionData {
                    name: leak(p.name),
                    id: leak(p.id),
                    display: p.display.map(leak),
                    description: leak(p.description),
                    admin_consent_required: p.admin_consent_required,
                    hidden: p.hidden,
                    duplicate_ids: &[],
                    notes: None,
                })
                .collect();
            v.sort_by(|a, b| a.name.cmp(b.name));
            v.dedup_by(|a, b| a.name == b.name);
            Box::leak(v.into_boxed_slice())
        };
        let resources = self
            .resources
            .into_iter()
            .map(|r| {
                let data = ResourceData {
                    key: leak(r.key),
                    display_name: leak(r.display_name.clone()),
                    service_principal_display_name: leak(r.display_name),
                    app_id: leak(r.app_id),
                    status: "active",
                    aliases: Box::leak(r.aliases.into_iter().map(leak).collect::<Vec<_>>().into_boxed_slice()),
                    notes: None,
                    retirement_summary: None,
                    milestones: &[],
                    app_roles: perms(r.app_roles),
                    scopes: perms(r.scopes),
                };
                &*Box::leak(Box::new(data))
            })
            .collect();
        (info, resources)
    }
}

/// Where the overlay lives by default: `$M365_RUNBOOK_CONFIG/catalog.json`, else the platform's
/// config folder (`$XDG_CONFIG_HOME` or `~/.config` on Unix, `%APPDATA%` on Windows) under
/// `m365-runbook`.
pub fn default_path() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("M365_RUNBOOK_CONFIG") {
        return Some(dir.join("catalog.json"));
    }
    let base = if cfg!(windows) {
        var("APPDATA")
    } else {
        var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|h| h.join(".config")))
    };
    base.map(|b| b.join("m365-runbook").join("catalog.json"))
}
