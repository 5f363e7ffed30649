//! What templates see: a flat, serialisable view of a plan. Raw values only; each template quotes
//! them for its own language.

use serde::Serialize;

use crate::catalog::Kind;
use crate::diagnostic::Diagnostic;
use crate::plan::Plan;
use crate::profile::{InputChannel, InputSource, SettingValue};

#[derive(Serialize)]
pub struct View<'a> {
    pub header: String,
    /// markdown, docusaurus or gitbook: what `runbook.md` is written for.
    pub flavor: super::Flavor,
    /// A page of `m365-runbook docs`: placeholder values and no bundle beside it.
    pub docs: bool,
    /// Docusaurus sidebar position of a docs page.
    pub sidebar_position: Option<usize>,
    /// One sentence for front matter and index pages.
    pub description: String,
    /// Entries of a GitBook `SUMMARY.md`: the page, or every page of `docs`.
    pub summary: Vec<SummaryEntry>,
    pub tool_version: &'static str,
    pub catalog_date: &'a str,
    pub profile: ProfileView<'a>,
    pub origin: &'a str,
    pub tenant: &'a str,
    pub tenant_domain: &'a str,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub sign_in_tenant: String,
    pub app_name: &'a str,
    /// The OData `$filter` that finds the app by its exact name, quotes doubled.
    pub app_filter: String,
    /// The JSON body of Graph's `POST /applications` that creates the app.
    pub app_create_body: String,
    /// The short-lived app that grants site permissions under `--least-privilege`.
    pub site_helper: Option<SiteHelperView>,
    pub sign_in_audience: &'static str,
    pub credential: &'static str,
    pub secret_years: u8,
    pub cloud: &'a crate::cloud::Cloud,
    pub sharepoint_admin_url: String,
    /// The Microsoft Entra admin center of the cloud.
    pub entra_admin_center: String,
    /// Where admin consent is granted by hand: the app's **API permissions** page in the Entra
    /// admin center, with its **Grant admin consent** button. The `/adminconsent` URL is not
    /// offered: it needs a `redirect_uri` registered on the app, which these apps do not have
    /// (AADSTS500113), see learn.microsoft.com/entra/identity-platform/v2-admin-consent.
    pub consent_page_url: String,
    pub cert_name: String,
    pub apis: Vec<ApiView<'a>>,
    pub has_application: bool,
    pub has_delegated: bool,
    pub add_in: Option<AddInView<'a>>,
    pub tenant_settings: Vec<SettingView<'a>>,
    pub inputs_via: &'static str,
    pub inputs: Vec<InputView<'a>>,
    pub has_secret_input: bool,
    pub warnings: Vec<WarningView>,
    pub corrections: Vec<CorrectionView<'a>>,
    pub files: Vec<String>,
    pub least_privilege: Option<LeastPrivilegeView<'a>>,
    /// The profile asks for Exchange `full_access_as_app` (EWS).
    pub exchange_ews: bool,
    /// The certificate was chosen for the profile (not asked for) because SharePoint needs one.
    pub certificate_by_default: bool,
    /// The date the bundle is judged by.
    pub as_of: String,
    /// Works as documented, with changes, or not at all: the runbook's first line.
    pub verdict: crate::verdict::Verdict,
    /// Steps left out because they are retired (or kept with `include_retired`).
    pub retired: &'a crate::retirement::Retired,
    /// The product takes a client secret only (its inputs).
    pub secret_only: bool,
    /// Users made owners of the app.
    pub owners: Vec<OwnerView<'a>>,
    pub app_notes: &'a str,
    pub service_management_reference: Option<&'a str>,
    /// The JSON body of `PATCH /applications` that sets notes, reference and the property lock
    /// on an app that exists.
    pub app_update_body: String,
    /// With `--certificate-file`: the certificate uploaded (written to the bundle as `certificate.pem`).
    pub certificate: Option<CertificateView<'a>>,
    /// With `--keyvault`: the Key Vault certificate uploaded.
    pub keyvault: Option<KeyVaultView<'a>>,
    /// With `--mailbox-scope`: Exchange RBAC for Applications in place of tenant-wide mail grants.
    pub mailbox_scope: Option<MailboxScopeView<'a>>,
    /// The Graph application permissions a runner service principal needs to run the scripts.
    pub runner_permissions: Vec<&'static str>,
    /// An input of the product takes the certificate file's path.
    pub uses_certificate_path: bool,
    /// Format 2: any permission carries workload or usage tags.
    pub tagged: bool,
    /// Format 2: every permission of every app with its tags and purpose, for the runbook's table.
    pub tagged_rows: Vec<TaggedRowView<'a>>,
    /// `--workloads`/`--without`, as a phrase; None when everything is rendered.
    pub selection: Option<String>,
    /// What the selection left out.
    pub omitted: &'a [String],
    /// Directory roles assigned to the main app's service principal.
    pub directory_roles: Vec<RoleView<'a>>,
    pub redirect_uris: Option<RedirectView<'a>>,
    /// "Allow public client flows".
    pub public_client_flows: bool,
    /// Roles the signed-in administrator needs, and what for.
    pub admin_roles: Vec<AdminRoleView<'a>>,
    pub exchange_roles: Vec<ExchangeRoleView<'a>>,
    pub public_folders: Option<PublicFolderView<'a>>,
    /// `exchange-online.ps1` has steps for a user account (roles or public-folder rights).
    pub exchange_user_steps: bool,
    /// The further apps, in the order the scripts register them.
    pub other_apps: Vec<OtherAppView<'a>>,
    /// Where directory role template ids come from.
    pub roles_source: &'static str,
}

