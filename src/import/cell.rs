//! One table cell read by its content: a permission name (with a description in brackets), a
//! type, an API, a directory role, a tick, a header word, or text. Cells are read by content
//! rather than position because pages leave cells out (a continuation row) and shift the rest.

use crate::catalog::{Catalog, Kind};

use super::api_names::{self, ApiName};

/// What one cell holds.
#[derive(Clone, Debug)]
pub enum Cell {
    Empty,
    /// A mark in a per-workload column (`✓`, `x`, `Yes`).
    Tick,
    Kind {
        kind: Kind,
        written: String,
        marker: Option<String>,
    },
    Api(ApiName),
    /// One or more permission names; `description` is the text in brackets after a single name.
    Names {
        names: Vec<String>,
        description: Option<String>,
    },
    /// A directory or admin role (`Global Reader`), or the word saying a row is one.
    Role(Option<String>),
    /// A column title (`Permission name`, `Type`, `Purpose`).
    Header,
    Text(String),
}

/// Removes Markdown and page markup: bold, code ticks, escaped underscores, bullets, spaces.
pub fn clean(cell: &str) -> String {
    let s = cell.replace("\\_", "_").replace("**", "").replace('`', "").replace('\u{a0}', " ");
    let s = s.trim();
    let s = s.strip_prefix("- ").or_else(|| s.strip_prefix("* ")).or_else(|| s.strip_prefix("• ")).unwrap_or(s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

const MARKS: &[char] = &['*', '†', '‡', '§', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹', '⁰'];

/// Splits a footnote mark glued to the end of a word (`Delegated1`, `Sites.Read.All*`).
pub fn split_marker(text: &str) -> (&str, Option<&str>) {
    let stem = text.trim_end_matches(|c: char| c.is_ascii_digit() || MARKS.contains(&c));
    let stem = stem.strip_suffix('[').unwrap_or(stem);
    if stem.len() == text.len() || stem.is_empty() { (text, None) } else { (stem, Some(&text[stem.len()..])) }
}

/// A type cell: `Application`, `Delegated1`, `Application permission`, `Role`, `Scope`.
pub fn kind_of(text: &str) -> Option<(Kind, Option<String>)> {
    let (stem, marker) = split_marker(text);
    let lower = stem.trim().trim_end_matches(['.', ':']).to_lowercase();
    let lower = lower.trim();
    let kind = if ["application", "application permission", "application permissions", "app-only", "app only"]
        .contains(&lower)
        || ["role", "approle", "app role", "アプリケーション", "anwendung"].contains(&lower)
        || lower.starts_with("application (")
    {
        Kind::Application
    } else if ["delegated", "delegated permission", "delegated permissions", "delegate", "scope"].contains(&lower)
        || ["委任", "委任済み", "delegiert"].contains(&lower)
        || lower.starts_with("delegated (")
    {
        Kind::Delegated
    } else {
        return None;
    };
    Some((kind, marker.map(str::to_string)))
}

/// Words that title a column.
const HEADER_WORDS: &[&str] = &[
    "api",
    "apis",
    "api name",
    "resource",
    "api / permissions name",
    "api/permissions name",
    "api / permission name",
    "permission",
    "permissions",
    "permission name",
    "permission names",
    "permission or role name",
    "name",
    "type",
    "permission type",
    "description",
    "purpose",
    "usage",
    "used for",
    "required for",
    "reason",
    "last update",
    "last updated",
    "status",
    "display name",
    "admin consent",
    "admin consent required",
    "notes",
    "note",
    "feature",
    "アクセス許可",
    "説明",
    "最終更新日",
];

pub fn is_header_word(text: &str) -> bool {
    let lower = split_marker(text).0.trim().trim_end_matches(':').to_lowercase();
    HEADER_WORDS.contains(&lower.as_str())
}

/// The column title names a description column (consent text or purpose).
pub fn is_description_header(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("description") || lower.contains("display name") || lower.contains("consent") || lower == "説明"
}

/// Built-in Entra ID and Exchange roles pages ask an administrator or the app to hold.
const ROLES: &[&str] = &[
    "Global Administrator",
    "Global Reader",
    "Application Administrator",
    "Cloud Application Administrator",
    "Privileged Role Administrator",
    "Exchange Administrator",
    "Exchange Recipient Administrator",
    "SharePoint Administrator",
    "Teams Administrator",
    "User Administrator",
    "Groups Administrator",
    "Directory Readers",
    "Microsoft 365 Backup Administrator",
    "Backup Administrator",
    "ApplicationImpersonation",
    "Organization Management",
    "View-Only Configuration",
    "View-Only Recipients",
    "Mail Recipients",
];

/// The built-in roles a sentence names (`the consenting user must be a Global Administrator`),
/// longest first, none inside another.
pub fn roles_in(text: &str) -> Vec<&'static str> {
    let mut roles: Vec<&'static str> = ROLES.to_vec();
    roles.sort_by_key(|r| std::cmp::Reverse(r.len()));
    let mut found: Vec<&'static str> = Vec::new();
    for role in roles {
        let bounded = text.match_indices(role).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + role.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        });
        if bounded && !found.iter().any(|f| f.contains(role)) {
            found.push(role);
        }
    }
    found
}

