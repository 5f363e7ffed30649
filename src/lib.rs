//! m365-runbook: profile + values -> bundle of runbook artefacts, offline.
//!
//! The core is pure (`plan::resolve`, `render::render`); reading inputs and writing bundles
//! happen at the edges (`profile::LoadedProfile::from_file`, `output::write_bundle`).

pub mod catalog;
pub mod cli;
pub mod cloud;
pub mod commands;
pub mod date;
pub mod diagnostic;
pub mod guid;
pub mod job;
pub mod lint;
pub mod output;
pub mod plan;
pub mod profile;
pub mod quote;
pub mod render;
pub mod suggest;
pub mod tenant;
pub mod values;
pub mod yaml_spans;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::diagnostic::InputError;

/// Exit statuses: 0 ok, 1 findings or failure, 2 usage or input error.
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_INPUT: u8 = 2;

/// Runs the command line `args`, printing to stdout and stderr.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_INPUT } else { 0 });
        }
    };
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let result = match &cli.command {
        Command::List(a) => commands::list::run(&cli, a, &mut out),
        Command::Show(a) => commands::show::run(&cli, a, &mut out),
        Command::Render(a) => commands::render::run(&cli, a, &mut out, &mut err),
        Command::Lint(a) => commands::lint::run(&cli, a, &mut out, &mut err),
        Command::Explain(a) => commands::explain::run(&cli, a, &mut out),
        Command::Cloud(c) => commands::cloud::run(&cli, c, &mut out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.downcast_ref::<commands::lint::FindingsFailed>().is_some() {
                ExitCode::from(EXIT_FAILURE)
            } else if let Some(input) = e.downcast_ref::<InputError>() {
                let _ = write!(err, "{input}");
                ExitCode::from(EXIT_INPUT)
            } else if e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) {
                ExitCode::SUCCESS
            } else {
                let _ = writeln!(err, "error: {e:#}");
                ExitCode::from(EXIT_FAILURE)
            }
        }
    }
}
