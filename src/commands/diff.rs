use std::io::Write;

use crate::cli::{Cli, DiffArgs, DiffFormat};
use crate::date::Date;
use crate::diff::{self, Side};
use crate::lint::{self, Context, Options};
use crate::plan;

/// Exit 0 when the profiles ask for the same, 1 when they differ (like diff(1)), 2 on bad input.
pub fn run(cli: &Cli, args: &DiffArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let set = super::profiles(cli)?;
    let catalog = super::catalog(cli)?;
    let old = set.resolve(&args.old)?;
    let new = set.resolve(&args.new)?;
    let old_resolved = plan::resolve_permissions(&old, &catalog)?;
    let new_resolved = plan::resolve_permissions(&new, &catalog)?;
    let options =
        Options { as_of: args.as_of.unwrap_or_else(Date::today), credential: None, secret_years: None, cloud: None };
    let old_findings = lint::lint(&Context::new(&old, &catalog, options.clone()), &[]);
    let new_findings = lint::lint(&Context::new(&new, &catalog, options), &[]);
    let d = diff::compare(
        &Side::resolved(&old.profile, &old_resolved, &old_findings),
        &Side::resolved(&new.profile, &new_resolved, &new_findings),
    );
    match args.format {
        DiffFormat::Text => write!(out, "{}", d.text())?,
        DiffFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&d)?)?,
        DiffFormat::Markdown => write!(out, "{}", d.markdown())?,
    }
    if d.is_empty() { Ok(()) } else { Err(super::lint::FindingsFailed.into()) }
}
