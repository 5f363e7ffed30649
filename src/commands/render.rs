use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::cli::{Cli, Format, RenderArgs};
use crate::cloud::Cloud;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, InputError, Severity};
use crate::lint::{self, Context, Options};
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
    for id in &args.allow {
        if crate::lint::rule(id).is_none() {
            return Err(super::explain::unknown_rule(id).into());
        }
    }
    // Lint first: errors stop the render before anything is written; warnings go into the bundle.
    let options = Options {
        as_of: args.as_of.unwrap_or_else(Date::today),
        credential: args.credential,
        secret_years: args.secret_years.map(|y| y.get()),
        cloud: Some(args.cloud.clone()),
    };
    let findings = lint::lint(&Context::new(&loaded, &catalog, options), &args.allow);
    let errors: Vec<Diagnostic> = findings.iter().filter(|d| d.severity == Severity::Error).cloned().collect();
    if !errors.is_empty() {
        return Err(InputError::new(errors).into());
    }
    let mut warnings: Vec<Diagnostic> = findings.into_iter().filter(|d| d.severity == Severity::Warning).collect();
    lint::by_importance(&mut warnings);
    let plan = plan::resolve(&loaded, &catalog, &values, cloud)?;
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
