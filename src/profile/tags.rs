//! Format 2 tags: which workloads a row serves (Exchange, OneDrive, Teams, ...) and what it is
//! used for (backup, restore), and the selection `render --workloads ... --without ...` makes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A Microsoft 365 workload a product backs up or restores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Workload {
    Exchange,
    Onedrive,
    Sharepoint,
    Teams,
    Groups,
    Planner,
    /// Entra ID objects themselves: users, groups, applications, roles.
    Directory,
}

impl Workload {
    pub const ALL: &'static [Workload] = &[
        Workload::Exchange,
        Workload::Onedrive,
        Workload::Sharepoint,
        Workload::Teams,
        Workload::Groups,
        Workload::Planner,
        Workload::Directory,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Workload::Exchange => "exchange",
            Workload::Onedrive => "onedrive",
            Workload::Sharepoint => "sharepoint",
            Workload::Teams => "teams",
            Workload::Groups => "groups",
            Workload::Planner => "planner",
            Workload::Directory => "directory",
        }
    }

    pub fn names() -> Vec<&'static str> {
        Workload::ALL.iter().map(|w| w.as_str()).collect()
    }
}

/// What a row is needed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    Backup,
    Restore,
}

impl Usage {
    pub const ALL: &'static [Usage] = &[Usage::Backup, Usage::Restore];

    pub fn as_str(self) -> &'static str {
        match self {
            Usage::Backup => "backup",
            Usage::Restore => "restore",
        }
    }

    pub fn names() -> Vec<&'static str> {
        Usage::ALL.iter().map(|u| u.as_str()).collect()
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn unknown(what: &str, s: &str, known: &[&'static str]) -> String {
    let mut m = format!("unknown {what} `{}`; {what}s: {}", s.escape_debug(), known.join(", "));
    if let Some(n) = crate::suggest::nearest(s, known.iter().copied()) {
        m.push_str(&format!(" (did you mean `{n}`?)"));
    }
    m
}

impl FromStr for Workload {
    type Err = String;
    fn from_str(s: &str) -> Result<Workload, String> {
        Workload::ALL
            .iter()
            .copied()
            .find(|w| w.as_str() == s)
            .ok_or_else(|| unknown("workload", s, &Workload::names()))
    }
}

impl FromStr for Usage {
    type Err = String;
    fn from_str(s: &str) -> Result<Usage, String> {
        Usage::ALL.iter().copied().find(|u| u.as_str() == s).ok_or_else(|| unknown("usage", s, &Usage::names()))
    }
}

/// The tags of one row. Empty lists mean "every workload" and "every use": an untagged row is
/// part of every selection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tags {
    pub workloads: Vec<Workload>,
    pub usage: Vec<Usage>,
}

impl Tags {
    /// `own` where given, else `inherited`, field by field.
    pub fn inherit(own_workloads: &[Workload], own_usage: &[Usage], inherited: &Tags) -> Tags {
        Tags {
            workloads: if own_workloads.is_empty() { inherited.workloads.clone() } else { own_workloads.to_vec() },
            usage: if own_usage.is_empty() { inherited.usage.clone() } else { own_usage.to_vec() },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.workloads.is_empty() && self.usage.is_empty()
    }

    /// Whether every selection that keeps a row tagged `other` keeps a row tagged `self` too.
    pub fn covers(&self, other: &Tags) -> bool {
        fn within<T: PartialEq>(wide: &[T], narrow: &[T]) -> bool {
            wide.is_empty() || (!narrow.is_empty() && narrow.iter().all(|x| wide.contains(x)))
        }
        within(&self.workloads, &other.workloads) && within(&self.usage, &other.usage)
    }
}

/// What `render --workloads A,B --without restore` keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Selection {
    /// Only rows for these workloads (or untagged ones); `None` = every workload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workloads: Option<Vec<Workload>>,
    /// Rows needed only for these uses are left out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub without: Vec<Usage>,
}

impl Selection {
    pub fn is_all(&self) -> bool {
        self.workloads.is_none() && self.without.is_empty()
    }

    /// Whether a row with `tags` is kept.
    pub fn keeps(&self, tags: &Tags) -> bool {
        let workload_ok = match &self.workloads {
            None => true,
            Some(wanted) => tags.workloads.is_empty() || tags.workloads.iter().any(|w| wanted.contains(w)),
        };
        let usage_ok = tags.usage.is_empty() || tags.usage.iter().any(|u| !self.without.contains(u));
        workload_ok && usage_ok
    }

    /// Whether any of the rows `tags` is kept (a permission listed in several tables).
    pub fn keeps_any<'a>(&self, mut rows: impl Iterator<Item = &'a Tags>) -> bool {
        rows.any(|t| self.keeps(t))
    }

    /// One line for people: `workloads exchange, teams; without restore`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(w) = &self.workloads {
            parts.push(format!("workloads {}", w.iter().map(|w| w.as_str()).collect::<Vec<_>>().join(", ")));
        }
        if !self.without.is_empty() {
            parts.push(format!("without {}", self.without.iter().map(|u| u.as_str()).collect::<Vec<_>>().join(", ")));
        }
        parts.join("; ")
    }
}

/// One permission as listed: a bare name, or (format 2) a mapping with its own tags.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PermissionEntry {
    Name(String),
    Tagged(TaggedPermission),
}

