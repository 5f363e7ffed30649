use crate::catalog::Kind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Rule;

pub static RULE: Rule = Rule {
    id: "delegated-unattended",
    name: "delegated permission in a product that runs unattended",
    severity: Severity::Warning,
    explanation: "Delegated permissions act on behalf of a signed-in user. A backup product that runs as a \
        daemon (app-only, `app.unattended: true`) never has a signed-in user, so a delegated permission is never \
        used, yet it still widens what the app may be consented to. KODO's 2020 pages ask for SharePoint \
        `AllSites.FullControl` and Microsoft Graph `User.Read` as delegated permissions. A format 2 profile whose \
        app allows public client flows or has redirect URIs signs people in (restore by device code, a portal): \
        the rule does not apply.",
    source: "learn.microsoft.com/entra/identity-platform/permissions-consent-overview; Storware/kodo-cloud-manual@9ebdd30",
    check: |ctx, out| {
        let app = &ctx.loaded.profile.app;
        // Format 2: public client flows or redirect URIs say that people sign in to the app.
        if !app.unattended || app.public_client_flows == Some(true) || app.redirect_uris.is_some() {
            return;
        }
        for api in &ctx.resolution().apis {
            for p in api.of_kind(Kind::Delegated) {
                out.push(
                    Diagnostic::warning(format!(
                        "`{}` is a delegated permission of `{}`, but {} runs without a signed-in user",
                        p.data.name, api.resource.display_name, ctx.loaded.profile.product
                    ))
                    .at(ctx.locate(&p.path))
                    .help("remove it, or set `app.unattended: false` if the product signs users in"),
                );
            }
        }
    },
};
