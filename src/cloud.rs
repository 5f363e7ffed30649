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
//!   az has no built-in profile with the DoD Graph host, so DoD registers its own.

use serde::{Deserialize, Serialize};

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
    /// Portal where app registrations are managed.
    pub portal: String,
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

    pub fn is_public(&self) -> bool {
        self.az_cloud == "AzureCloud"
    }
}

fn builtins() -> Vec<Cloud> {
    vec![
        Cloud {
            id: "public".into(),
            name: "Microsoft global (commercial)".into(),
            login: "https://login.microsoftonline.com".into(),
            graph: "https://graph.microsoft.com".into(),
            portal: "https://entra.microsoft.com".into(),
            tenant_domain_suffix: "onmicrosoft.com".into(),
            sharepoint_suffix: "sharepoint.com".into(),
            spo_region: "Default".into(),
            az_cloud: "AzureCloud".into(),
            exchange_environment: "O365Default".into(),
            az_register: None,
        },
        Cloud {
            id: "gcc".into(),
            name: "US Government Community (GCC)".into(),
            login: "https://login.microsoftonline.com".into(),
            graph: "https://graph.microsoft.com".into(),
            portal: "https://entra.microsoft.com".into(),
            tenant_domain_suffix: "onmicrosoft.com".into(),
            sharepoint_suffix: "sharepoint.com".into(),
            spo_region: "Default".into(),
            az_cloud: "AzureCloud".into(),
            exchange_environment: "O365Default".into(),
            az_register: None,
        },
        Cloud {
            id: "gcc-high".into(),
            name: "US Government GCC High".into(),
            login: "https://login.microsoftonline.us".into(),
            graph: "https://graph.microsoft.us".into(),
            portal: "https://portal.azure.us".into(),
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