#[derive(Serialize)]
pub struct OwnerView<'a> {
    /// As given: a user principal name or an object id.
    pub name: &'a str,
    /// Given as an object id: no lookup needed.
    pub is_id: bool,
}

#[derive(Serialize)]
pub struct CertificateView<'a> {
    pub file: &'a str,
    pub thumbprint: &'a str,
    pub not_before: &'a str,
    pub not_after: &'a str,
    pub subject: Option<&'a str>,
    /// The credential's display name on the app, by which a second run finds it.
    pub label: String,
}

#[derive(Serialize)]
pub struct KeyVaultView<'a> {
    pub vault: &'a str,
    pub name: &'a str,
}

#[derive(Serialize)]
pub struct MailboxScopeView<'a> {
    /// `group` (a mail-enabled security group's address) or `filter` (a recipient filter).
    pub kind: &'static str,
    pub value: &'a str,
    pub roles: Vec<MailboxRoleView<'a>>,
}

#[derive(Serialize)]
pub struct MailboxRoleView<'a> {
    pub permission: &'a str,
    pub role: &'a str,
}

#[derive(Serialize)]
pub struct TaggedRowView<'a> {
    /// The further app's slug, or None for the main app.
    pub app: Option<&'a str>,
    pub api: &'a str,
    pub name: &'a str,
    pub entra_type: &'static str,
    /// `exchange, teams`, or `all`.
    pub workloads: String,
    /// `backup, restore`, or `all`.
    pub usage: String,
    pub purpose: Option<&'a str>,
}

#[derive(Serialize)]
pub struct RoleView<'a> {
    pub name: &'a str,
    pub template_id: &'a str,
    pub purpose: Option<&'a str>,
}

#[derive(Serialize)]
pub struct RedirectView<'a> {
    pub web: &'a [String],
    pub public_client: &'a [String],
}

#[derive(Serialize)]
pub struct AdminRoleView<'a> {
    pub any_of: &'a [&'static str],
    /// `Global Administrator or Exchange Administrator`.
    pub text: String,
    pub purpose: &'a str,
}

#[derive(Serialize)]
pub struct ExchangeRoleView<'a> {
    pub name: &'static str,
    pub purpose: Option<&'a str>,
    pub retirement: Vec<RetirementView>,
    /// Microsoft has announced the role's retirement (lint judges the dates against `--as-of`).
    pub retired: bool,
    pub source: &'static str,
}