/// Words in an API column that say the row is a role, not a permission.
const ROLE_WORDS: &[&str] =
    &["role", "administrative role", "admin role", "directory role", "azure ad role", "entra id role", "exchange role"];

fn is_role(text: &str) -> bool {
    ROLES.iter().any(|r| r.eq_ignore_ascii_case(text))
        || (text.contains(' ')
            && text.len() < 60
            && text.starts_with(|c: char| c.is_ascii_uppercase())
            && !text.contains(['.', '(', ','])
            && (text.ends_with(" Administrator") || text.ends_with(" Admin") || text.ends_with(" Reader")))
}

/// A permission name as pages write it: letters, digits, `.`, `_`, `-`, and a footnote mark.
/// Dotted names have a capital in their first part (`Mail.Read`, `eDiscovery.Read.All`), so
/// `appinv.aspx` or `e.g.` are not names, unless the catalog has the name in another case.
pub fn is_name_shaped(text: &str, catalog: &Catalog) -> bool {
    let (stem, _) = split_marker(text);
    let shaped = stem.starts_with(|c: char| c.is_ascii_alphabetic())
        && stem.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && !stem.ends_with(['.', '-']);
    if !shaped {
        return false;
    }
    let in_catalog = |ignore_case: bool| {
        catalog.resources().iter().any(|r| {
            [Kind::Application, Kind::Delegated]
                .into_iter()
                .any(|k| if ignore_case { r.get_ignore_case(k, stem).is_some() } else { r.get(k, stem).is_some() })
        })
    };
    match stem.split_once('.') {
        Some((first, _)) => first.chars().any(|c| c.is_ascii_uppercase()) || in_catalog(true),
        None if stem.contains('_') => stem.chars().all(|c| c.is_ascii_lowercase() || c == '_') || in_catalog(true),
        None => in_catalog(false),
    }
}

/// Splits `Name(Description)`, `Name (Description)` and `Name - Description`.
fn name_and_description(text: &str) -> (&str, Option<&str>) {
    if let Some(open) = text.find('(')
        && text.ends_with(')')
    {
        let desc = text[open + 1..text.len() - 1].trim();
        return (text[..open].trim(), (!desc.is_empty()).then_some(desc));
    }
    for sep in [" - ", " – ", " — ", ": "] {
        if let Some((name, desc)) = text.split_once(sep) {
            return (name.trim(), Some(desc.trim()));
        }
    }
    (text, None)
}

const TICKS: &[&str] = &["✓", "✔", "✔️", "☑", "x", "X", "yes", "Yes", "●", "•", "Y", "n/a", "N/A", "-", "—", "–"];

