//! The offline permission catalog: names to GUIDs for every API a profile may ask for.
//!
//! Built-in data comes from `catalog/permissions.json`, compiled into static tables by
//! `build.rs`. Entries are keyed by (resource app id, permission name, kind). Names are
//! case-sensitive, as Entra compares them; lookups that miss can ask for near names.

mod data;
pub mod import;
pub mod overlay;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use data::{MilestoneData, PermissionData, ResourceData};
pub use overlay::{Overlay, OverlayInfo, OverlayResource, default_path};

/// Application permission (app role, `Role`) or delegated permission (scope, `Scope`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Application,
    Delegated,
}

impl Kind {
    /// The `type` value Entra uses in `requiredResourceAccess` and `az --api-permissions`.
    pub fn entra_type(self) -> &'static str {
        match self {
            Kind::Application => "Role",
            Kind::Delegated => "Scope",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::Delegated => "delegated",
        }
    }

    pub fn other(self) -> Kind {
        match self {
            Kind::Application => Kind::Delegated,
            Kind::Delegated => Kind::Application,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The snapshot date of the built-in tables.
pub const BUILTIN_SNAPSHOT_DATE: &str = data::SNAPSHOT_DATE;

/// The catalog in use: the built-in tables, with the resources of an imported overlay replacing
/// (or adding to) the built-in ones of the same app id.
#[derive(Debug)]
pub struct Catalog {
    resources: Vec<&'static ResourceData>,
    overlay: Option<OverlayInfo>,
}

impl Catalog {
    /// The catalog compiled into the binary.
    pub fn builtin() -> Catalog {
        Catalog { resources: data::RESOURCES.iter().collect(), overlay: None }
    }

    /// The built-in catalog with `overlay` applied.
    pub fn with_overlay(overlay: Overlay) -> Catalog {
        let (info, resources) = overlay.into_static();
        let mut catalog = Catalog::builtin();
        for r in resources {
            match catalog.resources.iter().position(|b| b.app_id.eq_ignore_ascii_case(r.app_id)) {
                Some(i) => catalog.resources[i] = r,
                None => catalog.resources.push(r),
            }
        }
        catalog.overlay = Some(info);
        catalog
    }

    /// The built-in catalog, with the overlay at `path` (or the default one) when it exists.
    pub fn load(path: Option<&std::path::Path>) -> Result<Catalog, crate::diagnostic::InputError> {
        let Some(path) = path.map(std::path::Path::to_path_buf).or_else(overlay::default_path) else {
            return Ok(Catalog::builtin());
        };
        Ok(match Overlay::read(&path)? {
            Some(o) => {
                let mut c = Catalog::with_overlay(o);
                if let Some(info) = &mut c.overlay {
                    info.path = path.display().to_string();
                }
                c
            }
            None => Catalog::builtin(),
        })
    }

    /// The date of the newest data in use: the overlay's import date, else the built-in snapshot.
    pub fn snapshot_date(&self) -> &str {
        self.overlay.as_ref().map_or(BUILTIN_SNAPSHOT_DATE, |o| o.imported.as_str())
    }

    pub fn overlay(&self) -> Option<&OverlayInfo> {
        self.overlay.as_ref()
    }

    pub fn resources(&self) -> &[&'static ResourceData] {
        &self.resources
    }

    /// Finds an API by its app id, display name, service-principal name, key or alias.
    /// Names compare case-insensitively; app ids exactly.
    pub fn resource(&self, name: &str) -> Option<&'static ResourceData> {
        let name = name.trim();
        self.resources.iter().copied().find(|r| {
            r.app_id.eq_ignore_ascii_case(name)
                || r.key.eq_ignore_ascii_case(name)
                || r.display_name.eq_ignore_ascii_case(name)
                || r.service_principal_display_name.eq_ignore_ascii_case(name)
                || r.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// Every name an API can be written as, for suggestions.
    pub fn resource_names(&self) -> Vec<&'static str> {
        self.resources.iter().map(|r| r.display_name).collect()
    }
}

impl ResourceData {
    pub fn permissions(&self, kind: Kind) -> &'static [PermissionData] {
        match kind {
            Kind::Application => self.app_roles,
            Kind::Delegated => self.scopes,
        }
    }

    /// Exact lookup (names are case-sensitive in Entra).
    pub fn get(&self, kind: Kind, name: &str) -> Option<&'static PermissionData> {
        let list = self.permissions(kind);
        // Lists are sorted by name in code-point order (checked by a test).
        list.binary_search_by(|p| p.name.cmp(name)).ok().map(|i| &list[i])
    }

    /// Lookup ignoring ASCII case, for "wrong case" diagnostics.
    pub fn get_ignore_case(&self, kind: Kind, name: &str) -> Option<&'static PermissionData> {
        self.permissions(kind).iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// Lookup by GUID.
    pub fn get_by_id(&self, kind: Kind, id: &str) -> Option<&'static PermissionData> {
        self.permissions(kind)
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(id) || p.duplicate_ids.iter().any(|d| d.eq_ignore_ascii_case(id)))
    }

    pub fn is_retired(&self) -> bool {
        self.status == "retired"
    }

    /// The last retirement milestone: the date the API stopped working altogether.
    pub fn retired_on(&self) -> Option<&'static str> {
        self.milestones.last().map(|m| m.date)
    }
}

