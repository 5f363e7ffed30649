//! Integration tests, one binary: golden bundles, the command line, input errors, templates.

mod catalog;
mod cli;
mod clouds;
mod common;
mod compiled_templates;
mod diff;
mod docs;
mod errors;
mod format2;
mod golden;
mod hostile;
mod import;
mod inventory;
mod lint;
mod msp;
mod placement;
mod powershell;
mod runbook;
mod safety;
mod stencil;
mod templates;
mod verify;
