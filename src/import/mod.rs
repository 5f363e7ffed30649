//! `init --from`: a vendor's published permission table read into a profile. Every row ends as
//! exactly one of resolved, corrected (recorded in the profile's `corrections` with its reason)
//! or unresolved (reported with its line and the nearest candidates); rows naming a directory
//! role are carried into the profile's notes. Nothing is dropped without a word.
//!
//! The steps, one module each: [`html`] and [`table`] cut the input into rows and text lines,
//! [`cell`] and [`api_names`] read single cells, [`glued`] splits cells pasted without separators, [`rows`] assembles rows (continuation rows,
//! headings above tables, consent-text lists), [`resolve`] resolves them against the catalog,
//! [`profile`] writes the profile's sections and [`report`] the summary.

pub mod api_names;
pub mod cell;
pub mod glued;
pub mod html;
pub mod profile;
pub mod report;
pub mod resolve;
pub mod rows;
pub mod table;

use crate::catalog::{Catalog, Kind};

pub use resolve::{Outcome, Reason, Status, Target};
pub use rows::Mention;

/// What one input became.
#[derive(Debug)]
pub struct Import {
    pub outcomes: Vec<Outcome>,
    /// Permission names met in prose, outside any table or list.
    pub mentions: Vec<Mention>,
    /// Directory or admin roles named in prose, carried into the profile's notes.
    pub role_mentions: Vec<Mention>,
    /// Lines read as headings or prose.
    pub prose_lines: Vec<usize>,
    /// The input was read as HTML.
    pub html: bool,
}

/// Counts of outcomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub rows: usize,
    pub resolved: usize,
    pub corrected: usize,
    pub unresolved: usize,
    pub not_permissions: usize,
    pub mentions: usize,
    pub role_mentions: usize,
}

/// Reads `text` (pasted text or a saved HTML page) and resolves every row.
pub fn import(text: &str, catalog: &Catalog) -> Import {
    let html = html::is_html(text);
    let events = if html { html::events(text) } else { table::events(text) };
    let descriptions = resolve::Descriptions::new(catalog);
    let read = rows::rows(&events, catalog, &descriptions);
    let mut outcomes: Vec<Outcome> =
        read.rows.into_iter().map(|r| resolve::resolve(r, catalog, &descriptions)).collect();
    mark_duplicates(&mut outcomes);
    // A name the text mentions that a row already gave needs no word of its own.
    let mut mentions = read.mentions;
    mentions.retain(|m| !outcomes.iter().any(|o| o.target.as_ref().is_some_and(|t| t.data.name == m.name)));
    Import { outcomes, mentions, role_mentions: read.role_mentions, prose_lines: read.prose_lines, html }
}

fn mark_duplicates(outcomes: &mut [Outcome]) {
    let mut seen: Vec<(&'static str, Kind, &'static str, usize)> = Vec::new();
    for o in outcomes.iter_mut() {
        let Some(t) = &o.target else { continue };
        let key = (t.resource.app_id, t.kind, t.data.name);
        match seen.iter().find(|s| (s.0, s.1, s.2) == key) {
            Some(first) => o.notes.push(format!("the same permission as line {}; listed once", first.3)),
            None => seen.push((key.0, key.1, key.2, o.row.line)),
        }
    }
}

impl Import {
    pub fn summary(&self) -> Summary {
        let count = |s: Status| self.outcomes.iter().filter(|o| o.status == s).count();
        Summary {
            rows: self.outcomes.iter().filter(|o| o.status != Status::NotPermission).count(),
            resolved: count(Status::Resolved),
            corrected: count(Status::Corrected),
            unresolved: count(Status::Unresolved),
            not_permissions: count(Status::NotPermission),
            mentions: self.mentions.len(),
            role_mentions: self.role_mentions.len(),
        }
    }

    /// The permissions to list: (API display name, application names, delegated names), in
    /// first-seen order, each name once.
    pub fn groups(&self) -> Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> {
        let mut groups: Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> = Vec::new();
        for t in self.outcomes.iter().filter_map(|o| o.target.as_ref()) {
            let api = t.resource.display_name;
            let i = match groups.iter().position(|g| g.0 == api) {
                Some(i) => i,
                None => {
                    groups.push((api, Vec::new(), Vec::new()));
                    groups.len() - 1
                }
            };
            let list = if t.kind == Kind::Application { &mut groups[i].1 } else { &mut groups[i].2 };
            if !list.contains(&t.data.name) {
                list.push(t.data.name);
            }
        }
        groups
    }
}

#[cfg(test)]
mod tests;
