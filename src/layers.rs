//! Values in layers, the way helm users expect: profile defaults, then each `-f/--values FILE`
//! in order, then `--set key=value`, then the dedicated flags (`--tenant`, ...), later winning.
//! Every value remembers where it came from, for `--show-values` and for error messages.

use std::collections::BTreeMap;
use std::path::Path;

use serde_yaml::Value as Yaml;

use crate::diagnostic::{Diagnostic, InputError, Location};
use crate::guid::Guid;
use crate::profile::CredentialKind;
use crate::suggest;
use crate::tenant::TenantName;
use crate::values::{AppName, SecretYears, SiteUrl, Values};
use crate::yaml_spans::Spans;

/// Every key a values file, `--set` or an inventory row may set.
pub const KEYS: &[&str] = &[
    "tenant",
    "tenant_id",
    "client_id",
    "app_name",
    "credential",
    "secret_years",
    "cloud",
    "least_privilege",
    "sites",
    "include_retired",
];

/// One value as written, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub raw: Raw,
    /// `values.yaml:3`, `--set`, `--tenant`, `inventory.csv:12`, `profile`.
    pub origin: String,
    pub location: Option<Location>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    Text(String),
    List(Vec<String>),
}

impl Raw {
    pub fn text(&self) -> String {
        match self {
            Raw::Text(t) => t.clone(),
            Raw::List(l) => l.join(","),
        }
    }

    pub fn list(&self) -> Vec<String> {
        match self {
            Raw::Text(t) => t.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect(),
            Raw::List(l) => l.clone(),
        }
    }
}

/// Values by key; applying a later layer replaces the keys it sets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layers {
    pub entries: BTreeMap<String, Entry>,
}

fn unknown_key(key: &str, location: Option<Location>) -> Diagnostic {
    let mut d = Diagnostic::error(format!("unknown value `{}`", key.escape_debug()))
        .at(location)
        .note(format!("values: {}", KEYS.join(", ")));
    if let Some(s) = suggest::nearest(key, KEYS.iter().copied()) {
        d = d.help(format!("did you mean `{s}`?"));
    }
    d
}

/// A YAML value as a layer value: a scalar, or a list for `sites`; None for anything else.
pub fn raw_from_yaml(key: &str, value: Yaml) -> Result<Raw, RawError> {
    match value {
        Yaml::String(s) => Ok(Raw::Text(s)),
        Yaml::Bool(b) => Ok(Raw::Text(b.to_string())),
        Yaml::Number(n) => Ok(Raw::Text(n.to_string())),
        Yaml::Sequence(items) if key == "sites" => {
            let mut list = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                match item {
                    Yaml::String(s) => list.push(s),
                    _ => return Err(RawError::Item(i)),
                }
            }
            Ok(Raw::List(list))
        }
        _ => Err(RawError::NotSingle),
    }
}

/// Why a YAML value is not a value of its key.
pub enum RawError {
    /// A list or mapping where one value belongs.
    NotSingle,
    /// Item `i` of a list is not a string.
    Item(usize),
}

impl RawError {
    /// The error, located at the value (`at`) or the item (`item_at(i)`).
    pub fn diagnostic(
        &self,
        key: &str,
        at: Option<Location>,
        item_at: impl Fn(usize) -> Option<Location>,
    ) -> Diagnostic {
        match self {
            RawError::NotSingle => Diagnostic::error(format!("`{key}` takes a single value")).at(at),
            RawError::Item(i) => {
                Diagnostic::error(format!("`{key}[{i}]` is not a URL: each item is a string")).at(item_at(*i).or(at))
            }
        }
    }
}

