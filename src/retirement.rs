//! Steps past their retirement: judged as of a date, a step Microsoft has switched off is not
//! presented as a step to do. It is left out of the plan (and so out of the scripts, the manifest
//! and the files), and recorded with what happened, so the runbook can say so and give the route
//! that works. `--include-retired` keeps them, marked as retired.
//!
//! The dates are the lint rules' (`sharepoint-add-in`, `legacy-auth`, `ews-full-access`) and the
//! catalog's (Azure AD Graph): one source for the warning and for the step.

use serde::Serialize;

use crate::catalog::{Catalog, Kind, PermissionData};
use crate::date::{self, Date};
use crate::lint::rules::{ews_full_access, legacy_auth, sharepoint_add_in};
use crate::plan::{PlannedApi, PlannedPermission};
use crate::profile::{AddIn, SettingValue, TenantSetting};

const EXCHANGE: &str = "00000002-0000-0ff1-ce00-000000000000";
const TENANT_SCOPE: &str = "http://sharepoint/content/tenant";

/// Why a step was left out or marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "kebab-case")]
pub enum Why {
    /// Microsoft switched it off on `date`.
    Retired { date: &'static str, event: &'static str },
    /// `--least-privilege` leaves out tenant-wide grants.
    LeastPrivilege,
}

/// A permission left out (or kept, with `--include-retired`), and what replaces it.
#[derive(Clone, Debug, Serialize)]
pub struct RetiredPermission {
    pub api: &'static str,
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub why: Why,
    /// The Microsoft Graph permission asked for instead, when one of the same name and type exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<&'static str>,
}

/// A SharePoint tenant setting left out.
#[derive(Clone, Debug, Serialize)]
pub struct RetiredSetting {
    pub name: String,
    #[serde(flatten)]
    pub why: Why,
}

/// What was left out of a plan, or kept only because `--include-retired` asked for it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Retired {
    /// The appinv.aspx (ACS) grant.
    pub add_in: Option<Why>,
    pub tenant_settings: Vec<RetiredSetting>,
    pub permissions: Vec<RetiredPermission>,
    /// True when the entries above were kept in the bundle (`--include-retired`), not left out.
    pub kept: bool,
}

impl Retired {
    pub fn is_empty(&self) -> bool {
        self.add_in.is_none() && self.tenant_settings.is_empty() && self.permissions.is_empty()
    }
}

/// The parts of a plan retirement can change.
pub struct Steps<'p, 'a> {
    pub apis: &'p mut Vec<PlannedApi>,
    pub add_in: &'p mut Option<&'a AddIn>,
    pub tenant_settings: &'p mut Vec<&'a TenantSetting>,
}

/// What the judgement depends on.
pub struct Judged {
    pub as_of: Date,
    pub include_retired: bool,
    pub least_privilege: bool,
}

/// The date and event at which a timeline ends, when `as_of` has reached it.
fn ended(milestones: &[crate::lint::rules::Milestone], as_of: Date) -> Option<Why> {
    let last = milestones.last()?;
    (date::known(last.date) <= as_of).then_some(Why::Retired { date: last.date, event: last.event })
}