/// Reads one cell.
pub fn classify(raw: &str, catalog: &Catalog) -> Cell {
    let text = clean(raw);
    if text.is_empty() {
        return Cell::Empty;
    }
    if TICKS.contains(&text.as_str()) {
        return Cell::Tick;
    }
    if let Some((kind, marker)) = kind_of(&text) {
        return Cell::Kind { kind, written: text, marker };
    }
    if is_header_word(&text) {
        return Cell::Header;
    }
    if ROLE_WORDS.contains(&text.to_lowercase().as_str()) {
        return Cell::Role(None);
    }
    if let Some(api) = api_names::resolve(&text, catalog) {
        return Cell::Api(api);
    }
    let (name, description) = name_and_description(&text);
    if is_name_shaped(name, catalog) {
        return Cell::Names { names: vec![name.to_string()], description: description.map(str::to_string) };
    }
    let list: Vec<&str> = text.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()).collect();
    if list.len() > 1 && list.iter().all(|n| is_name_shaped(n, catalog)) {
        return Cell::Names { names: list.iter().map(|s| s.to_string()).collect(), description: None };
    }
    if is_role(&text) {
        return Cell::Role(Some(text));
    }
    Cell::Text(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(cell: &str) -> String {
        match classify(cell, &Catalog::builtin()) {
            Cell::Empty => "empty".into(),
            Cell::Tick => "tick".into(),
            Cell::Kind { kind, marker, .. } => format!("kind {kind} {marker:?}"),
            Cell::Api(a) => format!("api {} {:?}", a.resource.key, a.marker),
            Cell::Names { names, description } => format!("names {names:?} {description:?}"),
            Cell::Role(r) => format!("role {r:?}"),
            Cell::Header => "header".into(),
            Cell::Text(t) => format!("text {t}"),
        }
    }

    #[test]
    fn reads_cells_by_their_content() {
        for (cell, want) in [
            (" ", "empty"),
            ("✔", "tick"),
            ("Delegated1", "kind delegated Some(\"1\")"),
            ("Application2", "kind application Some(\"2\")"),
            ("**Application**", "kind application None"),
            ("Permission type", "header"),
            ("API / Permissions Name", "header"),
            ("Office 365 Exchange Online1", "api exchange-online Some(\"1\")"),
            (
                "Sites.FullControl.All(Have full control of all site collections)",
                "names [\"Sites.FullControl.All\"] Some(\"Have full control of all site collections\")",
            ),
            (
                "User.Read.All (Read all users' full profiles)",
                "names [\"User.Read.All\"] Some(\"Read all users' full profiles\")",
            ),
            ("Sites.Read.All*", "names [\"Sites.Read.All*\"] None"),
            ("full\\_access\\_as\\_app", "names [\"full_access_as_app\"] None"),
            ("offline_access", "names [\"offline_access\"] None"),
            ("openid", "names [\"openid\"] None"),
            ("Mail.Read, Mail.Send", "names [\"Mail.Read\", \"Mail.Send\"] None"),
            ("Global Reader", "role Some(\"Global Reader\")"),
            ("Administrative role", "role None"),
            ("Scan mailboxes.", "text Scan mailboxes."),
            ("appinv.aspx", "text appinv.aspx"),
            ("e.g.", "text e.g."),
            ("user.read.all", "names [\"user.read.all\"] None"),
            ("eDiscovery.Read.All", "names [\"eDiscovery.Read.All\"] None"),
            ("Read and write mail in all mailboxes", "text Read and write mail in all mailboxes"),
        ] {
            assert_eq!(show(cell), want, "{cell}");
        }
    }

    #[test]
    fn finds_the_roles_a_sentence_names() {
        assert_eq!(
            roles_in("The user must be a Global Administrator; later a Microsoft 365 Backup Administrator."),
            vec!["Microsoft 365 Backup Administrator", "Global Administrator"]
        );
        assert!(roles_in("Global Administrators group").is_empty());
    }

    #[test]
    fn a_marker_is_split_only_from_a_word_that_has_one() {
        assert_eq!(split_marker("Delegated1"), ("Delegated", Some("1")));
        assert_eq!(split_marker("Sites.Read.All*"), ("Sites.Read.All", Some("*")));
        assert_eq!(split_marker("Mail.Read"), ("Mail.Read", None));
        assert_eq!(split_marker("365"), ("365", None));
    }
}
