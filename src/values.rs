//! The per-render values: which tenant, which cloud, what to call the app, which credential.

use serde::Serialize;

use crate::guid::Guid;
use crate::profile::{CredentialKind, Selection};
use crate::tenant::TenantName;

/// Values for one render, each already validated (see the `FromStr` of each type).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Values {
    pub tenant: TenantName,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<Guid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<Guid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_name: Option<AppName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_years: Option<SecretYears>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud: Option<String>,
    /// Ask for Sites.Selected instead of tenant-wide site permissions.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub least_privilege: bool,
    /// Sites to grant with `least_privilege`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<SiteUrl>,
    /// Only the rows of these workloads, without these uses (format 2 tags).
    #[serde(skip_serializing_if = "Selection::is_all")]
    pub selection: Selection,
    /// Keep steps past their retirement (appinv.aspx, legacy authentication, EWS, Azure AD
    /// Graph), each marked as retired, instead of leaving them out.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub include_retired: bool,
    /// Users added as owners of the app.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<Upn>,
    /// Written into the app's `notes`, after the line naming the product and profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<FreeText>,
    /// The app's `serviceManagementReference`: a ticket or service id in the customer's ITSM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_management_reference: Option<FreeText>,
    /// A certificate file to upload instead of a certificate made by az (read by the caller).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_file: Option<String>,
    /// The certificate of `certificate_file`, read and checked at the edge
    /// (`certificate::parse`); the core never reads files.
    #[serde(skip)]
    pub certificate: Option<crate::certificate::Certificate>,
    /// A Key Vault holding the certificate to upload (with `keyvault_cert`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyvault: Option<VaultName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyvault_cert: Option<VaultName>,
    /// Limit mail, calendar and contact access to these mailboxes with Exchange RBAC for Applications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailbox_scope: Option<MailboxScope>,
}

impl Values {
    pub fn for_tenant(tenant: TenantName) -> Values {
        Values {
            tenant,
            tenant_id: None,
            client_id: None,
            app_name: None,
            credential: None,
            secret_years: None,
            cloud: None,
            least_privilege: false,
            sites: Vec::new(),
            selection: Selection::default(),
            include_retired: false,
            owners: Vec::new(),
            notes: None,
            service_management_reference: None,
            certificate_file: None,
            certificate: None,
            keyvault: None,
            keyvault_cert: None,
            mailbox_scope: None,
        }
    }
}

/// A user principal name, `local@domain`: letters, digits and `.-_'` before the `@`, a DNS name
/// after it; or a user's object id (a GUID). The scripts look a name up and add the user as an
/// owner of the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Upn(String);

impl Upn {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Given as an object id, not a name to look up.
    pub fn is_object_id(&self) -> bool {
        !self.0.contains('@')
    }
}

impl std::str::FromStr for Upn {
    type Err = String;

    fn from_str(s: &str) -> Result<Upn, String> {
        if s.parse::<crate::guid::Guid>().is_ok() {
            return Ok(Upn(s.to_ascii_lowercase()));
        }
        let bad = || {
            format!(
                "owner `{}` is not a user principal name such as admin@contoso.com, nor an object id",
                s.escape_debug()
            )
        };
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let local_ok = !local.is_empty() && local.chars().all(|c| c.is_ascii_alphanumeric() || "._-'".contains(c));
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if local_ok && domain_ok && s.len() <= 113 { Ok(Upn(s.to_string())) } else { Err(bad()) }
    }
}

/// Text for an app property (`notes`, `serviceManagementReference`): printable, at most 1024
/// characters (Graph's limit for `notes`), no control or invisible characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FreeText(String);

impl FreeText {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for FreeText {
    type Err = String;

    fn from_str(s: &str) -> Result<FreeText, String> {
        if let Some(c) = s.chars().find(|c| c.is_control() || is_invisible(*c)) {
            return Err(format!(
                "`{}` contains the control or invisible character U+{:04X}",
                s.escape_debug(),
                c as u32
            ));
        }
        if s.trim().is_empty() || s.chars().count() > 1024 {
            return Err(format!("`{}` must be 1 to 1024 characters", s.escape_debug()));
        }
        Ok(FreeText(s.to_string()))
    }
}

/// A Key Vault name or a Key Vault certificate name: letters, digits and `-`, 1 to 127
/// characters (Key Vault's object-name rule; vault names are 3 to 24 of those).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VaultName(String);

impl VaultName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for VaultName {
    type Err = String;

