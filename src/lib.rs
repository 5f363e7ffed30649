//! m365-runbook: profile + values -> bundle of runbook artefacts, offline.
//!
//! The core is pure (`plan::resolve`, `render::render`); reading inputs and writing bundles
//! happen at the edges (`profile::LoadedProfile::from_file`, `output::write_bundle`).

pub mod catalog;
pub mod certificate;
pub mod cli;
pub mod cloud;
pub mod commands;
pub mod date;
pub mod diagnostic;
pub mod diff;
pub mod docs;
pub mod guid;
pub mod import;
pub mod input;
pub mod inventory;
pub mod job;
pub mod layers;
pub mod lint;
pub mod output;
pub mod plan;
pub mod plan_extras;
pub mod profile;
pub mod quote;
pub mod render;
pub mod retirement;
pub mod roles;
pub mod stencil;
pub mod suggest;
pub mod tenant;
pub mod term;
pub mod upgrade;
pub mod values;
pub mod verdict;
pub mod verify;
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
        Command::Docs(a) => commands::docs::run(&cli, a, &mut out),
        Command::Diff(a) => commands::diff::run(&cli, a, &mut out),
        Command::Templates(c) => commands::templates::run(&cli, c, &mut out),
        Command::Verify(a) => commands::verify::run(&cli, a, &mut out),
        Command::Catalog(c) => commands::catalog::run(&cli, c, &mut out, &mut err),
        Command::Init(a) => commands::init::run(&cli, a, &mut out, &mut err),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut <Cli as clap::CommandFactory>::command(), "m365-runbook", &mut out);
            Ok(())
        }
        Command::Man => {
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out).map_err(Into::into)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.downcast_ref::<commands::lint::FindingsFailed>().is_some() {
                ExitCode::from(EXIT_FAILURE)
            } else if e.downcast_ref::<commands::verify::Unusable>().is_some() {
                ExitCode::from(EXIT_INPUT)
            } else if let Some(input) = e.downcast_ref::<InputError>() {
                let _ = write!(err, "{}", term::paint(&input.to_string(), term::color_enabled(term::Stream::Stderr)));
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
