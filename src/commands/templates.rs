use std::fs;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::cli::{Cli, Format, TemplatesCommand};
use crate::diagnostic::InputError;
use crate::output;
use crate::render::{BUILTIN_TEMPLATES, Templates};

#[derive(Serialize)]
struct Entry<'a> {
    name: &'a str,
    writes: &'a str,
    overridden: bool,
}

/// What each built-in template writes.
fn writes(name: &str) -> &'static str {
    match name {
        "SUMMARY.md.tera" => "SUMMARY.md: GitBook's table of contents (gitbook flavour, and `docs`)",
        "docs-index.md.tera" => "the index page of `docs` (README.md, or index.md for Docusaurus)",
        "runbook.md.tera" => "runbook.md, and each page of `docs`",
        "upgrade.md.tera" => "upgrade.md: the runbook of `render --upgrade-from`",
        _ => "the file of the same name, without .tera",
    }
}

pub fn run(cli: &Cli, command: &TemplatesCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        TemplatesCommand::List { format } => {
            // Parsing the overrides checks them: a broken one is reported with its line and column.
            Templates::with_overrides(cli.templates.as_deref())?;
            let entries: Vec<Entry> = BUILTIN_TEMPLATES
                .iter()
                .map(|(name, _)| Entry {
                    name,
                    writes: writes(name),
                    overridden: cli.templates.as_ref().is_some_and(|d| d.join(name).is_file()),
                })
                .collect();
            match format {
                Format::Json => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&serde_json::json!({ "templates": entries }))?)?
                }
                Format::Text => {
                    for e in &entries {
                        let mark = if e.overridden { " (overridden)" } else { "" };
                        writeln!(out, "{:<28} {}{mark}", e.name, e.writes)?;
                    }
                }
            }
        }
        TemplatesCommand::Eject { dir, force } => {
            eject(dir, *force)?;
            if !cli.quiet {
                writeln!(
                    out,
                    "wrote {} templates to {}; edit them, then render with --templates {}",
                    BUILTIN_TEMPLATES.len(),
                    dir.display(),
                    dir.display()
                )?;
            }
        }
    }
    Ok(())
}

/// Copies every built-in template into `dir`, refusing to replace a file there without `force`,
/// and never writing through a symlink or replacing anything but a regular file.
fn eject(dir: &Path, force: bool) -> anyhow::Result<()> {
    let mut taken = Vec::new();
    for (name, _) in BUILTIN_TEMPLATES {
        let path = dir.join(name);
        let Ok(meta) = path.symlink_metadata() else { continue };
        if meta.file_type().is_symlink() || !meta.is_file() {
            let what = if meta.file_type().is_symlink() { "is a symbolic link" } else { "is not a regular file" };
            return Err(InputError::msg(format!("`{}` {what}; nothing was written", path.display())).into());
        }
        taken.push(format!("`{}`", path.display()));
    }
    if !force && !taken.is_empty() {
        return Err(InputError::msg(format!(
            "{} already exist{}; add --force to replace them, or choose another folder",
            taken.join(", "),
            if taken.len() == 1 { "s" } else { "" }
        ))
        .into());
    }
    fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create the folder `{}`: {e}", dir.display()))?;
    for (name, text) in BUILTIN_TEMPLATES {
        output::write_file(&dir.join(name), text, force).map_err(output::WriteError::into_anyhow)?;
    }
    Ok(())
}
