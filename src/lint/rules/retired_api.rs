use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::lint::Rule;
use crate::lint::rules::{Milestone, timeline};

pub static RULE: Rule = Rule {
    id: "retired-api",
    name: "permission of a retired API",
    severity: Severity::Warning,
    explanation: "Azure AD Graph (graph.windows.net, app id 00000002-0000-0000-c000-000000000000) is retired: new \
        apps were blocked from 2024-08-31, every app from 2025-02-01 unless granted an extension, and the API \
        retired altogether on 2025-08-31. The permissions can still be granted, but calls with them fail. Each \
        finding names the Microsoft Graph permission of the same name and type to ask for instead, where one \
        exists; KODO's pages still ask for Azure AD Graph `Directory.Read.All` and `User.Read.All`.",
    source: "catalog retirement milestones (microsoft-graph-docs-contrib authenticationbehaviors.md; Entra blog \
        posts 4090533 and 4365743); learn.microsoft.com/graph/migrate-azure-ad-graph-permissions-differences",
    check: |ctx, out| {
        let graph = ctx.catalog.resource("Microsoft Graph");
        for api in ctx.all_apis().filter(|a| a.resource.is_retired()) {
            let milestones: Vec<Milestone> =
                api.resource.milestones.iter().map(|m| Milestone { date: m.date, event: m.event }).collect();
            // Only the dates at which calls stop: the first blocking stage and the final retirement.
            let stops: Vec<Milestone> = milestones.into_iter().filter(|m| m.date >= "2024-08-31").collect();
            let (severity, when) = timeline(ctx.options.as_of, &stops);
            for p in &api.permissions {
                let replacement = graph.and_then(|g| g.get(p.kind, p.data.name));
                let help = match replacement {
                    Some(r) => format!("ask for Microsoft Graph `{}` ({}, {}) instead", r.name, p.kind, r.id),
                    None => "no Microsoft Graph permission has this name: see learn.microsoft.com/graph/migrate-azure-ad-graph-permissions-differences".into(),
                };
                out.push(
                    Diagnostic::new(
                        severity,
                        format!(
                            "`{}` ({}) is a permission of the retired `{}`: {when}",
                            p.data.name, p.kind, api.resource.display_name
                        ),
                    )
                    .at(ctx.locate(&p.path))
                    .help(help),
                );
            }
        }
    },
};
