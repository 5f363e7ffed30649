use crate::catalog::Kind;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::lint::Rule;
use crate::lint::rules::{Milestone, timeline};

const EXCHANGE: &str = "00000002-0000-0ff1-ce00-000000000000";

pub static MILESTONES: &[Milestone] = &[
    Milestone {
        date: "2026-10-01",
        event: "Exchange Online began switching EWS off for tenants that did not allow it (EWSEnabled unset)",
    },
    Milestone { date: "2027-04-01", event: "EWS in Exchange Online shuts down for good" },
];

pub static RULE: Rule = Rule {
    id: "ews-full-access",
    name: "Exchange full_access_as_app (EWS)",
    severity: Severity::Warning,
    explanation: "`full_access_as_app` on Office 365 Exchange Online gives an app Exchange Web Services (EWS) \
        access to every mailbox. Exchange Online began disabling EWS on 2026-10-01 for tenants that had not \
        enabled it, admits apps only through `Set-OrganizationConfig -EwsAllowedAppIDs` meanwhile, and shuts EWS \
        down on 2027-04-01. Move to Microsoft Graph application permissions (Mail.ReadWrite, Calendars.ReadWrite, \
        Contacts.ReadWrite, MailboxSettings.ReadWrite); until the shutdown, admit the app to EWS explicitly.",
    source: "Microsoft 365 Message Center MC1176266 and MC1227454; MicrosoftDocs/office-docs-powershell PR 13643 \
        (Set-OrganizationConfig -EwsAllowedAppIDs)",
    check: |ctx, out| {
        for api in ctx.all_apis().filter(|a| a.resource.app_id == EXCHANGE) {
            for p in api.of_kind(Kind::Application).filter(|p| p.data.name == "full_access_as_app") {
                let (severity, when) = timeline(ctx.options.as_of, MILESTONES);
                out.push(
                    Diagnostic::new(severity, format!("`full_access_as_app` depends on Exchange Web Services: {when}"))
                        .at(ctx.locate(&p.path))
                        .help("use Microsoft Graph Mail.ReadWrite, Calendars.ReadWrite and Contacts.ReadWrite; until then allow the app with Set-OrganizationConfig -EwsAllowedAppIDs"),
                );
            }
        }
    },
};
