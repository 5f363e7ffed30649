//! `lint --fix`: the profile with every resolvable mistake corrected and each correction recorded
//! in `corrections`. A name with no certain fix (an unknown permission, even one with a
//! suggestion) is left as written and reported, never guessed.

use crate::catalog::{Catalog, Kind};
use crate::plan::{Unresolved, lookup};
use crate::profile::{ApiPermissions, Correction, LoadedProfile, PermissionEntry, PermissionRef, Profile, Tags};

pub struct Fixed {
    pub profile: Profile,
    /// How many corrections were added.
    pub applied: usize,
    /// Names left as written, with why.
    pub left: Vec<String>,
}

fn pref(api: &str, name: &str, kind: Kind) -> PermissionRef {
    PermissionRef { api: api.to_string(), name: name.to_string(), kind }
}

pub fn fix(loaded: &LoadedProfile, catalog: &Catalog) -> Fixed {
    let mut profile = loaded.profile.clone();
    let mut corrections = Vec::new();
    let mut left = Vec::new();
    let original = std::mem::take(&mut profile.permissions);
    let mut groups: Vec<ApiPermissions> = Vec::new();
    // (API, type, name, tags): a name repeated with other tags is another row of the page, not a
    // duplicate.
    let mut seen: Vec<(String, Kind, String, Tags)> = Vec::new();

    // Entries are placed under their API's first group; tags inherited from a group are written
    // into the entry, so that merging groups loses none.
    let place = |groups: &mut Vec<ApiPermissions>, api: &str, kind: Kind, entry: PermissionEntry| {
        let index = match groups.iter().position(|g| g.api == api) {
            Some(i) => i,
            None => {
                groups.push(ApiPermissions::new(api));
                groups.len() - 1
            }
        };
        let list = match kind {
            Kind::Application => &mut groups[index].application,
            Kind::Delegated => &mut groups[index].delegated,
        };
        list.push(entry);
    };

    for group in &original {
        let Some(resource) = catalog.resource(&group.api) else {
            left.push(format!("unknown API `{}`: left as written", group.api));
            groups.push(group.clone());
            continue;
        };
        let api = resource.display_name;
        let group_tags = group.tags();
        for (kind, names) in [(Kind::Application, &group.application), (Kind::Delegated, &group.delegated)] {
            for entry in names {
                let tags = entry.tags(&group_tags);
                let entry = entry.with_tags(&tags);
                let name = &entry.name().to_string();
                let published = pref(&group.api, name, kind);
                let (target_api, target_kind, target_name, reason) = match lookup(catalog, resource, kind, name) {
                    Ok(_) if group.api == api => (api, kind, name.clone(), None),
                    Ok(_) => (
                        api,
                        kind,
                        name.clone(),
                        Some(format!("`{}` is not the API's display name; it is `{api}`", group.api)),
                    ),
                    Err(Unresolved::WrongCase { correct }) => (
                        api,
                        kind,
                        correct.to_string(),
                        Some(format!("permission names are case-sensitive: `{name}` is `{correct}`")),
                    ),
                    Err(Unresolved::WrongType) => (
                        api,
                        kind.other(),
                        name.clone(),
                        Some(format!("`{name}` exists on `{api}` only as a {} permission", kind.other())),
                    ),
                    Err(Unresolved::WrongApi { api: other }) => (
                        other,
                        kind,
                        name.clone(),
                        Some(format!("`{name}` is a {kind} permission of `{other}`, not of `{api}`")),
                    ),
                    Err(Unresolved::Unknown { suggestion }) => {
                        let hint = suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                        left.push(format!("`{name}` ({kind}) is not a permission of `{api}`: left as written{hint}"));
                        place(&mut groups, &group.api, kind, entry.clone());
                        continue;
                    }
                    Err(Unresolved::UnknownApi { .. }) => unreachable!("the API resolved"),
                };
                let key = (target_api.to_string(), target_kind, target_name.clone(), tags);
                if seen.contains(&key) {
                    corrections.push(Correction {
                        published,
                        corrected: None,
                        reason: format!("`{target_name}` ({target_kind}) is already listed for `{target_api}`"),
                    });
                    continue;
                }
                seen.push(key);
                if let Some(reason) = reason {
                    corrections.push(Correction {
                        published,
                        corrected: Some(pref(target_api, &target_name, target_kind)),
                        reason,
                    });
                }
                place(&mut groups, target_api, target_kind, entry.renamed(&target_name));
            }
        }
    }
    let applied = corrections.len();
    profile.permissions = groups;
    profile.corrections.extend(corrections);
    Fixed { profile, applied, left }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrects_case_type_api_and_alias_and_records_each() {
        let text = "id: t\nvendor: V\nproduct: P\nversion: '1'\ntitle: T\nsource:\n  url: https://example.com\n  date: '2024-01-01'\n\
            app:\n  display_name: P\npermissions:\n  - api: Azure Active Directory Graph\n    application: [Calendars.ReadWrite, Directory.Read.All]\n\
            \x20 - api: Graph\n    application: [User.Read.all, User.Read, Mail.ReadWrite.All, User.Read.All]\ninputs:\n  via: form\n  values: []\n";
        let loaded = LoadedProfile::parse("t.yaml", text).expect("parses");
        let fixed = fix(&loaded, &Catalog::builtin());
        let groups: Vec<(&str, Vec<&str>, Vec<&str>)> = fixed
            .profile
            .permissions
            .iter()
            .map(|g| {
                (
                    g.api.as_str(),
                    g.application.iter().map(PermissionEntry::name).collect(),
                    g.delegated.iter().map(PermissionEntry::name).collect(),
                )
            })
            .collect();
        assert_eq!(
            groups,
            vec![
                ("Microsoft Graph", vec!["Calendars.ReadWrite", "User.Read.All"], vec!["User.Read"]),
                ("Azure Active Directory Graph", vec!["Directory.Read.All"], vec![]),
                ("Graph", vec!["Mail.ReadWrite.All"], vec![]),
            ]
        );
        let reasons: Vec<&str> = fixed.profile.corrections.iter().map(|c| c.reason.as_str()).collect();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert_eq!(fixed.applied, 4);
        assert!(fixed.left[0].contains("did you mean `Mail.ReadWrite`?"), "{:?}", fixed.left);
        // The duplicate `User.Read.All` after fixing the case is recorded as removed.
        assert!(fixed.profile.corrections.iter().any(|c| c.corrected.is_none() && c.published.name == "User.Read.All"));
    }
}
