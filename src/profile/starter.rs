//! `init`: a commented starter profile, optionally filled from a permission list as copied from a
//! vendor page: one name per line, or table rows (`API | Permission | Type`, in any order, with
//! `|` or tabs), headers and separators skipped. Each name is resolved against the catalog and
//! every guess is reported.

use crate::catalog::{Catalog, Kind};
use crate::plan::{Unresolved, lookup};

/// A resolved list: (API display name, application names, delegated names) in first-seen
/// order, and what was guessed or left out.
#[derive(Debug, Default)]
pub struct Resolved {
    pub groups: Vec<(String, Vec<String>, Vec<String>)>,
    pub reports: Vec<String>,
    pub unresolved: Vec<String>,
}

fn kind_of(cell: &str) -> Option<Kind> {
    match cell.to_ascii_lowercase().as_str() {
        "application" | "application permission" | "application permissions" | "role" | "app" => {
            Some(Kind::Application)
        }
        "delegated" | "delegated permission" | "delegated permissions" | "scope" => Some(Kind::Delegated),
        _ => None,
    }
}

fn looks_like_name(cell: &str) -> bool {
    cell.starts_with(|c: char| c.is_ascii_alphabetic())
        && cell.contains(['.', '_'])
        && cell.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

pub fn resolve_list(text: &str, catalog: &Catalog) -> Resolved {
    let mut out = Resolved::default();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let cleaned = line.replace("\\_", "_").replace("**", "");
        let cells: Vec<&str> = cleaned
            .split(['|', '\t'])
            .map(str::trim)
            .filter(|c| !c.is_empty() && !c.chars().all(|ch| "-: ".contains(ch)))
            .collect();
        if cells.is_empty() {
            continue;
        }
        let mut api = None;
        let mut kind = None;
        let mut name = None;
        for cell in &cells {
            if let Some(k) = kind_of(cell) {
                kind = Some(k);
            } else if let Some(r) = catalog.resource(cell) {
                api = Some((r, *cell));
            } else if name.is_none() && looks_like_name(cell) {
                name = Some(*cell);
            }
        }
        let Some(name) = name else { continue }; // a header, a description, or prose
        let candidates: Vec<(&'static crate::catalog::ResourceData, Kind)> = match api {
            Some((r, _)) => vec![(r, kind.unwrap_or(Kind::Application))],
            None => catalog
                .resources()
                .iter()
                .copied()
                .flat_map(|r| [(r, Kind::Application), (r, Kind::Delegated)])
                .filter(|(r, k)| kind.is_none_or(|want| want == *k) && r.get_ignore_case(*k, name).is_some())
                .collect(),
        };
        // Prefer: the API given; else Microsoft Graph, active APIs, application permissions.
        let mut ranked = candidates.clone();
        ranked.sort_by_key(|(r, k)| (r.is_retired(), r.key != "microsoft-graph", *k != Kind::Application));
        let Some(&(resource, k)) = ranked.first() else {
            let suggestion = crate::suggest::nearest(
                name,
                catalog.resources().iter().flat_map(|r| r.app_roles.iter().chain(r.scopes).map(|p| p.name)),
            );
            let hint = suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
            out.reports.push(format!("line {line_no}: `{name}` is not a permission of any API{hint}"));
            out.unresolved.push(name.to_string());
            continue;
        };
        let resolved_name = match lookup(catalog, resource, k, name) {
            Ok(p) => p.name.to_string(),
            Err(Unresolved::WrongCase { correct }) => {
                out.reports.push(format!("line {line_no}: `{name}` written as `{correct}` (names are case-sensitive)"));
                correct.to_string()
            }
            Err(problem) => {
                let what = match problem {
                    Unresolved::WrongType => {
                        format!("exists on `{}` only as {} permission", resource.display_name, k.other())
                    }
                    Unresolved::WrongApi { api } => format!("belongs to `{api}`"),
                    _ => format!("is not a {k} permission of `{}`", resource.display_name),
                };
                out.reports.push(format!("line {line_no}: `{name}` {what}: left out"));
                out.unresolved.push(name.to_string());
                continue;
            }
        };
        if api.is_none()
            && ranked.len() == 1
            && (resource.key != "microsoft-graph" || (kind.is_none() && k != Kind::Application))
        {
            out.reports.push(format!(
                "line {line_no}: `{resolved_name}` exists only on {} ({k}); chose that",
                resource.display_name
            ));
        } else if api.is_none() && ranked.len() > 1 {
            let others: Vec<String> = ranked[1..].iter().map(|(r, k)| format!("{} ({k})", r.display_name)).collect();
            out.reports.push(format!(
                "line {line_no}: `{resolved_name}` also exists on {}; chose {} ({k})",
                others.join(", "),
                resource.display_name
            ));
        }
        let api_name = resource.display_name.to_string();
        let index = match out.groups.iter().position(|g| g.0 == api_name) {
            Some(i) => i,
            None => {
                out.groups.push((api_name, Vec::new(), Vec::new()));
                out.groups.len() - 1
            }
        };
        let list = if k == Kind::Application { &mut out.groups[index].1 } else { &mut out.groups[index].2 };
        if !list.contains(&resolved_name) {
            list.push(resolved_name);
        }
    }
    out
}

