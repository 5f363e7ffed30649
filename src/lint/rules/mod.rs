//! The rule registry. Each rule lives in its own file; this list is the order of `explain`, the
//! generated reference and the output.

mod api_alias;
mod credential_unsupported;
mod delegated_unattended;
mod duplicate;
pub(crate) mod ews_full_access;
mod high_privilege;
pub(crate) mod legacy_auth;
mod redundant;
mod resolution;
mod retired_api;
mod retired_exchange_role;
mod secret_lifetime;
pub(crate) mod sharepoint_add_in;
mod sharepoint_secret;
mod unsupported_cloud;

use super::Rule;
use crate::date::{self, Date};
use crate::diagnostic::Severity;

/// Most consequential first: what cannot be rendered, then what no longer works, then what is
/// dangerous, then what is untidy. The runbook lists warnings in this order.
pub static RULES: &[&Rule] = &[
    &resolution::UNKNOWN_API,
    &resolution::UNKNOWN_PERMISSION,
    &resolution::WRONG_API,
    &resolution::WRONG_CASE,
    &resolution::WRONG_TYPE,
    &credential_unsupported::RULE,
    &retired_api::RULE,
    &retired_exchange_role::RULE,
    &sharepoint_add_in::RULE,
    &legacy_auth::RULE,
    &ews_full_access::RULE,
    &sharepoint_secret::RULE,
    &unsupported_cloud::RULE,
    &high_privilege::RULE,
    &secret_lifetime::RULE,
    &delegated_unattended::RULE,
    &redundant::RULE,
    &duplicate::RULE,
    &api_alias::RULE,
];

/// A dated change Microsoft announced.
pub struct Milestone {
    pub date: &'static str,
    pub event: &'static str,
}

/// Describes where `as_of` stands on a timeline: what has happened (the latest milestone
/// reached) and what comes next. Nothing reached yet is information, not a warning.
pub fn timeline(as_of: Date, milestones: &[Milestone]) -> (Severity, String) {
    let reached: Vec<&Milestone> = milestones.iter().filter(|m| date::known(m.date) <= as_of).collect();
    let next = milestones.iter().find(|m| date::known(m.date) > as_of);
    let mut text = String::new();
    if let Some(last) = reached.last() {
        text.push_str(&format!("since {}, {}", last.date, last.event));
    }
    if let Some(next) = next {
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(&format!("on {}, {}", next.date, next.event));
    }
    let severity = if reached.is_empty() { Severity::Info } else { Severity::Warning };
    (severity, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "duplicate rule ids");
        for r in RULES {
            assert!(r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", r.id);
            assert!(r.explanation.len() > 80, "{} needs an explanation", r.id);
            assert!(!r.source.is_empty() && !r.name.is_empty(), "{}", r.id);
        }
    }

    #[test]
    fn timeline_turns_into_a_warning_once_the_first_date_passes() {
        let m = [Milestone { date: "2026-02-16", event: "A" }, Milestone { date: "2026-05-01", event: "B" }];
        let at = |d: &str| timeline(d.parse().expect("date"), &m);
        assert_eq!(at("2026-01-01"), (Severity::Info, "on 2026-02-16, A".into()));
        assert_eq!(at("2026-02-16"), (Severity::Warning, "since 2026-02-16, A; on 2026-05-01, B".into()));
        assert_eq!(at("2026-06-01"), (Severity::Warning, "since 2026-05-01, B".into()));
    }

    #[test]
    fn milestone_dates_are_real_dates() {
        for (rule, dates) in [
            ("sharepoint-add-in", sharepoint_add_in::MILESTONES.iter().map(|m| m.date).collect::<Vec<_>>()),
            ("legacy-auth", legacy_auth::MILESTONES.iter().map(|m| m.date).collect()),
            ("ews-full-access", ews_full_access::MILESTONES.iter().map(|m| m.date).collect()),
        ] {
            for d in dates {
                assert!(d.parse::<Date>().is_ok(), "{rule}: {d}");
            }
        }
    }
}
