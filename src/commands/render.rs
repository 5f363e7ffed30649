use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::cli::{Cli, Format, RenderArgs};
use crate::cloud::Cloud;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, InputError, Location};
use crate::job;
use crate::output;
use crate::render::{Flavor, Templates};
use crate::values::{SiteUrl, Values};

#[derive(Serialize)]
struct Written<'a> {
    profile: &'a str,
    out: String,
    files: Vec<&'a str>,
    warnings: usize,
}

pub fn run(cli: &Cli, args: &RenderArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<()> {
    let set = super::profiles(cli)?;
    let loaded = set.resolve(&args.profile)?;
    let templates = Templates::with_overrides(cli.templates.as_deref())?;
    let catalog = Catalog::builtin();
    let cloud = match &args.cloud_file {
        Some(path) => Cloud::from_file(path)?,
        None => {
            let id = args.cloud.as_deref().unwrap_or("public");
            Cloud::builtin(id).ok_or_else(|| InputError::msg(format!("unknown cloud `{id}`")))?
        }
    };
    let mut sites = Vec::new();
    for s in &args.site {
        sites.push(
            s.parse::<SiteUrl>()
                .map_err(|e| InputError::one(Diagnostic::error(e).at(Some(Location::file("--site")))))?,
        );
    }
    let values = Values {
        tenant: args.tenant.clone(),
        tenant_id: args.tenant_id.clone(),
        client_id: args.client_id.clone(),
        app_name: args.app_name.clone(),
        credential: args.credential,
        secret_years: args.secret_years,
        cloud: Some(cloud.id.clone()),
        least_privilege: args.least_privilege,
        sites,
    };
    for id in &args.allow {
        if crate::lint::rule(id).is_none() {
            return Err(super::explain::unknown_rule(id).into());
        }
    }
    // Lint first: errors stop the render before anything is written; warnings go into the bundle.
    let as_of = args.as_of.unwrap_or_else(Date::today);
    let setup =
        job::Setup { catalog: &catalog, templates: &templates, as_of, allow: &args.allow, flavor: Flavor::default() };
    let job::Rendered { bundle, warnings } = job::run(&setup, &loaded, &values, cloud)?;
    let target =
        args.out.clone().unwrap_or_else(|| PathBuf::from("out").join(&loaded.profile.id).join(args.tenant.as_str()));
    output::write_bundle(&bundle, &target, args.force).map_err(output::WriteError::into_anyhow)?;

    for w in &warnings {
        write!(err, "{w}")?;
    }
    match args.format {
        Format::Json => {
            let written = Written {
                profile: &loaded.profile.id,
                out: target.display().to_string(),
                files: bundle.paths(),
                warnings: warnings.len(),
            };
            writeln!(out, "{}", serde_json::to_string_pretty(&written)?)?;
        }
        Format::Text => {
            writeln!(out, "wrote {} files to {}", bundle.len(), target.display())?;
        }
    }
    Ok(())
}
