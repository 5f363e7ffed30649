use crate::diagnostic::Severity;
use crate::lint::Rule;

pub static RULE: Rule = Rule {
    id: "duplicate",
    name: "permission listed twice",
    severity: Severity::Warning,
    explanation: "The same permission (same API, name and type) appears more than once. The bundle grants it once, \
        but a repeated row usually means the list was copied by hand and deserves a second look. KODO's 2021-06 \
        page lists Microsoft Graph `User.Read.All` twice.",
    source: "Storware/kodo-cloud-manual@bbd4955",
    check: |ctx, out| {
        out.extend(ctx.resolution().warnings.iter().filter(|d| d.code.as_deref() == Some("duplicate")).cloned());
    },
};
