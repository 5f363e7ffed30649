use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Rule;

pub static RULE: Rule = Rule {
    id: "api-alias",
    name: "API named by a short name instead of its display name",
    severity: Severity::Info,
    explanation: "The profile names an API by an alias (`Exchange`, `SharePoint`, `Graph`) rather than the display \
        name the portal shows (`Office 365 Exchange Online`, `Office 365 SharePoint Online`, `Microsoft Graph`). \
        The bundle resolves it by app id either way, but a person following the page searches the portal for the \
        name written; in the 21Vianet cloud Exchange's service principal is even called `Microsoft.Exchange`.",
    source: "microsoft/CSS-Exchange#1643; Storware/kodo-cloud-manual@005f7c6",
    check: |ctx, out| {
        for (i, group) in ctx.loaded.profile.permissions.iter().enumerate() {
            let Some(resource) = ctx.catalog.resource(&group.api) else { continue };
            if group.api != resource.display_name && group.api != resource.app_id {
                out.push(
                    Diagnostic::new(
                        Severity::Info,
                        format!("`{}` is written as `{}`", resource.display_name, group.api),
                    )
                    .at(ctx.locate(&format!("permissions[{i}].api")))
                    .help(format!("write `api: {}`", resource.display_name)),
                );
            }
        }
    },
};
