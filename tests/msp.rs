//! What an administrator who manages many tenants adds to a render: their own certificate, a
//! mailbox scope, owners and app properties. Checked at render time; the scripts' behaviour is
//! proven in `tests/e2e`.

use crate::common::{repo, run, stderr};

const CERT: &str = "tests/fixtures/certificate/test-cert.pem";
const KEY: &str = "tests/fixtures/certificate/test-key.pem";

fn render(extra: &[&str]) -> (std::process::Output, tempfile::TempDir) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("b");
    let mut args = vec!["render", "--quiet", "--tenant", "contoso", "--out", out.to_str().expect("utf-8")];
    args.extend(extra);
    (run(&args), tmp)
}

/// A KODO whose form also takes a certificate (KODO itself takes a secret only).
const KODO_CERTIFICATE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden/kodo-2021-08-certificate.yaml");

fn file(tmp: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(tmp.path().join("b").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn an_own_certificate_is_copied_without_its_key_and_shown_with_thumbprint_and_expiry() {
    let cert = repo().join(CERT);
    let (o, tmp) =
        render(&[KODO_CERTIFICATE, "--certificate-file", cert.to_str().expect("utf-8"), "--as-of", "2026-12-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let thumbprint = std::fs::read_to_string(repo().join("tests/fixtures/certificate/test-cert.sha1")).expect("sha1");
    let thumbprint = thumbprint.trim();
    let pem = file(&tmp, "certificate.pem");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n") && !pem.contains("PRIVATE"), "{pem}");
    let sh = file(&tmp, "register-app.sh");
    assert!(sh.contains("--cert @certificate.pem --append"), "uploads the file");
    assert!(!sh.contains("--create-cert"), "makes no certificate of its own");
    assert!(sh.contains(&format!("THUMBPRINT='{thumbprint}'")));
    let ps = file(&tmp, "register-app.ps1");
    assert!(ps.contains("--cert '@certificate.pem' --append"));
    let runbook = file(&tmp, "runbook.md");
    assert!(runbook.contains(thumbprint), "thumbprint in the runbook");
    assert!(runbook.contains("openssl pkcs12 -export"), "how to make a PFX");
    let index = file(&tmp, "bundle.json");
    assert!(index.contains("\"certificate\""), "{index}");
}

#[test]
fn a_private_key_an_expired_certificate_or_a_secret_with_a_certificate_is_refused() {
    let key = repo().join(KEY);
    let (o, tmp) = render(&[KODO_CERTIFICATE, "--certificate-file", key.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("test-key.pem` holds a private key"), "{}", stderr(&o));
    assert!(!tmp.path().join("b").exists(), "nothing written");
    let cert = repo().join(CERT);
    let (o, _) =
        render(&[KODO_CERTIFICATE, "--certificate-file", cert.to_str().expect("utf-8"), "--as-of", "2040-01-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("test-cert.pem`: the certificate expired on 2036-"), "{}", stderr(&o));
    let (o, _) =
        render(&[KODO_CERTIFICATE, "--certificate-file", cert.to_str().expect("utf-8"), "--credential", "secret"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`credential` is `secret`"), "{}", stderr(&o));
    let (o, _) = render(&[KODO_CERTIFICATE, "--certificate-file", "no-such.pem"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read certificate file `no-such.pem`"), "{}", stderr(&o));
}

#[test]
fn a_mailbox_scope_takes_the_mail_permissions_out_of_entra_and_into_exchange_roles() {
    let (o, tmp) = render(&["corso-2023-09", "--mailbox-scope", "backup-mailboxes@contoso.com"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest = file(&tmp, "app-manifest.json");
    // Mail.ReadWrite, Calendars.ReadWrite, Contacts.ReadWrite, MailboxSettings.Read (application).
    for id in ["e2a3a72e-5f79-4c64-b1b1-878b674786c9", "ef54d2bf-783f-4e0f-bca1-3210c0444d99"] {
        assert!(!manifest.contains(id), "{id} still requested in Entra ID");
    }
    let sh = file(&tmp, "register-app.sh");
    assert!(!sh.contains("'Mail.ReadWrite'"), "not granted tenant-wide");
    let ews = file(&tmp, "exchange-online.ps1");
    for role in ["Application Mail.ReadWrite", "Application Calendars.ReadWrite", "Application MailboxSettings.Read"] {
        assert!(ews.contains(&format!("'{role}'")), "{role}");
    }
    assert!(ews.contains(
        "New-ManagementRoleAssignment -Name $name -App $ServicePrincipalId -Role $role -CustomResourceScope $scopeName"
    ));
    assert!(ews.contains("$group = Get-Group -Identity 'backup-mailboxes@contoso.com'"));
    assert!(ews.contains("Test-ServicePrincipalAuthorization"));
    assert!(!ews.contains("EwsAllowedAppIDs"), "corso does not use EWS");
    let runbook = file(&tmp, "runbook.md");
    assert!(runbook.contains("Mailbox scope"), "the runbook explains it");

    let (o, tmp) = render(&["corso-2023-09", "--mailbox-scope", "CustomAttribute1 -eq 'backup'"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(file(&tmp, "exchange-online.ps1").contains("$filter = 'CustomAttribute1 -eq ''backup'''"));
    let (o, _) = render(&["corso-2023-09", "--mailbox-scope", "backup"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("neither a group address"), "{}", stderr(&o));
}

#[test]
fn owners_notes_reference_and_the_property_lock_reach_both_scripts() {
    let (o, tmp) = render(&[
        "corso",
        "--owner",
        "o'brien@contoso.com",
        "--owner",
        "72F988BF-86F1-41AF-91AB-2D7CD011DB47",
        "--notes",
        "Managed by Example & Co",
        "--service-management-reference",
        "CHG-0042",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sh = file(&tmp, "register-app.sh");
    assert!(sh.contains(r"owner=$(az ad user show --id 'o'\''brien@contoso.com' --query id --output tsv)"), "{sh}");
    assert!(sh.contains("add_owner '72f988bf-86f1-41af-91ab-2d7cd011db47' '72f988bf-86f1-41af-91ab-2d7cd011db47'"));
    for text in [&sh, &file(&tmp, "register-app.ps1")] {
        assert!(text.contains(r#""serviceManagementReference":"CHG-0042""#));
        assert!(text.contains(r#""servicePrincipalLockConfiguration":{"isEnabled":true,"allProperties":true}"#));
        assert!(text.contains("Managed by Example & Co"));
    }
    let (o, _) = render(&["corso", "--owner", "not a user"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a user principal name"), "{}", stderr(&o));
}