impl Layers {
    pub fn set(&mut self, key: &str, raw: Raw, origin: String, location: Option<Location>) {
        self.entries.insert(key.to_string(), Entry { raw, origin, location });
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// Adds a YAML values file: a mapping of known keys to scalars (or a list, for `sites`).
    pub fn add_file(&mut self, path: &Path) -> Result<(), InputError> {
        let shown = path.display().to_string();
        let text =
            crate::input::read_text(path, "values file", crate::input::MAX_FILE_BYTES, crate::input::Encoding::Utf8)?;
        self.add_yaml(&shown, &text)
    }

    pub fn add_yaml(&mut self, origin: &str, text: &str) -> Result<(), InputError> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        crate::input::check_yaml_depth(origin, text)?;
        let spans = Spans::index(origin, text);
        let doc: Yaml = serde_yaml::from_str(text).map_err(|e| {
            let location = e.location().map(|l| spans.at(l.line(), l.column(), None, None));
            InputError::one(Diagnostic::error(e.to_string()).at(location.or_else(|| Some(Location::file(origin)))))
        })?;
        let map = match doc {
            Yaml::Mapping(m) => m,
            Yaml::Null => return Ok(()),
            _ => {
                return Err(InputError::one(
                    Diagnostic::error("a values file is a mapping of `key: value` lines")
                        .at(Some(Location::file(origin))),
                ));
            }
        };
        let mut problems = Vec::new();
        for (k, v) in map {
            let Some(key) = k.as_str().map(str::to_string) else {
                problems.push(Diagnostic::error("keys must be plain names").at(Some(Location::file(origin))));
                continue;
            };
            let location = spans.locate(&format!("{key}#key")).or_else(|| spans.locate(&key));
            if !KEYS.contains(&key.as_str()) {
                problems.push(unknown_key(&key, location));
                continue;
            }
            let raw = match raw_from_yaml(&key, v) {
                Ok(raw) => raw,
                Err(e) => {
                    problems.push(e.diagnostic(&key, location, |i| spans.locate(&format!("{key}[{i}]"))));
                    continue;
                }
            };
            let line = location.as_ref().map_or(0, |l| l.line);
            self.set(&key, raw, format!("{origin}:{line}"), location);
        }
        if problems.is_empty() { Ok(()) } else { Err(InputError::new(problems)) }
    }

