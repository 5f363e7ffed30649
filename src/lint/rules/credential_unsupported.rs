use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Rule;
use crate::plan::accepted_credentials;
use crate::profile::{CredentialKind, InputSource};

fn label(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::Secret => "a client secret",
        CredentialKind::Certificate => "a certificate",
    }
}

pub static RULE: Rule = Rule {
    id: "credential-unsupported",
    name: "a credential the product cannot take",
    severity: Severity::Error,
    explanation: "The profile's inputs say what the product is given to sign in: an input filled with \
        `client_secret` means it takes a client secret, one filled with `certificate_path` or \
        `certificate_thumbprint` means it takes a certificate. A bundle that creates the other kind leaves the \
        administrator with nothing to type into the product: KODO for Cloud's form asks for a client secret, \
        Corso reads `AZURE_CLIENT_SECRET` and has no certificate option. Render with the credential the product \
        takes (the default when only one is listed), or fix the profile's `inputs` if the product takes both. \
        Where the product's only credential cannot reach what it asks for (SharePoint app-only access refuses \
        client secrets), the runbook's verdict says so; see `sharepoint-secret`.",
    source: "the profile's `inputs`; alcionai/corso src/pkg/services/m365/api/graph/auth.go \
        (NewClientSecretCredential); Storware/kodo-cloud-manual add-microsoft-365-organization-manually.md",
    check: |ctx, out| {
        let profile = &ctx.loaded.profile;
        let accepted = accepted_credentials(profile);
        if accepted.is_empty() {
            return;
        }
        let takes = accepted.iter().map(|k| label(*k)).collect::<Vec<_>>().join(" or ");
        if !accepted.contains(&profile.app.credential) && ctx.loaded.spans().locate("app.credential").is_some() {
            out.push(
                Diagnostic::error(format!(
                    "`app.credential` is {}, but {} takes {takes} only (its inputs)",
                    label(profile.app.credential),
                    profile.product
                ))
                .at(ctx.locate("app.credential"))
                .help(format!(
                    "write `credential: {}`, or list the inputs the product really takes",
                    accepted[0].as_str()
                )),
            );
        }
        let credential = ctx.credential();
        if accepted.contains(&credential) {
            return;
        }
        let inputs = &ctx.loaded.profile.inputs.values;
        let at = inputs
            .iter()
            .position(|i| {
                matches!(
                    i.from,
                    InputSource::ClientSecret | InputSource::CertificatePath | InputSource::CertificateThumbprint
                )
            })
            .map_or_else(|| "inputs".to_string(), |i| format!("inputs.values[{i}].from"));
        let mut d = Diagnostic::error(format!(
            "{} takes {takes} only (its inputs), but this bundle creates {}",
            ctx.loaded.profile.product,
            label(credential)
        ))
        .at(ctx.locate(&at))
        .help(format!("render with --credential {}", accepted[0].as_str()));
        // A note of the profile that says the same in words, when there is one.
        if let Some(n) = ctx.loaded.profile.notes.iter().find(|n| {
            let n = n.to_lowercase();
            n.contains("secret only") || n.contains("certificate only") || n.contains("certificates only")
        }) {
            d = d.note(format!("the profile notes: {n}"));
        }
        out.push(d);
    },
};
