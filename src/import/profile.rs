//! The profile sections an import fills: `permissions`, `notes` (roles the page asks for) and
//! `corrections` (every change from the page, with its reason), plus comments listing what did
//! not resolve and names met only in prose. Text from the page is quoted for YAML.

use crate::quote::yaml_string;

use super::{Import, Status};

/// `permissions:` entries (indented list items), empty when nothing resolved.
pub fn permissions(import: &Import) -> String {
    let mut s = String::new();
    for (api, app, del) in import.groups() {
        s.push_str(&format!("  - api: {api}\n"));
        for (field, names) in [("application", app), ("delegated", del)] {
            if !names.is_empty() {
                s.push_str(&format!("    {field}:\n"));
                for n in names {
                    s.push_str(&format!("      - {n}\n"));
                }
            }
        }
    }
    s
}

/// Comments for the rows that did not resolve and names met only in prose.
pub fn comments(import: &Import) -> String {
    let mut s = String::new();
    let unresolved: Vec<_> = import.outcomes.iter().filter(|o| o.status == Status::Unresolved).collect();
    if !unresolved.is_empty() {
        s.push_str("# Not resolved (see the report); add them by hand once you know what the vendor meant:\n");
        for o in unresolved {
            let what = o.row.name.as_deref().or(o.row.description.as_deref()).unwrap_or("");
            s.push_str(&format!("#   - line {}: {}\n", o.row.line, super::report::shown(what)));
        }
    }
    if !import.mentions.is_empty() {
        s.push_str("# Named in the page's text, not in a table (add them if the page asks for them):\n");
        for m in &import.mentions {
            s.push_str(&format!("#   - line {}: {}\n", m.line, m.name));
        }
    }
    s
}

/// `notes:` entries for the roles the page asks for.
pub fn notes(import: &Import) -> Vec<String> {
    let mut out = Vec::new();
    for o in import.outcomes.iter().filter(|o| o.status == Status::NotPermission) {
        let role = o.row.role.as_deref().unwrap_or_default();
        let purpose = o.row.description.as_deref().map(|d| format!(" The page says: \"{d}\"")).unwrap_or_default();
        let note = format!(
            "The page also lists the role {role}: a directory or admin role to assign, not an API permission.{purpose}"
        );
        if !out.contains(&note) {
            out.push(note);
        }
    }
    for m in &import.role_mentions {
        let note = format!(
            "The page's text names the role {}: a directory or admin role to assign or hold, not an API permission.",
            m.name
        );
        if !out.iter().any(|n| n.contains(&format!("role {}:", m.name))) {
            out.push(note);
        }
    }
    out
}

/// `corrections:` entries (indented list items), each distinct change once.
pub fn corrections(import: &Import) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in import.outcomes.iter().filter(|o| o.status == Status::Corrected) {
        let Some(t) = &o.target else { continue };
        let api = o.row.api.as_ref().map_or(t.resource.display_name.to_string(), |(a, _)| a.written.clone());
        let name = o.row.name.clone().unwrap_or_else(|| t.data.name.to_string());
        let kind = o.row.kind.as_ref().map_or(t.kind, |k| k.0);
        let reason: Vec<String> = o.reasons.iter().map(|r| r.sentence(t)).collect();
        let entry = format!(
            "  - published: {{api: {}, name: {}, type: {kind}}}\n    corrected: {{api: {}, name: {}, type: {}}}\n    reason: {}\n",
            yaml_string(&api),
            yaml_string(&name),
            t.resource.display_name,
            t.data.name,
            t.kind,
            yaml_string(&reason.join(" ")),
        );
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    out
}