    fn from_str(s: &str) -> Result<VaultName, String> {
        if !s.is_empty() && s.len() <= 127 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            Ok(VaultName(s.to_string()))
        } else {
            Err(format!("`{}` is not a Key Vault name: letters, digits and `-` only", s.escape_debug()))
        }
    }
}

/// Which mailboxes Exchange RBAC for Applications lets the app reach: the members of a
/// mail-enabled security group (given by its address), or an OPATH recipient filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum MailboxScope {
    Group(String),
    Filter(String),
}

impl std::str::FromStr for MailboxScope {
    type Err = String;

    fn from_str(s: &str) -> Result<MailboxScope, String> {
        let text: FreeText = s.parse().map_err(|e| format!("mailbox scope {e}"))?;
        let s = text.as_str().trim();
        let is_address = !s.contains(char::is_whitespace)
            && s.split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !s.contains(['\'', '"', '(', ')']));
        if is_address {
            Ok(MailboxScope::Group(s.to_string()))
        } else if s.contains(" -") {
            Ok(MailboxScope::Filter(s.to_string()))
        } else {
            Err(format!(
                "mailbox scope `{}` is neither a group address (backup-mailboxes@contoso.com) nor a recipient filter \
                 (\"CustomAttribute1 -eq 'backup'\")",
                s.escape_debug()
            ))
        }
    }
}

/// An application display name: printable text, 1 to 120 characters, no leading or trailing
/// space. Single quotes, `$`, backticks and the like are fine: every artefact quotes the name.
/// Refused are the characters that the Windows launcher of the Azure CLI (`az.cmd`, a batch
/// file) would interpret even after correct PowerShell quoting: `"`, `%`, `&`, `|`, `<`, `>`, `^`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppName(String);

impl AppName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for AppName {
    type Err = String;

    fn from_str(s: &str) -> Result<AppName, String> {
        let shown = s.escape_debug();
        if s.trim().is_empty() {
            return Err("the app name is empty".into());
        }
        if let Some(c) = s.chars().find(|c| c.is_control() || is_invisible(*c)) {
            return Err(format!(
                "app name `{shown}` contains the control or invisible character U+{:04X}; app names must be printable text",
                c as u32
            ));
        }
        if let Some(c) = s.chars().find(|c| CMD_SPECIAL.contains(*c)) {
            return Err(format!(
                "app name `{shown}` contains `{c}`, which az cannot take safely on Windows: az runs there through a \
                 batch file (az.cmd) that interprets it; choose a name without {}",
                CMD_SPECIAL.chars().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" ")
            ));
        }
        if s.trim() != s {
            return Err(format!("app name `{shown}` starts or ends with white space"));
        }
        if s.chars().count() > 120 {
            return Err(format!("app name `{shown}` is longer than 120 characters"));
        }
        Ok(AppName(s.to_string()))
    }
}

/// Characters cmd.exe interprets inside a batch file's arguments, quoted or not.
const CMD_SPECIAL: &str = "\"%&|<>^";

/// Characters that change how text displays without showing: bidirectional controls, zero-width
/// characters and the byte-order mark. A name with them reads differently from what it is.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// A SharePoint site URL: `https://HOST/PATH` with a plain host and a path of letters, digits
/// and `-._~/` (the host is checked against the tenant when the plan is made).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SiteUrl {
    pub url: String,
    pub host: String,
    /// Server-relative path, starting with `/` (`/` for the root site).
    pub path: String,
}

impl std::str::FromStr for SiteUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<SiteUrl, String> {
        let bad = |why: &str| {
            format!("site `{}` {why}; write e.g. https://contoso.sharepoint.com/sites/finance", s.escape_debug())
        };
        let rest = s.strip_prefix("https://").ok_or_else(|| bad("is not an https URL"))?;
        let rest = rest.trim_end_matches('/');
        let (host, path) = rest.split_once('/').map_or((rest, String::from("/")), |(h, p)| (h, format!("/{p}")));
        let host_ok = !host.is_empty()
            && host.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if !host_ok {
            return Err(bad("has no valid host name"));
        }
        if !path.chars().all(|c| c.is_ascii_alphanumeric() || "-._~/".contains(c)) || path.contains("//") {
            return Err(bad("has characters other than letters, digits and `-._~/` in its path"));
        }
        if path.split('/').any(|segment| segment == "." || segment == "..") {
            return Err(bad("has a `.` or `..` segment in its path"));
        }
        Ok(SiteUrl {
            url: format!("https://{host}{}", if path == "/" { "" } else { &path }),
            host: host.to_ascii_lowercase(),
            path,
        })
    }
}

