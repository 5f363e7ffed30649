//! The rules that name a permission which does not resolve: the same checks `render` makes, so a
//! profile that lints clean renders.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Context, Rule};

fn from_resolution(code: &'static str) -> impl Fn(&Context<'_>, &mut Vec<Diagnostic>) {
    move |ctx, out| out.extend(ctx.resolution().errors.iter().filter(|d| d.code.as_deref() == Some(code)).cloned())
}

pub static UNKNOWN_API: Rule = Rule {
    id: "unknown-api",
    name: "API not in the catalog",
    severity: Severity::Error,
    explanation: "The `api` of a permission group must name one of the APIs in the catalog, by its display name \
        (Microsoft Graph, Office 365 SharePoint Online, Office 365 Exchange Online, Azure Active Directory Graph), \
        one of its aliases, or its app id. Anything else cannot be resolved to a resourceAppId, so no manifest or \
        script can be written for it.",
    source: "catalog/SOURCES.md (the four resources and their app ids)",
    check: |ctx, out| from_resolution("unknown-api")(ctx, out),
};

pub static UNKNOWN_PERMISSION: Rule = Rule {
    id: "unknown-permission",
    name: "permission that does not exist",
    severity: Severity::Error,
    explanation: "The API publishes no permission of this name and type, on any API: it cannot be granted. Vendor \
        pages carry invented or mistyped names (KODO's 2021-06 page lists Microsoft Graph `Mail.ReadWrite.All`, \
        which does not exist). The help names the nearest real permission by edit distance.",
    source: "catalog/permissions.json (service-principal dump of 2026-08-22); Storware/kodo-cloud-manual@bbd4955",
    check: |ctx, out| from_resolution("unknown-permission")(ctx, out),
};

pub static WRONG_API: Rule = Rule {
    id: "wrong-api",
    name: "permission listed under the wrong API",
    severity: Severity::Error,
    explanation: "The name exists, with this type, on another API. Permission GUIDs belong to one resource \
        (resourceAppId); granting a name under the wrong API either fails or grants something else. KODO's \
        2021-08 page lists `Calendars.ReadWrite` under Azure Active Directory Graph, which has no Calendars \
        permissions; it is a Microsoft Graph permission.",
    source: "learn.microsoft.com/graph/migrate-azure-ad-graph-permissions-differences; catalog/permissions.json",
    check: |ctx, out| from_resolution("wrong-api")(ctx, out),
};

pub static WRONG_CASE: Rule = Rule {
    id: "wrong-case",
    name: "permission name in the wrong case",
    severity: Severity::Error,
    explanation: "Permission values are exact strings: `User.Read.all` is not `User.Read.All`. Tools that look \
        names up compare them exactly (Find-MgGraphPermission -ExactMatch uses -eq), and a wrongly cased name \
        resolves to nothing. Write the name as the API publishes it.",
    source: "microsoftgraph/msgraph-sdk-powershell: src/Authentication/Authentication/custom/Find-MgGraphPermission.ps1",
    check: |ctx, out| from_resolution("wrong-case")(ctx, out),
};

pub static WRONG_TYPE: Rule = Rule {
    id: "wrong-type",
    name: "application permission that exists only as delegated, or the reverse",
    severity: Severity::Error,
    explanation: "A permission exists as an application permission (app role, `Role`), a delegated permission \
        (scope, `Scope`), or both, each with its own GUID. Listing it under the type it does not have cannot be \
        granted. Microsoft Graph `User.Read` is delegated only, yet KODO's pages list it as an application \
        permission.",
    source: "catalog/permissions.json; Storware/kodo-cloud-manual@bbd4955",
    check: |ctx, out| from_resolution("wrong-type")(ctx, out),
};
