use std::io::Write;

use serde::Serialize;

use crate::cli::{Cli, DocsArgs, Format};
use crate::date::Date;
use crate::diagnostic::InputError;
use crate::docs;
use crate::job::Setup;
use crate::output;
use crate::profile::LoadedProfileRef;
use crate::render::Templates;

#[derive(Serialize)]
struct Written<'a> {
    out: String,
    flavor: crate::render::Flavor,
    files: Vec<&'a str>,
}

pub fn run(cli: &Cli, args: &DocsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    for id in &args.allow {
        if crate::lint::rule(id).is_none() {
            return Err(super::explain::unknown_rule(id).into());
        }
    }
    let set = super::profiles(cli)?;
    let loaded: Vec<LoadedProfileRef> = if args.names.is_empty() {
        set.profiles.iter().map(LoadedProfileRef::Borrowed).collect()
    } else {
        let mut v: Vec<LoadedProfileRef> = Vec::new();
        let mut problems = Vec::new();
        for name in &args.names {
            match set.resolve(name) {
                // The same profile named twice (id and alias) gets one page.
                Ok(p) if v.iter().any(|q| q.profile.id == p.profile.id) => {}
                Ok(p) => v.push(p),
                Err(e) => problems.extend(e.diagnostics),
            }
        }
        if !problems.is_empty() {
            return Err(InputError::new(problems).into());
        }
        v
    };
    let templates = Templates::with_overrides(cli.templates.as_deref())?;
    let catalog = super::catalog(cli)?;
    let setup = Setup {
        catalog: &catalog,
        templates: &templates,
        as_of: args.as_of.unwrap_or_else(Date::today),
        allow: &args.allow,
        flavor: args.flavor,
    };
    let profiles: Vec<&crate::profile::LoadedProfile> = loaded.iter().map(|p| &**p).collect();
    let bundle = docs::build(&setup, &profiles)?;
    output::write_bundle(&bundle, &args.out, args.force).map_err(output::WriteError::into_anyhow)?;
    match args.format {
        Format::Json => {
            let written = Written { out: args.out.display().to_string(), flavor: args.flavor, files: bundle.paths() };
            writeln!(out, "{}", serde_json::to_string_pretty(&written)?)?;
        }
        Format::Text if cli.quiet => {}
        Format::Text => {
            writeln!(out, "wrote {} pages and the index to {}", profiles.len(), args.out.display())?;
        }
    }
    Ok(())
}