    /// Adds `--set key=value` items.
    pub fn add_sets(&mut self, items: &[String]) -> Result<(), InputError> {
        let mut problems = Vec::new();
        for item in items {
            let at = Some(Location::file(format!("--set {item}")));
            match item.split_once('=') {
                Some((key, value)) if KEYS.contains(&key.trim()) => {
                    let key = key.trim();
                    let raw = if key == "sites" {
                        Raw::List(Raw::Text(value.to_string()).list())
                    } else {
                        Raw::Text(value.to_string())
                    };
                    self.set(key, raw, "--set".into(), at);
                }
                Some((key, _)) => problems.push(unknown_key(key.trim(), at)),
                None => {
                    problems.push(Diagnostic::error(format!("`--set {}` needs key=value", item.escape_debug())).at(at))
                }
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(InputError::new(problems)) }
    }
}

impl Layers {
    /// The values the layers add up to, each checked by its type; errors name where the value
    /// came from. `tenant` is required.
    pub fn to_values(&self) -> Result<Values, InputError> {
        let mut problems = Vec::new();
        fn parse<T: std::str::FromStr<Err = String>>(
            layers: &Layers,
            key: &str,
            problems: &mut Vec<Diagnostic>,
        ) -> Option<T> {
            let entry = layers.get(key)?;
            match entry.raw.text().parse::<T>() {
                Ok(v) => Some(v),
                Err(why) => {
                    let at = entry.location.clone().or_else(|| Some(Location::file(entry.origin.clone())));
                    problems.push(Diagnostic::error(format!("`{key}`: {why}")).at(at));
                    None
                }
            }
        }
        let tenant: Option<TenantName> = parse(self, "tenant", &mut problems);
        let tenant_id = parse::<Guid>(self, "tenant_id", &mut problems);
        let client_id = parse::<Guid>(self, "client_id", &mut problems);
        let app_name = parse::<AppName>(self, "app_name", &mut problems);
        let secret_years = parse::<SecretYears>(self, "secret_years", &mut problems);
        let credential = self.get("credential").and_then(|e| match e.raw.text().as_str() {
            "secret" => Some(CredentialKind::Secret),
            "certificate" => Some(CredentialKind::Certificate),
            other => {
                problems.push(
                    Diagnostic::error(format!(
                        "`credential`: `{}` is not `secret` or `certificate`",
                        other.escape_debug()
                    ))
                    .at(e.location.clone().or_else(|| Some(Location::file(e.origin.clone())))),
                );
                None
            }
        });
        let cloud = self.get("cloud").map(|e| e.raw.text());
        if let (Some(c), Some(e)) = (&cloud, self.get("cloud"))
            && crate::cloud::Cloud::builtin(c).is_none()
        {
            problems.push(
                Diagnostic::error(format!("`cloud`: unknown cloud `{}`", c.escape_debug()))
                    .at(e.location.clone().or_else(|| Some(Location::file(e.origin.clone()))))
                    .note(format!("clouds: {}", crate::cloud::Cloud::builtin_ids().join(", "))),
            );
        }
        let mut flag = |key: &str| match self.get(key).map(|e| (e.raw.text(), e)) {
            None => false,
            Some((t, _)) if t == "true" => true,
            Some((t, _)) if t == "false" => false,
            Some((t, e)) => {
                problems.push(
                    Diagnostic::error(format!("`{key}`: `{}` is not `true` or `false`", t.escape_debug()))
                        .at(e.location.clone().or_else(|| Some(Location::file(e.origin.clone())))),
                );
                false
            }
        };
        let least_privilege = flag("least_privilege");
        let include_retired = flag("include_retired");
        let mut sites = Vec::new();
        if let Some(e) = self.get("sites") {
            for s in e.raw.list() {
                match s.parse::<SiteUrl>() {
                    Ok(site) => sites.push(site),
                    Err(why) => problems.push(
                        Diagnostic::error(format!("`sites`: {why}"))
                            .at(e.location.clone().or_else(|| Some(Location::file(e.origin.clone())))),
                    ),
                }
            }
        }
        if tenant.is_none() && self.get("tenant").is_none() {
            problems.push(
                Diagnostic::error("no tenant given")
                    .help("give --tenant NAME, `tenant: NAME` in a values file, or --set tenant=NAME"),
            );
        }
        match tenant {
            Some(tenant) if problems.is_empty() => Ok(Values {
                tenant,
                tenant_id,
                client_id,
                app_name,
                credential,
                secret_years,
                cloud,
                least_privilege,
                sites,
                include_retired,
            }),
            _ => Err(InputError::new(problems)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_layers_win_and_remember_their_origin() {
        let mut l = Layers::default();
        l.add_yaml("base.yaml", "tenant: contoso\napp_name: Base\nsites:\n  - https://a\n").expect("base");
        l.add_yaml("prod.yaml", "app_name: Prod\n").expect("prod");
        l.add_sets(&["secret_years=2".into(), "sites=https://b,https://c".into()]).expect("sets");
        assert_eq!(l.get("tenant").map(|e| e.origin.as_str()), Some("base.yaml:1"));
        assert_eq!(
            l.get("app_name").map(|e| (e.raw.text(), e.origin.clone())),
            Some(("Prod".into(), "prod.yaml:1".into()))
        );
        assert_eq!(l.get("sites").map(|e| e.raw.list()), Some(vec!["https://b".to_string(), "https://c".to_string()]));
    }

    #[test]
    fn values_are_checked_with_their_origin() {
        let mut l = Layers::default();
        l.add_yaml("v.yaml", "tenant: Contoso\nsecret_years: 3\n").expect("yaml");
        let err = l.to_values().expect_err("bad values");
        let lines: Vec<(String, usize)> =
            err.diagnostics.iter().map(|d| (d.message.clone(), d.location.as_ref().map_or(0, |l| l.line))).collect();
        assert!(
            lines[0].0.starts_with("`tenant`: `Contoso` is not a valid tenant name") && lines[0].1 == 1,
            "{lines:?}"
        );
        assert!(lines[1].0.starts_with("`secret_years`: secret lifetime `3`") && lines[1].1 == 2, "{lines:?}");
        assert!(Layers::default().to_values().expect_err("no tenant").to_string().contains("no tenant given"));
    }

    #[test]
    fn unknown_keys_name_the_line_and_the_nearest_key() {
        let err = Layers::default().add_yaml("v.yaml", "tenant: contoso\ntenant_di: x\n").expect_err("unknown");
        let d = &err.diagnostics[0];
        assert_eq!(d.location.as_ref().map(|l| (l.file.as_str(), l.line)), Some(("v.yaml", 2)));
        assert_eq!(d.help.as_deref(), Some("did you mean `tenant_id`?"));
        let err = Layers::default().add_sets(&["clouds=gcc".into()]).expect_err("unknown");
        assert_eq!(err.diagnostics[0].help.as_deref(), Some("did you mean `cloud`?"));
    }
}
