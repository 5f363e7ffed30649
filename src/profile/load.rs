//! Reading profiles: a pure `parse(text)` plus thin file and folder readers.

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use super::{BUILTIN_PROFILES, BuiltinProfile, InputChannel, Profile, SettingValue};
use crate::diagnostic::{Diagnostic, InputError};
use crate::suggest;
use crate::yaml_spans::Spans;

/// A parsed profile with where it came from, so later errors can point into it.
#[derive(Debug)]
pub struct LoadedProfile {
    pub profile: Profile,
    /// File name shown in messages: a path, or `built-in:ID.yaml`.
    pub origin: String,
    pub builtin: bool,
    /// Node positions, indexed on first use: only problems need them.
    spans: OnceLock<Spans>,
    /// A built-in profile's positions, found at build time.
    spans_table: Option<&'static crate::yaml_spans::NodeTable>,
    /// The text as read (for `show --format yaml`, diffs and lint).
    pub text: String,
}

impl LoadedProfile {
    /// Parses and checks a profile's shape (not its permission names: see `plan`).
    pub fn parse(origin: &str, text: &str) -> Result<LoadedProfile, InputError> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        crate::input::check_yaml_depth(origin, text)?;
        LoadedProfile::parse_checked(origin, text)
    }

    /// A profile built into the binary, `built-in:ID.yaml`. Its nesting is within bounds (the
    /// test `builtin_profiles_nest_within_bounds`), so the depth check, a second YAML parse, is
    /// skipped, and it is read from the JSON `build.rs` made of it (the test
    /// `builtin_profiles_read_the_same_from_json_and_yaml`); its YAML is read only if that fails,
    /// for the error's position. A millisecond of every run saved.
    pub fn builtin(b: &BuiltinProfile) -> Result<LoadedProfile, InputError> {
        let origin = format!("built-in:{}.yaml", b.id);
        let profile = match serde_json::from_str::<Profile>(b.json) {
            Ok(profile) => profile,
            Err(_) => LoadedProfile::parse_yaml(&origin, b.text)?,
        };
        let mut loaded = LoadedProfile::checked(profile, &origin, b.text)?;
        loaded.builtin = true;
        loaded.spans_table = Some(b.spans);
        Ok(loaded)
    }

    /// [`LoadedProfile::parse`] after the depth check.
    fn parse_checked(origin: &str, text: &str) -> Result<LoadedProfile, InputError> {
        LoadedProfile::checked(LoadedProfile::parse_yaml(origin, text)?, origin, text)
    }

    fn parse_yaml(origin: &str, text: &str) -> Result<Profile, InputError> {
        serde_yaml::from_str(text).map_err(|e| InputError::one(yaml_error(&Spans::index(origin, text), &e)))
    }

    /// The profile read from `text`, its shape checked.
    fn checked(profile: Profile, origin: &str, text: &str) -> Result<LoadedProfile, InputError> {
        let spans = OnceLock::new();
        let loaded = LoadedProfile {
            profile,
            origin: origin.to_string(),
            builtin: false,
            spans,
            spans_table: None,
            text: text.to_string(),
        };
        let problems = loaded.check_shape();
        if problems.is_empty() { Ok(loaded) } else { Err(InputError::new(problems)) }
    }

    /// Where each node of the profile's text is.
    pub fn spans(&self) -> &Spans {
        self.spans.get_or_init(|| match self.spans_table {
            Some(table) => Spans::from_table(&self.origin, &self.text, table),
            None => Spans::index(&self.origin, &self.text),
        })
    }

    /// Reads and parses a profile file.
    pub fn from_file(path: &Path) -> Result<LoadedProfile, InputError> {
        let shown = path.display().to_string();
        let text =
            crate::input::read_text(path, "profile", crate::input::MAX_FILE_BYTES, crate::input::Encoding::Utf8)?;
        LoadedProfile::parse(&shown, &text)
    }

    fn error(&self, path: &str, message: String) -> Diagnostic {
        Diagnostic::error(message).at(self.spans().locate(path))
    }

    /// Checks that need no catalog: ids, dates, names, add-in scopes and rights.
    fn check_shape(&self) -> Vec<Diagnostic> {
        let p = &self.profile;
        let mut out = Vec::new();
        if !is_id(&p.id) {
            out.push(self.error(
                "id",
                format!("profile id `{}` must be lowercase letters, digits and `-`", p.id.escape_debug()),
            ));
        }
        for (i, alias) in p.aliases.iter().enumerate() {
            if !is_id(alias) {
                out.push(self.error(
                    &format!("aliases[{i}]"),
                    format!("alias `{}` must be lowercase letters, digits and `-`", alias.escape_debug()),
                ));
            }
        }
        if !is_date(&p.source.date) {
            out.push(
                self.error(
                    "source.date",
                    format!("`{}` is not a date: write YYYY-MM-DD", p.source.date.escape_debug()),
                ),
            );
        }
        if !is_web_url(&p.source.url) {
            out.push(
                self.error(
                    "source.url",
                    format!("`{}` is not an http or https URL", crate::input::shown(&p.source.url)),
                )
                .help("give the address of the vendor's page, e.g. https://docs.example.com/setup"),
            );
        }
        if let Some(clouds) = &p.clouds {
            let known = crate::cloud::Cloud::builtin_ids();
            for (i, c) in clouds.iter().enumerate() {
                if !known.contains(&c.as_str()) {
                    let mut d = self
                        .error(&format!("clouds[{i}]"), format!("unknown cloud `{}`", c.escape_debug()))
                        .note(format!("known clouds: {}", known.join(", ")));
                    if let Some(s) = suggest::nearest(c, known.iter().copied()) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    out.push(d);
                }
            }
        }
        if p.permissions.is_empty() {
            out.push(self.error("permissions", "a profile needs at least one API in `permissions`".into()));
        }
        if let Some(sp) = &p.sharepoint {
            if let Some(add_in) = &sp.add_in {
                if add_in.requests.is_empty() {
                    out.push(
                        self.error(
                            "sharepoint.add_in.requests",
                            "`requests` needs at least one scope and right".into(),
                        ),
                    );
                }
                for (i, r) in add_in.requests.iter().enumerate() {
                    let at = format!("sharepoint.add_in.requests[{i}]");
                    match ADD_IN_SCOPES.iter().find(|(scope, _)| *scope == r.scope) {
                        None => {
                            let mut d = self
                                .error(
                                    &format!("{at}.scope"),
                                    format!("unknown add-in permission scope `{}`", r.scope.escape_debug()),
                                )
                                .note(format!(
                                    "known scopes: {}",
                                    ADD_IN_SCOPES.iter().map(|(s, _)| *s).collect::<Vec<_>>().join(", ")
                                ));
                            if let Some(s) = suggest::nearest(&r.scope, ADD_IN_SCOPES.iter().map(|(s, _)| *s)) {
                                d = d.help(format!("did you mean `{s}`?"));
                            }
                            out.push(d);
                        }
                        Some((scope, rights)) if !rights.contains(&r.right.as_str()) => {
                            let mut d = self
                                .error(
                                    &format!("{at}.right"),
                                    format!("`{}` is not a right of scope `{scope}`", r.right.escape_debug()),
                                )
                                .note(format!("rights for this scope: {}", rights.join(", ")));
                            if let Some(s) = suggest::nearest(&r.right, rights.iter().copied()) {
                                d = d.help(format!("did you mean `{s}`?"));
                            }
                            out.push(d);
                        }
                        Some(_) => {}
                    }
                }
            }
            for (i, s) in sp.tenant_settings.iter().enumerate() {
                if !s.name.chars().all(|c| c.is_ascii_alphanumeric())
                    || !s.name.starts_with(|c: char| c.is_ascii_uppercase())
                {
                    out.push(self.error(
                        &format!("sharepoint.tenant_settings[{i}].name"),
                        format!("`{}` is not a Set-SPOTenant parameter name", s.name.escape_debug()),
                    ));
                }
                if let SettingValue::Text(t) = &s.value
                    && t.chars().any(char::is_control)
                {
                    out.push(self.error(
                        &format!("sharepoint.tenant_settings[{i}].value"),
                        "setting values may not contain control characters".into(),
                    ));
                }
            }
        }
        if p.inputs.via == InputChannel::Environment {
            for (i, v) in p.inputs.values.iter().enumerate() {
                if !is_env_name(&v.name) {
                    out.push(self.error(
                        &format!("inputs.values[{i}].name"),
                        format!(
                            "`{}` is not an environment variable name: use A-Z, 0-9 and `_`, not starting with a digit",
                            v.name.escape_debug()
                        ),
                    ));
                }
            }
        }
        if let Err(e) = p.app.display_name.parse::<crate::values::AppName>() {
            out.push(self.error("app.display_name", e));
        }
        self.check_format2(&mut out);
        for (field, text) in text_fields(p) {
            if text.chars().any(|c| c.is_control() && c != '\n') {
                out.push(self.error(&field, format!("`{field}` contains a control character")));
            }
        }
        out
    }
}

