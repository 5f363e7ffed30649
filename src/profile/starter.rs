//! `init`: a commented starter profile, optionally filled from a vendor's permission table read
//! by [`crate::import`]: its permissions, its corrections and the roles it asks for as notes.

use crate::import::{self, Import};

/// The starter profile text: commented, valid, and clean under `lint`.
pub fn starter(id: &str, today: &str, imported: Option<&Import>) -> String {
    let prefix: String =
        id.to_ascii_uppercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let mut permissions = imported.map(import::profile::permissions).unwrap_or_default();
    if permissions.is_empty() && imported.is_some() {
        permissions.push_str("  [] # no row resolved: list the permissions here (see the report)\n");
    } else if permissions.is_empty() {
        permissions.push_str(
            "  - api: Microsoft Graph\n    application:              # app roles; delegated: for scopes\n      - User.Read.All\n",
        );
    }
    let unresolved = imported.map(import::profile::comments).unwrap_or_default();
    let notes: String = imported
        .map(import::profile::notes)
        .unwrap_or_default()
        .iter()
        .map(|n| format!("  - {}\n", crate::quote::yaml_string(n)))
        .collect();
    let notes = if notes.is_empty() { String::new() } else { format!("notes:\n{notes}") };
    let corrections = imported.map(import::profile::corrections).unwrap_or_default();
    let corrections = if corrections.is_empty() {
        "corrections: []\n".to_string()
    } else {
        format!("corrections:\n{}", corrections.concat())
    };
    format!(
        "# A profile for m365-runbook: what one vendor page asks an administrator to set up.
# Every field is described in profiles/FORMAT.md; check it with `m365-runbook lint {id}.yaml`.
id: {id}
aliases: []
vendor: Vendor name            # who publishes the product
product: Product name
version: \"1.0\"                 # the product versions the page applies to
title: Product name Microsoft 365 access
source:
  url: https://example.com/the-vendor-page
  date: \"{today}\"             # the date of the page's revision
app:
  display_name: Product name   # default app name (--app-name overrides)
  credential: secret           # secret or certificate
  unattended: true             # the product runs without a signed-in user
permissions:
{permissions}{unresolved}inputs:
  via: environment             # environment (variables) or form (typed into the product)
  values:
    - name: {prefix}_TENANT_ID
      from: tenant_id
    - name: {prefix}_CLIENT_ID
      from: client_id
    - name: {prefix}_CLIENT_SECRET
      from: client_secret
{notes}# Where this profile differs from the vendor's page, and why:
{corrections}"
    )
}
