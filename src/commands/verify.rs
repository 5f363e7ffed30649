//! `verify PROFILE`: reads the exported state of one app (or one per inventory row), compares it
//! with what the profile asks for, and prints a verdict per tenant. Exit 0 clean, 1 findings,
//! 2 unusable input.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Format, VerifyArgs};
use crate::cloud::Cloud;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, InputError, Location};
use crate::layers::Layers;
use crate::plan;
use crate::profile::LoadedProfile;
use crate::values::Values;
use crate::verify::{self, Expected, Older, Report, StatePaths, TenantReport};

/// Some tenant's state could not be used; the report already says why. Exit status 2.
#[derive(Debug)]
pub struct Unusable;

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("some states could not be used")
    }
}

impl std::error::Error for Unusable {}

/// What every tenant of a run is judged with.
struct Judge<'a> {
    loaded: &'a LoadedProfile,
    catalog: &'a crate::catalog::Catalog,
    older: &'a [Older],
    as_of: Date,
    within: u32,
}

impl Judge<'_> {
    fn judge(&self, values: &Values, cloud: Cloud, paths: &StatePaths) -> Result<verify::Verdict, InputError> {
        let plan = plan::resolve(self.loaded, self.catalog, values, cloud, self.as_of)?;
        let state = verify::state::read(paths)?;
        let expected = Expected {
            apis: &plan.apis,
            catalog: self.catalog,
            older: self.older,
            client_id: values.client_id.as_ref(),
            as_of: self.as_of,
            expiring_within_days: self.within,
        };
        Ok(verify::compare(&expected, &state))
    }
}

pub fn run(cli: &Cli, args: &VerifyArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut set = None;
    let loaded = super::profile(cli, &args.profile, &mut set)?;
    let catalog = super::catalog(cli)?;
    let older = verify::older_versions(&loaded.profile, &catalog);
    let as_of = args.as_of.unwrap_or_else(Date::today);
    let judge = Judge { loaded: &loaded, catalog: &catalog, older: &older, as_of, within: args.expiring_within };
    let public = Cloud::builtin("public").ok_or_else(|| InputError::msg("internal error: no public cloud"))?;

    let tenants = match &args.inventory {
        Some(inventory) => {
            let root = args.state_root.clone().unwrap_or_else(|| PathBuf::from("state"));
            by_inventory(&judge, inventory, &root, &public)?
        }
        None => {
            let tenant = match &args.tenant {
                Some(t) => t.clone(),
                None => "tenant".parse().map_err(InputError::msg)?,
            };
            let mut values = Values::for_tenant(tenant);
            values.client_id = args.client_id.clone();
            values.least_privilege = args.least_privilege;
            let paths = paths(args)?;
            // One tenant: unusable input is an error like any other command's (exit 2).
            let verdict = judge.judge(&values, public, &paths)?;
            let shown = args
                .state
                .as_ref()
                .map_or_else(|| paths.application.display().to_string(), |d| d.display().to_string());
            vec![TenantReport::judged(args.tenant.as_ref().map(ToString::to_string), shown, verdict)]
        }
    };
    let report = Report::new(&loaded.profile.id, as_of, args.expiring_within, tenants);
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        Format::Text => write!(out, "{}", report.text())?,
    }
    match report.exit_code() {
        0 => Ok(()),
        crate::EXIT_FAILURE => Err(super::lint::FindingsFailed.into()),
        _ => Err(Unusable.into()),
    }
}

/// The exports of one app: each named file, else the fixed name in the state folder
/// (`--state`, or `state/TENANT` with `--tenant`).
fn paths(args: &VerifyArgs) -> Result<StatePaths, InputError> {
    let dir = args.state.clone().or_else(|| args.tenant.as_ref().map(|t| Path::new("state").join(t.as_str())));
    let explicit = [&args.application, &args.service_principal, &args.app_role_assignments, &args.grants];
    let Some(dir) = dir.or_else(|| explicit.iter().all(|f| f.is_some()).then(PathBuf::new)) else {
        return Err(InputError::one(
            Diagnostic::error("no state to verify")
                .help("give --state DIR (a folder written by the bundle's collect-state script), or --application, --service-principal, --app-role-assignments and --grants"),
        ));
    };
    if args.state.is_some() && !dir.is_dir() {
        return Err(InputError::one(
            Diagnostic::error(format!("`{}` is not a folder", dir.display()))
                .at(Some(Location::file("--state")))
                .help("run the bundle's collect-state script to write it"),
        ));
    }
    let defaults = StatePaths::in_dir(&dir);
    Ok(StatePaths {
        application: args.application.clone().unwrap_or(defaults.application),
        service_principal: args.service_principal.clone().unwrap_or(defaults.service_principal),
        app_role_assignments: args.app_role_assignments.clone().unwrap_or(defaults.app_role_assignments),
        grants: args.grants.clone().unwrap_or(defaults.grants),
        resources: args.resources.clone().or(defaults.resources),
    })
}

/// One verdict per inventory row, from `ROOT/TENANT/`. Bad rows stop the run (exit 2, as for
/// `render`); a tenant whose state is missing or unusable gets an `unusable` verdict.
fn by_inventory(
    judge: &Judge<'_>,
    inventory: &Path,
    root: &Path,
    cloud: &Cloud,
) -> Result<Vec<TenantReport>, InputError> {
    let rows = crate::inventory::read(inventory)?;
    let (jobs, problems) = crate::inventory::check(&rows, &Layers::default(), cloud);
    if !problems.is_empty() {
        return Err(InputError::new(problems));
    }
    let mut reports = Vec::new();
    for job in jobs {
        let tenant = job.values.tenant.to_string();
        let dir = root.join(&tenant);
        let shown = dir.display().to_string();
        if !dir.is_dir() {
            let at = Location {
                line: job.line,
                column: 1,
                path: Some("tenant".into()),
                ..Location::file(inventory.display().to_string())
            };
            let e = Diagnostic::error(format!("no state folder `{shown}` for tenant `{tenant}`"))
                .at(Some(at))
                .help("run the collect-state script of the tenant's bundle, or give --state-root");
            reports.push(TenantReport::unusable(Some(tenant), shown, vec![e]));
            continue;
        }
        match judge.judge(&job.values, (*job.cloud).clone(), &StatePaths::in_dir(&dir)) {
            Ok(v) => reports.push(TenantReport::judged(Some(tenant), shown, v)),
            Err(e) => reports.push(TenantReport::unusable(Some(tenant), shown, e.diagnostics)),
        }
    }
    Ok(reports)
}
