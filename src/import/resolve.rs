//! Rows resolved against the catalog. The row's API decides where a name resolves; a row with
//! no API (or no type) gets the best match, and the choice is said. A name that resolves only
//! after a change (case, a glued footnote mark, type, API) is a correction with its reason; a
//! row with a consent text and no name is resolved by that text. Anything else is unresolved,
//! with the nearest candidates.

use crate::catalog::{Catalog, Kind, PermissionData, ResourceData};

use super::cell::split_marker;
use super::rows::{Origin, Row};

/// How one row ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Resolved,
    Corrected,
    Unresolved,
    /// A directory or admin role: carried into the profile's notes.
    NotPermission,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Resolved => "resolved",
            Status::Corrected => "corrected",
            Status::Unresolved => "unresolved",
            Status::NotPermission => "not-a-permission",
        }
    }
}

/// A permission the row resolved to.
#[derive(Clone, Debug)]
pub struct Target {
    pub resource: &'static ResourceData,
    pub kind: Kind,
    pub data: &'static PermissionData,
}

/// Why a row was corrected: one reason per difference from the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    WrongCase { written: String },
    GluedMarker { written: String, marker: String },
    WrongType { written: Kind },
    WrongApi { written: &'static str },
    RetiredApi { written: &'static str },
    ApiName { written: String },
    ApiMarker { written: String, marker: String },
    ByDescription { written: String },
}

/// One row and how it ended.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub row: Row,
    pub status: Status,
    pub target: Option<Target>,
    pub reasons: Vec<Reason>,
    /// Choices made and facts worth knowing (the API chosen, a duplicate).
    pub notes: Vec<String>,
    /// For an unresolved row: the nearest permissions, as `Name (API, type)`.
    pub candidates: Vec<String>,
}

fn normalise(text: &str) -> String {
    text.replace(['’', '‘'], "'")
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_string()
}

fn rank(r: &ResourceData) -> (bool, bool) {
    (r.is_retired(), r.key != "microsoft-graph")
}

/// Every permission's consent text and description, normalised once per import.
pub struct Descriptions {
    by_text: std::collections::HashMap<String, Vec<Target>>,
    shown: Vec<(String, Target, &'static str)>,
}

impl Descriptions {
    pub fn new(catalog: &Catalog) -> Descriptions {
        let mut by_text: std::collections::HashMap<String, Vec<Target>> = std::collections::HashMap::new();
        let mut shown = Vec::new();
        for &resource in catalog.resources() {
            for kind in [Kind::Application, Kind::Delegated] {
                for data in resource.permissions(kind) {
                    let t = Target { resource, kind, data };
                    let mut keys = vec![normalise(data.description)];
                    if let Some(d) = data.display {
                        keys.push(normalise(d));
                    }
                    keys.dedup();
                    for k in keys {
                        by_text.entry(k).or_default().push(t.clone());
                    }
                    let text = data.display.unwrap_or(data.description);
                    shown.push((normalise(text), t, text));
                }
            }
        }
        Descriptions { by_text, shown }
    }

    /// Every permission whose consent text or description is `text`, in catalog order.
    fn matching(&self, text: &str) -> Vec<Target> {
        let want = normalise(text);
        if want.len() < 8 {
            return Vec::new();
        }
        self.by_text.get(&want).cloned().unwrap_or_default()
    }

    /// Whether `text` is some permission's consent text (tells a list of them from prose).
    pub fn matches(&self, text: &str) -> bool {
        !self.matching(text).is_empty()
    }

