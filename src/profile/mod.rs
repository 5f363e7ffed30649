//! Profiles as written: what one vendor page asks for, in YAML (see `profiles/FORMAT.md`).
//!
//! These structs mirror the file and reject unknown fields; names are resolved against the
//! catalog later, in `plan`, so that every problem can be reported with its position.

mod builtin;
mod load;
pub mod starter;

use serde::{Deserialize, Serialize};

pub use builtin::{BUILTIN_PROFILES, BuiltinProfile, find_builtin};
pub use load::{LoadedProfile, LoadedProfileRef, ProfileSet};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
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
    #[serde(default)]
    pub application: Vec<String>,
    #[serde(default)]
    pub delegated: Vec<String>,
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
