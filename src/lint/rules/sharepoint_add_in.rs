use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::lint::Rule;
use crate::lint::rules::{Milestone, timeline};

pub static MILESTONES: &[Milestone] = &[
    Milestone {
        date: "2023-11-27",
        event: "SharePoint Add-ins and Azure ACS grants are retired: new tenants cannot use them",
    },
    Milestone {
        date: "2026-04-02",
        event: "Azure ACS for SharePoint Online reached end of life: appinv.aspx grants no longer work",
    },
];

pub static RULE: Rule = Rule {
    id: "sharepoint-add-in",
    name: "SharePoint add-in (ACS) grant through appinv.aspx",
    severity: Severity::Warning,
    explanation: "An `AppPermissionRequests` grant pasted into appinv.aspx gives an app SharePoint access through \
        Azure Access Control Services (ACS). SharePoint Add-ins and ACS were retired on 2023-11-27 and reached end \
        of life on 2026-04-02: the grant no longer works. New tenants also had ACS app-only tokens switched off \
        by default (`DisableCustomAppAuthentication`). Grant SharePoint access through Entra ID instead: \
        application permissions on Office 365 SharePoint Online or Microsoft Graph, with a certificate, or \
        `Sites.Selected` with a grant per site.",
    source: "learn.microsoft.com/sharepoint/dev/sp-add-ins/retirement-announcement-for-add-ins; \
        SharePoint/sp-dev-docs: docs/sp-add-ins/add-ins-and-azure-acs-retirements-faq.md; Set-SPOTenant docs",
    check: |ctx, out| {
        let Some(_) = ctx.loaded.profile.sharepoint.as_ref().and_then(|s| s.add_in.as_ref()) else { return };
        let (severity, when) = timeline(ctx.options.as_of, MILESTONES);
        out.push(
            Diagnostic::new(severity, format!("the profile grants SharePoint access through appinv.aspx (ACS): {when}"))
                .at(ctx.locate("sharepoint.add_in"))
                .help("use Entra app-only access with a certificate: SharePoint application permissions, or Sites.Selected with per-site grants"),
        );
    },
};