    fn nearest(&self, text: &str) -> Vec<String> {
        let want = normalise(text);
        let mut scored: Vec<(u64, String)> = Vec::new();
        for (norm, t, shown) in &self.shown {
            let s = strsim::normalized_levenshtein(&want, norm);
            if s > 0.6 {
                scored.push((((1.0 - s) * 1_000_000.0) as u64, format!("{} \"{shown}\"", describe(t))));
            }
        }
        scored.sort();
        scored.into_iter().take(3).map(|s| s.1).collect()
    }
}

fn describe(t: &Target) -> String {
    format!("{} ({}, {})", t.data.name, t.resource.display_name, t.kind)
}

/// The nearest names to `name`: on `api` first, then anywhere.
fn nearest_names(name: &str, api: Option<&'static ResourceData>, catalog: &Catalog) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut scored: Vec<(usize, bool, String)> = Vec::new();
    for &resource in catalog.resources() {
        for kind in [Kind::Application, Kind::Delegated] {
            for data in resource.permissions(kind) {
                let d = strsim::levenshtein(&lower, &data.name.to_lowercase());
                if d <= (name.len().max(data.name.len()) / 3).max(1) {
                    let elsewhere = api.is_some_and(|a| a.app_id != resource.app_id);
                    scored.push((d, elsewhere, describe(&Target { resource, kind, data })));
                }
            }
        }
    }
    scored.sort();
    scored.dedup_by(|a, b| a.2 == b.2);
    scored.into_iter().take(3).map(|s| s.2).collect()
}

/// A match for a name: the permission and what had to change.
struct Found {
    target: Target,
    case: bool,
    marker: Option<String>,
    other_type: bool,
    other_api: bool,
}

/// The best match for `name`, preferring (in order) the row's API, its type, the name as
/// written; then Microsoft Graph, active APIs, application permissions.
fn find(name: &str, api: Option<&'static ResourceData>, kind: Option<Kind>, catalog: &Catalog) -> Vec<Found> {
    let (stem, marker) = split_marker(name);
    let forms: Vec<(&str, Option<String>)> = match marker {
        Some(m) => vec![(name, None), (stem, Some(m.to_string()))],
        None => vec![(name, None)],
    };
    let mut found = Vec::new();
    for &resource in catalog.resources() {
        for k in [Kind::Application, Kind::Delegated] {
            for (form, m) in &forms {
                let exact = resource.get(k, form);
                let hit = exact.or_else(|| resource.get_ignore_case(k, form));
                if let Some(data) = hit {
                    found.push(Found {
                        target: Target { resource, kind: k, data },
                        case: exact.is_none(),
                        marker: m.clone(),
                        other_type: kind.is_some_and(|want| want != k),
                        other_api: api.is_some_and(|a| a.app_id != resource.app_id),
                    });
                    break;
                }
            }
        }
    }
    found.sort_by_key(|f| {
        (
            f.other_api,
            f.other_type,
            f.marker.is_some(),
            f.case,
            rank(f.target.resource),
            f.target.kind != Kind::Application,
        )
    });
    found
}

/// The other APIs that have the name, each with its types: `Office 365 Exchange Online (application, delegated)`.
fn others(found: &[Found], chosen: &Target) -> Vec<String> {
    let mut apis: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for f in found.iter().filter(|f| f.target.resource.app_id != chosen.resource.app_id && !f.other_type) {
        let api = f.target.resource.display_name;
        match apis.iter_mut().find(|a| a.0 == api) {
            Some(a) => a.1.push(f.target.kind.as_str()),
            None => apis.push((api, vec![f.target.kind.as_str()])),
        }
    }
    apis.into_iter()
        .map(|(api, mut kinds)| {
            kinds.sort();
            format!("{api} ({})", kinds.join(", "))
        })
        .collect()
}

fn origin_note(what: &str, origin: &Origin) -> Option<String> {
    match origin {
        Origin::Cell => None,
        Origin::Above(line) => Some(format!("{what} from the row above (line {line})")),
        Origin::Heading(line) => Some(format!("{what} from the text above the table (line {line})")),
    }
}

/// Resolves one row.
pub fn resolve(row: Row, catalog: &Catalog, descriptions: &Descriptions) -> Outcome {
    let mut out = Outcome {
        row,
        status: Status::Unresolved,
        target: None,
        reasons: Vec::new(),
        notes: Vec::new(),
        candidates: Vec::new(),
    };
    if out.row.role.is_some() {
        out.status = Status::NotPermission;
        return out;
    }
    let api = out.row.api.as_ref().map(|(a, _)| a.resource);
    let kind = out.row.kind.as_ref().map(|k| k.0);
    if let Some((a, origin)) = &out.row.api
        && let Some(n) = origin_note(&format!("API `{}`", a.written), origin)
    {
        out.notes.push(n);
    }
    if let Some((_, written, _, origin)) = &out.row.kind
        && let Some(n) = origin_note(&format!("type `{written}`"), origin)
    {
        out.notes.push(n);
    }
    if let Some((_, written, Some(marker), _)) = &out.row.kind {
        out.notes.push(format!("`{marker}` after the type `{written}` read as a footnote mark"));
    }
    if let Some(line) = out.row.name_above {
        out.notes.push(format!("name from the row above (line {line})"));
    }
    let Some(name) = out.row.name.clone() else {
        return by_consent_text(out, api, kind, descriptions);
    };
    let found = find(&name, api, kind, catalog);
    let Some(best) = found.first() else {
        if out.row.description.is_some() {
            let before = out.notes.len();
            let o = by_consent_text(out, api, kind, descriptions);
            if o.status != Status::Unresolved {
                let mut o = o;
                o.status = Status::Corrected;
                o.reasons.insert(0, Reason::ByDescription { written: name });
                return o;
            }
            out = o;
            out.notes.truncate(before);
        }
        out.candidates = nearest_names(&name, api, catalog);
        return out;
    };
    if best.other_api && best.other_type {
        // Both the API and the type would change: no certain fix.
        out.notes.push("only another API's permission of the other type has this name".to_string());
        out.candidates = found.iter().take(3).map(|f| describe(&f.target)).collect();
        return out;
    }
    let t = best.target.clone();
    if best.marker.is_some() || best.case {
        let (stem, _) = split_marker(&name);
        if let Some(m) = &best.marker {
            out.reasons.push(Reason::GluedMarker { written: name.clone(), marker: m.clone() });
        }
        if best.case {
            out.reasons.push(Reason::WrongCase { written: stem.to_string() });
        }
    }
    if let Some(written) = kind.filter(|_| best.other_type) {
        out.reasons.push(Reason::WrongType { written });
    }
    match out.row.api.as_ref() {
        Some((a, _)) if best.other_api => {
            let written = a.resource.display_name;
            out.reasons.push(if a.resource.is_retired() {
                Reason::RetiredApi { written }
            } else {
                Reason::WrongApi { written }
            });
        }
        Some((a, _)) if !a.is_exact() => out.reasons.push(api_reason(a)),
        Some(_) => {}
        None => {
            let elsewhere = others(&found, &t);
            let why = if t.resource.key == "microsoft-graph" {
                "Microsoft Graph is preferred"
            } else if !t.resource.is_retired()
                && elsewhere.iter().any(|o| o.starts_with("Azure Active Directory Graph"))
            {
                "active APIs are preferred over retired ones"
            } else {
                "it is the only API with this name"
            };
            if elsewhere.is_empty() {
                out.notes.push(format!("no API given; `{}` exists only on {}", t.data.name, t.resource.display_name));
            } else {
                out.notes.push(format!(
                    "no API given; also on {}; chose {} because {why}",
                    elsewhere.join(", "),
                    t.resource.display_name
                ));
            }
        }
    }
    if kind.is_none() {
        let both = found.iter().any(|f| f.target.resource.app_id == t.resource.app_id && f.target.kind != t.kind);
        if both {
            out.notes.push(format!(
                "no type given; `{}` is both application and delegated; chose {} (the app runs unattended)",
                t.data.name, t.kind
            ));
        } else {
            out.notes.push(format!("no type given; `{}` exists only as {}", t.data.name, t.kind));
        }
    }
    out.status = if out.reasons.is_empty() { Status::Resolved } else { Status::Corrected };
    out.target = Some(t);
    out
}

fn api_reason(a: &super::api_names::ApiName) -> Reason {
    match &a.marker {
        Some(marker) => Reason::ApiMarker { written: a.written.clone(), marker: marker.clone() },
        None => Reason::ApiName { written: a.written.clone() },
    }
}

fn by_consent_text(
    mut out: Outcome,
    api: Option<&'static ResourceData>,
    kind: Option<Kind>,
    descriptions: &Descriptions,
) -> Outcome {
    let Some(text) = out.row.description.clone() else {
        return out;
    };
    let mut matches = descriptions.matching(&text);
    matches.retain(|t| api.is_none_or(|a| a.app_id == t.resource.app_id) && kind.is_none_or(|k| k == t.kind));
    matches.sort_by_key(|t| (rank(t.resource), t.kind != Kind::Application, t.data.name));
    let Some(best) = matches.first().cloned() else {
        out.candidates = descriptions.nearest(&text);
        return out;
    };
    let same_api: Vec<&Target> = matches.iter().filter(|t| t.resource.app_id == best.resource.app_id).collect();
    let names: Vec<&str> = {
        let mut n: Vec<&str> = same_api.iter().map(|t| t.data.name).collect();
        n.dedup();
        n
    };
    if names.len() > 1 {
        out.notes.push(format!("the consent text fits {} permissions of {}", names.len(), best.resource.display_name));
        out.candidates = same_api.iter().map(|t| describe(t)).collect();
        return out;
    }
    out.notes.push(format!("resolved by its consent text \"{text}\""));
    let elsewhere: Vec<String> =
        matches.iter().filter(|t| t.resource.app_id != best.resource.app_id).map(describe).collect();
    if !elsewhere.is_empty() {
        out.notes.push(format!(
            "the text also fits {}; chose {} because {}",
            elsewhere.join(", "),
            best.resource.display_name,
            if best.resource.key == "microsoft-graph" {
                "Microsoft Graph is preferred"
            } else {
                "active APIs are preferred"
            }
        ));
    }
    if kind.is_none() && same_api.iter().any(|t| t.kind != best.kind) {
        out.notes.push(format!("no type given; chose {} (the app runs unattended)", best.kind));
    }
    if let Some((a, _)) = &out.row.api
        && !a.is_exact()
    {
        out.reasons.push(api_reason(a));
    }
    out.status = if out.reasons.is_empty() { Status::Resolved } else { Status::Corrected };
    out.target = Some(best);
    out
}

impl Reason {
    /// The reason in words, for the report and the profile's `corrections`.
    pub fn sentence(&self, t: &Target) -> String {
        let api = t.resource.display_name;
        match self {
            Reason::WrongCase { written } => {
                format!("Wrong case: permission names are case-sensitive; the page writes `{written}`.")
            }
            Reason::GluedMarker { written, marker } => {
                format!(
                    "Glued marker: the page writes `{written}`, with the footnote mark `{marker}` glued to the name."
                )
            }
            Reason::WrongType { written } => format!(
                "Wrong type: the page gives `{}` as {written}, but {api} publishes it only as {} permission.",
                t.data.name,
                if t.kind == Kind::Application { "an application" } else { "a delegated" }
            ),
            Reason::WrongApi { written } => {
                format!("Wrong API: {written} has no permission `{}`; it belongs to {api}.", t.data.name)
            }
            Reason::RetiredApi { written } => {
                format!("Retired API: {written} (retired) has no permission `{}`; {api} publishes it.", t.data.name)
            }
            Reason::ApiName { written } => format!(
                "The page names the API `{written}`, which is not its display name in Entra ID; the permission belongs to {api} (app id {}).",
                t.resource.app_id
            ),
            Reason::ApiMarker { written, marker } => format!(
                "Glued marker: the page writes the API as `{written}`, with the footnote mark `{marker}` glued to {api}."
            ),
            Reason::ByDescription { written } => {
                format!("No API publishes `{written}`; the page's consent text matches `{}` of {api}.", t.data.name)
            }
        }
    }
}
