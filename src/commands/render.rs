use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::cli::{Cli, Format, RenderArgs};
use crate::cloud::Cloud;
use crate::diagnostic::InputError;
use crate::output;
use crate::plan;
use crate::render::{Templates, render};
use crate::values::Values;

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
    let cloud =
        Cloud::builtin(&args.cloud).ok_or_else(|| InputError::msg(format!("unknown cloud `{}`", args.cloud)))?;
    let values = Values {
        tenant: args.tenant.clone(),
        tenant_id: args.tenant_id.clone(),
        client_id: args.client_id.clone(),
        app_name: args.app_name.clone(),
        credential: args.credential,
        secret_years: args.secret_years,
        cloud: Some(args.cloud.clone()),
    };
    let plan = plan::resolve(&loaded, &catalog, &values, cloud)?;
    let warnings = plan.warnings.clone();
    let bundle = render(&plan, &templates, &warnings)?;
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
