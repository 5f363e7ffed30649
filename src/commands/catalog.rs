use crate::term::safe;
use std::io::Write;

use serde::Serialize;

use crate::catalog::import::{compare, parse_service_principal};
use crate::catalog::{BUILTIN_SNAPSHOT_DATE, Catalog, Kind, Overlay, PermissionData, ResourceData, default_path};
use crate::cli::{CatalogCommand, Cli, Format};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, InputError};

#[derive(Serialize)]
struct Hit<'a> {
    name: &'a str,
    api: &'a str,
    resource_app_id: &'a str,
    #[serde(rename = "type")]
    kind: Kind,
    id: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_consent_required: Option<bool>,
    retired: bool,
}

fn hit<'a>(r: &'a ResourceData, kind: Kind, p: &'a PermissionData) -> Hit<'a> {
    Hit {
        name: p.name,
        api: r.display_name,
        resource_app_id: r.app_id,
        kind,
        id: p.id,
        description: p.summary(),
        // Application permissions always need an administrator's consent.
        admin_consent_required: match kind {
            Kind::Application => Some(true),
            Kind::Delegated => p.admin_consent_required,
        },
        retired: r.is_retired(),
    }
}

/// Ranks a permission for `words`: lower is better; None when it does not match every word.
fn rank(words: &[String], p: &PermissionData) -> Option<u32> {
    let name = p.name.to_lowercase();
    let text = format!("{} {}", p.display.unwrap_or(""), p.description).to_lowercase();
    if !words.iter().all(|w| name.contains(w.as_str()) || text.contains(w.as_str())) {
        return None;
    }
    let query = words.join(" ");
    Some(if name == query {
        0
    } else if name.starts_with(&query) {
        1
    } else if words.iter().all(|w| name.contains(w.as_str())) {
        2
    } else {
        3
    })
}