impl LoadedProfile {
    /// Format 2 fields: only with `format: 2`, and each role, right, URI and slug checked.
    fn check_format2(&self, out: &mut Vec<Diagnostic>) {
        let p = &self.profile;
        match p.format {
            None | Some(1) | Some(2) => {}
            Some(n) => out.push(
                self.error("format", format!("unknown profile format `{n}`")).note("formats: 1 (the default) and 2"),
            ),
        }
        if p.format != Some(2) {
            for field in format2_fields(p) {
                out.push(
                    self.error(&field, format!("`{field}` is a format 2 field"))
                        .help("add `format: 2` at the top of the profile (see profiles/FORMAT.md)"),
                );
            }
            return;
        }
        self.check_app_extras("app", p.app.redirect_uris.as_ref(), &p.app.directory_roles, out);
        let mut slugs: Vec<&str> = Vec::new();
        let mut names: Vec<&str> = vec![p.app.display_name.as_str()];
        for (k, app) in p.apps.iter().enumerate() {
            let at = format!("apps[{k}]");
            if !is_id(&app.slug) {
                out.push(self.error(
                    &format!("{at}.slug"),
                    format!("app slug `{}` must be lowercase letters, digits and `-`", app.slug.escape_debug()),
                ));
            } else if slugs.contains(&app.slug.as_str()) {
                out.push(self.error(&format!("{at}.slug"), format!("app slug `{}` is used twice", app.slug)));
            }
            slugs.push(&app.slug);
            if let Err(e) = app.display_name.parse::<crate::values::AppName>() {
                out.push(self.error(&format!("{at}.display_name"), e));
            } else if names.contains(&app.display_name.as_str()) {
                // The scripts find each app by its name: two apps of one name would be one.
                out.push(
                    self.error(
                        &format!("{at}.display_name"),
                        format!("app name `{}` is used by another app of this profile", app.display_name),
                    )
                    .help("give each app its own display name: the scripts find apps by name"),
                );
            }
            names.push(&app.display_name);
            if app.permissions.is_empty() {
                out.push(
                    self.error(&format!("{at}.permissions"), "an app needs at least one API in `permissions`".into()),
                );
            }
            self.check_app_extras(&at, app.redirect_uris.as_ref(), &app.directory_roles, out);
        }
        for (i, a) in p.admin_roles.iter().enumerate() {
            if a.any_of.is_empty() {
                out.push(self.error(&format!("admin_roles[{i}].any_of"), "`any_of` needs at least one role".into()));
            }
            for (j, name) in a.any_of.iter().enumerate() {
                if let Some(d) = self.unknown_directory_role(&format!("admin_roles[{i}].any_of[{j}]"), name) {
                    out.push(d);
                }
            }
        }
        if let Some(e) = &p.exchange {
            for (i, r) in e.roles.iter().enumerate() {
                if crate::roles::exchange_role(&r.role).is_none() {
                    let known = crate::roles::EXCHANGE_ROLES.iter().map(|r| r.name);
                    let mut d = self
                        .error(
                            &format!("exchange.roles[{i}].role"),
                            format!("unknown Exchange Online management role `{}`", r.role.escape_debug()),
                        )
                        .note(format!("known roles: {}", known.clone().collect::<Vec<_>>().join(", ")));
                    if let Some(s) = suggest::nearest(&r.role, known) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    out.push(d);
                }
            }
            if let Some(f) = &e.public_folders
                && !crate::roles::PUBLIC_FOLDER_RIGHTS.contains(&f.access_rights.as_str())
            {
                let rights = crate::roles::PUBLIC_FOLDER_RIGHTS;
                let mut d = self
                    .error(
                        "exchange.public_folders.access_rights",
                        format!("`{}` is not a public-folder access right", f.access_rights.escape_debug()),
                    )
                    .note(format!("rights: {}", rights.join(", ")));
                if let Some(s) = suggest::nearest(&f.access_rights, rights.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                out.push(d);
            }
        }
    }

    fn check_app_extras(
        &self,
        at: &str,
        uris: Option<&super::RedirectUris>,
        roles: &[super::RoleEntry],
        out: &mut Vec<Diagnostic>,
    ) {
        if let Some(u) = uris {
            for (i, uri) in u.web.iter().enumerate() {
                if let Err(why) = web_redirect(uri) {
                    out.push(self.error(&format!("{at}.redirect_uris.web[{i}]"), why));
                }
            }
            for (i, uri) in u.public_client.iter().enumerate() {
                if let Err(why) = public_client_redirect(uri) {
                    out.push(self.error(&format!("{at}.redirect_uris.public_client[{i}]"), why));
                }
            }
        }
        for (i, r) in roles.iter().enumerate() {
            if let Some(d) = self.unknown_directory_role(&format!("{at}.directory_roles[{i}].role"), &r.role) {
                out.push(d);
            }
        }
    }

    fn unknown_directory_role(&self, path: &str, name: &str) -> Option<Diagnostic> {
        if crate::roles::directory_role(name).is_some() {
            return None;
        }
        let known = crate::roles::DIRECTORY_ROLES.iter().map(|r| r.name);
        let mut d = self
            .error(path, format!("unknown directory role `{}`", name.escape_debug()))
            .note("names as in \"Microsoft Entra built-in roles\"; profiles/FORMAT.md lists the names known");
        if let Some(s) = suggest::nearest(name, known) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        Some(d)
    }
}

/// The format 2 fields a profile uses, as YAML paths.
fn format2_fields(p: &Profile) -> Vec<String> {
    let mut v = Vec::new();
    let mut field = |used: bool, path: String| {
        if used {
            v.push(path);
        }
    };
    field(p.app.redirect_uris.is_some(), "app.redirect_uris".into());
    field(p.app.public_client_flows.is_some(), "app.public_client_flows".into());
    field(!p.app.directory_roles.is_empty(), "app.directory_roles".into());
    field(!p.apps.is_empty(), "apps".into());
    field(!p.admin_roles.is_empty(), "admin_roles".into());
    field(p.exchange.is_some(), "exchange".into());
    for (i, g) in p.permissions.iter().enumerate() {
        field(!g.workloads.is_empty(), format!("permissions[{i}].workloads"));
        field(!g.usage.is_empty(), format!("permissions[{i}].usage"));
        for (field_name, list) in [("application", &g.application), ("delegated", &g.delegated)] {
            for (j, e) in list.iter().enumerate() {
                field(e.is_tagged(), format!("permissions[{i}].{field_name}[{j}]"));
            }
        }
    }
    v
}

/// A web redirect URI: https, or http on localhost (Microsoft's rule for web platforms).
fn web_redirect(uri: &str) -> Result<(), String> {
    plain_uri(uri)?;
    let local = ["http://localhost", "http://127.0.0.1"]
        .iter()
        .any(|p| uri.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/'])));
    if uri.starts_with("https://") && uri.len() > "https://".len() || local {
        Ok(())
    } else {
        Err(format!("web redirect URI `{}` must start with https:// (or http://localhost)", uri.escape_debug()))
    }
}

/// A public-client redirect URI: any scheme (`http://localhost`, `msal...://auth`, `https://...`).
fn public_client_redirect(uri: &str) -> Result<(), String> {
    plain_uri(uri)?;
    let scheme_ok = uri.split_once("://").is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if scheme_ok || uri == "urn:ietf:wg:oauth:2.0:oob" {
        Ok(())
    } else {
        Err(format!("`{}` is not a redirect URI: write SCHEME://...", uri.escape_debug()))
    }
}

/// No white space, control characters, quotes or a fragment: Entra refuses them, and every value
/// in a script must be a plain token.
fn plain_uri(uri: &str) -> Result<(), String> {
    if uri.len() > 256 {
        return Err(format!("redirect URI `{}` is longer than 256 characters", uri.escape_debug()));
    }
    match uri.chars().find(|c| c.is_whitespace() || c.is_control() || "\"'`<>{}|\\^#".contains(*c)) {
        Some(c) => Err(format!("redirect URI `{}` contains `{}`", uri.escape_debug(), c.escape_debug())),
        None => Ok(()),
    }
}

/// Add-in permission scopes and their rights, from "Add-in permissions in SharePoint"
/// (learn.microsoft.com/sharepoint/dev/sp-add-ins/add-in-permissions-in-sharepoint, Tables 1-8).
pub const ADD_IN_SCOPES: &[(&str, &[&str])] = &[
    ("http://sharepoint/content/tenant", &["Read", "Write", "Manage", "FullControl"]),
    ("http://sharepoint/content/sitecollection", &["Read", "Write", "Manage", "FullControl"]),
    ("http://sharepoint/content/sitecollection/web", &["Read", "Write", "Manage", "FullControl"]),
    ("http://sharepoint/content/sitecollection/web/list", &["Read", "Write", "Manage", "FullControl"]),
    ("http://sharepoint/social/tenant", &["Read", "Write", "Manage", "FullControl"]),
    ("http://sharepoint/social/core", &["Read", "Write", "Manage", "FullControl"]),
    ("http://sharepoint/social/microfeed", &["Read", "Write", "Manage", "FullControl"]),
    ("http://sharepoint/taxonomy", &["Read", "Write"]),
    ("http://sharepoint/search", &["QueryAsUserIgnoreAppPrincipal"]),
];

fn text_fields(p: &Profile) -> Vec<(String, &str)> {
    // Every free text of the profile, by YAML path: none may hold a control character.
    let mut v = vec![
        ("vendor".to_string(), p.vendor.as_str()),
        ("product".to_string(), p.product.as_str()),
        ("version".to_string(), p.version.as_str()),
        ("title".to_string(), p.title.as_str()),
        ("app.display_name".to_string(), p.app.display_name.as_str()),
        ("source.url".to_string(), p.source.url.as_str()),
    ];
    if let Some(s) = &p.summary {
        v.push(("summary".into(), s));
    }
    for (i, n) in p.notes.iter().enumerate() {
        v.push((format!("notes[{i}]"), n));
    }
    for (i, c) in p.corrections.iter().enumerate() {
        v.push((format!("corrections[{i}].reason"), &c.reason));
    }
    for (i, a) in p.admin_roles.iter().enumerate() {
        v.push((format!("admin_roles[{i}].purpose"), &a.purpose));
    }
    for (k, a) in p.apps.iter().enumerate() {
        if let Some(purpose) = &a.purpose {
            v.push((format!("apps[{k}].purpose"), purpose));
        }
    }
    let roles = p.app.directory_roles.iter().map(|r| ("app".to_string(), r)).chain(
        p.apps.iter().enumerate().flat_map(|(k, a)| a.directory_roles.iter().map(move |r| (format!("apps[{k}]"), r))),
    );
    for (at, r) in roles {
        if let Some(purpose) = &r.purpose {
            v.push((format!("{at}.directory_roles"), purpose));
        }
    }
    let groups = p.permissions.iter().enumerate().map(|(i, g)| (format!("permissions[{i}]"), g)).chain(
        p.apps.iter().enumerate().flat_map(|(k, a)| {
            a.permissions.iter().enumerate().map(move |(i, g)| (format!("apps[{k}].permissions[{i}]"), g))
        }),
    );
    for (at, g) in groups {
        for (field, list) in [("application", &g.application), ("delegated", &g.delegated)] {
            for (j, e) in list.iter().enumerate() {
                if let Some(purpose) = e.purpose() {
                    v.push((format!("{at}.{field}[{j}].purpose"), purpose));
                }
            }
        }
    }
    if let Some(e) = &p.exchange {
        for (i, r) in e.roles.iter().enumerate() {
            if let Some(purpose) = &r.purpose {
                v.push((format!("exchange.roles[{i}].purpose"), purpose));
            }
        }
    }
    v
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// `http://` or `https://`, a host, and no space or control character: nothing a Markdown link
/// would run (`javascript:`, `data:`).
fn is_web_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u8>().unwrap_or(0))
}

pub fn is_env_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// Turns serde_yaml's error into a diagnostic at its position, with a suggestion for an unknown
/// field or variant.
fn yaml_error(spans: &Spans, e: &serde_yaml::Error) -> Diagnostic {
    let full = e.to_string();
    // serde_yaml writes "path: message at line L column C"; position comes from location().
    let message = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => full.as_str(),
    };
    let (path, message) = match message.split_once(": ") {
        Some((p, m)) if !p.contains(' ') && !p.is_empty() => (Some(p.to_string()), m.to_string()),
        _ => (None, message.to_string()),
    };
    // serde_yaml places a duplicate key at its mapping; point at the repeated key itself.
    let duplicate = message.strip_prefix("duplicate field `").and_then(|m| m.strip_suffix('`')).and_then(|field| {
        let child = match &path {
            Some(p) => format!("{p}.{field}"),
            None => field.to_string(),
        };
        spans.locate(&format!("{child}#duplicate")).map(|mut l| {
            l.path = Some(child);
            l
        })
    });
    let location = duplicate.or_else(|| e.location().map(|l| spans.at(l.line(), l.column(), path.clone(), None)));
    let location = location.or_else(|| Some(crate::diagnostic::Location::file(spans.file())));
    let mut d = Diagnostic::error(message.clone()).at(location);
    // "unknown field `x`, expected one of `a`, `b`" / "unknown variant `x`, expected ..."
    let ticked: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if (message.starts_with("unknown field") || message.starts_with("unknown variant")) && ticked.len() > 1 {
        if let Some(s) = suggest::nearest(ticked[0], ticked[1..].iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        }
    } else if message.starts_with("missing field") {
        d = d.help("add the field; see profiles/FORMAT.md for every field and its meaning");
    }
    d
}

