use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::lint::Rule;
use crate::profile::CredentialKind;

pub static RULE: Rule = Rule {
    id: "secret-lifetime",
    name: "client secret that lives longer than Microsoft recommends",
    severity: Severity::Warning,
    explanation: "Microsoft's portal allows client secrets of at most 24 months and recommends less than 12; \
        tenant app-management policies may cap them further (CISA's baseline asks for 180 days or less). A \
        longer secret is a longer window for a leaked one. m365-runbook refuses more than two years; two years \
        gets this warning. Prefer a certificate, which Microsoft recommends for production.",
    source: "learn.microsoft.com/entra/identity-platform/how-to-add-credentials; \
        learn.microsoft.com/graph/api/resources/passwordcredentialconfiguration; cisagov/ScubaGear MS.AAD.5.6v1",
    check: |ctx, out| {
        let years = ctx.options.secret_years.unwrap_or(1);
        if ctx.credential() == CredentialKind::Secret && years > 1 {
            out.push(
                Diagnostic::warning(format!(
                    "the client secret is valid for {years} years; Microsoft recommends less than one"
                ))
                .at(Some(Location::file("--secret-years")))
                .help("use --secret-years 1, or a certificate (--credential certificate)"),
            );
        }
    },
};