/// Leaves out every step retired by `judged.as_of` (unless `include_retired`), and tenant-wide
/// SharePoint add-in grants under least privilege; returns what it left out (or kept).
pub fn prune(steps: &mut Steps<'_, '_>, catalog: &Catalog, judged: &Judged) -> Retired {
    let keep = judged.include_retired;
    let mut retired = Retired { kept: keep, ..Retired::default() };

    if let Some(add_in) = *steps.add_in {
        let why = ended(sharepoint_add_in::MILESTONES, judged.as_of).or_else(|| {
            (judged.least_privilege && add_in.requests.iter().any(|r| r.scope == TENANT_SCOPE))
                .then_some(Why::LeastPrivilege)
        });
        if let Some(why) = why {
            // Least privilege drops a tenant-wide grant even with --include-retired.
            if !keep || why == Why::LeastPrivilege {
                *steps.add_in = None;
            }
            retired.add_in = Some(why);
        }
    }

    if let Some(why) = ended(legacy_auth::MILESTONES, judged.as_of) {
        let legacy = |s: &TenantSetting| s.name == "LegacyAuthProtocolsEnabled" && s.value == SettingValue::Bool(true);
        for s in steps.tenant_settings.iter().filter(|s| legacy(s)) {
            retired.tenant_settings.push(RetiredSetting { name: s.name.clone(), why: why.clone() });
        }
        if !keep {
            steps.tenant_settings.retain(|s| !legacy(s));
        }
    }

    let graph = catalog.resource("Microsoft Graph");
    // (type, replacement, the retired permission's rows: its format 2 tags carry over)
    let mut added: Vec<(Kind, &'static PermissionData, Vec<crate::profile::Tags>)> = Vec::new();
    for api in steps.apis.iter_mut() {
        let resource = api.resource;
        let why_api = resource
            .is_retired()
            .then(|| resource.milestones.last())
            .flatten()
            .filter(|m| date::known(m.date) <= judged.as_of)
            .map(|m| Why::Retired { date: m.date, event: m.event });
        let why_ews = (resource.app_id == EXCHANGE).then(|| ended(ews_full_access::MILESTONES, judged.as_of)).flatten();
        let mut gone = |p: &PlannedPermission| -> bool {
            let why = match (&why_api, &why_ews) {
                (Some(w), _) => w.clone(),
                (None, Some(w)) if p.kind == Kind::Application && p.data.name == "full_access_as_app" => w.clone(),
                _ => return false,
            };
            let replacement = why_api.as_ref().and_then(|_| graph.and_then(|g| g.get(p.kind, p.data.name)));
            if let Some(r) = replacement {
                added.push((p.kind, r, p.rows.clone()));
            }
            retired.permissions.push(RetiredPermission {
                api: resource.display_name,
                name: p.data.name,
                kind: if p.kind == Kind::Application { "Application" } else { "Delegated" },
                why,
                replaced_by: replacement.map(|r| r.name),
            });
            true
        };
        if keep {
            api.permissions.iter().for_each(|p| {
                gone(p);
            });
            added.clear();
        } else {
            api.permissions.retain(|p| !gone(p));
        }
    }
    if !added.is_empty()
        && let Some(g) = graph
    {
        let index = match steps.apis.iter().position(|a| a.resource.app_id == g.app_id) {
            Some(i) => i,
            None => {
                steps.apis.push(PlannedApi { resource: g, permissions: Vec::new() });
                steps.apis.len() - 1
            }
        };
        let perms = &mut steps.apis[index].permissions;
        for (kind, data, rows) in added {
            if !perms.iter().any(|p| p.kind == kind && p.data.id == data.id) {
                perms.push(PlannedPermission { path: String::new(), kind, data, rows, purpose: None });
            }
        }
        perms.sort_by(|a, b| (a.kind, a.data.name).cmp(&(b.kind, b.data.name)));
    }
    steps.apis.retain(|a| !a.permissions.is_empty());
    retired
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::Cloud;
    use crate::profile::LoadedProfile;
    use crate::values::Values;

    fn plan_for(profile: &str, as_of: &str, f: impl FnOnce(&mut Values)) -> (Vec<String>, Retired, bool, usize) {
        let text = crate::profile::find_builtin(profile).expect("builtin").text;
        let loaded = LoadedProfile::parse(profile, text).expect("parses");
        let catalog = Catalog::builtin();
        let mut values = Values::for_tenant("contoso".parse().expect("tenant"));
        f(&mut values);
        let plan = crate::plan::resolve(
            &loaded,
            &catalog,
            &values,
            Cloud::builtin("public").expect("cloud"),
            as_of.parse().expect("date"),
        )
        .expect("resolves");
        let names = plan
            .apis
            .iter()
            .flat_map(|a| a.permissions.iter().map(move |p| format!("{}/{}", a.resource.display_name, p.data.name)))
            .collect();
        (names, plan.retired, plan.add_in.is_some(), plan.tenant_settings.len())
    }

    #[test]
    fn before_the_dates_every_step_stays() {
        let (names, retired, add_in, settings) = plan_for("kodo-2021-08", "2026-01-01", |_| {});
        assert!(add_in && settings == 1, "appinv and Set-SPOTenant stay before 2026-04-02");
        assert!(names.iter().any(|n| n == "Office 365 Exchange Online/full_access_as_app"));
        assert!(retired.is_empty(), "{retired:?}");
    }

    #[test]
    fn appinv_and_legacy_auth_leave_after_their_end_of_life_and_ews_after_its_shutdown() {
        let (names, retired, add_in, settings) = plan_for("kodo-2021-08", "2026-11-22", |_| {});
        assert!(!add_in && settings == 0);
        assert_eq!(
            retired.add_in,
            Some(Why::Retired { date: "2026-04-02", event: sharepoint_add_in::MILESTONES[1].event })
        );
        assert_eq!(retired.tenant_settings[0].name, "LegacyAuthProtocolsEnabled");
        // EWS is still a step until 2027-04-01 (with its warning) ...
        assert!(names.iter().any(|n| n == "Office 365 Exchange Online/full_access_as_app"));
        // ... and not after.
        let (names, retired, _, _) = plan_for("kodo-2021-08", "2027-04-01", |_| {});
        assert!(!names.iter().any(|n| n.ends_with("/full_access_as_app")), "{names:?}");
        assert!(retired.permissions.iter().any(|p| p.name == "full_access_as_app" && p.replaced_by.is_none()));
    }

    #[test]
    fn azure_ad_graph_permissions_are_replaced_by_their_microsoft_graph_namesakes() {
        let (names, retired, _, _) = plan_for("kodo-2020-03", "2026-11-22", |_| {});
        let user_read_all =
            retired.permissions.iter().find(|p| p.name == "User.Read.All").expect("AAD Graph User.Read.All");
        assert_eq!(user_read_all.replaced_by, Some("User.Read.All"));
        assert!(names.iter().any(|n| n == "Microsoft Graph/Directory.Read.All"), "{names:?}");
    }

    #[test]
    fn include_retired_keeps_every_step_and_records_it() {
        let (names, retired, add_in, settings) = plan_for("kodo-2021-08", "2027-05-01", |v| v.include_retired = true);
        assert!(add_in && settings == 1 && retired.kept);
        assert!(names.iter().any(|n| n == "Office 365 Exchange Online/full_access_as_app"));
        assert!(retired.add_in.is_some() && !retired.tenant_settings.is_empty());
    }

    #[test]
    fn least_privilege_drops_the_tenant_wide_add_in_grant_before_its_end_of_life_too() {
        let (_, retired, add_in, _) = plan_for("kodo-2021-08", "2026-01-01", |v| v.least_privilege = true);
        assert!(!add_in);
        assert_eq!(retired.add_in, Some(Why::LeastPrivilege));
        let (_, _, add_in, _) = plan_for("kodo-2021-08", "2026-01-01", |v| {
            v.least_privilege = true;
            v.include_retired = true;
        });
        assert!(!add_in, "--include-retired does not bring back a tenant-wide grant under least privilege");
    }
}