pub fn run(cli: &Cli, command: &CatalogCommand, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        CatalogCommand::Search { text, api, kind, limit, format } => {
            let catalog = super::catalog(cli)?;
            let only = match api {
                Some(a) => Some(catalog.resource(a).ok_or_else(|| unknown_api(&catalog, a))?.app_id),
                None => None,
            };
            let words: Vec<String> = text.to_lowercase().split_whitespace().map(str::to_string).collect();
            let mut hits: Vec<(u32, Hit)> = Vec::new();
            for r in catalog.resources().iter().filter(|r| only.is_none_or(|a| a == r.app_id)) {
                for k in [Kind::Application, Kind::Delegated].into_iter().filter(|k| kind.is_none_or(|want| want == *k))
                {
                    for p in r.permissions(k) {
                        if let Some(score) = rank(&words, p) {
                            hits.push((score, hit(r, k, p)));
                        }
                    }
                }
            }
            hits.sort_by(|a, b| {
                (a.0, a.1.name.len(), a.1.name, a.1.api, a.1.kind).cmp(&(
                    b.0,
                    b.1.name.len(),
                    b.1.name,
                    b.1.api,
                    b.1.kind,
                ))
            });
            let hits: Vec<Hit> = hits.into_iter().take(*limit).map(|(_, h)| h).collect();
            match format {
                Format::Json => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&serde_json::json!({ "results": hits }))?)?
                }
                Format::Text => {
                    if hits.is_empty() {
                        writeln!(err, "no permission matches `{text}`")?;
                    }
                    for h in &hits {
                        writeln!(
                            out,
                            "{:<40} {:<28} {:<11} {}  {}",
                            safe(h.name),
                            safe(h.api),
                            h.kind,
                            h.id,
                            safe(h.description)
                        )?;
                    }
                }
            }
        }
        CatalogCommand::Show { name, format } => {
            let catalog = super::catalog(cli)?;
            let mut found = Vec::new();
            for r in catalog.resources() {
                for k in [Kind::Application, Kind::Delegated] {
                    let p = if name.parse::<crate::guid::Guid>().is_ok() {
                        r.get_by_id(k, name)
                    } else {
                        r.get(k, name).or_else(|| r.get_ignore_case(k, name))
                    };
                    if let Some(p) = p {
                        found.push(hit(r, k, p));
                    }
                }
            }
            if found.is_empty() {
                let all = catalog.resources().iter().flat_map(|r| r.app_roles.iter().chain(r.scopes).map(|p| p.name));
                let mut d = Diagnostic::error(format!("no permission is named `{}`", name.escape_debug()))
                    .help("search with `m365-runbook catalog search WORDS`");
                if let Some(s) = crate::suggest::nearest(name, all) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                return Err(InputError::one(d).into());
            }
            match format {
                Format::Json => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&serde_json::json!({ "permissions": found }))?)?
                }
                Format::Text => {
                    for h in &found {
                        let consent = match h.admin_consent_required {
                            Some(true) => "admin consent required",
                            Some(false) => "users can consent",
                            None => "admin consent: unknown",
                        };
                        let retired = if h.retired { ", API retired" } else { "" };
                        writeln!(
                            out,
                            "{} ({}) on {} ({}): {}",
                            safe(h.name),
                            h.kind,
                            safe(h.api),
                            h.resource_app_id,
                            h.id
                        )?;
                        writeln!(out, "  {}; {consent}{retired}", safe(h.description))?;
                    }
                }
            }
        }
        CatalogCommand::Import { files, format } => {
            let path =
                cli.catalog.clone().or_else(default_path).ok_or_else(|| {
                    InputError::msg("no config folder is known (HOME is not set): give --catalog FILE")
                })?;
            let current = Catalog::load(Some(&path))?;
            let mut overlay = Overlay::read(&path)?.unwrap_or_default();
            let today = Date::today().to_string();
            let mut report = Vec::new();
            // Parse every file before writing anything.
            let mut imported = Vec::new();
            for f in files {
                let text = crate::input::read_text(
                    f,
                    "service principal file",
                    crate::input::MAX_DATA_BYTES,
                    crate::input::Encoding::Utf8OrUtf16,
                )?;
                imported.push(parse_service_principal(&f.display().to_string(), &text, &today)?);
            }
            for mut r in imported {
                let before = current.resource(&r.app_id);
                let changes = compare(before, &r);
                // Keep the documented hidden permissions the service principal does not list.
                for (kind, list) in [(Kind::Application, &mut r.app_roles), (Kind::Delegated, &mut r.scopes)] {
                    for h in before.into_iter().flat_map(|b| b.permissions(kind)).filter(|p| p.hidden) {
                        if !list.iter().any(|p| p.name == h.name) {
                            list.push(crate::catalog::overlay::OverlayPermission {
                                name: h.name.to_string(),
                                id: h.id.to_string(),
                                display: h.display.map(str::to_string),
                                description: h.description.to_string(),
                                admin_consent_required: h.admin_consent_required,
                                hidden: true,
                            });
                        }
                    }
                }
                report.push(serde_json::json!({ "api": r.display_name, "app_id": r.app_id, "changes": changes }));
                overlay.resources.retain(|o| !o.app_id.eq_ignore_ascii_case(&r.app_id));
                overlay.resources.push(r);
            }
            overlay.schema_version = 1;
            overlay.imported = today;
            overlay.resources.sort_by(|a, b| a.app_id.cmp(&b.app_id));
            write_atomically(&path, &overlay.to_json())?;
            match format {
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "catalog": path, "imported": report }))?
                )?,
                Format::Text if cli.quiet => {}
                Format::Text => {
                    for r in &report {
                        let c = &r["changes"];
                        let n = |k: &str| c[k].as_array().map_or(0, Vec::len);
                        writeln!(
                            out,
                            "{} ({}): {} added, {} removed, {} changed",
                            safe(r["api"].as_str().unwrap_or("")),
                            safe(r["app_id"].as_str().unwrap_or("")),
                            n("added"),
                            n("removed"),
                            n("changed")
                        )?;
                        for (k, sign) in [("added", '+'), ("removed", '-'), ("changed", '~')] {
                            for name in c[k].as_array().into_iter().flatten() {
                                writeln!(out, "  {sign} {}", safe(name.as_str().unwrap_or("")))?;
                            }
                        }
                    }
                    writeln!(out, "catalog overlay written to {}", path.display())?;
                }
            }
        }
        CatalogCommand::Info { format } => {
            let catalog = super::catalog(cli)?;
            let counts: Vec<serde_json::Value> = catalog
                .resources()
                .iter()
                .map(|r| serde_json::json!({"api": r.display_name, "app_id": r.app_id, "application": r.app_roles.len(), "delegated": r.scopes.len(), "status": r.status}))
                .collect();
            match format {
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "builtin_snapshot": BUILTIN_SNAPSHOT_DATE,
                        "overlay": catalog.overlay(),
                        "resources": counts,
                    }))?
                )?,
                Format::Text => {
                    writeln!(
                        out,
                        "built-in catalog: snapshot of {BUILTIN_SNAPSHOT_DATE} (sources: catalog/SOURCES.md)"
                    )?;
                    match catalog.overlay() {
                        Some(o) => {
                            writeln!(out, "overlay: {} (imported {})", o.path, o.imported)?;
                            for s in &o.sources {
                                writeln!(out, "  {}", safe(s))?;
                            }
                        }
                        None => writeln!(out, "overlay: none")?,
                    }
                    for c in &counts {
                        writeln!(
                            out,
                            "{:<30} {}  {:>4} application  {:>4} delegated  {}",
                            safe(c["api"].as_str().unwrap_or("")),
                            c["app_id"].as_str().unwrap_or(""),
                            c["application"],
                            c["delegated"],
                            c["status"].as_str().unwrap_or("")
                        )?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn unknown_api(catalog: &Catalog, api: &str) -> InputError {
    let names =
        catalog.resources().iter().flat_map(|r| std::iter::once(r.display_name).chain(r.aliases.iter().copied()));
    let mut d = Diagnostic::error(format!("unknown API `{}`", api.escape_debug()))
        .note(format!("APIs: {}", catalog.resources().iter().map(|r| r.display_name).collect::<Vec<_>>().join(", ")));
    if let Some(s) = crate::suggest::nearest(api, names) {
        d = d.help(format!("did you mean `{s}`?"));
    }
    InputError::one(d)
}

/// Writes `text` to `path` through a temporary file beside it, so a failure leaves the old file.
fn write_atomically(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create `{}`: {e}", dir.display()))?;
    let tmp = dir.join(format!(".catalog.json.tmp-{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("cannot write `{}`: {e}", path.display())
    })
}
