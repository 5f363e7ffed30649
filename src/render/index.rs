//! `bundle.json`: a machine-readable index of the bundle (profile, values, files, resolved
//! permissions with their GUIDs, warnings).

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::plan::Plan;
use crate::plan_extras::{PlannedAdminRole, PlannedRole};
use crate::profile::{RedirectUris, Selection};

#[derive(Serialize)]
struct Index<'a> {
    generator: Generator<'a>,
    profile: ProfileRef<'a>,
    values: Values<'a>,
    files: &'a [&'a str],
    permissions: Vec<crate::plan::PermissionRow<'a>>,
    #[serde(rename = "requiredResourceAccess")]
    required_resource_access: Vec<super::manifest::RequiredResourceAccess<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sharepoint_add_in: Option<&'a crate::profile::AddIn>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    sharepoint_tenant_settings: &'a [&'a crate::profile::TenantSetting],
    inputs: &'a crate::profile::Inputs,
    /// Format 2: `--workloads` / `--without`, and what they left out.
    #[serde(skip_serializing_if = "Selection::is_all")]
    selection: &'a Selection,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    omitted: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    directory_roles: &'a [PlannedRole],
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_uris: Option<&'a RedirectUris>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    public_client_flows: bool,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    admin_roles: &'a [PlannedAdminRole<'a>],
    #[serde(skip_serializing_if = "Option::is_none")]
    exchange: Option<ExchangeIndex<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    apps: Vec<AppIndex<'a>>,
    /// Works as documented, with changes, or not at all, as of `as_of`.
    verdict: crate::verdict::Verdict,
    as_of: String,
    /// Steps left out because they are retired (or kept on request, `kept: true`).
    #[serde(skip_serializing_if = "crate::retirement::Retired::is_empty")]
    retired: &'a crate::retirement::Retired,
    #[serde(skip_serializing_if = "Option::is_none")]
    least_privilege: Option<LeastPrivilege<'a>>,
    /// With `--certificate-file`: the certificate uploaded (`certificate.pem`).
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate: Option<&'a crate::certificate::Certificate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keyvault: Option<KeyVault<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    owners: &'a [String],
    notes: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_management_reference: Option<&'a str>,
    /// With `--mailbox-scope`: the Exchange RBAC for Applications roles, in place of Entra grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    mailbox_scope: Option<MailboxScope<'a>>,
    warnings: &'a [Diagnostic],
}

#[derive(Serialize)]
struct KeyVault<'a> {
    vault: &'a str,
    certificate: &'a str,
}

#[derive(Serialize)]
struct MailboxScope<'a> {
    scope: &'a crate::values::MailboxScope,
    roles: Vec<&'a str>,
}

#[derive(Serialize)]
struct ExchangeIndex<'a> {
    roles: Vec<ExchangeRoleIndex<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_folders: Option<&'a crate::profile::PublicFolderRight>,
}

#[derive(Serialize)]
struct ExchangeRoleIndex<'a> {
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    purpose: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    retirement: Vec<Milestone>,
}

#[derive(Serialize)]
struct Milestone {
    date: &'static str,
    event: &'static str,
}

#[derive(Serialize)]
struct AppIndex<'a> {
    slug: &'a str,
    display_name: &'a str,
    manifest: &'a str,
    credential: &'static str,
    sign_in_audience: &'static str,
    permissions: Vec<crate::plan::PermissionRow<'a>>,
    #[serde(rename = "requiredResourceAccess")]
    required_resource_access: Vec<super::manifest::RequiredResourceAccess<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    directory_roles: &'a [PlannedRole],
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_uris: Option<&'a RedirectUris>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    public_client_flows: bool,
}

/// Who made a bundle, from which catalog: the head of every `bundle.json`.
#[derive(Serialize)]
pub(crate) struct Generator<'a> {
    name: &'static str,
    version: &'static str,
    catalog_snapshot: &'a str,
}

impl<'a> Generator<'a> {
    pub(crate) fn new(catalog_snapshot: &'a str) -> Generator<'a> {
        Generator { name: "m365-runbook", version: env!("CARGO_PKG_VERSION"), catalog_snapshot }
    }
}

#[derive(Serialize)]
struct ProfileRef<'a> {
    id: &'a str,
    vendor: &'a str,
    product: &'a str,
    version: &'a str,
    title: &'a str,
    source: &'a crate::profile::Source,
}