impl PermissionData {
    /// The short text of what the permission grants.
    pub fn summary(&self) -> &'static str {
        self.display.unwrap_or(self.description)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRAPH: &str = "00000003-0000-0000-c000-000000000000";

    #[test]
    fn lists_are_sorted_and_unique_so_binary_search_is_valid() {
        for r in Catalog::builtin().resources() {
            for kind in [Kind::Application, Kind::Delegated] {
                let list = r.permissions(kind);
                for pair in list.windows(2) {
                    assert!(pair[0].name < pair[1].name, "{} {kind}: {} >= {}", r.key, pair[0].name, pair[1].name);
                }
            }
        }
    }

    #[test]
    fn resolves_names_to_the_published_guids() {
        let catalog = Catalog::builtin();
        let graph = catalog.resource("Microsoft Graph").expect("graph");
        assert_eq!(graph.app_id, GRAPH);
        assert_eq!(
            graph.get(Kind::Application, "User.Read.All").map(|p| p.id),
            Some("df021288-bdef-4463-88db-98f22de89214")
        );
        assert_eq!(graph.get(Kind::Delegated, "User.Read").map(|p| p.id), Some("e1fe6dd8-ba31-4d61-89e7-88639da4683d"));
        assert!(graph.get(Kind::Application, "User.Read").is_none(), "User.Read is delegated only");
        assert!(graph.get(Kind::Application, "User.Read.all").is_none(), "names are case-sensitive");
        assert_eq!(graph.get_ignore_case(Kind::Application, "User.Read.all").map(|p| p.name), Some("User.Read.All"));
        let exchange = catalog.resource("Exchange").expect("alias");
        assert_eq!(
            exchange.get(Kind::Application, "full_access_as_app").map(|p| p.id),
            Some("dc890d15-9560-4a4c-9b7f-a736ec74ec40")
        );
    }

    #[test]
    fn finds_apis_by_any_of_their_names() {
        let catalog = Catalog::builtin();
        for name in ["SharePoint", "office 365 sharepoint online", "00000003-0000-0ff1-ce00-000000000000", "SPO"] {
            assert_eq!(catalog.resource(name).map(|r| r.key), Some("sharepoint-online"), "{name}");
        }
        assert!(catalog.resource("Windows Azure Active Directory").is_some_and(|r| r.is_retired()));
        assert!(catalog.resource("Graff").is_none());
    }

    #[test]
    fn snapshot_date_is_carried() {
        assert_eq!(Catalog::builtin().snapshot_date(), "2026-08-22");
    }
}
