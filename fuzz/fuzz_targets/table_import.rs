//! Any text given to `init --from`: the importer never panics, every row ends in exactly one
//! state, and the profile it writes parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365_runbook::catalog::Catalog;
use m365_runbook::import::{self, Status};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let imported = import::import(text, &Catalog::builtin());
    let s = imported.summary();
    assert_eq!(s.resolved + s.corrected + s.unresolved + s.not_permissions, imported.outcomes.len());
    for o in &imported.outcomes {
        assert_eq!(o.target.is_some(), matches!(o.status, Status::Resolved | Status::Corrected));
    }
    let profile = m365_runbook::profile::starter::starter("fuzzed", "2026-01-01", Some(&imported));
    let _ = serde_yaml::from_str::<serde_yaml::Value>(&profile).expect("the profile text is YAML");
});
