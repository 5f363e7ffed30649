//! Profiles as written: what one vendor page asks for, in YAML (see `profiles/FORMAT.md`).
//!
//! These structs mirror the file and reject unknown fields; names are resolved against the
//! catalog later, in `plan`, so that every problem can be reported with its position.

mod builtin;
mod load;
pub mod starter;
pub mod tags;

use serde::{Deserialize, Serialize};

pub use builtin::{BUILTIN_PROFILES, BuiltinProfile, find_builtin};
pub use load::{LoadedProfile, LoadedProfileRef, ProfileSet};
pub use tags::{PermissionEntry, Selection, TaggedPermission, Tags, Usage, Workload};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// 1 (the default) or 2: format 2 adds tags, roles, redirect URIs and further apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<u8>,
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub vendor: String,
    pub product: String,
    pub version: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub source: Source,
    pub app: App,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clouds: Option<Vec<String>>,
    pub permissions: Vec<ApiPermissions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharepoint: Option<SharePoint>,
    pub inputs: Inputs,
    /// Format 2: further apps the product registers besides the main one, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<ExtraApp>,
    /// Format 2: directory roles the signed-in administrator needs, and what for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admin_roles: Vec<AdminRole>,
    /// Format 2: Exchange Online roles and public-folder rights for a user account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<Exchange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub url: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    pub display_name: String,
    #[serde(default)]
    pub sign_in_audience: SignInAudience,
    #[serde(default)]
    pub credential: CredentialKind,
    #[serde(default = "yes")]
    pub unattended: bool,
    /// Format 2: sign-in redirect URIs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uris: Option<RedirectUris>,
    /// Format 2: "Allow public client flows" (`isFallbackPublicClient`), e.g. for device-code sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_client_flows: Option<bool>,
    /// Format 2: directory roles assigned to the app's service principal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub directory_roles: Vec<RoleEntry>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectUris {
    /// Platform "Web" (`web.redirectUris`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub web: Vec<String>,
    /// Platform "Mobile and desktop applications" (`publicClient.redirectUris`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_client: Vec<String>,
}

/// A role by name (a directory role from "Microsoft Entra built-in roles", or an Exchange
/// management role), with what it is for and its tags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleEntry {
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<Usage>,
}

/// Roles the signed-in administrator needs for a task: any one of `any_of`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminRole {
    pub any_of: Vec<String>,
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<Usage>,
}

/// A further app: its own registration, permissions, manifest and roles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraApp {
    /// Lowercase letters, digits and `-`: names its manifest, `app-manifest-SLUG.json`.
    pub slug: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(default)]
    pub sign_in_audience: SignInAudience,
    /// Default: the main app's credential kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<ExtraCredential>,
    pub permissions: Vec<ApiPermissions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uris: Option<RedirectUris>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_client_flows: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub directory_roles: Vec<RoleEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<Usage>,
}

/// What a further app signs in with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtraCredential {
    Secret,
    Certificate,
    /// No credential: a public client (device code, a restore portal signing users in).
    None,
}

/// Exchange Online steps for a user account the product signs in with.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// Management roles (`New-ManagementRoleAssignment -User`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<ExchangeRoleEntry>,
    /// A right on every public folder (`Add-PublicFolderClientPermission -AccessRights`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_folders: Option<PublicFolderRight>,
}

/// An Exchange management role, written like a directory role: name, purpose and tags.
pub type ExchangeRoleEntry = RoleEntry;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicFolderRight {
    pub access_rights: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<Usage>,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInAudience {
    #[default]
    AzureADMyOrg,
    AzureADMultipleOrgs,
}

impl SignInAudience {
    pub fn as_str(self) -> &'static str {
        match self {
            SignInAudience::AzureADMyOrg => "AzureADMyOrg",
            SignInAudience::AzureADMultipleOrgs => "AzureADMultipleOrgs",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CredentialKind {
    #[default]
    Secret,
    Certificate,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Secret => "secret",
            CredentialKind::Certificate => "certificate",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiPermissions {
    pub api: String,
    /// Format 2: tags every entry of this group inherits unless it has its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<Usage>,
    #[serde(default)]
    pub application: Vec<PermissionEntry>,
    #[serde(default)]
    pub delegated: Vec<PermissionEntry>,
}

impl ApiPermissions {
    pub fn new(api: &str) -> ApiPermissions {
        ApiPermissions {
            api: api.to_string(),
            workloads: Vec::new(),
            usage: Vec::new(),
            application: Vec::new(),
            delegated: Vec::new(),
        }
    }

    /// The group's own tags, which its entries inherit.
    pub fn tags(&self) -> Tags {
        Tags { workloads: self.workloads.clone(), usage: self.usage.clone() }
    }

    pub fn entries(&self, kind: crate::catalog::Kind) -> &[PermissionEntry] {
        match kind {
            crate::catalog::Kind::Application => &self.application,
            crate::catalog::Kind::Delegated => &self.delegated,
        }
    }
}

impl RoleEntry {
    pub fn tags(&self) -> Tags {
        Tags { workloads: self.workloads.clone(), usage: self.usage.clone() }
    }
}

impl AdminRole {
    pub fn tags(&self) -> Tags {
        Tags { workloads: self.workloads.clone(), usage: self.usage.clone() }
    }
}

impl PublicFolderRight {
    pub fn tags(&self) -> Tags {
        Tags { workloads: self.workloads.clone(), usage: self.usage.clone() }
    }
}

impl ExtraApp {
    pub fn tags(&self) -> Tags {
        Tags { workloads: self.workloads.clone(), usage: self.usage.clone() }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharePoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_in: Option<AddIn>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenant_settings: Vec<TenantSetting>,
}

/// The `AppPermissionRequests` grant made through `appinv.aspx`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddIn {
    #[serde(default)]
    pub allow_app_only_policy: bool,
    pub requests: Vec<AddInRequest>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddInRequest {
    pub scope: String,
    pub right: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSetting {
    pub name: String,
    pub value: SettingValue,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SettingValue {
    Bool(bool),
    Int(i64),
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    pub via: InputChannel,
    pub values: Vec<InputValue>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputChannel {
    Environment,
    Form,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputValue {
    pub name: String,
    pub from: InputSource,
}

/// What a product input is filled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputSource {
    TenantId,
    TenantDomain,
    ClientId,
    ClientSecret,
    CertificatePath,
    CertificateThumbprint,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub published: PermissionRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<PermissionRef>,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionRef {
    pub api: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: crate::catalog::Kind,
}
