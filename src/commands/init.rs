use std::io::Write;
use std::path::PathBuf;

use crate::cli::{Cli, InitArgs};
use crate::date::Date;
use crate::diagnostic::InputError;
use crate::profile::starter::{resolve_list, starter};

pub fn run(cli: &Cli, args: &InitArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<()> {
    let id_ok = !args.id.is_empty()
        && args.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !args.id.starts_with('-')
        && !args.id.ends_with('-');
    if !id_ok {
        return Err(InputError::msg(format!(
            "profile id `{}` must be lowercase letters, digits and `-`",
            args.id.escape_debug()
        ))
        .into());
    }
    let resolved = match &args.from {
        Some(path) => {
            let text = crate::input::read_text(
                path,
                "permission list",
                crate::input::MAX_FILE_BYTES,
                crate::input::Encoding::Utf8OrUtf16,
            )?;
            let catalog = super::catalog(cli)?;
            let r = resolve_list(&text, &catalog);
            for report in &r.reports {
                writeln!(err, "{}: {report}", path.display())?;
            }
            Some(r)
        }
        None => None,
    };
    let text = starter(&args.id, &Date::today().to_string(), resolved.as_ref());
    let target = args.out.clone().unwrap_or_else(|| PathBuf::from(format!("{}.yaml", args.id)));
    if target.as_os_str() == "-" {
        write!(out, "{text}")?;
    } else {
        crate::output::write_file(&target, &text, args.force).map_err(|e| match e {
            crate::output::WriteError::Exists(p) => {
                InputError::msg(format!("`{}` already exists; add --force to replace it", p.display())).into()
            }
            other => other.into_anyhow(),
        })?;
        if !cli.quiet {
            writeln!(
                out,
                "wrote {}; fill in the vendor details, then `m365-runbook lint {}`",
                target.display(),
                target.display()
            )?;
        }
    }
    if resolved.is_some_and(|r| !r.unresolved.is_empty()) {
        return Err(crate::commands::lint::FindingsFailed.into());
    }
    Ok(())
}
