//! The per-render values: which tenant, which cloud, what to call the app, which credential.

use serde::Serialize;

use crate::guid::Guid;
use crate::profile::CredentialKind;
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
    /// Keep steps past their retirement (appinv.aspx, legacy authentication, EWS, Azure AD
    /// Graph), each marked as retired, instead of leaving them out.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub include_retired: bool,
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
            include_retired: false,
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
    fn secret_years_are_one_or_two() {
        assert_eq!("2".parse::<SecretYears>().map(SecretYears::get), Ok(2));
        for bad in ["0", "3", "99", "-1", "one"] {
            assert!(bad.parse::<SecretYears>().is_err(), "{bad}");
        }
    }
}
