//! Roles a profile may name: Microsoft Entra built-in directory roles (assigned to an app's
//! service principal, or needed by the signed-in administrator) and Exchange Online management
//! roles and public-folder rights (assigned to a user account in `exchange-online.ps1`).

/// Where the directory role template ids come from.
pub const DIRECTORY_ROLES_SOURCE: &str = "\"Microsoft Entra built-in roles\" (learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference, ms.date 2026-01-20; MicrosoftDocs/entra-docs@00fe95d6, docs/identity/role-based-access-control/permissions-reference.md, table \"All roles\")";

/// A built-in directory role: its name as the portal shows it and its template id, which is the
/// same in every tenant and cloud (the `roleDefinitionId` of a role assignment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectoryRole {
    pub name: &'static str,
    pub template_id: &'static str,
}

const fn role(name: &'static str, template_id: &'static str) -> DirectoryRole {
    DirectoryRole { name, template_id }
}

/// The built-in roles Microsoft 365 products ask for, sorted by name; from [`DIRECTORY_ROLES_SOURCE`].
pub static DIRECTORY_ROLES: &[DirectoryRole] = &[
    role("Application Administrator", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"),
    role("Application Developer", "cf1c38e5-3621-4004-a7cb-879624dced7c"),
    role("Authentication Administrator", "c4e39bd9-1100-46d3-8c65-fb160da0071f"),
    role("Azure Information Protection Administrator", "7495fdc4-34c4-4d15-a289-98788ce399fd"),
    role("Billing Administrator", "b0f54661-2d74-4c50-afa3-1ec803f12efe"),
    role("Cloud Application Administrator", "158c047a-c907-4556-b7ef-446551a6b5f7"),
    role("Compliance Administrator", "17315797-102d-40b4-93e0-432062caca18"),
    role("Compliance Data Administrator", "e6d1a23a-da11-4be4-9570-befc86d067a7"),
    role("Conditional Access Administrator", "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"),
    role("Directory Readers", "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"),
    role("Directory Writers", "9360feb5-f418-4baa-8175-e2a00bac4301"),
    role("Dynamics 365 Administrator", "44367163-eba1-44c3-98af-f5787879f96a"),
    role("Exchange Administrator", "29232cdf-9323-42fd-ade2-1d097af3e4de"),
    role("Exchange Backup Administrator", "49eb8f75-97e9-4e37-9b2b-6c3ebfcffa31"),
    role("Exchange Recipient Administrator", "31392ffb-586c-42d1-9346-e59415a2cc4e"),
    role("Global Administrator", "62e90394-69f5-4237-9190-012177145e10"),
    role("Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451"),
    role("Groups Administrator", "fdd7a751-b60b-444a-984c-02652fe8fa1c"),
    role("Helpdesk Administrator", "729827e3-9c14-49f7-bb1b-9608f156bbb8"),
    role("Hybrid Identity Administrator", "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2"),
    role("Intune Administrator", "3a2c62db-5318-420d-8d74-23affee5d9d5"),
    role("License Administrator", "4d6ac14f-3453-41d0-bef9-a3e0c569773a"),
    role("Message Center Reader", "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b"),
    role("Microsoft 365 Backup Administrator", "1707125e-0aa2-4d4d-8655-a7c786c76a25"),
    role("Power Platform Administrator", "11648597-926c-4cf3-9c36-bcebb0ba8dcc"),
    role("Privileged Authentication Administrator", "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"),
    role("Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814"),
    role("Reports Reader", "4a5d8f65-41da-4de4-8968-e035b65339cf"),
    role("Search Administrator", "0964bb5e-9bdb-4d7b-ac29-58e794862a40"),
    role("Security Administrator", "194ae4cb-b126-40b2-bd5b-6091b380977d"),
    role("Security Operator", "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f"),
    role("Security Reader", "5d6b6bb7-de71-4623-b4af-96380a352509"),
    role("Service Support Administrator", "f023fd81-a637-4b56-95fd-791ac0226033"),
    role("SharePoint Administrator", "f28a1f50-f6e7-4571-818b-6a12f2af6b6c"),
    role("SharePoint Backup Administrator", "9d3e04ba-3ee4-4d1b-a3a7-9aef423a09be"),
    role("Skype for Business Administrator", "75941009-915a-4869-abe7-691bff18279e"),
    role("Teams Administrator", "69091246-20e8-4a56-aa4d-066075b2a7a8"),
    role("Teams Communications Administrator", "baf37b3a-610e-45da-9e62-d9d1e5e8914b"),
    role("Teams Reader", "1076ac91-f3d9-41a7-a339-dcdf5f480acc"),
    role("User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1"),
];

pub fn directory_role(name: &str) -> Option<&'static DirectoryRole> {
    DIRECTORY_ROLES.iter().find(|r| r.name == name)
}

