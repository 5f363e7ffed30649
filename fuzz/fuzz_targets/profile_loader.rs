//! Any text given as a profile: the loader reports a problem or returns a profile, and never
//! panics. A profile that loads is also linted, resolved and rendered as the `render` command
//! does, which must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365_runbook::catalog::Catalog;
use m365_runbook::cloud::Cloud;
use m365_runbook::date;
use m365_runbook::job::{self, Setup};
use m365_runbook::profile::LoadedProfile;
use m365_runbook::render::{Flavor, Templates};
use m365_runbook::values::Values;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(loaded) = LoadedProfile::parse("fuzz.yaml", text) else { return };
    let catalog = Catalog::builtin();
    let templates = Templates::builtin().expect("templates");
    let setup = Setup {
        catalog: &catalog,
        templates: &templates,
        as_of: date::known("2026-01-01"),
        allow: &[],
        flavor: Flavor::default(),
    };
    let values = Values::for_tenant("contoso".parse().expect("tenant"));
    let _ = job::run(&setup, &loaded, &values, Cloud::builtin("public").expect("cloud"));
});
