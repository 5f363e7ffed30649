//! `render NEW --upgrade-from OLD`: the new profile passes the same gate as a full render (lint
//! errors stop it), both profiles are resolved with the same values, and the bundle holds only
//! what changes (see `render::upgrade`).

use crate::cloud::Cloud;
use crate::diagnostic::InputError;
use crate::diff::{self, Side};
use crate::job::{self, Rendered, Setup};
use crate::lint::{self, Context, Options};
use crate::plan;
use crate::profile::LoadedProfile;
use crate::render;
use crate::values::Values;

pub fn run(
    setup: &Setup<'_>,
    old: &LoadedProfile,
    new: &LoadedProfile,
    values: &Values,
    cloud: Cloud,
) -> Result<Rendered, InputError> {
    let Rendered { warnings, .. } = job::run(setup, new, values, cloud.clone())?;
    // The old plan is what the app was given, retired steps included: they are what may now go.
    let old_values = Values { include_retired: true, least_privilege: false, ..values.clone() };
    let old_plan = plan::resolve(old, setup.catalog, &old_values, cloud.clone(), setup.as_of)?;
    let new_plan = plan::resolve(new, setup.catalog, values, cloud.clone(), setup.as_of)?;
    let options = Options {
        as_of: setup.as_of,
        credential: values.credential,
        secret_years: values.secret_years.map(|y| y.get()),
        cloud: Some(cloud.id.clone()),
    };
    let old_findings = lint::lint(&Context::new(old, setup.catalog, options.clone()), setup.allow);
    let new_findings = lint::lint(&Context::new(new, setup.catalog, options), setup.allow);
    let d = diff::compare(&Side::planned(&old_plan, &old_findings), &Side::planned(&new_plan, &new_findings));
    let bundle = render::upgrade::render(&new_plan, &old_plan, &d, setup.templates, &warnings, setup.flavor)?;
    Ok(Rendered { bundle, warnings })
}
