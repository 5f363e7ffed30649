//! One render job, in memory: lint the profile, stop on errors, resolve it with the values and
//! render the bundle. The `render` command and inventories run jobs; nothing here touches disk.

use crate::catalog::Catalog;
use crate::cloud::Cloud;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, InputError, Severity};
use crate::lint::{self, Context, Options};
use crate::plan;
use crate::profile::LoadedProfile;
use crate::render::{Bundle, Flavor, Templates, render};
use crate::values::Values;

/// What a job needs besides the values: shared by every job of a run.
pub struct Setup<'a> {
    pub catalog: &'a Catalog,
    pub templates: &'a Templates,
    pub as_of: Date,
    pub allow: &'a [String],
    pub flavor: Flavor,
}

/// The bundle and the warnings written into it (most serious first).
pub struct Rendered {
    pub bundle: Bundle,
    pub warnings: Vec<Diagnostic>,
}

/// Lints `loaded` for these values: the warnings to write into the bundle (most serious first),
/// or the errors that stop it. The result depends only on the cloud, credential and secret
/// lifetime, so inventories lint once per combination.
pub fn lint(
    setup: &Setup<'_>,
    loaded: &LoadedProfile,
    values: &Values,
    cloud: &Cloud,
) -> Result<Vec<Diagnostic>, InputError> {
    let options = Options {
        as_of: setup.as_of,
        credential: values.credential,
        secret_years: values.secret_years.map(|y| y.get()),
        cloud: Some(cloud.id.clone()),
    };
    let findings = lint::lint(&Context::new(loaded, setup.catalog, options), setup.allow);
    let (errors, mut warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
        findings.into_iter().filter(|d| d.severity >= Severity::Warning).partition(|d| d.severity == Severity::Error);
    if !errors.is_empty() {
        return Err(InputError::new(errors));
    }
    lint::by_importance(&mut warnings);
    Ok(warnings)
}

/// Resolves and renders with warnings already found by [`lint`].
pub fn render_linted(
    setup: &Setup<'_>,
    loaded: &LoadedProfile,
    values: &Values,
    cloud: Cloud,
    warnings: Vec<Diagnostic>,
) -> Result<Rendered, InputError> {
    let plan = plan::resolve(loaded, setup.catalog, values, cloud, setup.as_of)?;
    let bundle = render(&plan, setup.templates, &warnings, setup.flavor)?;
    Ok(Rendered { bundle, warnings })
}

/// As [`render_linted`], with `runbook.md` not yet wrapped: the start of a stencil.
pub fn render_unwrapped(
    setup: &Setup<'_>,
    loaded: &LoadedProfile,
    values: &Values,
    cloud: Cloud,
    warnings: &[Diagnostic],
) -> Result<Bundle, InputError> {
    let plan = plan::resolve(loaded, setup.catalog, values, cloud, setup.as_of)?;
    crate::render::render_unwrapped(&plan, setup.templates, warnings, setup.flavor)
}

/// Lints, then renders: one whole job.
pub fn run(setup: &Setup<'_>, loaded: &LoadedProfile, values: &Values, cloud: Cloud) -> Result<Rendered, InputError> {
    let warnings = lint(setup, loaded, values, &cloud)?;
    render_linted(setup, loaded, values, cloud, warnings)
}
