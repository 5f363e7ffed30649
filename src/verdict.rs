//! The one-line verdict a runbook opens with: does the vendor's documented setup work, as of the
//! bundle's date, as written, with the changes this bundle makes, or not at all?

use serde::Serialize;

use crate::plan::{Plan, accepted_credentials, needs_sharepoint_app_only};
use crate::profile::CredentialKind;
use crate::retirement::Why;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    WorksAsDocumented,
    WorksWithChanges,
    CannotWorkAsDocumented,
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub status: Status,
    /// The sentence the runbook opens with.
    pub summary: String,
    /// Why the documented setup cannot work (empty unless `cannot-work-as-documented`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blockers: Vec<String>,
    /// What this bundle does differently from the vendor's page.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn judge(plan: &Plan<'_>) -> Verdict {
    let product = &plan.profile.product;
    let mut blockers = Vec::new();
    let mut changes = Vec::new();
    let retired = &plan.retired;
    let add_in_retired = matches!(retired.add_in, Some(Why::Retired { .. }));

    // SharePoint app-only access: through ACS while it lived, then only from a certificate.
    let acs_alive = plan.add_in.is_some() && !add_in_retired;
    if needs_sharepoint_app_only(&plan.apis) && plan.credential == CredentialKind::Secret && !acs_alive {
        if accepted_credentials(plan.profile) == [CredentialKind::Secret] {
            blockers.push(format!(
                "{product} takes a client secret only, but SharePoint Online accepts app-only access from a \
                 certificate only{}",
                if add_in_retired { " since Azure ACS for SharePoint ended on 2026-04-02" } else { "" }
            ));
        } else {
            blockers.push(
                "this bundle creates a client secret, but SharePoint Online accepts app-only access from a \
                 certificate only (render with --credential certificate)"
                    .to_string(),
            );
        }
    }
    for p in &retired.permissions {
        if let (Why::Retired { date, .. }, None) = (&p.why, p.replaced_by) {
            blockers.push(format!("`{}` of {} no longer works (switched off on {date})", p.name, p.api));
        }
    }

    let verb = if retired.kept { "kept on request, although retired" } else { "left out" };
    match &retired.add_in {
        Some(Why::Retired { date, .. }) => {
            changes.push(format!("the appinv.aspx (ACS) grant is {verb} (ACS for SharePoint ended on {date})"))
        }
        Some(Why::LeastPrivilege) => {
            changes.push("the tenant-wide appinv.aspx grant is left out (least privilege)".into())
        }
        None => {}
    }
    for s in &retired.tenant_settings {
        if let Why::Retired { date, .. } = s.why {
            changes.push(format!("`Set-SPOTenant -{} $true` is {verb} (IDCRL blocked for good on {date})", s.name));
        }
    }
    let replaced: Vec<_> = retired.permissions.iter().filter(|p| p.replaced_by.is_some()).collect();
    if !replaced.is_empty() {
        changes.push(format!(
            "{} of the retired {} {}",
            plural(replaced.len(), "permission", "permissions"),
            replaced[0].api,
            if retired.kept { "kept on request" } else { "asked of Microsoft Graph instead" }
        ));
    }
    if plan.uses_ews() {
        changes.push(
            "the app is admitted to Exchange Web Services (`EwsAllowedAppIDs`); EWS shuts down on 2027-04-01".into(),
        );
    }
    if !plan.profile.corrections.is_empty() {
        changes.push(format!(
            "{} of the vendor's page corrected",
            plural(plan.profile.corrections.len(), "permission entry", "permission entries")
        ));
    }
    if plan.credential != plan.profile.app.credential && plan.credential_defaulted {
        changes.push(format!(
            "a {} instead of the page's {}",
            label(plan.credential),
            label(plan.profile.app.credential)
        ));
    }
    if let Some(l) = &plan.least_privilege
        && !l.replaced.is_empty()
    {
        changes.push(format!(
            "least privilege: {} replaced by selected-scope forms",
            plural(l.replaced.len(), "tenant-wide permission", "tenant-wide permissions")
        ));
    }

    let (status, summary) = if !blockers.is_empty() {
        (Status::CannotWorkAsDocumented, format!("Cannot work as documented: {}.", blockers.join("; ")))
    } else if !changes.is_empty() {
        (Status::WorksWithChanges, format!("Works with changes: {}.", changes.join("; ")))
    } else {
        (Status::WorksAsDocumented, "Works as documented.".to_string())
    };
    Verdict { status, summary: format!("{summary} (Judged as of {}.)", plan.as_of), blockers, changes }
}

fn label(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::Secret => "client secret",
        CredentialKind::Certificate => "certificate",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::cloud::Cloud;
    use crate::profile::LoadedProfile;
    use crate::values::Values;

    fn verdict(profile: &str, as_of: &str, f: impl FnOnce(&mut Values)) -> Verdict {
        let text = crate::profile::find_builtin(profile).expect("builtin").text;
        let loaded = LoadedProfile::parse(profile, text).expect("parses");
        let catalog = Catalog::builtin();
        let mut values = Values::for_tenant("contoso".parse().expect("tenant"));
        f(&mut values);
        let cloud = Cloud::builtin("public").expect("cloud");
        let plan = crate::plan::resolve(&loaded, &catalog, &values, cloud, as_of.parse().expect("date")).expect("plan");
        judge(&plan)
    }

    #[test]
    fn kodo_cannot_work_once_acs_is_gone_because_it_takes_a_secret_only() {
        let v = verdict("kodo-2021-08", "2026-11-22", |_| {});
        assert_eq!(v.status, Status::CannotWorkAsDocumented);
        assert!(
            v.summary.starts_with("Cannot work as documented: KODO for Cloud takes a client secret only"),
            "{}",
            v.summary
        );
        assert!(v.summary.contains("since Azure ACS for SharePoint ended on 2026-04-02"), "{}", v.summary);
        assert!(v.changes.iter().any(|c| c.starts_with("the appinv.aspx (ACS) grant is left out")), "{:?}", v.changes);
        // Before the end of life, the ACS route still carried a secret.
        let v = verdict("kodo-2021-08", "2026-01-01", |_| {});
        assert_eq!(v.status, Status::WorksWithChanges, "{}", v.summary);
    }

    #[test]
    fn ews_after_its_shutdown_is_a_blocker() {
        let v = verdict("kodo-2020-03", "2027-04-02", |_| {});
        assert_eq!(v.status, Status::CannotWorkAsDocumented);
        assert!(
            v.blockers.iter().any(|b| b.starts_with("`full_access_as_app` of Office 365 Exchange Online")),
            "{v:?}"
        );
    }

    #[test]
    fn corso_works_as_documented_and_least_privilege_is_a_change() {
        let v = verdict("corso-2023-09", "2026-11-22", |_| {});
        assert_eq!(
            (v.status, v.summary.as_str()),
            (Status::WorksAsDocumented, "Works as documented. (Judged as of 2026-11-22.)")
        );
        let v = verdict("corso-2023-09", "2026-11-22", |v| v.least_privilege = true);
        assert_eq!(v.status, Status::WorksWithChanges);
        assert!(v.summary.contains("least privilege: 2 tenant-wide permissions replaced"), "{}", v.summary);
    }
}
