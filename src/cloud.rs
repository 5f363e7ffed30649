//! Cloud definitions: every endpoint a bundle prints that depends on where the tenant lives.
//!
//! Endpoints and their sources (see README, "Clouds"):
//! - sign-in and Microsoft Graph hosts: Get-MgEnvironment (learn.microsoft.com
//!   /powershell/module/microsoft.graph.authentication/get-mgenvironment), pnp/cli-microsoft365
//!   `src/Auth.ts`, Azure/azure-cli `src/azure-cli-core/azure/cli/core/cloud.py`;
//! - SharePoint admin hosts: Microsoft365DSC/MSCloudLoginAssistant
//!   `Tests/Unit/MSCloudLoginAssistant/Helpers.Tests.ps1` (`Get-MSCloudLoginSPOUrlFromTenantId`);
//! - `Connect-SPOService -Region`: MicrosoftDocs/OfficeDocs-SharePoint-PowerShell
//!   `Connect-SPOService.md` ("ITAR applies only to GCC High and DoD");
//! - `az cloud set --name`: azure-cli `cloud.py` (AzureCloud, AzureUSGovernment, AzureChinaCloud);
//!   az has no built-in profile with the DoD Graph host, so DoD registers its own;
//! - Microsoft Entra admin center hosts: entra.microsoft.com, entra.microsoft.us (US Government,
//!   GCC High and DoD alike) and entra.microsoftonline.cn (21Vianet), the three hosts of the
//!   admin center's allow list in learn.microsoft.com/entra/fundamentals/faq ("How can I allow
//!   Microsoft Entra admin center URLs on my firewall or proxy server?", ms.date 2025-03-05).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, InputError};
use crate::yaml_spans::Spans;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cloud {
    /// Short id used on the command line (`public`, `gcc-high`, ...).
    pub id: String,
    /// Human name for the runbook.
    pub name: String,
    /// Microsoft Entra sign-in authority, e.g. `https://login.microsoftonline.com`.
    pub login: String,
    /// Microsoft Graph endpoint, e.g. `https://graph.microsoft.com`.
    pub graph: String,
    /// Azure portal of the cloud.
    pub portal: String,
    /// Microsoft Entra admin center, where the runbook's portal steps are done. Optional in cloud
    /// files: without it, the admin center of the cloud's `az_cloud` (see [`Cloud::entra`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entra_admin_center: Option<String>,
    /// Suffix of the tenant's initial domain, e.g. `onmicrosoft.com`.
    pub tenant_domain_suffix: String,
    /// SharePoint admin host suffix: the admin site is `https://{tenant}-admin.{suffix}`.
    pub sharepoint_suffix: String,
    /// `Connect-SPOService -Region` value.
    pub spo_region: String,
    /// `az cloud set --name` value.
    pub az_cloud: String,
    /// When set, the az cloud is not built into az and is registered first with these endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub az_register: Option<AzRegister>,
    /// `Connect-ExchangeOnline -ExchangeEnvironmentName` value.
    pub exchange_environment: String,
}

/// Endpoints for `az cloud register`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzRegister {
    pub endpoint_active_directory: String,
    pub endpoint_active_directory_graph_resource_id: String,
    pub endpoint_resource_manager: String,
    pub endpoint_microsoft_graph_resource_id: String,
}

impl Cloud {
    pub fn builtin(id: &str) -> Option<Cloud> {
        builtins().into_iter().find(|c| c.id == id)
    }