// By hand rather than `untagged`: a mistake inside a mapping is then reported as what it is
// (`unknown field `workload``, at its line), not as "did not match any variant".
impl<'de> Deserialize<'de> for PermissionEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<PermissionEntry, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = PermissionEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a permission name, or a mapping with `name` and optional `workloads`, `usage`, `purpose`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PermissionEntry, E> {
                Ok(PermissionEntry::Name(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<PermissionEntry, A::Error> {
                TaggedPermission::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(PermissionEntry::Tagged)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaggedPermission {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<Usage>,
    /// What the vendor says the permission is for, in a few words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

impl PermissionEntry {
    pub fn name(&self) -> &str {
        match self {
            PermissionEntry::Name(n) => n,
            PermissionEntry::Tagged(t) => &t.name,
        }
    }

    pub fn purpose(&self) -> Option<&str> {
        match self {
            PermissionEntry::Name(_) => None,
            PermissionEntry::Tagged(t) => t.purpose.as_deref(),
        }
    }

    /// The YAML path of the name: the entry itself, or its `name` field.
    pub fn name_path(&self, entry_path: &str) -> String {
        match self {
            PermissionEntry::Name(_) => entry_path.to_string(),
            PermissionEntry::Tagged(_) => format!("{entry_path}.name"),
        }
    }

    /// The row's tags: its own where given, else its group's.
    pub fn tags(&self, group: &Tags) -> Tags {
        match self {
            PermissionEntry::Name(_) => group.clone(),
            PermissionEntry::Tagged(t) => Tags::inherit(&t.workloads, &t.usage, group),
        }
    }

    pub fn is_tagged(&self) -> bool {
        matches!(self, PermissionEntry::Tagged(_))
    }

    /// The same entry under another name (a correction), tags kept.
    pub fn renamed(&self, name: &str) -> PermissionEntry {
        match self {
            PermissionEntry::Name(_) => PermissionEntry::Name(name.to_string()),
            PermissionEntry::Tagged(t) => {
                PermissionEntry::Tagged(TaggedPermission { name: name.to_string(), ..t.clone() })
            }
        }
    }

    /// The entry with `tags` written into it (when moved out of its group).
    pub fn with_tags(&self, tags: &Tags) -> PermissionEntry {
        if tags.is_empty() && !self.is_tagged() {
            return self.clone();
        }
        PermissionEntry::Tagged(TaggedPermission {
            name: self.name().to_string(),
            workloads: tags.workloads.clone(),
            usage: tags.usage.clone(),
            purpose: self.purpose().map(str::to_string),
        })
    }
}

impl From<&str> for PermissionEntry {
    fn from(s: &str) -> PermissionEntry {
        PermissionEntry::Name(s.to_string())
    }
}

impl PartialEq<&str> for PermissionEntry {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(w: &[Workload], u: &[Usage]) -> Tags {
        Tags { workloads: w.to_vec(), usage: u.to_vec() }
    }

    #[test]
    fn selection_keeps_untagged_rows_and_rows_with_a_wanted_workload_or_use() {
        let s = Selection { workloads: Some(vec![Workload::Exchange, Workload::Teams]), without: vec![Usage::Restore] };
        assert!(s.keeps(&Tags::default()));
        assert!(s.keeps(&tags(&[Workload::Teams], &[])));
        assert!(!s.keeps(&tags(&[Workload::Sharepoint], &[])));
        assert!(!s.keeps(&tags(&[Workload::Exchange], &[Usage::Restore])));
        assert!(s.keeps(&tags(&[Workload::Exchange], &[Usage::Backup, Usage::Restore])));
        assert!(s.keeps_any([tags(&[Workload::Sharepoint], &[]), tags(&[Workload::Exchange], &[])].iter()));
        assert_eq!(s.describe(), "workloads exchange, teams; without restore");
        assert!(Selection::default().is_all());
    }

    #[test]
    fn a_row_covers_another_when_every_selection_keeping_the_other_keeps_it() {
        let all = Tags::default();
        let exchange_backup = tags(&[Workload::Exchange], &[Usage::Backup]);
        let exchange = tags(&[Workload::Exchange], &[]);
        assert!(all.covers(&exchange_backup));
        assert!(exchange.covers(&exchange_backup));
        assert!(!exchange_backup.covers(&exchange));
        assert!(!exchange_backup.covers(&all));
        assert!(!tags(&[], &[Usage::Restore]).covers(&exchange_backup));
    }

    #[test]
    fn entries_inherit_group_tags_field_by_field() {
        let group = tags(&[Workload::Exchange], &[Usage::Backup]);
        let e: PermissionEntry = serde_yaml::from_str("{name: Mail.Read, usage: [restore]}").expect("entry");
        assert_eq!(e.tags(&group), tags(&[Workload::Exchange], &[Usage::Restore]));
        assert_eq!(PermissionEntry::from("Mail.Read").tags(&group), group);
    }

    #[test]
    fn workload_and_usage_names_parse_with_suggestions() {
        assert_eq!("teams".parse::<Workload>(), Ok(Workload::Teams));
        let err = "sharepiont".parse::<Workload>().expect_err("typo");
        assert!(err.contains("did you mean `sharepoint`?"), "{err}");
        assert!("archive".parse::<Usage>().is_err());
    }
}
