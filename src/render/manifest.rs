//! `app-manifest.json`: the `requiredResourceAccess` array, as `az ad app create
//! --required-resource-accesses @app-manifest.json` and the portal's manifest editor take it.

use serde::Serialize;

use crate::plan::Plan;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequiredResourceAccess<'a> {
    pub resource_app_id: &'a str,
    pub resource_access: Vec<ResourceAccess<'a>>,
}

#[derive(Serialize)]
pub struct ResourceAccess<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// One entry per API, in the plan's order; permissions by type then name.
pub fn required_resource_access<'a>(plan: &'a Plan<'_>) -> Vec<RequiredResourceAccess<'a>> {
    of_apis(&plan.apis)
}

/// The `requiredResourceAccess` of any app's APIs.
pub fn of_apis(apis: &[crate::plan::PlannedApi]) -> Vec<RequiredResourceAccess<'_>> {
    apis.iter()
        .map(|api| RequiredResourceAccess {
            resource_app_id: api.resource.app_id,
            resource_access: api
                .permissions
                .iter()
                .map(|p| ResourceAccess { id: p.data.id, kind: p.kind.entra_type() })
                .collect(),
        })
        .collect()
}

pub fn render(plan: &Plan<'_>) -> String {
    super::json_text(&required_resource_access(plan))
}

/// The manifest of a further app.
pub fn render_apis(apis: &[crate::plan::PlannedApi]) -> String {
    super::json_text(&of_apis(apis))
}

/// The body of Graph's `POST /applications` that creates the app: its name, audience and
/// permissions. The scripts create apps this way, not with `az ad app create`, because az 2.91
/// first lists apps with `startswith(displayName,'NAME')` built without doubling quotes
/// (azure-cli `role/custom.py`, `create_application` -> `list_applications`), so a name such as
/// `O'Brien Backup` fails there with "Invalid filter clause".
pub fn create_body(
    display_name: &str,
    sign_in_audience: &str,
    access: &impl Serialize,
    hardening: Option<&Hardening<'_>>,
) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Body<'a, A: Serialize> {
        display_name: &'a str,
        sign_in_audience: &'a str,
        required_resource_access: &'a A,
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        hardening: Option<&'a Hardening<'a>>,
    }
    serde_json::to_string(&Body { display_name, sign_in_audience, required_resource_access: access, hardening })
        .unwrap_or_default()
}

/// What the scripts set on the app besides its permissions, on creation and again on every run
/// (`PATCH /applications`): who it is for, the customer's reference, and the app instance
/// property lock.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hardening<'a> {
    /// Free text for the people who manage the app (Graph v1.0 `application.notes`, at most
    /// 1024 characters).
    pub notes: &'a str,
    /// The ticket or service id in the customer's service-management tool
    /// (`application.serviceManagementReference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_management_reference: Option<&'a str>,
    /// App instance property lock: a service principal of this app in any tenant cannot have its
    /// credentials or token encryption key changed ("servicePrincipalLockConfiguration resource
    /// type", learn.microsoft.com/graph/api/resources/serviceprincipallockconfiguration, v1.0;
    /// "How to configure app instance property lock",
    /// learn.microsoft.com/entra/identity-platform/howto-configure-app-instance-property-locks;
    /// read 2026-12-01).
    pub service_principal_lock_configuration: Lock,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lock {
    pub is_enabled: bool,
    pub all_properties: bool,
}

impl<'a> Hardening<'a> {
    pub fn of(plan: &'a Plan<'_>) -> Hardening<'a> {
        Hardening {
            notes: &plan.app_notes,
            service_management_reference: plan.service_management_reference.as_deref(),
            service_principal_lock_configuration: Lock { is_enabled: true, all_properties: true },
        }
    }
}
