use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::{Cli, Format, RenderArgs};
use crate::cloud::Cloud;
use crate::date::Date;
use crate::diagnostic::{InputError, Location};
use crate::job;
use crate::layers::{Layers, Raw};
use crate::output;
use crate::profile::Profile;
use crate::render::Templates;
use crate::values::Values;

#[derive(Serialize)]
struct Written<'a> {
    profile: &'a str,
    out: String,
    files: Vec<&'a str>,
    warnings: usize,
}

pub fn run(cli: &Cli, args: &RenderArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<()> {
    for id in &args.allow {
        if crate::lint::rule(id).is_none() {
            return Err(super::explain::unknown_rule(id).into());
        }
    }
    let mut set = None;
    let loaded = super::profile(cli, &args.profile, &mut set)?;
    // Left to the operating system at exit: freeing the compiled templates one by one would
    // cost a tenth of a single render.
    let templates = std::mem::ManuallyDrop::new(Templates::with_overrides(cli.templates.as_deref())?);
    let catalog = super::catalog(cli)?;
    // The cloud may come from a values file too; read the layers once for it.
    let cloud_from_values = file_layers(args)?.get("cloud").map(|e| e.raw.text());
    let cloud = match &args.cloud_file {
        Some(path) => Cloud::from_file(path)?,
        None => {
            let id = args.cloud.as_deref().or(cloud_from_values.as_deref()).unwrap_or("public");
            Cloud::builtin(id).ok_or_else(|| InputError::msg(format!("unknown cloud `{id}`")))?
        }
    };
    if let Some(path) = &args.inventory {
        let base = layers(args, &cloud)?;
        let as_of = args.as_of.unwrap_or_else(Date::today);
        let setup =
            job::Setup { catalog: &catalog, templates: &templates, as_of, allow: &args.allow, flavor: args.flavor };
        let run = super::inventory::Run {
            loaded: &loaded,
            setup: &setup,
            base: &base,
            default_cloud: &cloud,
            inventory: path,
        };
        return super::inventory::run(cli, args, &run, out, err);
    }
    let layers = layers(args, &cloud)?;
    if args.show_values {
        return show_values(&layers, &loaded.profile, out);
    }
    let mut values = layers.to_values()?;
    let as_of = args.as_of.unwrap_or_else(Date::today);
    let at = layers.get("certificate_file").map(|e| e.location.clone().unwrap_or_else(|| Location::file(&e.origin)));
    read_certificate(&mut values, as_of, at)?;
    // Lint first: errors stop the render before anything is written; warnings go into the bundle.
    let setup = job::Setup { catalog: &catalog, templates: &templates, as_of, allow: &args.allow, flavor: args.flavor };
    // --upgrade-from: a delta bundle with only what changes, beside the full one by default.
    let mut old_set = None;
    let upgrade_from = match &args.upgrade_from {
        Some(old) => Some(super::profile(cli, old, &mut old_set)?),
        None => None,
    };
    let job::Rendered { bundle, warnings } = match &upgrade_from {
        Some(old) => crate::upgrade::run(&setup, old, &loaded, &values, cloud)?,
        None => job::run(&setup, &loaded, &values, cloud)?,
    };
    let target = args.out.clone().unwrap_or_else(|| {
        let leaf = match &upgrade_from {
            Some(old) => format!("{}-from-{}", values.tenant, old.profile.id),
            None => values.tenant.to_string(),
        };
        PathBuf::from("out").join(&loaded.profile.id).join(leaf)
    });
    output::write_bundle(&bundle, &target, args.force).map_err(output::WriteError::into_anyhow)?;

    if !cli.quiet && !warnings.is_empty() {
        let color = crate::term::color_enabled(crate::term::Stream::Stderr);
        if cli.verbose {
            for w in &warnings {
                write!(err, "{}", crate::term::paint(&w.to_string(), color))?;
            }
        } else {
            // One line per finding, most serious first; the full text is in the runbook.
            for w in &warnings {
                writeln!(err, "{}", crate::term::paint(&w.summary_line(), color))?;
            }
            let plain = args.profile.chars().all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c));
            let shown = if plain { args.profile.clone() } else { crate::quote::bash(&args.profile) };
            let mut lint = format!("m365-runbook lint {shown}");
            if let Some(d) = args.as_of {
                lint.push_str(&format!(" --as-of {d}"));
            }
            let n = warnings.len();
            writeln!(
                err,
                "{n} warning{}: the full text is in {} (Warnings), and `{lint}` prints it; --verbose prints it here",
                if n == 1 { "" } else { "s" },
                target.join(crate::render::RUNBOOK).display()
            )?;
        }
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
        Format::Text if cli.quiet => {}
        Format::Text => {
            writeln!(out, "wrote {} files to {}", bundle.len(), target.display())?;
            if cli.verbose {
                for path in bundle.paths() {
                    writeln!(out, "  {}", target.join(path).display())?;
                }
            }
        }
    }
    Ok(())
}

