use crate::catalog::Kind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Rule;
use crate::profile::CredentialKind;

const SHAREPOINT: &str = "00000003-0000-0ff1-ce00-000000000000";

pub static RULE: Rule = Rule {
    id: "sharepoint-secret",
    name: "SharePoint app-only access with a client secret",
    severity: Severity::Warning,
    explanation: "SharePoint Online accepts Entra ID app-only tokens only when the app proves itself with a \
        certificate; a token obtained with a client secret gets Access Denied. A profile that asks for \
        application permissions on Office 365 SharePoint Online and creates a client secret therefore cannot \
        work (it did only through ACS, which is gone). Render with `--credential certificate`, and set \
        `app.credential: certificate` in the profile. Profiles that reach SharePoint only through Microsoft Graph \
        are fine with a secret.",
    source: "SharePoint/sp-dev-docs: docs/solution-guidance/security-apponly-azuread.md; pnp/pnpframework discussion 432",
    check: |ctx, out| {
        if ctx.credential() != CredentialKind::Secret {
            return;
        }
        for (i, group) in ctx.loaded.profile.permissions.iter().enumerate() {
            let Some(resource) = ctx.catalog.resource(&group.api) else { continue };
            let app_only = ctx
                .resolution()
                .apis
                .iter()
                .any(|a| a.resource.app_id == SHAREPOINT && a.of_kind(Kind::Application).next().is_some());
            if resource.app_id == SHAREPOINT && !group.application.is_empty() && app_only {
                out.push(
                    Diagnostic::warning(format!(
                        "`{}` application permissions need a certificate, but this bundle creates a client secret",
                        resource.display_name
                    ))
                    .at(ctx.locate(&format!("permissions[{i}].api")))
                    .help("render with --credential certificate, and set `app.credential: certificate` in the profile"),
                );
                return;
            }
        }
    },
};
