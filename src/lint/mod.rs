//! `m365-runbook lint`: a registry of small rules, one per file in `rules/`, each with a stable
//! id, a default severity and an explanation with its source. Findings are data
//! ([`Diagnostic`]s); the caller decides what fails (`--strict`) and what is silenced (`--allow`).
//!
//! Rules see a [`Context`]: the profile as loaded (with positions), the catalog, the permissions
//! resolved once through the same code `render` uses, and the options a date or a value changes.

mod context;
pub mod fix;
pub(crate) mod rules;

use crate::diagnostic::{Diagnostic, Severity};

pub use context::{Context, Options};
pub use rules::RULES;

/// One lint rule.
pub struct Rule {
    /// Stable id, used by `--allow ID` and `explain ID`.
    pub id: &'static str,
    /// A few words: what the rule is about.
    pub name: &'static str,
    pub severity: Severity,
    /// One paragraph: what is wrong, why, what to do instead.
    pub explanation: &'static str,
    /// Where the facts come from.
    pub source: &'static str,
    pub check: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

/// Findings ordered by their rule's place in the registry (most serious first), then by position.
pub fn by_importance(findings: &mut [Diagnostic]) {
    let rank = |d: &Diagnostic| RULES.iter().position(|r| Some(r.id) == d.code.as_deref()).unwrap_or(usize::MAX);
    findings.sort_by_key(|d| (rank(d), d.location.as_ref().map_or((0, 0), |l| (l.line, l.column))));
}

/// Runs every rule not in `allow` and returns the findings in file order.
pub fn lint(ctx: &Context<'_>, allow: &[String]) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for rule in RULES {
        if allow.iter().any(|a| a == rule.id) {
            continue;
        }
        let start = findings.len();
        (rule.check)(ctx, &mut findings);
        for f in &mut findings[start..] {
            f.code.get_or_insert_with(|| rule.id.to_string());
        }
    }
    findings.sort_by_key(|d| d.location.as_ref().map_or((usize::MAX, usize::MAX), |l| (l.line, l.column)));
    findings
}

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// Counts by severity: (errors, warnings, infos).
pub fn counts(findings: &[Diagnostic]) -> (usize, usize, usize) {
    let n = |s| findings.iter().filter(|d| d.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

/// The rule reference, in Markdown, generated from the registry (`docs/lint-rules.md`).
pub fn reference() -> String {
    let mut out = String::from(
        "# Lint rules\n\n<!-- Generated from the rule registry (src/lint/rules); `m365-runbook explain ID` prints the same. -->\n\n\
         | Rule | Severity | About |\n| --- | --- | --- |\n",
    );
    for r in RULES {
        out.push_str(&format!("| [`{}`](#{}) | {} | {} |\n", r.id, r.id, r.severity, r.name));
    }
    for r in RULES {
        out.push_str(&format!(
            "\n## {}\n\n{} ({}).\n\n{}\n\nSource: {}\n",
            r.id, r.name, r.severity, r.explanation, r.source
        ));
    }
    out
}
