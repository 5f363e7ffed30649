//! Reading a service principal as `az ad sp show --id APP_ID` prints it (camelCase) or as
//! `Get-MgServicePrincipal ... | ConvertTo-Json -Depth 5` prints it (PascalCase), into an overlay
//! resource; and comparing it with what the catalog had.

use serde_json::Value;

use super::overlay::{OverlayPermission, OverlayResource};
use super::{Kind, ResourceData};
use crate::diagnostic::InputError;

/// Looks a key up ignoring ASCII case: az and Graph PowerShell differ only in case.
fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

fn text(v: &Value, key: &str) -> Option<String> {
    field(v, key).and_then(Value::as_str).map(str::to_string)
}

fn is_guid(s: &str) -> bool {
    s.parse::<crate::guid::Guid>().is_ok()
}

/// Names reach scripts; Entra's are plain, and anything else is refused rather than quoted.
fn is_plain_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 120 && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// Parses one service principal. `origin` names the file in messages and in the overlay.
pub fn parse_service_principal(origin: &str, text_in: &str, today: &str) -> Result<OverlayResource, InputError> {
    let bad = |why: String| InputError::msg(format!("`{origin}` {why}"));
    let root: Value = serde_json::from_str(text_in)
        .map_err(|e| bad(format!("is not JSON (line {}, column {}): {e}", e.line(), e.column())))?;
    // `az ad sp list` and some exports wrap the object in a one-element array.
    let sp = match &root {
        Value::Array(items) if items.len() == 1 => &items[0],
        Value::Array(items) => {
            return Err(bad(format!("holds {} objects; import one service principal per file", items.len())));
        }
        other => other,
    };
    let app_id = text(sp, "appId").ok_or_else(|| {
        bad("is not a service principal: it has no `appId` (save the output of `az ad sp show --id APP_ID`)".into())
    })?;
    if !is_guid(&app_id) {
        return Err(bad(format!("has an `appId` that is not a GUID: `{}`", app_id.escape_debug())));
    }
    let display_name = text(sp, "displayName").unwrap_or_else(|| app_id.clone());
    let roles = field(sp, "appRoles").and_then(Value::as_array);
    let scopes = field(sp, "oauth2PermissionScopes").and_then(Value::as_array);
    if roles.is_none() && scopes.is_none() {
        return Err(bad("has neither `appRoles` nor `oauth2PermissionScopes`: nothing to import".into()));
    }
    let mut problems = Vec::new();
    let mut read = |list: Option<&Vec<Value>>, kind: Kind| -> Vec<OverlayPermission> {
        let mut out = Vec::new();
        for (i, p) in list.into_iter().flatten().enumerate() {
            let enabled = field(p, "isEnabled").and_then(Value::as_bool).unwrap_or(true);
            let for_apps = match kind {
                Kind::Application => field(p, "allowedMemberTypes")
                    .and_then(Value::as_array)
                    .is_none_or(|t| t.iter().any(|m| m.as_str() == Some("Application"))),
                Kind::Delegated => true,
            };
            let (Some(name), Some(id)) = (text(p, "value"), text(p, "id")) else { continue };
            if !enabled || !for_apps || name.is_empty() {
                continue;
            }
            if !is_plain_name(&name) || !is_guid(&id) {
                problems.push(format!("{} {i}: `{}` / `{}`", kind, name.escape_debug(), id.escape_debug()));
                continue;
            }
            let (display, description) = match kind {
                Kind::Application => (text(p, "displayName"), text(p, "description")),
                Kind::Delegated => (text(p, "adminConsentDisplayName"), text(p, "adminConsentDescription")),
            };
            let admin_consent_required = match kind {
                Kind::Application => None,
                Kind::Delegated => text(p, "type").map(|t| t.eq_ignore_ascii_case("Admin")),
            };
            out.push(OverlayPermission {
                name,
                id: id.to_ascii_lowercase(),
                display,
                description: description.unwrap_or_default(),
                admin_consent_required,
                hidden: false,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    };
    let app_roles = read(roles, Kind::Application);
    let scopes = read(scopes, Kind::Delegated);
    if !problems.is_empty() {
        return Err(bad(format!("has permissions with unusable names or ids: {}", problems.join(", "))));
    }
    let key: String = display_name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    Ok(OverlayResource {
        key,
        aliases: vec![display_name.clone()],
        display_name,
        app_id: app_id.to_ascii_lowercase(),
        source: format!("{origin} (imported {today})"),
        app_roles,
        scopes,
    })
}

/// What an import changes, per type: names added, removed, and whose GUID changed.
#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Changes {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

pub fn compare(before: Option<&ResourceData>, after: &OverlayResource) -> Changes {
    let mut c = Changes::default();
    for (kind, list) in [(Kind::Application, &after.app_roles), (Kind::Delegated, &after.scopes)] {
        let old = before.map_or(&[][..], |b| b.permissions(kind));
        for p in list {
            match old.iter().find(|o| o.name == p.name) {
                None => c.added.push(format!("{} ({kind})", p.name)),
                Some(o) if !o.id.eq_ignore_ascii_case(&p.id) => {
                    c.changed.push(format!("{} ({kind}): {} -> {}", p.name, o.id, p.id));
                }
                Some(_) => {}
            }
        }
        // Hidden permissions are never in a service principal's lists: an import keeps them.
        for o in old.iter().filter(|o| !o.hidden) {
            if !list.iter().any(|p| p.name == o.name) {
                c.removed.push(format!("{} ({kind})", o.name));
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_az_and_graph_powershell_shapes_alike() {
        let az = r#"{"appId":"00000003-0000-0000-C000-000000000000","displayName":"Microsoft Graph",
            "appRoles":[{"allowedMemberTypes":["Application"],"description":"d","displayName":"Read mail","id":"810C84A8-4A9E-49E6-BF7D-12D183F40D01","isEnabled":true,"value":"Mail.Read"},
                        {"allowedMemberTypes":["User"],"description":"d","displayName":"x","id":"11111111-1111-1111-1111-111111111111","isEnabled":true,"value":"Users.Only"}],
            "oauth2PermissionScopes":[{"adminConsentDescription":"d","adminConsentDisplayName":"Sign in","id":"e1fe6dd8-ba31-4d61-89e7-88639da4683d","isEnabled":true,"type":"User","value":"User.Read"}]}"#;
        let ps = az
            .replace("\"appId\"", "\"AppId\"")
            .replace("\"appRoles\"", "\"AppRoles\"")
            .replace("\"value\"", "\"Value\"");
        for text in [az.to_string(), ps] {
            let r = parse_service_principal("sp.json", &text, "2026-11-22").expect("parses");
            assert_eq!(r.app_id, "00000003-0000-0000-c000-000000000000");
            assert_eq!(r.app_roles.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Mail.Read"]);
            assert_eq!(r.app_roles[0].id, "810c84a8-4a9e-49e6-bf7d-12d183f40d01");
            assert_eq!(r.scopes[0].admin_consent_required, Some(false));
            assert_eq!(r.key, "microsoft-graph");
        }
    }

    #[test]
    fn refuses_foreign_or_unsafe_json_with_the_reason() {
        let err = |t: &str| parse_service_principal("x.json", t, "2026-11-22").expect_err(t).to_string();
        assert!(err("not json").contains("is not JSON"));
        assert!(err(r#"{"name":"a"}"#).contains("has no `appId`"));
        assert!(err(r#"{"appId":"x","appRoles":[]}"#).contains("not a GUID"));
        assert!(err(r#"{"appId":"00000003-0000-0000-c000-000000000000"}"#).contains("nothing to import"));
        assert!(err(r#"[{"appId":"a"},{"appId":"b"}]"#).contains("holds 2 objects"));
        let evil = r#"{"appId":"00000003-0000-0000-c000-000000000000","appRoles":[{"id":"810c84a8-4a9e-49e6-bf7d-12d183f40d01","value":"Mail.Read\"; rm -rf /"}]}"#;
        assert!(err(evil).contains("unusable names"));
    }
}