    pub fn builtin_ids() -> Vec<&'static str> {
        vec!["public", "gcc", "gcc-high", "dod", "china"]
    }

    /// The Microsoft Entra admin center: the cloud's own, else the one of its Azure cloud, else
    /// its Azure portal (which carries the same Entra ID menus).
    pub fn entra(&self) -> String {
        if let Some(url) = &self.entra_admin_center {
            return url.clone();
        }
        match self.az_cloud.as_str() {
            "AzureCloud" => "https://entra.microsoft.com".into(),
            "AzureUSGovernment" | "AzureUSGovernmentDoD" => "https://entra.microsoft.us".into(),
            "AzureChinaCloud" => "https://entra.microsoftonline.cn".into(),
            _ => self.portal.clone(),
        }
    }

    pub fn is_public(&self) -> bool {
        self.az_cloud == "AzureCloud"
    }

    /// Every URL the cloud defines, for checks that no other cloud's endpoint leaks in.
    pub fn endpoints(&self) -> Vec<&str> {
        let mut urls = vec![self.login.as_str(), self.graph.as_str(), self.portal.as_str()];
        if let Some(e) = &self.entra_admin_center {
            urls.push(e);
        }
        urls
    }

    /// Parses a user-written cloud definition (same fields as the built-ins, all required except
    /// `az_register`), checking that every URL is https and every host suffix a domain name.
    pub fn parse(origin: &str, text: &str) -> Result<Cloud, InputError> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        crate::input::check_yaml_depth(origin, text)?;
        let spans = Spans::index(origin, text);
        let cloud: Cloud = serde_yaml::from_str(text).map_err(|e| {
            let full = e.to_string();
            let message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m).to_string();
            let location = e.location().map(|l| spans.at(l.line(), l.column(), None, None));
            InputError::one(
                Diagnostic::error(message).at(location.or_else(|| Some(crate::diagnostic::Location::file(origin)))),
            )
        })?;
        let mut problems = Vec::new();
        let mut urls: Vec<(&str, &str)> =
            vec![("login", &cloud.login), ("graph", &cloud.graph), ("portal", &cloud.portal)];
        if let Some(e) = &cloud.entra_admin_center {
            urls.push(("entra_admin_center", e));
        }
        if let Some(r) = &cloud.az_register {
            urls.extend([
                ("az_register.endpoint_active_directory", r.endpoint_active_directory.as_str()),
                (
                    "az_register.endpoint_active_directory_graph_resource_id",
                    &r.endpoint_active_directory_graph_resource_id,
                ),
                ("az_register.endpoint_resource_manager", &r.endpoint_resource_manager),
                ("az_register.endpoint_microsoft_graph_resource_id", &r.endpoint_microsoft_graph_resource_id),
            ]);
        }
        for (field, url) in urls {
            if let Err(why) = check_https(url) {
                problems.push(Diagnostic::error(format!("`{field}`: {why}")).at(spans.locate(field)));
            }
        }
        for (field, host) in
            [("tenant_domain_suffix", &cloud.tenant_domain_suffix), ("sharepoint_suffix", &cloud.sharepoint_suffix)]
        {
            if !is_domain(host) {
                problems.push(
                    Diagnostic::error(format!("`{field}`: `{}` is not a domain name", host.escape_debug()))
                        .at(spans.locate(field))
                        .help("write the suffix only, e.g. `sharepoint.us`"),
                );
            }
        }
        for (field, word) in [
            ("id", &cloud.id),
            ("spo_region", &cloud.spo_region),
            ("az_cloud", &cloud.az_cloud),
            ("exchange_environment", &cloud.exchange_environment),
        ] {
            if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                problems.push(
                    Diagnostic::error(format!("`{field}`: `{}` must be letters, digits and `-`", word.escape_debug()))
                        .at(spans.locate(field)),
                );
            }
        }
        if cloud.name.chars().any(char::is_control) {
            problems.push(Diagnostic::error("`name` contains a control character").at(spans.locate("name")));
        }
        if problems.is_empty() { Ok(cloud) } else { Err(InputError::new(problems)) }
    }

    pub fn from_file(path: &Path) -> Result<Cloud, InputError> {
        let shown = path.display().to_string();
        let text =
            crate::input::read_text(path, "cloud file", crate::input::MAX_FILE_BYTES, crate::input::Encoding::Utf8)?;
        Cloud::parse(&shown, &text)
    }
}

/// An https URL with a host made of letters, digits, dots and hyphens, an optional port and path
/// of plain characters: nothing a script would need to escape.
fn check_https(url: &str) -> Result<(), String> {
    let Some(rest) = url.strip_prefix("https://") else {
        return Err(format!("`{}` is not an https URL", url.escape_debug()));
    };
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    let host =
        host.split_once(':').map_or(host, |(h, port)| if port.chars().all(|c| c.is_ascii_digit()) { h } else { "" });
    if !is_domain(host) {
        return Err(format!("`{}` has no valid host name", url.escape_debug()));
    }
    if !path.chars().all(|c| c.is_ascii_alphanumeric() || "-._~/".contains(c)) {
        return Err(format!(
            "`{}` has characters other than letters, digits and `-._~/` in its path",
            url.escape_debug()
        ));
    }
    Ok(())
}