#[derive(Serialize)]
pub struct RetirementView {
    pub date: &'static str,
    pub event: &'static str,
}

#[derive(Serialize)]
pub struct PublicFolderView<'a> {
    pub access_rights: &'a str,
    pub purpose: Option<&'a str>,
}

#[derive(Serialize)]
pub struct OtherAppView<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub purpose: Option<&'a str>,
    pub manifest: &'a str,
    pub sign_in_audience: &'static str,
    /// `secret`, `certificate` or `none`.
    pub credential: &'static str,
    pub apis: Vec<ApiView<'a>>,
    pub has_application: bool,
    pub has_delegated: bool,
    pub directory_roles: Vec<RoleView<'a>>,
    pub redirect_uris: Option<RedirectView<'a>>,
    pub public_client_flows: bool,
    /// Shell variable prefix for this app in the scripts (`APP_2`).
    pub var: String,
    /// The OData filter that finds it by its exact name.
    pub filter: String,
    /// Graph's `POST /applications` body that creates it.
    pub create_body: String,
}

#[derive(Clone, Serialize)]
pub struct SummaryEntry {
    pub title: String,
    pub path: String,
}

#[derive(Serialize)]
pub struct LeastPrivilegeView<'a> {
    pub replaced: Vec<ReplacedView<'a>>,
    pub role: &'a str,
    pub sites: &'a [crate::values::SiteUrl],
    pub site_count: usize,
    /// One `HOST PATH` line per site, for the scripts' loop.
    pub site_lines: String,
    /// Sites.*.All became Sites.Selected: the sites are granted one by one.
    pub sites_selected: bool,
    /// Files.*.All became Files.SelectedOperations.Selected: drives are granted one by one.
    pub files_selected: bool,
    /// Application permissions that keep their tenant-wide reach.
    pub tenant_wide: Vec<TenantWideView<'a>>,
}

#[derive(Serialize)]
pub struct SiteHelperView {
    pub name: String,
    pub filter: String,
    pub create_body: String,
    pub graph_app_id: &'static str,
    pub full_control_id: &'static str,
}

/// An OData string literal test of `displayName`: `'` is written `''` (OData ABNF, `SQUOTE-in-string`).
pub fn display_name_filter(name: &str) -> String {
    format!("displayName eq '{}'", name.replace('\'', "''"))
}

#[derive(Serialize)]
pub struct TenantWideView<'a> {
    pub api: &'a str,
    pub name: &'a str,
}

#[derive(Serialize)]
pub struct ReplacedView<'a> {
    pub api: &'a str,
    pub name: &'a str,
    /// The selected-scope permission asked for instead.
    pub by: &'a str,
}

/// What templates see of the profile itself; its permissions, corrections, SharePoint steps and
/// inputs reach them resolved, as `apis`, `corrections`, `add_in`, `tenant_settings`, `inputs`.
#[derive(Serialize)]
pub struct ProfileView<'a> {
    pub id: &'a str,
    pub vendor: &'a str,
    pub product: &'a str,
    pub version: &'a str,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub source: &'a crate::profile::Source,
    pub notes: &'a [String],
}

#[derive(Serialize)]
pub struct ApiView<'a> {
    pub name: &'a str,
    pub app_id: &'a str,
    pub retired: bool,
    pub application: Vec<PermissionView<'a>>,
    pub delegated: Vec<PermissionView<'a>>,
    /// Delegated permission names joined by spaces: the `scope` of an oauth2PermissionGrant.
    pub delegated_scope: String,
}

#[derive(Serialize)]
pub struct PermissionView<'a> {
    pub name: &'a str,
    pub id: &'a str,
    pub kind: &'static str,
    pub entra_type: &'static str,
    pub summary: &'a str,
    /// Format 2 tags: `exchange, teams` / `backup` (empty when the row serves all).
    pub workloads: String,
    pub usage: String,
    pub purpose: Option<&'a str>,
}

