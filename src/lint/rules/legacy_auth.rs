use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::lint::Rule;
use crate::lint::rules::{Milestone, timeline};
use crate::profile::SettingValue;

pub static MILESTONES: &[Milestone] = &[
    Milestone { date: "2026-02-16", event: "IDCRL legacy authentication is blocked by default in SharePoint Online" },
    Milestone {
        date: "2026-05-01",
        event: "IDCRL is blocked for good: LegacyAuthProtocolsEnabled can no longer turn it back on",
    },
];

pub static RULE: Rule = Rule {
    id: "legacy-auth",
    name: "Set-SPOTenant -LegacyAuthProtocolsEnabled $true",
    severity: Severity::Warning,
    explanation: "`LegacyAuthProtocolsEnabled` lets SharePoint Online accept IDCRL, a legacy authentication \
        protocol. Microsoft blocked IDCRL by default from 2026-02-16 and for good from 2026-05-01; since then the \
        setting no longer turns it back on, and before then enabling it weakened the tenant (CIS 1.4 recommends \
        $false). Leave the setting alone and authenticate with Entra app-only access and a certificate.",
    source: "Microsoft 365 Message Center MC1184649; MicrosoftDocs/OfficeDocs-SharePoint-PowerShell: Set-SPOTenant.md",
    check: |ctx, out| {
        let Some(sp) = &ctx.loaded.profile.sharepoint else { return };
        for (i, s) in sp.tenant_settings.iter().enumerate() {
            if s.name == "LegacyAuthProtocolsEnabled" && s.value == SettingValue::Bool(true) {
                let (severity, when) = timeline(ctx.options.as_of, MILESTONES);
                out.push(
                    Diagnostic::new(
                        severity,
                        format!("the profile enables legacy authentication (IDCRL) in SharePoint Online: {when}"),
                    )
                    .at(ctx.locate(&format!("sharepoint.tenant_settings[{i}]")))
                    .help("remove this setting; authenticate with Entra app-only access and a certificate"),
                );
            }
        }
    },
};
