//! API names as vendor pages write them (`SharePoint`, `EWS`, `Office 365 Exchange Online1`,
//! `SharePoint/Office 365 SharePoint Online`, `Microsoft Graph API`) resolved to catalog APIs.

use crate::catalog::{Catalog, ResourceData};

use super::cell::{clean, split_marker};

/// An API cell read from a page.
#[derive(Clone, Debug)]
pub struct ApiName {
    pub resource: &'static ResourceData,
    /// The text as the page writes it (markup removed).
    pub written: String,
    /// A footnote mark glued to the name (`1` in `Office 365 Exchange Online1`).
    pub marker: Option<String>,
}

impl ApiName {
    /// The page wrote the API's display name or app id, exactly.
    pub fn is_exact(&self) -> bool {
        self.marker.is_none() && (self.written == self.resource.display_name || self.written == self.resource.app_id)
    }
}

/// Names pages use that are not catalog aliases, with the catalog key they mean.
const PAGE_NAMES: &[(&str, &str)] = &[
    ("EWS", "exchange-online"),
    ("Exchange Web Services", "exchange-online"),
    ("Exchange Online (EWS)", "exchange-online"),
    ("Office 365 Exchange", "exchange-online"),
    ("Microsoft Exchange", "exchange-online"),
    ("Microsoft.Exchange", "exchange-online"),
    ("Office 365 SharePoint", "sharepoint-online"),
    ("Microsoft SharePoint Online", "sharepoint-online"),
    ("Azure AD Graph API", "azure-ad-graph"),
    ("Windows Azure Active Directory Graph", "azure-ad-graph"),
];

fn by_key(catalog: &Catalog, key: &str) -> Option<&'static ResourceData> {
    catalog.resources().iter().copied().find(|r| r.key == key)
}

fn lookup(catalog: &Catalog, text: &str) -> Option<&'static ResourceData> {
    let text = text.trim().trim_end_matches(':').trim();
    if text.is_empty() {
        return None;
    }
    if let Some(r) = catalog.resource(text) {
        return Some(r);
    }
    if let Some((_, key)) = PAGE_NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(text)) {
        return by_key(catalog, key);
    }
    let lower = text.to_ascii_lowercase();
    for suffix in [" apis", " api", " (legacy)", " legacy", " permissions", " permission"] {
        if let Some(stem) = lower.strip_suffix(suffix) {
            return lookup(catalog, &text[..stem.len()]);
        }
    }
    None
}

/// Reads an API cell; `None` when the text names no API.
pub fn resolve(cell: &str, catalog: &Catalog) -> Option<ApiName> {
    let written = clean(cell);
    if written.is_empty() || written.len() > 80 {
        return None;
    }
    let found = |text: &str| -> Option<&'static ResourceData> {
        if let Some(r) = lookup(catalog, text) {
            return Some(r);
        }
        // `SharePoint/Office 365 SharePoint Online`: every part must name the same API.
        let parts: Vec<&str> = text.split('/').map(str::trim).filter(|p| !p.is_empty()).collect();
        if parts.len() < 2 || text.contains("://") {
            return None;
        }
        let first = lookup(catalog, parts[0])?;
        parts[1..].iter().all(|p| lookup(catalog, p).is_some_and(|r| r.app_id == first.app_id)).then_some(first)
    };
    if let Some(resource) = found(&written) {
        return Some(ApiName { resource, written, marker: None });
    }
    let (stem, marker) = split_marker(&written);
    let marker = marker?.to_string();
    let resource = found(stem)?;
    Some(ApiName { resource, written, marker: Some(marker) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_names_pages_use() {
        let catalog = Catalog::builtin();
        for (text, key, exact) in [
            ("Microsoft Graph", "microsoft-graph", true),
            ("Microsoft Graph API", "microsoft-graph", false),
            ("**Microsoft Graph**", "microsoft-graph", true),
            ("SharePoint", "sharepoint-online", false),
            ("SharePoint/Office 365 SharePoint Online", "sharepoint-online", false),
            ("Exchange", "exchange-online", false),
            ("EWS", "exchange-online", false),
            ("Office 365 Exchange Online", "exchange-online", true),
            ("Office 365 Exchange Online1", "exchange-online", false),
            ("Windows Azure Active Directory", "azure-ad-graph", false),
            ("Azure Active Directory Graph", "azure-ad-graph", true),
        ] {
            let api = resolve(text, &catalog).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((api.resource.key, api.is_exact()), (key, exact), "{text}");
        }
        assert_eq!(resolve("Office 365 Exchange Online1", &catalog).and_then(|a| a.marker), Some("1".to_string()));
        for text in ["Microsoft 365", "Exchange/SharePoint", "Permission name", "Sites.Read.All", ""] {
            assert!(resolve(text, &catalog).is_none(), "{text}");
        }
    }
}
