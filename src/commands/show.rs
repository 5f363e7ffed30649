use std::io::Write;

use serde::Serialize;

use crate::cli::{Cli, Format, ShowArgs};
use crate::plan::resolve_permissions;

#[derive(Serialize)]
struct Shown<'a> {
    id: &'a str,
    aliases: &'a [String],
    vendor: &'a str,
    product: &'a str,
    version: &'a str,
    title: &'a str,
    origin: &'a str,
    source: &'a crate::profile::Source,
    credential: &'static str,
    permissions: Vec<crate::plan::PermissionRow<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sharepoint: Option<&'a crate::profile::SharePoint>,
    inputs: &'a crate::profile::Inputs,
    corrections: &'a [crate::profile::Correction],
    /// Format 2: the main app's directory roles and sign-in settings, further apps (each with
    /// its permissions resolved), the administrator's roles and the Exchange steps.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    directory_roles: &'a [crate::profile::RoleEntry],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    apps: Vec<ShownApp<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    admin_roles: &'a [crate::profile::AdminRole],
    #[serde(skip_serializing_if = "Option::is_none")]
    exchange: Option<&'a crate::profile::Exchange>,
    catalog_snapshot: &'a str,
}

#[derive(Serialize)]
struct ShownApp<'a> {
    slug: &'a str,
    display_name: &'a str,
    permissions: Vec<crate::plan::PermissionRow<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    directory_roles: &'a [crate::profile::RoleEntry],
}

/// `  [exchange, teams; backup]` for a tagged row, nothing for an untagged one.
fn tags_suffix(workloads: &[crate::profile::Workload], usage: &[crate::profile::Usage]) -> String {
    if workloads.is_empty() && usage.is_empty() {
        return String::new();
    }
    let join = |v: Vec<&str>| if v.is_empty() { "all".to_string() } else { v.join(", ") };
    format!(
        "  [{}; {}]",
        join(workloads.iter().map(|w| w.as_str()).collect()),
        join(usage.iter().map(|u| u.as_str()).collect())
    )
}

pub fn run(cli: &Cli, args: &ShowArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let set = super::profiles(cli)?;
    let loaded = set.resolve(&args.profile)?;
    let catalog = super::catalog(cli)?;
    let resolved = resolve_permissions(&loaded, &catalog)?;
    let apis = &resolved.apis;
    let p = &loaded.profile;
    let permissions = crate::plan::permission_rows(apis, true);
    match args.format {
        Format::Json => {
            let shown = Shown {
                id: &p.id,
                aliases: &p.aliases,
                vendor: &p.vendor,
                product: &p.product,
                version: &p.version,
                title: &p.title,
                origin: &loaded.origin,
                source: &p.source,
                credential: p.app.credential.as_str(),
                permissions,
                sharepoint: p.sharepoint.as_ref(),
                inputs: &p.inputs,
                corrections: &p.corrections,
                directory_roles: &p.app.directory_roles,
                apps: p
                    .apps
                    .iter()
                    .zip(&resolved.apps)
                    .map(|(a, apis)| ShownApp {
                        slug: &a.slug,
                        display_name: &a.display_name,
                        permissions: crate::plan::permission_rows(apis, true),
                        directory_roles: &a.directory_roles,
                    })
                    .collect(),
                admin_roles: &p.admin_roles,
                exchange: p.exchange.as_ref(),
                catalog_snapshot: catalog.snapshot_date(),
            };
            writeln!(out, "{}", serde_json::to_string_pretty(&shown)?)?;
        }
        Format::Text => {
            writeln!(out, "{} — {}", p.id, p.title)?;
            writeln!(out, "{} {} ({}), source {} ({})", p.vendor, p.product, p.version, p.source.url, p.source.date)?;
            if !p.aliases.is_empty() {
                writeln!(out, "aliases: {}", p.aliases.join(", "))?;
            }
            let mut api = "";
            for perm in &permissions {
                if perm.api != api {
                    api = perm.api;
                    writeln!(out, "\n{} ({})", perm.api, perm.resource_app_id)?;
                }
                let tags = tags_suffix(&perm.workloads, &perm.usage);
                writeln!(out, "  {:<5} {}  {}{tags}", perm.kind, perm.id, perm.name)?;
            }
            for a in &p.apps {
                writeln!(out, "\nfurther app {} ({}): see `show --format json`", a.slug, a.display_name)?;
            }
            for r in &p.app.directory_roles {
                writeln!(out, "directory role: {}", r.role)?;
            }
            if let Some(add_in) = p.sharepoint.as_ref().and_then(|s| s.add_in.as_ref()) {
                writeln!(out, "\nSharePoint add-in grant (appinv.aspx), app-only: {}", add_in.allow_app_only_policy)?;
                for r in &add_in.requests {
                    writeln!(out, "  {} {}", r.scope, r.right)?;
                }
            }
            for s in p.sharepoint.iter().flat_map(|s| &s.tenant_settings) {
                writeln!(out, "Set-SPOTenant -{} {:?}", s.name, s.value)?;
            }
            if !p.corrections.is_empty() {
                writeln!(
                    out,
                    "\n{} correction(s) to the published page; see `show --format json`.",
                    p.corrections.len()
                )?;
            }
        }
    }
    Ok(())
}
