use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Rule;
use crate::lint::rules::{Milestone, timeline};

pub static RULE: Rule = Rule {
    id: "retired-exchange-role",
    name: "Exchange Online management role that Microsoft retired",
    severity: Severity::Warning,
    explanation: "The profile asks for an Exchange Online management role that Microsoft has retired. \
        `ApplicationImpersonation` let an account act as any mailbox through EWS; Exchange Online blocked new \
        assignments from September 2024 and removed the role in February 2025. Products that still name it on \
        their pages work with `full_access_as_app` (scoped with RBAC for Applications) or Microsoft Graph \
        instead; `exchange-online.ps1` skips the role with a warning.",
    source: "Exchange Team Blog, \"Retirement of RBAC Application Impersonation in Exchange Online\" (2024-02-20) \
        and \"Critical Update: ApplicationImpersonation RBAC Role Deprecation in Exchange Online\" (2024-11-13); \
        Message Center MC718754",
    check: |ctx, out| {
        let Some(exchange) = &ctx.loaded.profile.exchange else { return };
        for (i, r) in exchange.roles.iter().enumerate() {
            let Some(role) = crate::roles::exchange_role(&r.role) else { continue };
            if role.retirement.is_empty() {
                continue;
            }
            let milestones: Vec<Milestone> =
                role.retirement.iter().map(|m| Milestone { date: m.date, event: m.event }).collect();
            let (severity, when) = timeline(ctx.options.as_of, &milestones);
            out.push(
                Diagnostic::new(severity, format!("the profile asks for the Exchange role `{}`: {when}", role.name))
                    .at(ctx.locate(&format!("exchange.roles[{i}].role")))
                    .help("grant `full_access_as_app` or Microsoft Graph mail permissions instead, as the vendor's newer pages do"),
            );
        }
    },
};
