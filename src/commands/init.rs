use std::io::Write;
use std::path::PathBuf;

use crate::cli::{Cli, Format, InitArgs};
use crate::date::Date;
use crate::diagnostic::InputError;
use crate::import::{self, Import};
use crate::profile::starter::starter;

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
    let imported: Option<(String, Import)> = match &args.from {
        Some(path) => {
            let text = crate::input::read_text(
                path,
                "permission list",
                crate::input::MAX_FILE_BYTES,
                crate::input::Encoding::Utf8OrUtf16,
            )?;
            let catalog = super::catalog(cli)?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let imported = import::import(text, &catalog);
            let n = imported.summary();
            if n.rows == 0 && n.not_permissions == 0 {
                return Err(InputError::msg(format!(
                    "found no permission table or list in `{}` ({} lines read as text{}); copy the page's permission table into the file",
                    path.display(),
                    imported.prose_lines.len(),
                    match n.mentions {
                        0 => String::new(),
                        1 => ", naming 1 permission in passing".to_string(),
                        m => format!(", naming {m} permissions in passing"),
                    }
                ))
                .into());
            }
            Some((path.display().to_string(), imported))
        }
        None => None,
    };
    let text = starter(&args.id, &Date::today().to_string(), imported.as_ref().map(|(_, i)| i));
    let target = args.out.clone().unwrap_or_else(|| PathBuf::from(format!("{}.yaml", args.id)));
    let to_stdout = target.as_os_str() == "-";
    let json = args.format == Format::Json && imported.is_some();
    if let Some((source, import)) = &imported {
        if json {
            let profile = if to_stdout {
                serde_json::json!({ "text": text })
            } else {
                serde_json::json!({ "path": target.display().to_string() })
            };
            let report = import::report::json(import, source, profile);
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        } else {
            write!(err, "{}", import::report::text(import, source, !cli.quiet))?;
        }
    }
    if to_stdout {
        if !json {
            write!(out, "{text}")?;
        }
    } else {
        crate::output::write_file(&target, &text, args.force).map_err(|e| match e {
            crate::output::WriteError::Exists(p) => {
                InputError::msg(format!("`{}` already exists; add --force to replace it", p.display())).into()
            }
            other => other.into_anyhow(),
        })?;
        if !cli.quiet && !json {
            writeln!(
                out,
                "wrote {}; fill in the vendor details, then `m365-runbook lint {}`",
                target.display(),
                target.display()
            )?;
        }
    }
    if imported.is_some_and(|(_, i)| i.summary().unresolved > 0) {
        return Err(crate::commands::lint::FindingsFailed.into());
    }
    Ok(())
}
