//! `verify`: an app as a tenant holds it (exported by the bundle's `collect-state` scripts)
//! against what a profile asks for, offline. `state` reads the exports, `compare` judges them,
//! this module finds the older versions of a product and prints the report.

pub mod compare;
mod json_spans;
pub mod state;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

pub use compare::{Code, Expected, Finding, Older, Verdict, compare};
pub use state::{State, StatePaths};

use crate::catalog::Catalog;
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::profile::{BUILTIN_PROFILES, LoadedProfile, Profile};

/// The built-in profiles of the same vendor and product as `profile`, dated before it, newest
/// first, each with the permissions it asked for. A profile that does not resolve is skipped:
/// it names nothing.
pub fn older_versions(profile: &Profile, catalog: &Catalog) -> Vec<Older> {
    let mut older: Vec<(String, Older)> = BUILTIN_PROFILES
        .iter()
        .filter(|b| b.id != profile.id)
        .filter_map(|b| LoadedProfile::parse(&format!("built-in:{}.yaml", b.id), b.text).ok())
        .filter(|l| {
            l.profile.vendor == profile.vendor
                && l.profile.product == profile.product
                && l.profile.source.date < profile.source.date
        })
        .filter_map(|l| {
            let apis = crate::plan::resolve_permissions(&l, catalog).ok()?.apis;
            let permissions: BTreeSet<(String, crate::catalog::Kind, String)> = apis
                .iter()
                .flat_map(|a| {
                    a.permissions
                        .iter()
                        .map(move |p| (a.resource.app_id.to_ascii_lowercase(), p.kind, p.data.id.to_string()))
                })
                .collect();
            Some((l.profile.source.date.clone(), Older { id: l.profile.id.clone(), permissions }))
        })
        .collect();
    older.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.id.cmp(&a.1.id)));
    older.into_iter().map(|(_, o)| o).collect()
}

/// One tenant's result: a verdict, or the reasons its state could not be used.
#[derive(Debug, Serialize)]
pub struct TenantReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The state folder (or the application file, when files were named one by one).
    pub state: String,
    /// clean, findings or unusable
    pub verdict: &'static str,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub result: Option<Verdict>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Diagnostic>,
}

impl TenantReport {
    pub fn judged(tenant: Option<String>, state: String, verdict: Verdict) -> TenantReport {
        let word = if verdict.findings.is_empty() { "clean" } else { "findings" };
        TenantReport { tenant, state, verdict: word, result: Some(verdict), errors: Vec::new() }
    }

    pub fn unusable(tenant: Option<String>, state: String, errors: Vec<Diagnostic>) -> TenantReport {
        TenantReport { tenant, state, verdict: "unusable", result: None, errors }
    }
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub tenants: usize,
    pub clean: usize,
    pub findings: usize,
    pub unusable: usize,
}

/// The whole report: one entry per tenant, and the counts.
#[derive(Debug, Serialize)]
pub struct Report {
    pub profile: String,
    pub as_of: Date,
    pub expiring_within_days: u32,
    pub tenants: Vec<TenantReport>,
    pub summary: Summary,
}

impl Report {
    pub fn new(profile: &str, as_of: Date, expiring_within_days: u32, tenants: Vec<TenantReport>) -> Report {
        let count = |v: &str| tenants.iter().filter(|t| t.verdict == v).count();
        let summary = Summary {
            tenants: tenants.len(),
            clean: count("clean"),
            findings: count("findings"),
            unusable: count("unusable"),
        };
        Report { profile: profile.to_string(), as_of, expiring_within_days, tenants, summary }
    }

    /// 0 clean, 1 findings, 2 unusable input: the worst tenant decides.
    pub fn exit_code(&self) -> u8 {
        if self.summary.unusable > 0 {
            crate::EXIT_INPUT
        } else if self.summary.findings > 0 {
            crate::EXIT_FAILURE
        } else {
            0
        }
    }

    /// The report for people: per tenant its findings and what to do, then the summary.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "verify {} as of {} (credentials expiring within {} days)",
            self.profile, self.as_of, self.expiring_within_days
        );
        for t in &self.tenants {
            let name = t.tenant.clone().unwrap_or_else(|| t.state.clone());
            s.push('\n');
            match &t.result {
                None => {
                    let _ = writeln!(s, "{name}: unusable input ({})", t.state);
                    for e in &t.errors {
                        for line in e.to_string().lines() {
                            let _ = writeln!(s, "  {line}");
                        }
                    }
                }
                Some(v) => {
                    let _ = writeln!(
                        s,
                        "{name}: {} (app {} `{}`, service principal {})",
                        match v.findings.len() {
                            0 => "clean".to_string(),
                            1 => "1 finding".to_string(),
                            n => format!("{n} findings"),
                        },
                        v.app_id,
                        v.app_name.escape_debug(),
                        v.service_principal_id
                    );
                    let mut codes: Vec<Code> = Vec::new();
                    for f in &v.findings {
                        let _ = writeln!(s, "  {}: {}", f.code.as_str(), f.message);
                        if !codes.contains(&f.code) {
                            codes.push(f.code);
                        }
                    }
                    for c in codes {
                        let _ = writeln!(s, "  = help ({}): {}", c.as_str(), c.help());
                    }
                    let _ = writeln!(s, "  permissions asked for: {}", v.required);
                    for c in &v.credentials {
                        let name =
                            c.display_name.as_deref().map(|n| format!(" `{}`", n.escape_debug())).unwrap_or_default();
                        let kind = match c.kind {
                            state::CredentialKind::Secret => "secret",
                            state::CredentialKind::Certificate => "certificate",
                        };
                        let on = if c.on == "application" { String::new() } else { format!(" of the {}", c.on) };
                        let when = match c.days_left {
                            d if d < 0 => format!("expired on {} ({} days ago)", c.end, -d),
                            d => format!("{}, ends {} ({d} days left)", c.status, c.end),
                        };
                        let _ = writeln!(s, "  {kind}{name}{on} (key id {}): {when}", c.key_id);
                    }
                    for n in &v.notes {
                        let _ = writeln!(s, "  note: {n}");
                    }
                }
            }
        }
        let sm = &self.summary;
        let _ = writeln!(
            s,
            "\nsummary: {} tenant{}: {} clean, {} with findings, {} unusable",
            sm.tenants,
            if sm.tenants == 1 { "" } else { "s" },
            sm.clean,
            sm.findings,
            sm.unusable
        );
        s
    }
}
