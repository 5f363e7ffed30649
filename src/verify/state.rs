//! What a connected machine exported about one app, read from its JSON files: the application
//! (`az ad app show`), its service principal (`az ad sp show`), the service principal's app role
//! assignments and delegated grants (Graph list responses with `value`), and the service
//! principals of the APIs they point at. Only the fields `verify` compares are kept; any problem
//! is an input error naming the file, line and field.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::json_spans::Spans;
use crate::catalog::Kind;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, InputError, Location};
use crate::guid::Guid;

/// The fixed names `collect-state.sh` and `collect-state.ps1` write, in a state folder.
pub const APPLICATION: &str = "application.json";
pub const SERVICE_PRINCIPAL: &str = "service-principal.json";
pub const APP_ROLE_ASSIGNMENTS: &str = "app-role-assignments.json";
pub const GRANTS: &str = "oauth2-permission-grants.json";
pub const RESOURCES: &str = "resource-service-principals.json";

/// Where each export is. `resources` may be absent: the APIs are then named from the
/// assignments' `resourceDisplayName` alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatePaths {
    pub application: PathBuf,
    pub service_principal: PathBuf,
    pub app_role_assignments: PathBuf,
    pub grants: PathBuf,
    pub resources: Option<PathBuf>,
}

impl StatePaths {
    /// The files of a state folder; the resources file only if it is there.
    pub fn in_dir(dir: &Path) -> StatePaths {
        let resources = dir.join(RESOURCES);
        StatePaths {
            application: dir.join(APPLICATION),
            service_principal: dir.join(SERVICE_PRINCIPAL),
            app_role_assignments: dir.join(APP_ROLE_ASSIGNMENTS),
            grants: dir.join(GRANTS),
            resources: resources.is_file().then_some(resources),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub application: Application,
    pub service_principal: ServicePrincipal,
    pub assignments: Vec<Assignment>,
    pub grants: Vec<Grant>,
    pub resources: Vec<ResourcePrincipal>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    pub app_id: Guid,
    pub display_name: String,
    pub required: Vec<RequiredAccess>,
    pub credentials: Vec<Credential>,
}

/// One entry of `requiredResourceAccess`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredAccess {
    pub resource_app_id: Guid,
    pub id: Guid,
    pub kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialKind {
    Secret,
    Certificate,
}

/// A secret or certificate, by its metadata only (Entra never returns a secret's value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    pub kind: CredentialKind,
    /// `application` or `service principal`: where it is attached.
    pub on: &'static str,
    pub key_id: String,
    pub display_name: Option<String>,
    pub end: Date,
    pub at: Location,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePrincipal {
    pub id: Guid,
    pub app_id: Guid,
    pub account_enabled: bool,
    pub credentials: Vec<Credential>,
}

/// An app role assignment: an application permission consented to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub id: String,
    pub resource_id: Guid,
    pub resource_display_name: Option<String>,
    pub app_role_id: Guid,
    pub at: Location,
}

/// An oauth2PermissionGrant: delegated permissions consented to, for all users or one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub id: String,
    pub resource_id: Guid,
    pub all_principals: bool,
    pub scopes: Vec<String>,
    pub at: Location,
}

/// The service principal of an API: its object id and app id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourcePrincipal {
    pub id: Guid,
    pub app_id: Guid,
    pub display_name: Option<String>,
}

/// One JSON file, parsed, with the position of every value.
struct Doc {
    file: String,
    value: Value,
    spans: Spans,
}