#[derive(Serialize)]
pub struct AddInView<'a> {
    pub xml: String,
    /// The lines to paste into appinv.aspx: the document without its provenance comment.
    pub pasted: Vec<String>,
    pub appinv_url: String,
    pub allow_app_only_policy: bool,
    pub requests: &'a [crate::profile::AddInRequest],
}

#[derive(Serialize)]
pub struct SettingView<'a> {
    pub name: &'a str,
    pub value: &'a SettingValue,
}

#[derive(Serialize)]
pub struct InputView<'a> {
    pub name: &'a str,
    pub from: &'static str,
    /// What the value is, for people: "Application (client) ID".
    pub label: &'static str,
    /// The value when known at render time.
    pub value: Option<String>,
    /// Shown where the value is not known yet; cannot pass for a real value.
    pub placeholder: String,
    pub secret: bool,
    /// The shell variable holding it at the end of the registration scripts.
    pub script_var: &'static str,
}

#[derive(Serialize)]
pub struct WarningView {
    pub code: String,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Serialize)]
pub struct CorrectionView<'a> {
    pub published: String,
    pub corrected: Option<String>,
    pub reason: &'a str,
}

pub fn build<'a>(
    plan: &'a Plan<'_>,
    warnings: &[Diagnostic],
    files: &[&str],
    header: &str,
    flavor: super::Flavor,
    page: super::Page,
) -> View<'a> {
    let profile = plan.profile;
    let apis = api_views(&plan.apis);
    let extras = &plan.extras;
    let mut tagged_rows = tagged_rows(None, &plan.apis);
    for app in &extras.apps {
        tagged_rows.extend(self::tagged_rows(Some(app.slug), &app.apis));
    }
    let tagged = tagged_rows.iter().any(|r| r.workloads != "all" || r.usage != "all");
    let inputs: Vec<InputView> = profile.inputs.values.iter().map(|i| input_view(plan, &i.name, i.from)).collect();
    let retired_add_in = match &plan.retired.add_in {
        Some(crate::retirement::Why::Retired { date, event }) => {
            Some(format!("on {date}, {event}. Kept only on request (include_retired)."))
        }
        _ => None,
    };
    View {
        header: header.to_string(),
        flavor,
        docs: matches!(page, super::Page::Docs { .. }),
        sidebar_position: match page {
            super::Page::Docs { position } => Some(position),
            super::Page::Bundle => None,
        },
        description: super::description(profile),
        summary: vec![SummaryEntry { title: profile.title.clone(), path: super::RUNBOOK.to_string() }],
        tool_version: env!("CARGO_PKG_VERSION"),
        catalog_date: plan.catalog_date,
        profile: ProfileView {
            id: &profile.id,
            vendor: &profile.vendor,
            product: &profile.product,
            version: &profile.version,
            title: &profile.title,
            summary: profile.summary.as_deref(),
            source: &profile.source,
            notes: &profile.notes,
        },
        origin: plan.origin,
        tenant: plan.tenant.as_str(),
        tenant_domain: &plan.tenant_domain,
        tenant_id: plan.tenant_id.as_ref().map(ToString::to_string),
        client_id: plan.client_id.as_ref().map(ToString::to_string),
        sign_in_tenant: plan.sign_in_tenant(),
        app_name: &plan.app_name,
        app_filter: display_name_filter(&plan.app_name),
        app_create_body: super::manifest::create_body(
            &plan.app_name,
            profile.app.sign_in_audience.as_str(),
            &super::manifest::required_resource_access(plan),
            Some(&super::manifest::Hardening::of(plan)),
        ),
        app_update_body: serde_json::to_string(&super::manifest::Hardening::of(plan)).unwrap_or_default(),
        owners: plan.owners.iter().map(|o| OwnerView { name: o, is_id: !o.contains('@') }).collect(),
        app_notes: &plan.app_notes,
        service_management_reference: plan.service_management_reference.as_deref(),
        certificate: match &plan.certificate_source {
            crate::plan::CertificateSource::File(c)
                if plan.credential == crate::profile::CredentialKind::Certificate =>
            {
                Some(CertificateView {
                    file: &c.file,
                    thumbprint: &c.thumbprint,
                    not_before: &c.not_before,
                    not_after: &c.not_after,
                    subject: c.subject.as_deref(),
                    label: format!("m365-runbook {}", c.thumbprint),
                })
            }
            _ => None,
        },
        keyvault: match &plan.certificate_source {
            crate::plan::CertificateSource::KeyVault { vault, name } => Some(KeyVaultView { vault, name }),
            _ => None,
        },
        mailbox_scope: plan.mailbox_scope.as_ref().map(|m| MailboxScopeView {
            kind: match m.scope {
                crate::values::MailboxScope::Group(_) => "group",
                crate::values::MailboxScope::Filter(_) => "filter",
            },
            value: match &m.scope {
                crate::values::MailboxScope::Group(v) | crate::values::MailboxScope::Filter(v) => v,
            },
            roles: m.roles.iter().map(|(p, r)| MailboxRoleView { permission: p, role: r }).collect(),
        }),
        runner_permissions: runner_permissions(plan),
        uses_certificate_path: profile.inputs.values.iter().any(|i| i.from == InputSource::CertificatePath),
        site_helper: plan
            .least_privilege
            .as_ref()
            .filter(|l| l.sites_selected && !l.sites.is_empty())
            .and_then(|l| l.granter)
            .map(|(graph, p)| {
                let name = format!("{} (site grants)", plan.app_name);
                let access =
                    serde_json::json!([{"resourceAppId": graph, "resourceAccess": [{"id": p.id, "type": "Role"}]}]);
                SiteHelperView {
                    filter: display_name_filter(&name),
                    create_body: super::manifest::create_body(&name, "AzureADMyOrg", &access, None),
                    name,
                    graph_app_id: graph,
                    full_control_id: p.id,
                }
            }),
        sign_in_audience: profile.app.sign_in_audience.as_str(),
        credential: plan.credential.as_str(),
        secret_years: plan.secret_years.get(),
        cloud: &plan.cloud,
        sharepoint_admin_url: plan.sharepoint_admin_url(),
        entra_admin_center: plan.cloud.entra(),
        consent_page_url: match &plan.client_id {
            Some(id) => format!(
                "{}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/{id}/isMSAApp~/false",
                plan.cloud.entra()
            ),
            None => plan.cloud.entra(),
        },
        cert_name: format!("{}-{}", plan.tenant, profile.id),
        apis,
        has_application: plan.application_permissions().next().is_some(),
        has_delegated: plan.has_delegated(),
        add_in: plan.add_in.map(|a| AddInView {
            xml: super::appinv::render(a, header, retired_add_in.as_deref()),
            pasted: super::appinv::render(a, header, None)
                .lines()
                .filter(|l| !l.trim_start().starts_with("<!--") && !l.trim().is_empty())
                .map(str::to_string)
                .collect(),
            appinv_url: format!("{}/_layouts/15/appinv.aspx", plan.sharepoint_admin_url()),
            allow_app_only_policy: a.allow_app_only_policy,
            requests: &a.requests,
        }),
        tenant_settings: plan.tenant_settings.iter().map(|s| SettingView { name: &s.name, value: &s.value }).collect(),
        inputs_via: match profile.inputs.via {
            InputChannel::Environment => "environment",
            InputChannel::Form => "form",
        },
        has_secret_input: inputs.iter().any(|i| i.secret),
        inputs,
        warnings: warnings
            .iter()
            .map(|d| WarningView {
                code: d.code.clone().unwrap_or_default(),
                message: d.message.clone(),
                help: d.help.clone(),
            })
            .collect(),
        corrections: profile
            .corrections
            .iter()
            .map(|c| CorrectionView {
                published: format!("{} | {} | {}", c.published.api, c.published.name, c.published.kind),
                corrected: c.corrected.as_ref().map(|r| format!("{} | {} | {}", r.api, r.name, r.kind)),
                reason: &c.reason,
            })
            .collect(),
        files: files.iter().map(|f| f.to_string()).collect(),
        least_privilege: plan.least_privilege.as_ref().map(|l| LeastPrivilegeView {
            replaced: l.replaced.iter().map(|(api, name, by)| ReplacedView { api, name, by }).collect(),
            role: l.role,
            sites: &l.sites,
            site_count: l.sites.len(),
            site_lines: l.sites.iter().map(|s| format!("{} {}", s.host, s.path)).collect::<Vec<_>>().join("\n"),
            sites_selected: l.sites_selected,
            files_selected: l.files_selected,
            tenant_wide: l.tenant_wide.iter().map(|(api, name)| TenantWideView { api, name }).collect(),
        }),
        exchange_ews: plan.uses_ews(),
        certificate_by_default: plan.credential == crate::profile::CredentialKind::Certificate
            && profile.app.credential == crate::profile::CredentialKind::Secret
            && plan.credential_defaulted,
        tagged,
        tagged_rows: if tagged { tagged_rows } else { Vec::new() },
        selection: (!plan.selection.is_all()).then(|| plan.selection.describe()),
        omitted: &extras.omitted,
        directory_roles: role_views(&extras.roles),
        redirect_uris: redirect_view(profile.app.redirect_uris.as_ref()),
        public_client_flows: profile.app.public_client_flows.unwrap_or(false),
        admin_roles: extras
            .admin_roles
            .iter()
            .map(|a| AdminRoleView { any_of: &a.any_of, text: a.any_of.join(" or "), purpose: a.purpose })
            .collect(),
        exchange_roles: extras
            .exchange_roles
            .iter()
            .map(|r| ExchangeRoleView {
                name: r.role.name,
                purpose: r.purpose,
                retirement: r.role.retirement.iter().map(|m| RetirementView { date: m.date, event: m.event }).collect(),
                retired: !r.role.retirement.is_empty(),
                source: r.role.source,
            })
            .collect(),
        public_folders: extras
            .public_folders
            .map(|f| PublicFolderView { access_rights: &f.access_rights, purpose: f.purpose.as_deref() }),
        exchange_user_steps: !extras.exchange_roles.is_empty() || extras.public_folders.is_some(),
        other_apps: extras
            .apps
            .iter()
            .enumerate()
            .map(|(i, a)| OtherAppView {
                slug: a.slug,
                name: a.display_name,
                purpose: a.purpose,
                manifest: &a.manifest,
                sign_in_audience: a.sign_in_audience.as_str(),
                credential: a.credential.map_or("none", |c| c.as_str()),
                apis: api_views(&a.apis),
                has_application: a.apis.iter().any(|x| x.of_kind(Kind::Application).next().is_some()),
                has_delegated: a.apis.iter().any(|x| x.of_kind(Kind::Delegated).next().is_some()),
                directory_roles: role_views(&a.roles),
                redirect_uris: redirect_view(a.redirect_uris),
                public_client_flows: a.public_client_flows,
                var: format!("APP_{}", i + 2),
                filter: display_name_filter(a.display_name),
                create_body: super::manifest::create_body(
                    a.display_name,
                    a.sign_in_audience.as_str(),
                    &super::manifest::of_apis(&a.apis),
                    None,
                ),
            })
            .collect(),
        roles_source: crate::roles::DIRECTORY_ROLES_SOURCE,
        as_of: plan.as_of.to_string(),
        verdict: crate::verdict::judge(plan),
        retired: &plan.retired,
        secret_only: crate::plan::accepted_credentials(profile) == [crate::profile::CredentialKind::Secret],
    }
}