fn is_domain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn builtins() -> Vec<Cloud> {
    let public = Cloud {
        id: "public".into(),
        name: "Microsoft global (commercial)".into(),
        login: "https://login.microsoftonline.com".into(),
        graph: "https://graph.microsoft.com".into(),
        portal: "https://portal.azure.com".into(),
        entra_admin_center: Some("https://entra.microsoft.com".into()),
        tenant_domain_suffix: "onmicrosoft.com".into(),
        sharepoint_suffix: "sharepoint.com".into(),
        spo_region: "Default".into(),
        az_cloud: "AzureCloud".into(),
        exchange_environment: "O365Default".into(),
        az_register: None,
    };
    // GCC (Moderate) tenants use the commercial endpoints (Entra ID and Graph are commercial).
    let gcc = Cloud { id: "gcc".into(), name: "US Government Community (GCC)".into(), ..public.clone() };
    vec![
        public,
        gcc,
        Cloud {
            id: "gcc-high".into(),
            name: "US Government GCC High".into(),
            login: "https://login.microsoftonline.us".into(),
            graph: "https://graph.microsoft.us".into(),
            portal: "https://portal.azure.us".into(),
            entra_admin_center: Some("https://entra.microsoft.us".into()),
            tenant_domain_suffix: "onmicrosoft.us".into(),
            sharepoint_suffix: "sharepoint.us".into(),
            spo_region: "ITAR".into(),
            az_cloud: "AzureUSGovernment".into(),
            exchange_environment: "O365USGovGCCHigh".into(),
            az_register: None,
        },
        Cloud {
            id: "dod".into(),
            name: "US Government DoD".into(),
            login: "https://login.microsoftonline.us".into(),
            graph: "https://dod-graph.microsoft.us".into(),
            portal: "https://portal.azure.us".into(),
            entra_admin_center: Some("https://entra.microsoft.us".into()),
            tenant_domain_suffix: "onmicrosoft.us".into(),
            sharepoint_suffix: "sharepoint-mil.us".into(),
            spo_region: "ITAR".into(),
            az_cloud: "AzureUSGovernmentDoD".into(),
            exchange_environment: "O365USGovDoD".into(),
            // az has no DoD cloud with the DoD Graph host: registered by the scripts first.
            az_register: Some(AzRegister {
                endpoint_active_directory: "https://login.microsoftonline.us".into(),
                endpoint_active_directory_graph_resource_id: "https://graph.microsoftazure.us/".into(),
                endpoint_resource_manager: "https://management.usgovcloudapi.net/".into(),
                endpoint_microsoft_graph_resource_id: "https://dod-graph.microsoft.us/".into(),
            }),
        },
        Cloud {
            id: "china".into(),
            name: "Microsoft Azure operated by 21Vianet (China)".into(),
            login: "https://login.chinacloudapi.cn".into(),
            graph: "https://microsoftgraph.chinacloudapi.cn".into(),
            portal: "https://portal.azure.cn".into(),
            entra_admin_center: Some("https://entra.microsoftonline.cn".into()),
            tenant_domain_suffix: "partner.onmschina.cn".into(),
            sharepoint_suffix: "sharepoint.cn".into(),
            spo_region: "China".into(),
            az_cloud: "AzureChinaCloud".into(),
            exchange_environment: "O365China".into(),
            az_register: None,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cloud_file_round_trips_and_bad_fields_are_located() {
        let text = serde_yaml::to_string(&Cloud::builtin("dod").expect("dod")).expect("yaml");
        assert_eq!(Cloud::parse("c.yaml", &text).expect("parses"), Cloud::builtin("dod").expect("dod"));
        let bad = text.replace("https://dod-graph.microsoft.us\n", "http://dod-graph.microsoft.us\n");
        let err = Cloud::parse("c.yaml", &bad).expect_err("http");
        let d = &err.diagnostics[0];
        assert!(d.message.starts_with("`graph`: `http://dod-graph.microsoft.us` is not an https URL"), "{}", d.message);
        assert_eq!(d.location.as_ref().map(|l| l.line), Some(4));
        let err = Cloud::parse("c.yaml", &text.replace("portal:", "portl:")).expect_err("unknown");
        assert!(err.to_string().contains("unknown field `portl`"), "{err}");
        let err =
            Cloud::parse("c.yaml", &text.replace("sharepoint_suffix: sharepoint-mil.us", "sharepoint_suffix: x;y"))
                .expect_err("domain");
        assert!(err.to_string().contains("`x;y` is not a domain name"), "{err}");
    }

    #[test]
    fn sovereign_clouds_link_their_own_entra_admin_center_and_old_cloud_files_get_a_default() {
        let hosts: Vec<(&str, String)> =
            Cloud::builtin_ids().into_iter().map(|id| (id, Cloud::builtin(id).expect(id).entra())).collect();
        assert_eq!(
            hosts,
            vec![
                ("public", "https://entra.microsoft.com".to_string()),
                ("gcc", "https://entra.microsoft.com".to_string()),
                ("gcc-high", "https://entra.microsoft.us".to_string()),
                ("dod", "https://entra.microsoft.us".to_string()),
                ("china", "https://entra.microsoftonline.cn".to_string()),
            ]
        );
        // A cloud file written before the field existed still parses, and gets its cloud's default.
        let text = serde_yaml::to_string(&Cloud::builtin("gcc-high").expect("gcc-high")).expect("yaml");
        let old: String =
            text.lines().filter(|l| !l.starts_with("entra_admin_center:")).map(|l| format!("{l}\n")).collect();
        let cloud = Cloud::parse("old.yaml", &old).expect("parses");
        assert_eq!(
            (cloud.entra_admin_center.as_deref(), cloud.entra()),
            (None, "https://entra.microsoft.us".to_string())
        );
        let custom = old.replace("az_cloud: AzureUSGovernment", "az_cloud: USSec");
        assert_eq!(Cloud::parse("c.yaml", &custom).expect("parses").entra(), "https://portal.azure.us");
        let bad = format!("{old}entra_admin_center: http://entra.example\n");
        assert!(Cloud::parse("c.yaml", &bad).expect_err("http").to_string().contains("`entra_admin_center`"));
    }

    #[test]
    fn every_builtin_id_resolves_and_uses_https() {
        for id in Cloud::builtin_ids() {
            let c = Cloud::builtin(id).expect(id);
            assert_eq!(c.id, id);
            for url in [&c.login, &c.graph, &c.portal] {
                assert!(url.starts_with("https://") && !url.ends_with('/'), "{id}: {url}");
            }
        }
        assert!(Cloud::builtin("mars").is_none());
    }
}
