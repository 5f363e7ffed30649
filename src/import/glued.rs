//! Rows whose cells a copy glued together with no separator, as some pages paste:
//! `Microsoft GraphDirectory.Read.All(Read directory data)ApplicationLists users.` or
//! `Calendars.ReadWriteApplicationRead and write calendars in all mailboxes`. A row is split
//! only where the pieces are an API the catalog knows, a permission name the catalog knows, and
//! a type word, so prose is never split.

use crate::catalog::{Catalog, Kind};

use super::api_names::{self, ApiName};

/// The cells of one glued row.
#[derive(Debug)]
pub struct Glued {
    pub api: Option<ApiName>,
    pub name: String,
    pub description: Option<String>,
    pub kind: Option<(Kind, String)>,
    pub rest: Option<String>,
}

const TYPES: &[(&str, Kind)] = &[("Application", Kind::Application), ("Delegated", Kind::Delegated)];

fn api_prefix<'a>(text: &'a str, catalog: &Catalog) -> Option<(ApiName, &'a str)> {
    let mut names: Vec<&str> = catalog
        .resources()
        .iter()
        .flat_map(|r| r.aliases.iter().copied().chain([r.display_name, r.service_principal_display_name]))
        .filter(|n| !n.contains("://") && n.len() > 3)
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut end = 0;
    loop {
        let rest = &text[end..];
        let Some(n) = names.iter().find(|n| rest.starts_with(**n)) else { break };
        end += n.len();
        match text[end..].strip_prefix('/') {
            Some(_) => end += 1,
            None => break,
        }
    }
    if end == 0 {
        return None;
    }
    let api = api_names::resolve(text[..end].trim_end_matches('/'), catalog)?;
    Some((api, &text[end..]))
}

fn known(catalog: &Catalog, name: &str) -> bool {
    catalog.resources().iter().any(|r| {
        r.get_ignore_case(Kind::Application, name).is_some() || r.get_ignore_case(Kind::Delegated, name).is_some()
    })
}

/// Splits a glued row, or `None` when the text is not one.
pub fn split(text: &str, catalog: &Catalog) -> Option<Glued> {
    let (api, rest) = match api_prefix(text, catalog) {
        Some((api, rest)) => (Some(api), rest),
        None => (None, text),
    };
    let run = rest.find(|c: char| !(c.is_ascii_alphanumeric() || "._-".contains(c))).unwrap_or(rest.len());
    // The longest catalog name at the start that a type, a bracket or the end follows.
    let (name_end, after) = (1..=run).rev().find_map(|end| {
        let after = &rest[end..];
        let fits = after.is_empty() || after.starts_with('(') || TYPES.iter().any(|(t, _)| after.starts_with(t));
        (fits && rest.is_char_boundary(end) && known(catalog, &rest[..end])).then_some((end, after))
    })?;
    let name = rest[..name_end].to_string();
    let (description, after) = match after.strip_prefix('(').and_then(|a| a.split_once(')')) {
        Some((d, a)) => (Some(d.trim().to_string()), a),
        None => (None, after),
    };
    let (kind, after) = match TYPES.iter().find(|(t, _)| after.starts_with(t)) {
        Some((t, k)) => (Some((*k, t.to_string())), &after[t.len()..]),
        None => (None, after),
    };
    if kind.is_none() && api.is_none() {
        return None;
    }
    let rest = after.trim();
    Some(Glued { api, name, description, kind, rest: (!rest.is_empty()).then(|| rest.to_string()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> Option<String> {
        let g = split(text, &Catalog::builtin())?;
        Some(format!(
            "{:?} {} {:?} {:?} {:?}",
            g.api.map(|a| a.resource.key),
            g.name,
            g.description,
            g.kind.map(|k| k.0),
            g.rest
        ))
    }

    #[test]
    fn splits_glued_cells_only_at_catalog_names() {
        assert_eq!(
            show("Calendars.ReadWriteApplicationRead and write calendars in all mailboxes").as_deref(),
            Some("None Calendars.ReadWrite None Some(Application) Some(\"Read and write calendars in all mailboxes\")")
        );
        assert_eq!(
            show("SharePoint/Office 365 SharePoint OnlineSites.FullControl.All(Have full control of all site collections)ApplicationScans sites.").as_deref(),
            Some("Some(\"sharepoint-online\") Sites.FullControl.All Some(\"Have full control of all site collections\") Some(Application) Some(\"Scans sites.\")")
        );
        assert_eq!(
            show("Microsoft GraphUser.Read.All(Read all users' full profiles)Application").as_deref(),
            Some(
                "Some(\"microsoft-graph\") User.Read.All Some(\"Read all users' full profiles\") Some(Application) None"
            )
        );
        assert_eq!(show("Applications need admin consent."), None);
        assert_eq!(show("Mail.ReadWrite"), None, "a bare name is not a glued row");
        assert_eq!(show("Mail.ReadWriteApplicationX").map(|s| s.contains("Mail.ReadWrite None")), Some(true));
    }
}