/// Built-in profiles plus any from `--profiles` folders; user profiles may not reuse built-in ids.
#[derive(Debug, Default)]
pub struct ProfileSet {
    pub profiles: Vec<LoadedProfile>,
}

impl ProfileSet {
    /// Parses the built-in profiles (a broken one is a bug, caught by the tests).
    pub fn builtin() -> Result<ProfileSet, InputError> {
        let mut profiles = Vec::with_capacity(BUILTIN_PROFILES.len());
        for b in BUILTIN_PROFILES {
            profiles.push(LoadedProfile::builtin(b)?);
        }
        Ok(ProfileSet { profiles })
    }

    /// Adds every `*.yaml`/`*.yml` file of `dir`, in name order.
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), InputError> {
        let entries = fs::read_dir(dir)
            .map_err(|e| InputError::msg(format!("cannot read profiles folder `{}`: {e}", dir.display())))?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
            .collect();
        paths.sort();
        let mut errors = Vec::new();
        for path in paths {
            match LoadedProfile::from_file(&path) {
                Ok(p) => {
                    if let Err(e) = self.add(p) {
                        errors.extend(e.diagnostics);
                    }
                }
                Err(e) => errors.extend(e.diagnostics),
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(InputError::new(errors)) }
    }

    /// Adds one profile, refusing an id or alias already taken.
    pub fn add(&mut self, p: LoadedProfile) -> Result<(), InputError> {
        for name in std::iter::once(&p.profile.id).chain(&p.profile.aliases) {
            if let Some(other) = self.find(name) {
                return Err(InputError::one(
                    Diagnostic::error(format!(
                        "profile name `{name}` is already used by `{}` ({})",
                        other.profile.id, other.origin
                    ))
                    .at(p.spans().locate("id"))
                    .help("give the profile a different id or alias"),
                ));
            }
        }
        self.profiles.push(p);
        Ok(())
    }

    pub fn find(&self, name: &str) -> Option<&LoadedProfile> {
        self.profiles
            .iter()
            .find(|p| p.profile.id == name)
            .or_else(|| self.profiles.iter().find(|p| p.profile.aliases.iter().any(|a| a == name)))
    }

    /// Finds a profile by id or alias, or reads it from a file path.
    pub fn resolve(&self, name: &str) -> Result<LoadedProfileRef<'_>, InputError> {
        if let Some(p) = self.find(name) {
            return Ok(LoadedProfileRef::Borrowed(p));
        }
        let path = Path::new(name);
        if name.ends_with(".yaml") || name.ends_with(".yml") || path.is_file() {
            return LoadedProfile::from_file(path).map(|p| LoadedProfileRef::Owned(Box::new(p)));
        }
        let names: Vec<&str> = self
            .profiles
            .iter()
            .flat_map(|p| std::iter::once(p.profile.id.as_str()).chain(p.profile.aliases.iter().map(String::as_str)))
            .collect();
        let mut d = Diagnostic::error(format!("unknown profile `{}`", name.escape_debug()))
            .note("run `m365-runbook list` for the profiles available, or give a path to a profile file");
        if let Some(s) = suggest::nearest(name, names.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        Err(InputError::one(d))
    }
}