/// The Microsoft Graph application permissions a runner service principal needs for the
/// registration script ("Microsoft Graph permissions reference" and each call's reference page:
/// POST /applications, appRoleAssignedTo, oauth2PermissionGrants, owners, users).
fn runner_permissions(plan: &Plan<'_>) -> Vec<&'static str> {
    let mut p = vec!["Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All"];
    if plan.has_delegated() {
        p.push("DelegatedPermissionGrant.ReadWrite.All");
    }
    if plan.owners.iter().any(|o| o.contains('@')) {
        p.push("User.Read.All");
    }
    p
}

fn join_or_all<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        "all".to_string()
    } else {
        items.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    }
}

fn api_views(apis: &[crate::plan::PlannedApi]) -> Vec<ApiView<'_>> {
    apis.iter()
        .map(|a| {
            let perms = |kind: Kind| -> Vec<PermissionView<'_>> {
                a.of_kind(kind)
                    .map(|p| PermissionView {
                        name: p.data.name,
                        id: p.data.id,
                        kind: kind.as_str(),
                        entra_type: kind.entra_type(),
                        summary: p.data.summary(),
                        workloads: join_or_all(&p.workloads()),
                        usage: join_or_all(&p.usage()),
                        purpose: p.purpose.as_deref(),
                    })
                    .collect()
            };
            let delegated = perms(Kind::Delegated);
            let delegated_scope = delegated.iter().map(|p| p.name).collect::<Vec<_>>().join(" ");
            ApiView {
                name: a.resource.display_name,
                app_id: a.resource.app_id,
                retired: a.resource.is_retired(),
                application: perms(Kind::Application),
                delegated,
                delegated_scope,
            }
        })
        .collect()
}