/// The starter profile text: commented, valid, and clean under `lint`.
pub fn starter(id: &str, today: &str, resolved: Option<&Resolved>) -> String {
    let prefix: String =
        id.to_ascii_uppercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let mut permissions = String::new();
    match resolved {
        Some(r) if !r.groups.is_empty() => {
            for (api, app, del) in &r.groups {
                permissions.push_str(&format!("  - api: {api}\n"));
                for (field, names) in [("application", app), ("delegated", del)] {
                    if !names.is_empty() {
                        permissions.push_str(&format!("    {field}:\n"));
                        for n in names {
                            permissions.push_str(&format!("      - {n}\n"));
                        }
                    }
                }
            }
        }
        _ => permissions.push_str("  - api: Microsoft Graph\n    application:              # app roles; delegated: for scopes\n      - User.Read.All\n"),
    }
    let unresolved = match resolved {
        Some(r) if !r.unresolved.is_empty() => {
            let mut s = String::from(
                "# Not resolved (see the report); add them by hand once you know what the vendor meant:\n",
            );
            for n in &r.unresolved {
                s.push_str(&format!("#   - {n}\n"));
            }
            s
        }
        _ => String::new(),
    };
    format!(
        "# A profile for m365-runbook: what one vendor page asks an administrator to set up.
# Every field is described in profiles/FORMAT.md; check it with `m365-runbook lint {id}.yaml`.
id: {id}
aliases: []
vendor: Vendor name            # who publishes the product
product: Product name
version: \"1.0\"                 # the product versions the page applies to
title: Product name Microsoft 365 access
source:
  url: https://example.com/the-vendor-page
  date: \"{today}\"             # the date of the page's revision
app:
  display_name: Product name   # default app name (--app-name overrides)
  credential: secret           # secret or certificate
  unattended: true             # the product runs without a signed-in user
permissions:
{permissions}{unresolved}inputs:
  via: environment             # environment (variables) or form (typed into the product)
  values:
    - name: {prefix}_TENANT_ID
      from: tenant_id
    - name: {prefix}_CLIENT_ID
      from: client_id
    - name: {prefix}_CLIENT_SECRET
      from: client_secret
# Where this profile differs from the vendor's page, and why:
corrections: []
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_names_and_table_rows_and_reports_every_guess() {
        let text = "| API | Permission name | Permission type |\n| :--- | :--- | :--- |\n\
            | Microsoft Graph | User.Read.all | Application |\n| SharePoint | Sites.FullControl.All | Application |\n\
            Calendars.ReadWrite\tApplication\tRead and write calendars\nMail.ReadWrite.All\nUser.Read | Delegated\n";
        let r = resolve_list(text, &Catalog::builtin());
        let groups: Vec<(&str, Vec<&str>, Vec<&str>)> = r
            .groups
            .iter()
            .map(|(a, x, d)| {
                (a.as_str(), x.iter().map(String::as_str).collect(), d.iter().map(String::as_str).collect())
            })
            .collect();
        assert_eq!(
            groups,
            vec![
                ("Microsoft Graph", vec!["User.Read.All", "Calendars.ReadWrite"], vec!["User.Read"]),
                ("Office 365 SharePoint Online", vec!["Sites.FullControl.All"], vec![]),
                ("Office 365 Exchange Online", vec![], vec!["Mail.ReadWrite.All"]),
            ]
        );
        assert!(
            r.reports.iter().any(|m| m.starts_with("line 3: `User.Read.all` written as `User.Read.All`")),
            "{:?}",
            r.reports
        );
        assert!(
            r.reports
                .iter()
                .any(|m| m.starts_with("line 7: `User.Read` also exists on Office 365 Exchange Online (delegated)")),
            "{:?}",
            r.reports
        );
        assert!(
            r.reports.contains(
                &"line 6: `Mail.ReadWrite.All` exists only on Office 365 Exchange Online (delegated); chose that"
                    .to_string()
            ),
            "{:?}",
            r.reports
        );
        let r = resolve_list("Mail.Raed\n", &Catalog::builtin());
        assert_eq!(r.unresolved, vec!["Mail.Raed"]);
        assert!(r.reports[0].ends_with("did you mean `Mail.Read`?"), "{:?}", r.reports);
    }
}
