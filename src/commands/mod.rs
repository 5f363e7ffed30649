//! One module per command: each turns parsed arguments into calls on the core and prints.

pub mod catalog;
pub mod cloud;
pub mod diff;
pub mod docs;
pub mod explain;
pub mod init;
pub mod inventory;
pub mod lint;
pub mod list;
pub mod render;
pub mod show;
pub mod templates;
pub mod verify;

use crate::cli::Cli;
use crate::diagnostic::InputError;
use crate::profile::{LoadedProfile, LoadedProfileRef, ProfileSet};

/// The catalog: built-in, with the overlay of `--catalog` or the config folder.
pub fn catalog(cli: &Cli) -> Result<crate::catalog::Catalog, InputError> {
    crate::catalog::Catalog::load(cli.catalog.as_deref())
}

/// One profile by id, alias or path. Without profile folders, a built-in one is found in the
/// table and parsed alone; otherwise every profile is loaded, to honour the folders' names.
pub fn profile<'a>(cli: &Cli, name: &str, set: &'a mut Option<ProfileSet>) -> Result<LoadedProfileRef<'a>, InputError> {
    let no_folders = cli.profiles.is_empty() && std::env::var_os("M365_RUNBOOK_PROFILES").is_none_or(|v| v.is_empty());
    if no_folders && let Some(b) = crate::profile::find_builtin(name) {
        return Ok(LoadedProfileRef::Owned(Box::new(LoadedProfile::builtin(b)?)));
    }
    set.insert(profiles(cli)?).resolve(name)
}

/// Built-in profiles plus those of every `--profiles` folder.
pub fn profiles(cli: &Cli) -> Result<ProfileSet, InputError> {
    let mut set = ProfileSet::builtin()?;
    // M365_RUNBOOK_PROFILES: default profile folders (separated like PATH), before --profiles.
    let from_env: Vec<std::path::PathBuf> =
        std::env::var_os("M365_RUNBOOK_PROFILES").map(|v| std::env::split_paths(&v).collect()).unwrap_or_default();
    for dir in from_env.iter().chain(&cli.profiles).filter(|d| !d.as_os_str().is_empty()) {
        set.add_dir(dir)?;
    }
    Ok(set)
}
