use std::io::Write;

use crate::cli::{Cli, ExplainArgs};
use crate::diagnostic::{Diagnostic, InputError};
use crate::lint::{RULES, rule};

pub fn run(_cli: &Cli, args: &ExplainArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let r = rule(&args.id).ok_or_else(|| unknown_rule(&args.id))?;
    writeln!(out, "{} ({}): {}\n", r.id, r.severity, r.name)?;
    writeln!(out, "{}\n", r.explanation)?;
    writeln!(out, "Source: {}", r.source)?;
    Ok(())
}

/// An unknown rule id, with the nearest one and the list.
pub fn unknown_rule(id: &str) -> InputError {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    let mut d = Diagnostic::error(format!("unknown lint rule `{}`", id.escape_debug()))
        .note(format!("rules: {}", ids.join(", ")));
    if let Some(s) = crate::suggest::nearest(id, ids.iter().copied()) {
        d = d.help(format!("did you mean `{s}`?"));
    }
    InputError::one(d)
}