fn tagged_rows<'a>(app: Option<&'a str>, apis: &'a [crate::plan::PlannedApi]) -> Vec<TaggedRowView<'a>> {
    apis.iter()
        .flat_map(|a| {
            a.permissions.iter().map(move |p| TaggedRowView {
                app,
                api: a.resource.display_name,
                name: p.data.name,
                entra_type: if p.kind == Kind::Application { "Application" } else { "Delegated" },
                workloads: join_or_all(&p.workloads()),
                usage: join_or_all(&p.usage()),
                purpose: p.purpose.as_deref(),
            })
        })
        .collect()
}

fn role_views(roles: &[crate::plan_extras::PlannedRole]) -> Vec<RoleView<'_>> {
    roles.iter().map(|r| RoleView { name: r.name, template_id: r.template_id, purpose: r.purpose.as_deref() }).collect()
}

fn redirect_view(uris: Option<&crate::profile::RedirectUris>) -> Option<RedirectView<'_>> {
    uris.filter(|u| !u.web.is_empty() || !u.public_client.is_empty())
        .map(|u| RedirectView { web: &u.web, public_client: &u.public_client })
}

fn input_view<'a>(plan: &Plan<'_>, name: &'a str, from: InputSource) -> InputView<'a> {
    let (from_key, label, value, script_var) = match from {
        InputSource::TenantId => {
            ("tenant_id", "Directory (tenant) ID", plan.tenant_id.as_ref().map(ToString::to_string), "TENANT_ID")
        }
        InputSource::TenantDomain => {
            ("tenant_domain", "Tenant domain", Some(plan.tenant_domain.clone()), "TENANT_DOMAIN")
        }
        InputSource::ClientId => {
            ("client_id", "Application (client) ID", plan.client_id.as_ref().map(ToString::to_string), "APP_ID")
        }
        InputSource::ClientSecret => ("client_secret", "Client secret value", None, "SECRET"),
        InputSource::CertificatePath => {
            ("certificate_path", "Certificate and private key file (PEM)", None, "PEM_FILE")
        }
        InputSource::CertificateThumbprint => ("certificate_thumbprint", "Certificate thumbprint", None, "THUMBPRINT"),
    };
    InputView {
        name,
        from: from_key,
        label,
        value,
        placeholder: format!("<fill in: {}>", label.to_lowercase()),
        secret: from == InputSource::ClientSecret,
        script_var,
    }
}
