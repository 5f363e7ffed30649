use std::io::Write;

use serde::Serialize;

use crate::cli::{Cli, Format, LintArgs};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, InputError, Severity};
use crate::lint::{self, Context, Options};
use crate::profile::LoadedProfileRef;

#[derive(Serialize)]
struct Report<'a> {
    as_of: Date,
    profiles: Vec<ProfileReport<'a>>,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct ProfileReport<'a> {
    id: &'a str,
    origin: &'a str,
    findings: &'a [Diagnostic],
}

/// Fails (exit 1) when a finding reaches the threshold.
#[derive(Debug)]
pub struct FindingsFailed;

impl std::fmt::Display for FindingsFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("lint found problems")
    }
}

impl std::error::Error for FindingsFailed {}

pub fn run(cli: &Cli, args: &LintArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<()> {
    for id in &args.allow {
        if lint::rule(id).is_none() {
            return Err(super::explain::unknown_rule(id).into());
        }
    }
    let set = super::profiles(cli)?;
    let catalog = super::catalog(cli)?;
    let loaded: Vec<LoadedProfileRef> = if args.names.is_empty() {
        set.profiles.iter().filter(|p| p.builtin).map(LoadedProfileRef::Borrowed).collect()
    } else {
        let mut v = Vec::new();
        let mut problems = Vec::new();
        for name in &args.names {
            match set.resolve(name) {
                Ok(p) => v.push(p),
                Err(e) => problems.extend(e.diagnostics),
            }
        }
        if !problems.is_empty() {
            return Err(InputError::new(problems).into());
        }
        v
    };

    if args.fix {
        let [one] = loaded.as_slice() else {
            return Err(InputError::msg("--fix takes exactly one profile").into());
        };
        let fixed = lint::fix::fix(one, &catalog);
        write!(out, "{}", serde_yaml::to_string(&fixed.profile)?)?;
        writeln!(err, "{}: {} correction(s) applied", one.origin, fixed.applied)?;
        for l in &fixed.left {
            writeln!(err, "{}: {l}", one.origin)?;
        }
        return Ok(());
    }

    let options = Options {
        as_of: args.as_of.unwrap_or_else(Date::today),
        credential: args.credential,
        secret_years: args.secret_years.map(|y| y.get()),
        cloud: args.cloud.clone(),
    };
    let results: Vec<(&LoadedProfileRef, Vec<Diagnostic>)> = loaded
        .iter()
        .map(|p| {
            let ctx = Context::new(p, &catalog, options.clone());
            (p, lint::lint(&ctx, &args.allow))
        })
        .collect();
    let all: Vec<Diagnostic> = results.iter().flat_map(|(_, f)| f.iter().cloned()).collect();
    let (errors, warnings, infos) = lint::counts(&all);

    match args.format {
        Format::Json => {
            let report = Report {
                as_of: options.as_of,
                profiles: results
                    .iter()
                    .map(|(p, f)| ProfileReport { id: &p.profile.id, origin: &p.origin, findings: f })
                    .collect(),
                errors,
                warnings,
                infos,
            };
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        }
        Format::Text => {
            let color = crate::term::color_enabled(crate::term::Stream::Stdout);
            for (p, findings) in &results {
                for f in findings.iter().filter(|f| !cli.quiet || f.severity >= Severity::Warning) {
                    writeln!(out, "{}", crate::term::paint(&f.to_string(), color))?;
                }
                if cli.quiet {
                    continue;
                }
                let (e, w, i) = lint::counts(findings);
                writeln!(out, "{}: {}", p.profile.id, summary(e, w, i))?;
            }
            if results.len() > 1 && !cli.quiet {
                writeln!(
                    out,
                    "{} profiles as of {}: {}",
                    results.len(),
                    options.as_of,
                    summary(errors, warnings, infos)
                )?;
            }
        }
    }
    let threshold = if args.strict { Severity::Warning } else { Severity::Error };
    if all.iter().any(|d| d.severity >= threshold) {
        return Err(FindingsFailed.into());
    }
    Ok(())
}

fn summary(errors: usize, warnings: usize, infos: usize) -> String {
    if errors + warnings + infos == 0 {
        return "clean".into();
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}, {}", plural(errors, "error"), plural(warnings, "warning"), plural(infos, "info"))
}
