use crate::catalog::Kind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Rule;

const GRAPH: &str = "00000003-0000-0000-c000-000000000000";

/// Microsoft Graph application permissions with a known path to control of the tenant, and why.
pub static HIGH_PRIVILEGE: &[(&str, &str)] = &[
    ("AppRoleAssignment.ReadWrite.All", "can grant itself any application permission, and so any other on this list"),
    (
        "Application.ReadWrite.All",
        "can add credentials to any app or service principal and act as the most privileged of them",
    ),
    ("DelegatedPermissionGrant.ReadWrite.All", "can grant any delegated permission to any app, itself included"),
    ("Directory.ReadWrite.All", "can change users, groups and most other directory objects across the tenant"),
    ("Domain.ReadWrite.All", "can add or federate a domain and so sign in as the users in it"),
    ("Group.ReadWrite.All", "can add members to any group, including groups that hold access to other systems"),
    ("GroupMember.ReadWrite.All", "can add members to any group, including groups that hold access to other systems"),
    ("Policy.ReadWrite.PermissionGrant", "can change who may consent to what, and so consent to anything"),
    (
        "RoleManagement.ReadWrite.Directory",
        "can assign any directory role, Global Administrator included, to anyone, itself included",
    ),
    ("User.ReadWrite.All", "can rewrite user accounts, including the contact details used to recover passwords"),
    ("UserAuthenticationMethod.ReadWrite.All", "can add sign-in methods to any user and so sign in as them"),
];

pub static RULE: Rule = Rule {
    id: "high-privilege",
    name: "application permission with a path to tenant takeover",
    severity: Severity::Warning,
    explanation: "Some Microsoft Graph application permissions let an app raise its own privileges or take over \
        accounts: write directory roles, grant app roles or consent, add credentials to other apps, add sign-in \
        methods, or rewrite all directory objects. A backup product needs none of these to read data; if the app's \
        secret or certificate leaks, whoever holds it controls the tenant. Ask the vendor why, and leave them out \
        if the product works without them. KODO's 2021-08 page asks for Directory.ReadWrite.All, \
        Group.ReadWrite.All and User.ReadWrite.All.",
    source: "emiliensocchi/azure-tiering (Tier-0 Microsoft Graph application permissions); \
        learn.microsoft.com/graph/permissions-reference",
    check: |ctx, out| {
        for api in ctx.all_apis().filter(|a| a.resource.app_id == GRAPH) {
            for p in api.of_kind(Kind::Application) {
                if let Some((_, why)) = HIGH_PRIVILEGE.iter().find(|(n, _)| *n == p.data.name) {
                    out.push(
                        Diagnostic::warning(format!("`{}` {why}", p.data.name))
                            .at(ctx.locate(&p.path))
                            .help("ask the vendor whether the product needs it; leave it out if it does not"),
                    );
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn every_listed_permission_exists_as_a_graph_app_role() {
        let catalog = Catalog::builtin();
        let graph = catalog.resource(GRAPH).expect("graph");
        for (name, _) in HIGH_PRIVILEGE {
            assert!(graph.get(Kind::Application, name).is_some(), "{name}");
        }
    }
}