/// Client secret lifetime in years. Microsoft's portal allows at most two years and recommends
/// less than one (learn.microsoft.com, "Add credentials"); az's default is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SecretYears(u8);

impl SecretYears {
    pub const DEFAULT: SecretYears = SecretYears(1);

    pub fn get(self) -> u8 {
        self.0
    }
}

impl std::str::FromStr for SecretYears {
    type Err = String;

    fn from_str(s: &str) -> Result<SecretYears, String> {
        match s.parse::<u8>() {
            Ok(n @ 1..=2) => Ok(SecretYears(n)),
            _ => Err(format!(
                "secret lifetime `{}` is not allowed: give 1 or 2 years (Microsoft allows at most 2 and recommends 1 or less)",
                s.escape_debug()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_allow_quotes_but_not_control_or_invisible_characters() {
        assert!("O'Brien \u{2019}Backup\u{2019} $(x) `y`; (z) ü".parse::<AppName>().is_ok());
        for bad in [
            "",
            "  ",
            "a\nb",
            "a\u{0}b",
            "a\u{202E}b",
            "\u{FEFF}a",
            " a",
            &"x".repeat(121),
            "a\"b",
            "a&b",
            "50%",
            "a|b",
            "a^b",
        ] {
            assert!(bad.parse::<AppName>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn site_urls_split_into_host_and_path_and_refuse_anything_to_escape() {
        let s: SiteUrl = "https://Contoso.sharepoint.com/sites/finance/".parse().expect("site");
        assert_eq!(
            (s.host.as_str(), s.path.as_str(), s.url.as_str()),
            ("contoso.sharepoint.com", "/sites/finance", "https://Contoso.sharepoint.com/sites/finance")
        );
        assert_eq!("https://contoso.sharepoint.com".parse::<SiteUrl>().map(|s| s.path), Ok("/".to_string()));
        for bad in [
            "http://contoso.sharepoint.com/sites/a",
            "https://contoso.sharepoint.com/sites/a b",
            "https://x/sites/a'b",
            "https://c.sharepoint.com/sites/%20",
            "https:///sites/a",
            "https://contoso.sharepoint.com/sites/../../_layouts",
            "https://contoso.sharepoint.com/sites/./a",
        ] {
            assert!(bad.parse::<SiteUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    fn owners_are_names_or_object_ids_and_scopes_are_groups_or_filters() {
        assert!("o'brien@contoso.com".parse::<Upn>().is_ok());
        let id: Upn = "72F988BF-86F1-41AF-91AB-2D7CD011DB47".parse().expect("object id");
        assert!(id.is_object_id() && id.as_str() == "72f988bf-86f1-41af-91ab-2d7cd011db47");
        for bad in ["admin", "a b@contoso.com", "a@contoso", "a@b..com", "$(x)@contoso.com", "a\"b@c.com"] {
            assert!(bad.parse::<Upn>().is_err(), "{bad}");
        }
        assert_eq!("g@contoso.com".parse(), Ok(MailboxScope::Group("g@contoso.com".into())));
        assert_eq!("CustomAttribute1 -eq 'x'".parse(), Ok(MailboxScope::Filter("CustomAttribute1 -eq 'x'".into())));
        for bad in ["backup", "", "a\nb -eq 'c'"] {
            assert!(bad.parse::<MailboxScope>().is_err(), "{bad:?}");
        }
        assert!("kv-1".parse::<VaultName>().is_ok() && "kv_1".parse::<VaultName>().is_err());
        assert!("x".repeat(1025).parse::<FreeText>().is_err() && "a\u{202E}b".parse::<FreeText>().is_err());
    }

    #[test]
    fn secret_years_are_one_or_two() {
        assert_eq!("2".parse::<SecretYears>().map(SecretYears::get), Ok(2));
        for bad in ["0", "3", "99", "-1", "one"] {
            assert!(bad.parse::<SecretYears>().is_err(), "{bad}");
        }
    }
}
