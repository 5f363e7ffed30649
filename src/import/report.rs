//! The import report: one line per row (how it ended, and why), names met only in prose, and a
//! summary counting every outcome; or the same as JSON for tools.

use serde_json::{Value, json};

use super::{Import, Status};

/// Page text for a report line: control characters escaped, the rest as written.
pub fn shown(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }).collect()
}

fn published(o: &super::Outcome) -> String {
    let mut parts = Vec::new();
    if let Some((a, _)) = &o.row.api {
        parts.push(a.written.clone());
    }
    if let Some(n) = &o.row.name {
        parts.push(format!("`{}`", shown(n)));
    } else if let Some(d) = &o.row.description {
        parts.push(format!("\"{}\"", shown(d)));
    }
    if let Some((_, written, _, _)) = &o.row.kind {
        parts.push(written.clone());
    }
    parts.join(" | ")
}

/// The report as text lines, each starting with `source:line:`; with `all` false (`--quiet`),
/// resolved rows are left to the summary.
pub fn text(import: &Import, source: &str, all: bool) -> String {
    let mut s = String::new();
    for o in &import.outcomes {
        if !all && o.status == Status::Resolved {
            continue;
        }
        let line = o.row.line;
        let notes = if o.notes.is_empty() { String::new() } else { format!(" ({})", o.notes.join("; ")) };
        let target = o.target.as_ref().map(|t| format!("{} {} ({})", t.resource.display_name, t.data.name, t.kind));
        match o.status {
            Status::Resolved => {
                s.push_str(&format!("{source}:{line}: resolved: {}{notes}\n", target.unwrap_or_default()));
            }
            Status::Corrected => {
                let t = o.target.as_ref().expect("a corrected row has a target");
                let reasons: Vec<String> = o.reasons.iter().map(|r| r.sentence(t)).collect();
                s.push_str(&format!(
                    "{source}:{line}: corrected: {} -> {}: {}{notes}\n",
                    published(o),
                    target.unwrap_or_default(),
                    reasons.join(" ")
                ));
            }
            Status::Unresolved => {
                let what = if o.row.name.is_some() {
                    "no API publishes this permission".to_string()
                } else if o.row.description.is_some()
                    && !o.candidates.is_empty()
                    && o.notes.iter().any(|n| n.starts_with("the consent text fits"))
                {
                    "the consent text is ambiguous".to_string()
                } else if o.row.description.is_some() {
                    "no permission name, and no permission has this consent text".to_string()
                } else {
                    "no permission name in this row".to_string()
                };
                let nearest = if o.candidates.is_empty() {
                    String::new()
                } else {
                    format!("; nearest: {}", o.candidates.join(", "))
                };
                s.push_str(&format!("{source}:{line}: unresolved: {}: {what}{nearest}{notes}\n", published(o)));
            }
            Status::NotPermission => {
                s.push_str(&format!(
                    "{source}:{line}: not a permission: role `{}`; carried into the profile's notes\n",
                    shown(o.row.role.as_deref().unwrap_or_default())
                ));
            }
        }
    }
    for m in &import.mentions {
        s.push_str(&format!(
            "{source}:{}: named in the text, not in a table: `{}`; not imported (listed in a comment in the profile)\n",
            m.line, m.name
        ));
    }
    for m in &import.role_mentions {
        s.push_str(&format!(
            "{source}:{}: the text names the role `{}`; carried into the profile's notes\n",
            m.line, m.name
        ));
    }
    let n = import.summary();
    let mut extra = String::new();
    if n.not_permissions > 0 {
        extra.push_str(&format!("; {} role{} carried into notes", n.not_permissions, plural(n.not_permissions)));
    }
    if n.role_mentions > 0 {
        extra.push_str(&format!("; {} role{} named in the text", n.role_mentions, plural(n.role_mentions)));
    }
    if n.mentions > 0 {
        extra.push_str(&format!("; {} name{} in the text only", n.mentions, plural(n.mentions)));
    }
    s.push_str(&format!(
        "{source}: {} row{}: {} resolved, {} corrected, {} unresolved{extra}\n",
        n.rows,
        plural(n.rows),
        n.resolved,
        n.corrected,
        n.unresolved
    ));
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The report as JSON; `profile` is where the profile went (a path) or its text.
pub fn json(import: &Import, source: &str, profile: Value) -> Value {
    let rows: Vec<Value> = import
        .outcomes
        .iter()
        .map(|o| {
            json!({
                "line": o.row.line,
                "status": o.status.as_str(),
                "published": {
                    "api": o.row.api.as_ref().map(|(a, _)| a.written.clone()),
                    "name": o.row.name,
                    "type": o.row.kind.as_ref().map(|k| k.1.clone()),
                    "description": o.row.description,
                    "role": o.row.role,
                    "workloads": o.row.workloads,
                },
                "resolved": o.target.as_ref().map(|t| json!({
                    "api": t.resource.display_name,
                    "app_id": t.resource.app_id,
                    "name": t.data.name,
                    "type": t.kind.as_str(),
                    "id": t.data.id,
                })),
                "reasons": o.target.as_ref().map_or_else(Vec::new, |t| o.reasons.iter().map(|r| r.sentence(t)).collect()),
                "notes": o.notes,
                "candidates": o.candidates,
            })
        })
        .collect();
    let mentions: Vec<Value> = import.mentions.iter().map(|m| json!({"line": m.line, "name": m.name})).collect();
    json!({
        "source": source,
        "read_as": if import.html { "html" } else { "text" },
        "summary": import.summary(),
        "rows": rows,
        "mentions": mentions,
        "role_mentions": import.role_mentions.iter().map(|m| json!({"line": m.line, "role": m.name})).collect::<Vec<_>>(),
        "prose_lines": import.prose_lines,
        "profile": profile,
    })
}