/// Values files, then `--set`.
fn file_layers(args: &RenderArgs) -> Result<Layers, InputError> {
    let mut layers = Layers::default();
    for f in &args.values {
        layers.add_file(f)?;
    }
    layers.add_sets(&args.set)?;
    Ok(layers)
}

/// Values files, `--set`, then the dedicated flags: the documented order, later winning.
fn layers(args: &RenderArgs, cloud: &Cloud) -> Result<Layers, InputError> {
    let mut layers = file_layers(args)?;
    let mut flag = |key: &str, flag: &str, value: Option<String>| {
        if let Some(v) = value {
            layers.set(key, Raw::Text(v), flag.to_string(), Some(Location::file(flag)));
        }
    };
    flag("tenant", "--tenant", args.tenant.as_ref().map(ToString::to_string));
    flag("tenant_id", "--tenant-id", args.tenant_id.as_ref().map(ToString::to_string));
    flag("client_id", "--client-id", args.client_id.as_ref().map(ToString::to_string));
    flag("app_name", "--app-name", args.app_name.as_ref().map(|n| n.as_str().to_string()));
    flag("credential", "--credential", args.credential.map(|c| c.as_str().to_string()));
    flag("secret_years", "--secret-years", args.secret_years.map(|y| y.get().to_string()));
    flag("cloud", "--cloud", args.cloud.clone());
    if args.cloud_file.is_some() {
        flag("cloud", "--cloud-file", Some(cloud.id.clone()));
    }
    if args.least_privilege {
        flag("least_privilege", "--least-privilege", Some("true".into()));
    }
    if args.include_retired {
        flag("include_retired", "--include-retired", Some("true".into()));
    }
    flag("notes", "--notes", args.notes.clone());
    flag("service_management_reference", "--service-management-reference", args.service_management_reference.clone());
    flag("certificate_file", "--certificate-file", args.certificate_file.as_ref().map(|p| p.display().to_string()));
    flag("keyvault", "--keyvault", args.keyvault.clone());
    flag("keyvault_cert", "--keyvault-cert", args.keyvault_cert.clone());
    flag("mailbox_scope", "--mailbox-scope", args.mailbox_scope.clone());
    if !args.owner.is_empty() {
        layers.set("owners", Raw::List(args.owner.clone()), "--owner".into(), Some(Location::file("--owner")));
    }
    if !args.site.is_empty() {
        layers.set("sites", Raw::List(args.site.clone()), "--site".into(), Some(Location::file("--site")));
    }
    if !args.workloads.is_empty() {
        layers.set(
            "workloads",
            Raw::List(args.workloads.clone()),
            "--workloads".into(),
            Some(Location::file("--workloads")),
        );
    }
    if !args.without.is_empty() {
        layers.set("without", Raw::List(args.without.clone()), "--without".into(), Some(Location::file("--without")));
    }
    // A cloud file's id need not be a built-in cloud: the cloud itself is already resolved.
    if args.cloud_file.is_some() {
        layers.entries.remove("cloud");
    }
    Ok(layers)
}

/// Reads and checks `values.certificate_file` (the edge: the core takes the parsed certificate).
/// Errors name the file and where it was given.
pub(super) fn read_certificate(values: &mut Values, as_of: Date, at: Option<Location>) -> Result<(), InputError> {
    let Some(file) = values.certificate_file.clone() else { return Ok(()) };
    let fail = |message: String| InputError::one(crate::diagnostic::Diagnostic::error(message).at(at.clone()));
    let bytes = std::fs::read(&file).map_err(|e| fail(format!("cannot read certificate file `{file}`: {e}")))?;
    values.certificate = Some(crate::certificate::parse(&file, &bytes, as_of).map_err(fail)?);
    Ok(())
}

fn show_values(layers: &Layers, profile: &Profile, out: &mut dyn Write) -> anyhow::Result<()> {
    for key in crate::layers::KEYS {
        let (value, origin) = match (layers.get(key), *key) {
            (Some(e), _) => (e.raw.text(), e.origin.clone()),
            (None, "app_name") => (profile.app.display_name.clone(), "profile".into()),
            (None, "credential") => {
                ("(what the product takes, else certificate if SharePoint app-only)".into(), "default".into())
            }
            (None, "secret_years") => ("1".into(), "default".into()),
            (None, "cloud") => ("public".into(), "default".into()),
            (None, "least_privilege" | "include_retired") => ("false".into(), "default".into()),
            (None, "workloads") => ("(all)".into(), "default".into()),
            (None, "without") => ("(nothing)".into(), "default".into()),
            (None, _) => ("(not set)".into(), "-".into()),
        };
        writeln!(out, "{key:<16} {value:<44} {origin}")?;
    }
    Ok(())
}
