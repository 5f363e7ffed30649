use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Rule;

/// Access levels, weakest first; a permission implies those of the same resource and scope
/// below it (`Sites.Read.All` < `Sites.ReadWrite.All` < `Sites.Manage.All` < `Sites.FullControl.All`).
const LEVELS: &[&str] = &["ReadBasic", "Read", "ReadWrite", "Manage", "FullControl"];

/// (resource, level, scope): `Sites.Read.All` -> ("Sites", 1, "All").
fn parts(name: &str) -> Option<(&str, usize, &str)> {
    let mut it = name.splitn(3, '.');
    let resource = it.next()?;
    let verb = it.next()?;
    let level = LEVELS.iter().position(|l| *l == verb)?;
    Some((resource, level, it.next().unwrap_or("")))
}

pub static RULE: Rule = Rule {
    id: "redundant",
    name: "permission implied by a broader one in the same list",
    severity: Severity::Warning,
    explanation: "A broader permission on the same API and of the same type already grants this one: \
        `Sites.FullControl.All` covers `Sites.Manage.All`, `Sites.ReadWrite.All` and `Sites.Read.All`, and \
        `X.ReadWrite.All` covers `X.Read.All`. Keeping both adds nothing but a longer consent screen and a list \
        that looks like more access is needed. KODO's 2021-08 page asks for all four Sites permissions twice. \
        With workload and usage tags, only where every subset that needs the narrower one gets the broader one \
        too: `Mail.Read` for backup is not redundant beside `Mail.ReadWrite` for restore, since \
        `--without restore` keeps only the first.",
    source: "Microsoft's least/higher privileged tables, e.g. learn.microsoft.com/graph/api/site-post-permissions; \
        Storware/kodo-cloud-manual@2056173",
    check: |ctx, out| {
        for api in ctx.all_apis() {
            // Each name split once, not once per pair.
            let split: Vec<_> = api.permissions.iter().map(|q| parts(q.data.name)).collect();
            for (p, p_parts) in api.permissions.iter().zip(&split) {
                let Some((res, level, scope)) = *p_parts else { continue };
                let broader = api
                    .permissions
                    .iter()
                    .zip(&split)
                    .filter_map(|(q, q_parts)| q_parts.map(|(r, l, s)| (q, r, l, s)))
                    .filter(|(_, r, l, s)| *r == res && *s == scope && *l > level)
                    // With format 2 tags, only when every subset that needs `p` gets `q` too.
                    .filter(|(q, ..)| q.kind == p.kind && q.covers(p))
                    .max_by_key(|(_, _, l, _)| *l)
                    .map(|(q, ..)| q.data.name);
                if let Some(by) = broader {
                    out.push(
                        Diagnostic::warning(format!(
                            "`{}` is implied by `{by}`, also listed for `{}` ({})",
                            p.data.name, api.resource.display_name, p.kind
                        ))
                        .at(ctx.locate(&p.path))
                        .help(format!("remove `{}`", p.data.name)),
                    );
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::parts;

    #[test]
    fn reads_levels_and_ignores_other_verbs() {
        assert_eq!(parts("Sites.FullControl.All"), Some(("Sites", 4, "All")));
        assert_eq!(parts("MailboxSettings.Read"), Some(("MailboxSettings", 1, "")));
        assert_eq!(parts("TeamMember.ReadWriteNonOwnerRole.All"), None);
        assert_eq!(parts("Group.Create"), None);
    }
}
