//! One module per command: each turns parsed arguments into calls on the core and prints.

pub mod cloud;
pub mod explain;
pub mod lint;
pub mod list;
pub mod render;
pub mod show;

use crate::cli::Cli;
use crate::diagnostic::InputError;
use crate::profile::ProfileSet;

/// Built-in profiles plus those of every `--profiles` folder.
pub fn profiles(cli: &Cli) -> Result<ProfileSet, InputError> {
    let mut set = ProfileSet::builtin()?;
    for dir in &cli.profiles {
        set.add_dir(dir)?;
    }
    Ok(set)
}