/// A dated step of a retirement Microsoft announced.
#[derive(Debug, Clone, Copy)]
pub struct Retirement {
    pub date: &'static str,
    pub event: &'static str,
}

/// An Exchange Online management role, assigned to a user with `New-ManagementRoleAssignment`.
#[derive(Debug, Clone, Copy)]
pub struct ExchangeRole {
    pub name: &'static str,
    /// Empty for a role in service.
    pub retirement: &'static [Retirement],
    /// Where the retirement dates come from.
    pub source: &'static str,
}

const EXCHANGE_ROLES_SOURCE: &str =
    "learn.microsoft.com/exchange/permissions-exo/permissions-exo (built-in management roles of Exchange Online)";

const fn exo(name: &'static str) -> ExchangeRole {
    ExchangeRole { name, retirement: &[], source: EXCHANGE_ROLES_SOURCE }
}

/// Management roles that backup products ask for.
pub static EXCHANGE_ROLES: &[ExchangeRole] = &[
    ExchangeRole {
        name: "ApplicationImpersonation",
        retirement: &[
            Retirement {
                date: "2024-09-01",
                event: "Exchange Online blocks new assignments of ApplicationImpersonation (announced for September 2024)",
            },
            Retirement {
                date: "2025-02-01",
                event: "Exchange Online removes ApplicationImpersonation and what it allows (announced for February 2025)",
            },
        ],
        source: "Exchange Team Blog, \"Retirement of RBAC Application Impersonation in Exchange Online\" (2024-02-20, \
                 updated) and \"Critical Update: ApplicationImpersonation RBAC Role Deprecation in Exchange Online\" \
                 (2024-11-13); Message Center MC718754",
    },
    exo("Legal Hold"),
    exo("Mail Recipients"),
    exo("Mailbox Import Export"),
    exo("Mailbox Search"),
    exo("Organization Configuration"),
    exo("Public Folders"),
    exo("Role Management"),
    exo("View-Only Audit Logs"),
    exo("View-Only Configuration"),
    exo("View-Only Recipients"),
];

pub fn exchange_role(name: &str) -> Option<&'static ExchangeRole> {
    EXCHANGE_ROLES.iter().find(|r| r.name == name)
}

/// `Add-PublicFolderClientPermission -AccessRights` roles (learn.microsoft.com/powershell/module/exchange/add-publicfolderclientpermission).
pub static PUBLIC_FOLDER_RIGHTS: &[&str] = &[
    "Author",
    "Contributor",
    "Editor",
    "NonEditingAuthor",
    "Owner",
    "PublishingAuthor",
    "PublishingEditor",
    "Reviewer",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_roles_are_sorted_unique_and_lowercase_guids() {
        for pair in DIRECTORY_ROLES.windows(2) {
            assert!(pair[0].name < pair[1].name, "{} / {}", pair[0].name, pair[1].name);
        }
        let mut ids: Vec<&str> = DIRECTORY_ROLES.iter().map(|r| r.template_id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), DIRECTORY_ROLES.len());
        for r in DIRECTORY_ROLES {
            assert!(
                r.template_id.parse::<crate::guid::Guid>().is_ok() && r.template_id == r.template_id.to_lowercase()
            );
        }
        assert_eq!(
            directory_role("Global Reader").map(|r| r.template_id),
            Some("f2ef992c-3afb-46b9-b7cf-a126ee74c451")
        );
    }

    #[test]
    fn application_impersonation_is_retired_with_dates() {
        let r = exchange_role("ApplicationImpersonation").expect("role");
        assert_eq!(r.retirement.iter().map(|m| m.date).collect::<Vec<_>>(), vec!["2024-09-01", "2025-02-01"]);
        assert!(exchange_role("View-Only Configuration").is_some_and(|r| r.retirement.is_empty()));
    }
}