impl Doc {
    fn read(path: &Path) -> Result<Doc, InputError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            InputError::one(Diagnostic::error(format!("cannot read `{file}`: {e}")).at(Some(Location::file(&file))))
        })?;
        let text = decode(&bytes).ok_or_else(|| {
            InputError::one(
                Diagnostic::error(format!("`{file}` is not UTF-8 or UTF-16 text"))
                    .at(Some(Location::file(&file)))
                    .help("export it again with the bundle's collect-state script"),
            )
        })?;
        Doc::parse(&file, &text)
    }

    fn parse(file: &str, text: &str) -> Result<Doc, InputError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let line_text = text.lines().nth(e.line().saturating_sub(1)).map(str::to_string);
            InputError::one(Diagnostic::error(format!("`{file}` is not valid JSON: {e}")).at(Some(Location {
                file: file.to_string(),
                line: e.line(),
                column: e.column().max(1),
                path: None,
                line_text,
                width: 1,
            })))
        })?;
        Ok(Doc { file: file.to_string(), value, spans: Spans::index(file, text) })
    }

    fn error(&self, path: &str, message: impl std::fmt::Display) -> Diagnostic {
        Diagnostic::error(message.to_string()).at(Some(self.spans.at(path)))
    }
}

/// UTF-8 (with or without a byte order mark), or UTF-16 with one: what Windows PowerShell's
/// `>` writes.
fn decode(bytes: &[u8]) -> Option<String> {
    let utf16 = |b: &[u8], le: bool| {
        if !b.len().is_multiple_of(2) {
            return None;
        }
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        String::from_utf16(&units).ok()
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// Field access that records the first problem per field, with its location.
struct Reader<'a> {
    doc: &'a Doc,
    problems: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    fn get(&mut self, v: &'a Value, path: &str, key: &str) -> Option<&'a Value> {
        let child = join(path, key);
        match v.get(key) {
            Some(x) => Some(x),
            None => {
                self.problems.push(self.doc.error(&child, format_args!("`{child}` is missing")));
                None
            }
        }
    }

    fn text(&mut self, v: &'a Value, path: &str, key: &str) -> Option<&'a str> {
        let child = join(path, key);
        match self.get(v, path, key)? {
            Value::String(s) => Some(s),
            other => {
                self.problems
                    .push(self.doc.error(&child, format_args!("`{child}` is {}, not a string", kind_of(other))));
                None
            }
        }
    }

    fn optional_text(&mut self, v: &'a Value, key: &str) -> Option<String> {
        v.get(key).and_then(Value::as_str).map(str::to_string)
    }

    fn guid(&mut self, v: &'a Value, path: &str, key: &str) -> Option<Guid> {
        let child = join(path, key);
        let s = self.text(v, path, key)?;
        match s.parse::<Guid>() {
            Ok(g) => Some(g),
            Err(e) => {
                self.problems.push(self.doc.error(&child, format_args!("`{child}`: {e}")));
                None
            }
        }
    }

    fn array(&mut self, v: &'a Value, path: &str, key: &str) -> Option<&'a [Value]> {
        let child = join(path, key);
        match self.get(v, path, key)? {
            Value::Array(a) => Some(a),
            // `az ... --query` and PowerShell give null for an empty list.
            Value::Null => Some(&[]),
            other => {
                self.problems.push(self.doc.error(&child, format_args!("`{child}` is {}, not a list", kind_of(other))));
                None
            }
        }
    }

    fn object(&mut self, v: &'a Value, path: &str) -> Option<&'a Value> {
        if v.is_object() {
            Some(v)
        } else {
            let shown = if path.is_empty() { "the document".to_string() } else { format!("`{path}`") };
            self.problems.push(self.doc.error(path, format_args!("{shown} is {}, not an object", kind_of(v))));
            None
        }
    }

    fn date(&mut self, v: &'a Value, path: &str, key: &str) -> Option<Date> {
        let child = join(path, key);
        let s = self.text(v, path, key)?;
        // ISO 8601 as Graph writes it: `2027-12-01T18:45:36Z`, with or without fractions.
        let day =
            s.get(..10).and_then(|d| d.parse::<Date>().ok()).filter(|_| s.len() == 10 || s[10..].starts_with('T'));
        if day.is_none() {
            self.problems.push(self.doc.error(
                &child,
                format_args!("`{child}` is `{}`, not a date and time such as `2027-12-01T18:45:36Z`", s.escape_debug()),
            ));
        }
        day
    }

    /// A Graph list response's `value` (or a bare list, as `az ... --query` prints one).
    fn list(&mut self, what: &str) -> Option<(&'a [Value], &'static str)> {
        let root = &self.doc.value;
        if let Value::Array(a) = root {
            return Some((a, ""));
        }
        self.object(root, "")?;
        if root.get("@odata.nextLink").is_some() {
            self.problems.push(
                self.doc
                    .error("@odata.nextLink", format_args!("the file holds only the first page of the {what}"))
                    .help("export it again asking for every entry at once (`$top=999`, as the bundle's collect-state script does), or join the pages' `value` lists into one file"),
            );
            return None;
        }
        Some((self.array(root, "", "value")?, "value"))
    }

    fn credentials(&mut self, v: &'a Value, on: &'static str) -> Vec<Credential> {
        let mut out = Vec::new();
        for (key, kind) in
            [("passwordCredentials", CredentialKind::Secret), ("keyCredentials", CredentialKind::Certificate)]
        {
            // A service principal exported by older tools may lack these fields: none then.
            if v.get(key).is_none() {
                continue;
            }
            let Some(list) = self.array(v, "", key) else { continue };
            for (i, c) in list.iter().enumerate() {
                let path = format!("{key}[{i}]");
                let Some(c) = self.object(c, &path) else { continue };
                let key_id = self.text(c, &path, "keyId");
                let end = self.date(c, &path, "endDateTime");
                let display_name = self.optional_text(c, "displayName");
                if let (Some(key_id), Some(end)) = (key_id, end) {
                    out.push(Credential {
                        kind,
                        on,
                        key_id: key_id.to_string(),
                        display_name,
                        end,
                        at: self.doc.spans.at(&path),
                    });
                }
            }
        }
        out
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<Diagnostic>> {
        match value {
            Some(v) if self.problems.is_empty() => Ok(v),
            _ if self.problems.is_empty() => Err(vec![self.doc.error("", "the file cannot be read")]),
            _ => Err(self.problems),
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn application(doc: &Doc) -> Result<Application, Vec<Diagnostic>> {
    let mut r = Reader { doc, problems: Vec::new() };
    let root = &doc.value;
    let parsed = (|| {
        r.object(root, "")?;
        let app_id = r.guid(root, "", "appId");
        let display_name = r.text(root, "", "displayName").map(str::to_string);
        let mut required = Vec::new();
        for (i, api) in r.array(root, "", "requiredResourceAccess").unwrap_or_default().iter().enumerate() {
            let path = format!("requiredResourceAccess[{i}]");
            let Some(api) = r.object(api, &path) else { continue };
            let Some(resource_app_id) = r.guid(api, &path, "resourceAppId") else { continue };
            for (j, access) in r.array(api, &path, "resourceAccess").unwrap_or_default().iter().enumerate() {
                let path = format!("{path}.resourceAccess[{j}]");
                let Some(access) = r.object(access, &path) else { continue };
                let id = r.guid(access, &path, "id");
                let kind = match r.text(access, &path, "type") {
                    Some("Role") => Some(Kind::Application),
                    Some("Scope") => Some(Kind::Delegated),
                    Some(other) => {
                        let at = format!("{path}.type");
                        r.problems.push(
                            doc.error(&at, format_args!("`{at}` is `{}`, not `Role` or `Scope`", other.escape_debug())),
                        );
                        None
                    }
                    None => None,
                };
                if let (Some(id), Some(kind)) = (id, kind) {
                    required.push(RequiredAccess { resource_app_id: resource_app_id.clone(), id, kind });
                }
            }
        }
        let credentials = r.credentials(root, "application");
        Some(Application { app_id: app_id?, display_name: display_name?, required, credentials })
    })();
    r.finish(parsed)
}

fn service_principal(doc: &Doc) -> Result<ServicePrincipal, Vec<Diagnostic>> {
    let mut r = Reader { doc, problems: Vec::new() };
    let root = &doc.value;
    let parsed = (|| {
        r.object(root, "")?;
        let id = r.guid(root, "", "id");
        let app_id = r.guid(root, "", "appId");
        let account_enabled = match root.get("accountEnabled") {
            Some(Value::Bool(b)) => *b,
            // Graph leaves it out when `$select` did not ask for it; enabled is the default.
            None | Some(Value::Null) => true,
            Some(other) => {
                r.problems.push(doc.error("accountEnabled", format_args!("`accountEnabled` is {}", kind_of(other))));
                true
            }
        };
        let credentials = r.credentials(root, "service principal");
        Some(ServicePrincipal { id: id?, app_id: app_id?, account_enabled, credentials })
    })();
    r.finish(parsed)
}

fn assignments(doc: &Doc) -> Result<Vec<Assignment>, Vec<Diagnostic>> {
    let mut r = Reader { doc, problems: Vec::new() };
    let parsed = (|| {
        let (list, base) = r.list("app role assignments")?;
        let mut out = Vec::new();
        for (i, a) in list.iter().enumerate() {
            let path = format!("{base}[{i}]");
            let Some(a) = r.object(a, &path) else { continue };
            let id = r.text(a, &path, "id").map(str::to_string);
            let resource_id = r.guid(a, &path, "resourceId");
            let app_role_id = r.guid(a, &path, "appRoleId");
            let resource_display_name = r.optional_text(a, "resourceDisplayName");
            if let (Some(id), Some(resource_id), Some(app_role_id)) = (id, resource_id, app_role_id) {
                out.push(Assignment { id, resource_id, resource_display_name, app_role_id, at: doc.spans.at(&path) });
            }
        }
        Some(out)
    })();
    r.finish(parsed)
}

fn grants(doc: &Doc) -> Result<Vec<Grant>, Vec<Diagnostic>> {
    let mut r = Reader { doc, problems: Vec::new() };
    let parsed = (|| {
        let (list, base) = r.list("delegated grants")?;
        let mut out = Vec::new();
        for (i, g) in list.iter().enumerate() {
            let path = format!("{base}[{i}]");
            let Some(g) = r.object(g, &path) else { continue };
            let id = r.text(g, &path, "id").map(str::to_string);
            let resource_id = r.guid(g, &path, "resourceId");
            let consent = r.text(g, &path, "consentType");
            // A grant with no scope left is written as null or "" by Graph.
            let scopes: Vec<String> = match g.get("scope") {
                Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
                None | Some(Value::Null) => Vec::new(),
                Some(other) => {
                    let at = format!("{path}.scope");
                    r.problems.push(doc.error(&at, format_args!("`{at}` is {}, not a string", kind_of(other))));
                    Vec::new()
                }
            };
            if let (Some(id), Some(resource_id), Some(consent)) = (id, resource_id, consent) {
                out.push(Grant {
                    id,
                    resource_id,
                    all_principals: consent.eq_ignore_ascii_case("AllPrincipals"),
                    scopes,
                    at: doc.spans.at(&path),
                });
            }
        }
        Some(out)
    })();
    r.finish(parsed)
}

fn resources(doc: &Doc) -> Result<Vec<ResourcePrincipal>, Vec<Diagnostic>> {
    let mut r = Reader { doc, problems: Vec::new() };
    let parsed = (|| {
        let (list, base) = r.list("service principals")?;
        let mut out = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let path = format!("{base}[{i}]");
            let Some(s) = r.object(s, &path) else { continue };
            let id = r.guid(s, &path, "id");
            let app_id = r.guid(s, &path, "appId");
            let display_name = r.optional_text(s, "displayName");
            if let (Some(id), Some(app_id)) = (id, app_id) {
                out.push(ResourcePrincipal { id, app_id, display_name });
            }
        }
        Some(out)
    })();
    r.finish(parsed)
}

/// Reads and checks every file; all problems of all files are reported together.
pub fn read(paths: &StatePaths) -> Result<State, InputError> {
    let mut problems = Vec::new();
    let mut load = |path: &Path| match Doc::read(path) {
        Ok(d) => Some(d),
        Err(e) => {
            problems.extend(e.diagnostics);
            None
        }
    };
    let docs = (
        load(&paths.application),
        load(&paths.service_principal),
        load(&paths.app_role_assignments),
        load(&paths.grants),
        paths.resources.as_deref().map(&mut load),
    );
    let (Some(app), Some(sp), Some(assigned), Some(granted), resource_doc) = docs else {
        return Err(InputError::new(problems));
    };
    let resource_doc = match resource_doc {
        Some(None) => return Err(InputError::new(problems)),
        Some(Some(d)) => Some(d),
        None => None,
    };
    from_docs(&app, &sp, &assigned, &granted, resource_doc.as_ref())
}

/// Parses the exports from text, as `read` does from files (for tests and other front ends).
pub fn parse(
    application_json: (&str, &str),
    service_principal_json: (&str, &str),
    assignments_json: (&str, &str),
    grants_json: (&str, &str),
    resources_json: Option<(&str, &str)>,
) -> Result<State, InputError> {
    let one = |(file, text): (&str, &str)| Doc::parse(file, text);
    let resource_doc = resources_json.map(one).transpose()?;
    from_docs(
        &one(application_json)?,
        &one(service_principal_json)?,
        &one(assignments_json)?,
        &one(grants_json)?,
        resource_doc.as_ref(),
    )
}

fn from_docs(
    app: &Doc,
    sp: &Doc,
    assigned: &Doc,
    granted: &Doc,
    resource_doc: Option<&Doc>,
) -> Result<State, InputError> {
    let mut problems = Vec::new();
    let application = keep(application(app), &mut problems);
    let service_principal = keep(service_principal(sp), &mut problems);
    let assignments = keep(assignments(assigned), &mut problems);
    let grants = keep(grants(granted), &mut problems);
    let resources = match resource_doc {
        Some(d) => keep(resources(d), &mut problems),
        None => Some(Vec::new()),
    };
    let (Some(application), Some(service_principal), Some(assignments), Some(grants), Some(resources)) =
        (application, service_principal, assignments, grants, resources)
    else {
        return Err(InputError::new(problems));
    };
    // The files must describe one app: a mix-up of exports would give a false verdict.
    if service_principal.app_id != application.app_id {
        problems.push(
            sp.error(
                "appId",
                format_args!(
                    "the service principal is of app `{}`, but `{}` is app `{}`",
                    service_principal.app_id, app.file, application.app_id
                ),
            )
            .help("export both from the same app, with the bundle's collect-state script"),
        );
    }
    check_principal(assigned, "principalId", &service_principal.id, &mut problems);
    check_principal(granted, "clientId", &service_principal.id, &mut problems);
    if !problems.is_empty() {
        return Err(InputError::new(problems));
    }
    Ok(State { application, service_principal, assignments, grants, resources })
}

fn keep<T>(r: Result<T, Vec<Diagnostic>>, problems: &mut Vec<Diagnostic>) -> Option<T> {
    r.map_err(|e| problems.extend(e)).ok()
}

/// Every entry of a list export must belong to the service principal.
fn check_principal(doc: &Doc, field: &str, sp_id: &Guid, problems: &mut Vec<Diagnostic>) {
    let (list, base) = match &doc.value {
        Value::Array(a) => (a.as_slice(), ""),
        v => (v.get("value").and_then(Value::as_array).map_or(&[][..], Vec::as_slice), "value"),
    };
    for (i, entry) in list.iter().enumerate() {
        let Some(id) = entry.get(field).and_then(Value::as_str) else { continue };
        if !id.eq_ignore_ascii_case(sp_id.as_str()) {
            let path = format!("{base}[{i}].{field}");
            problems.push(
                doc.error(
                    &path,
                    format_args!("`{path}` is `{}`, not the service principal `{sp_id}`", id.escape_debug()),
                )
                .help("export the assignments and grants of this app's service principal"),
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = r#"{"appId": "5ecf6be0-9d38-4219-af4e-df5e4b3676b8", "displayName": "X",
 "requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000",
   "resourceAccess": [{"id": "df021288-bdef-4463-88db-98f22de89214", "type": "Role"}]}],
 "passwordCredentials": [{"keyId": "k1", "displayName": "s", "endDateTime": "2027-12-01T18:45:36Z", "hint": "abc", "secretText": null}],
 "keyCredentials": []}"#;
    const SP: &str = r#"{"id": "2ed0bf96-4a01-427c-a215-f5e8e485a2a7", "appId": "5ecf6be0-9d38-4219-af4e-df5e4b3676b8", "accountEnabled": true}"#;
    const EMPTY: &str = r#"{"value": []}"#;

    fn state(app: &str, sp: &str, assigned: &str, granted: &str) -> Result<State, InputError> {
        parse(("app.json", app), ("sp.json", sp), ("ara.json", assigned), ("grants.json", granted), None)
    }

    #[test]
    fn reads_the_fields_verify_compares() {
        let s = state(APP, SP, EMPTY, EMPTY).expect("reads");
        assert_eq!(s.application.required.len(), 1);
        assert_eq!(s.application.required[0].kind, Kind::Application);
        assert_eq!(s.application.credentials[0].end.to_string(), "2027-12-01");
        assert_eq!(s.application.credentials[0].at.line, 4);
        assert!(s.service_principal.account_enabled);
    }

    #[test]
    fn problems_name_the_file_line_and_field() {
        let bad = APP.replace(r#""type": "Role""#, r#""type": "role""#).replace("2027-12-01T", "01/12/2027 ");
        let err = state(&bad, SP, EMPTY, EMPTY).expect_err("bad");
        let got: Vec<(String, usize, Option<String>)> = err
            .diagnostics
            .iter()
            .map(|d| {
                let l = d.location.clone().expect("located");
                (l.file, l.line, l.path)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("app.json".into(), 3, Some("requiredResourceAccess[0].resourceAccess[0].type".into())),
                ("app.json".into(), 4, Some("passwordCredentials[0].endDateTime".into())),
            ],
            "{err}"
        );
        assert!(err.diagnostics[0].message.contains("not `Role` or `Scope`"), "{err}");
    }

    #[test]
    fn exports_of_different_apps_or_a_partial_page_are_refused() {
        let other = SP.replace("5ecf6be0", "aaaaaaaa");
        let err = state(APP, &other, EMPTY, EMPTY).expect_err("mixed");
        assert!(err.to_string().contains("the service principal is of app `aaaaaaaa-"), "{err}");
        let foreign = r#"{"value": [{"id": "x", "clientId": "11111111-1111-1111-1111-111111111111", "consentType": "AllPrincipals", "resourceId": "169e8d33-6644-5de5-8d3f-a274840108a1", "scope": "User.Read"}]}"#;
        let err = state(APP, SP, EMPTY, foreign).expect_err("foreign grant");
        assert_eq!(err.diagnostics[0].location.as_ref().and_then(|l| l.path.as_deref()), Some("value[0].clientId"));
        let paged = r#"{"value": [], "@odata.nextLink": "https://graph.microsoft.com/v1.0/next"}"#;
        let err = state(APP, SP, paged, EMPTY).expect_err("paged");
        assert!(err.to_string().contains("only the first page"), "{err}");
    }

    #[test]
    fn invalid_json_is_reported_at_its_line() {
        let err = state(APP, SP, "{\n  \"value\": [,]\n}", EMPTY).expect_err("bad json");
        let l = err.diagnostics[0].location.clone().expect("located");
        assert_eq!((l.file.as_str(), l.line), ("ara.json", 2));
    }

    #[test]
    fn utf16_and_byte_order_marks_are_read() {
        assert_eq!(decode(b"\xEF\xBB\xBF{}").as_deref(), Some("{}"));
        assert_eq!(decode(b"\xFF\xFE{\x00}\x00").as_deref(), Some("{}"));
        assert!(decode(b"\xFF\xFE{").is_none(), "half a UTF-16 unit");
        assert!(decode(b"\xC3\x28").is_none());
    }
}
