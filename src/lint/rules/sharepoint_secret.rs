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
        are fine with a secret. When the product takes a client secret only (its inputs), no credential the \
        bundle could create makes its SharePoint access work: the runbook's verdict says it cannot work as \
        documented.",
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
                let secret_only = crate::plan::accepted_credentials(&ctx.loaded.profile) == [CredentialKind::Secret];
                let d = if secret_only {
                    Diagnostic::warning(format!(
                        "`{}` application permissions need a certificate, but {} takes a client secret only: \
                         its SharePoint access cannot work as documented since ACS is gone",
                        resource.display_name, ctx.loaded.profile.product
                    ))
                    .help("ask the vendor how the product reaches SharePoint without ACS (a certificate, or Microsoft Graph `Sites.*` permissions)")
                } else {
                    Diagnostic::warning(format!(
                        "`{}` application permissions need a certificate, but this bundle creates a client secret",
                        resource.display_name
                    ))
                    .help("render with --credential certificate, and set `app.credential: certificate` in the profile")
                };
                out.push(d.at(ctx.locate(&format!("permissions[{i}].api"))));
                return;
            }
        }
    },
};