/// A profile from the set, or one read from a file for this run.
pub enum LoadedProfileRef<'a> {
    Borrowed(&'a LoadedProfile),
    Owned(Box<LoadedProfile>),
}

impl std::ops::Deref for LoadedProfileRef<'_> {
    type Target = LoadedProfile;
    fn deref(&self) -> &LoadedProfile {
        match self {
            LoadedProfileRef::Borrowed(p) => p,
            LoadedProfileRef::Owned(p) => p,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_nest_within_bounds() {
        for b in crate::profile::builtin::BUILTIN_PROFILES {
            assert!(crate::input::check_yaml_depth(b.id, b.text).is_ok(), "{}", b.id);
            let loaded = LoadedProfile::builtin(b).expect("parses");
            assert!(loaded.builtin && loaded.origin == format!("built-in:{}.yaml", b.id));
        }
    }

    #[test]
    fn builtin_profiles_read_the_same_from_json_and_yaml() {
        for b in crate::profile::builtin::BUILTIN_PROFILES {
            let from_json: Profile = serde_json::from_str(b.json).expect("build.rs wrote JSON for it");
            let from_yaml: Profile = serde_yaml::from_str(b.text).expect("YAML");
            assert_eq!(from_json, from_yaml, "{}", b.id);
            assert_eq!(LoadedProfile::builtin(b).map(|l| l.text == b.text).ok(), Some(true));
        }
    }

    #[test]
    fn builtin_profiles_carry_the_node_positions_indexing_finds() {
        for b in crate::profile::builtin::BUILTIN_PROFILES {
            let mut indexed: Vec<(String, (usize, usize))> =
                crate::yaml_spans::nodes::nodes(b.text).into_iter().collect();
            indexed.sort();
            let table: Vec<(String, (usize, usize))> = b.spans.entries().map(|(p, at)| (p.to_string(), at)).collect();
            assert_eq!(table, indexed, "{}", b.id);
            assert!(table.len() > 20, "{}", b.id);
            let loaded = LoadedProfile::builtin(b).expect("loads");
            let via_table = loaded.spans().locate("id");
            assert_eq!(via_table, Spans::index(&loaded.origin, b.text).locate("id"), "{}", b.id);
            assert!(via_table.is_some());
        }
    }

    const MINIMAL: &str = "id: acme-1
vendor: Acme
product: Acme Backup
version: '1'
title: Acme Backup 1
source:
  url: https://example.com/setup
  date: '2024-01-31'
app:
  display_name: Acme Backup
permissions:
  - api: Microsoft Graph
    application: [User.Read.All]
inputs:
  via: environment
  values:
    - name: ACME_CLIENT_ID
      from: client_id
";

    #[test]
    fn parses_a_minimal_profile_with_defaults() {
        let p = LoadedProfile::parse("acme.yaml", MINIMAL).expect("parses").profile;
        assert_eq!(p.id, "acme-1");
        assert_eq!(p.app.credential, super::super::CredentialKind::Secret);
        assert!(p.app.unattended);
        assert_eq!(p.permissions[0].application, vec!["User.Read.All"]);
    }

    #[test]
    fn unknown_field_names_file_line_and_nearest_field() {
        let text = MINIMAL.replace("    application: [User.Read.All]", "    aplication: [User.Read.All]");
        let err = LoadedProfile::parse("acme.yaml", &text).expect_err("unknown field");
        let d = &err.diagnostics[0];
        let loc = d.location.as_ref().expect("location");
        assert_eq!((loc.file.as_str(), loc.line), ("acme.yaml", 13));
        assert!(d.message.starts_with("unknown field `aplication`"), "{}", d.message);
        assert_eq!(d.help.as_deref(), Some("did you mean `application`?"));
        assert_eq!(loc.path.as_deref(), Some("permissions[0]"));
    }

    #[test]
    fn yaml_syntax_error_is_located() {
        let text = MINIMAL.replace("vendor: Acme", "vendor: [Acme");
        let err = LoadedProfile::parse("acme.yaml", &text).expect_err("syntax");
        let loc = err.diagnostics[0].location.as_ref().expect("location");
        assert_eq!(loc.file, "acme.yaml");
        assert!(loc.line >= 2, "{loc:?}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let text = MINIMAL.replace("vendor: Acme\n", "vendor: Acme\nvendor: Other\n");
        let err = LoadedProfile::parse("acme.yaml", &text).expect_err("duplicate");
        assert!(err.to_string().contains("duplicate field `vendor`"), "{err}");
    }

    #[test]
    fn shape_errors_point_at_the_field() {
        let text = MINIMAL.replace("date: '2024-01-31'", "date: '31/01/2024'").replace("ACME_CLIENT_ID", "acme-id");
        let err = LoadedProfile::parse("acme.yaml", &text).expect_err("shape");
        let lines: Vec<usize> = err.diagnostics.iter().map(|d| d.location.as_ref().map_or(0, |l| l.line)).collect();
        assert_eq!(lines, vec![8, 17], "{err}");
    }

    #[test]
    fn add_in_scope_and_right_are_checked_with_suggestions() {
        let text = format!(
            "{MINIMAL}sharepoint:\n  add_in:\n    allow_app_only_policy: true\n    requests:\n      - scope: http://sharepoint/content/tenant\n        right: FullControll\n"
        );
        let err = LoadedProfile::parse("acme.yaml", &text).expect_err("right");
        assert_eq!(err.diagnostics[0].help.as_deref(), Some("did you mean `FullControl`?"), "{err}");
    }

    #[test]
    fn every_builtin_profile_parses() {
        let set = ProfileSet::builtin().expect("built-in profiles parse");
        assert_eq!(set.profiles.len(), BUILTIN_PROFILES.len());
    }

    #[test]
    fn unknown_profile_suggests_the_nearest() {
        let set = ProfileSet::builtin().expect("built-ins");
        let err = set.resolve("corso-2023-9").err().expect("unknown");
        assert_eq!(err.diagnostics[0].help.as_deref(), Some("did you mean `corso-2023-09`?"));
    }
}