/// What `--least-privilege` narrowed, and what stays tenant-wide.
#[derive(Serialize)]
struct LeastPrivilege<'a> {
    replaced: Vec<Replaced<'a>>,
    role: &'a str,
    /// The sites granted `role` one by one.
    sites: Vec<&'a str>,
    tenant_wide: Vec<crate::plan::PermissionName<'a>>,
}

#[derive(Serialize)]
struct Replaced<'a> {
    api: &'a str,
    name: &'a str,
    replaced_by: &'a str,
}

#[derive(Serialize)]
struct Values<'a> {
    tenant: &'a str,
    tenant_domain: &'a str,
    tenant_id: Option<String>,
    client_id: Option<String>,
    app_name: &'a str,
    credential: &'static str,
    secret_years: u8,
    cloud: &'a str,
}

pub fn render(plan: &Plan<'_>, warnings: &[Diagnostic], files: &[&str]) -> String {
    let p = plan.profile;
    let index = Index {
        generator: Generator::new(plan.catalog_date),
        profile: ProfileRef {
            id: &p.id,
            vendor: &p.vendor,
            product: &p.product,
            version: &p.version,
            title: &p.title,
            source: &p.source,
        },
        values: Values {
            tenant: plan.tenant.as_str(),
            tenant_domain: &plan.tenant_domain,
            tenant_id: plan.tenant_id.as_ref().map(ToString::to_string),
            client_id: plan.client_id.as_ref().map(ToString::to_string),
            app_name: &plan.app_name,
            credential: plan.credential.as_str(),
            secret_years: plan.secret_years.get(),
            cloud: &plan.cloud.id,
        },
        files,
        permissions: crate::plan::permission_rows(&plan.apis, false),
        required_resource_access: super::manifest::required_resource_access(plan),
        sharepoint_add_in: plan.add_in,
        sharepoint_tenant_settings: &plan.tenant_settings,
        inputs: &p.inputs,
        selection: &plan.selection,
        omitted: &plan.extras.omitted,
        directory_roles: &plan.extras.roles,
        redirect_uris: p.app.redirect_uris.as_ref(),
        public_client_flows: p.app.public_client_flows.unwrap_or(false),
        admin_roles: &plan.extras.admin_roles,
        exchange: (!plan.extras.exchange_roles.is_empty() || plan.extras.public_folders.is_some()).then(|| {
            ExchangeIndex {
                roles: plan
                    .extras
                    .exchange_roles
                    .iter()
                    .map(|r| ExchangeRoleIndex {
                        role: r.role.name,
                        purpose: r.purpose,
                        retirement: r
                            .role
                            .retirement
                            .iter()
                            .map(|m| Milestone { date: m.date, event: m.event })
                            .collect(),
                    })
                    .collect(),
                public_folders: plan.extras.public_folders,
            }
        }),
        apps: plan
            .extras
            .apps
            .iter()
            .map(|a| AppIndex {
                slug: a.slug,
                display_name: a.display_name,
                manifest: &a.manifest,
                credential: a.credential.map_or("none", |c| c.as_str()),
                sign_in_audience: a.sign_in_audience.as_str(),
                permissions: crate::plan::permission_rows(&a.apis, false),
                required_resource_access: super::manifest::of_apis(&a.apis),
                directory_roles: &a.roles,
                redirect_uris: a.redirect_uris,
                public_client_flows: a.public_client_flows,
            })
            .collect(),
        verdict: crate::verdict::judge(plan),
        as_of: plan.as_of.to_string(),
        retired: &plan.retired,
        least_privilege: plan.least_privilege.as_ref().map(|l| LeastPrivilege {
            replaced: l.replaced.iter().map(|(api, name, by)| Replaced { api, name, replaced_by: by }).collect(),
            role: l.role,
            tenant_wide: l.tenant_wide.iter().map(|(api, name)| crate::plan::PermissionName { api, name }).collect(),
            sites: l.sites.iter().map(|s| s.url.as_str()).collect(),
        }),
        certificate: match &plan.certificate_source {
            crate::plan::CertificateSource::File(c) => Some(c),
            _ => None,
        },
        keyvault: match &plan.certificate_source {
            crate::plan::CertificateSource::KeyVault { vault, name } => Some(KeyVault { vault, certificate: name }),
            _ => None,
        },
        owners: &plan.owners,
        notes: &plan.app_notes,
        service_management_reference: plan.service_management_reference.as_deref(),
        mailbox_scope: plan
            .mailbox_scope
            .as_ref()
            .map(|m| MailboxScope { scope: &m.scope, roles: m.roles.iter().map(|(_, r)| r.as_str()).collect() }),
        warnings,
    };
    super::json_text(&index)
}
