//! What a runbook says about today's Microsoft 365: its verdict, the retired steps it leaves out,
//! where admin consent is granted, what the certificate leaves on disk; what `render` prints on
//! stderr; and `env.sh` sourced from bash and zsh.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{repo, run_in, stderr, stdout};

const AS_OF: &str = "2026-11-22";

/// Renders into a fresh folder; returns it with the process output.
fn render(args: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("b").to_string_lossy().to_string();
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", &out]);
    let o = run_in(&repo(), &all);
    (tmp, o)
}

fn read(dir: &Path, file: &str) -> String {
    fs::read_to_string(dir.join("b").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The words of a page, joined by single spaces (pages are wrapped at 80 columns).
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_runbook_opens_with_its_verdict_and_bundle_json_carries_it() {
    let (tmp, o) = render(&["kodo", "--tenant", "contoso", "--as-of", AS_OF]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = read(tmp.path(), "runbook.md");
    let first = md.lines().skip(1).find(|l| !l.is_empty()).expect("a line after the title");
    assert!(first.starts_with("**Verdict:** Cannot work as documented: KODO for Cloud takes a client secret"), "{md}");
    let index: serde_json::Value = serde_json::from_str(&read(tmp.path(), "bundle.json")).expect("json");
    assert_eq!(index["verdict"]["status"], "cannot-work-as-documented");
    assert_eq!(index["as_of"], AS_OF);
    assert!(index["verdict"]["summary"].as_str().expect("summary").contains("ended on 2026-04-02"));

    let (tmp, o) = render(&["corso", "--tenant", "contoso", "--as-of", AS_OF]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(tmp.path(), "runbook.md").contains("**Verdict:** Works as documented. (Judged as of 2026-11-22.)"));
}

#[test]
fn retired_steps_are_not_presented_as_steps_to_do() {
    let (tmp, o) = render(&["kodo", "--tenant", "contoso", "--as-of", AS_OF]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = words(&read(tmp.path(), "runbook.md"));
    assert!(!md.contains("Grant the SharePoint add-in permission (appinv.aspx)"), "no appinv step");
    assert!(!md.contains("Apply the SharePoint tenant settings"), "no legacy-auth step");
    assert!(md.contains("## Retired steps"), "{md}");
    assert!(md.contains("on 2026-04-02, Azure ACS for SharePoint Online reached end of life"), "{md}");
    assert!(md.contains("on 2026-05-01, IDCRL is blocked for good"), "{md}");
    // EWS is still a step until 2027-04-01, with its warning ...
    assert!(md.contains("Admit the app to Exchange Web Services"), "{md}");
    // ... and not after.
    let (tmp, o) = render(&["kodo", "--tenant", "contoso", "--as-of", "2027-04-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = words(&read(tmp.path(), "runbook.md"));
    assert!(!md.contains("Admit the app to Exchange Web Services"), "{md}");
    assert!(md.contains("**Office 365 Exchange Online `full_access_as_app` (Application):** on 2027-04-01"), "{md}");
    assert!(!tmp.path().join("b/exchange-online.ps1").exists());
    let manifest = read(tmp.path(), "app-manifest.json");
    assert!(!manifest.contains("dc890d15-9560-4a4c-9b7f-a736ec74ec40"), "full_access_as_app left out of the manifest");
}

#[test]
fn azure_ad_graph_is_replaced_by_microsoft_graph() {
    let (tmp, o) = render(&["kodo-2020-03", "--tenant", "contoso", "--as-of", AS_OF]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest = read(tmp.path(), "app-manifest.json");
    assert!(!manifest.contains("00000002-0000-0000-c000-000000000000"), "no Azure AD Graph in the manifest");
    let md = words(&read(tmp.path(), "runbook.md"));
    assert!(md.contains("This runbook asks for Microsoft Graph `Directory.Read.All` instead"), "{md}");
}

#[test]
fn consent_is_granted_on_the_api_permissions_page_not_by_a_url_without_a_reply_address() {
    let (tmp, o) = render(&[
        "corso",
        "--tenant",
        "contoso",
        "--client-id",
        "11111111-2222-3333-4444-555555555555",
        "--cloud",
        "gcc",
        "--as-of",
        AS_OF,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = read(tmp.path(), "runbook.md");
    assert!(!md.contains("/adminconsent?client_id="), "{md}");
    assert!(md.contains("https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/11111111-2222-3333-4444-555555555555/isMSAApp~/false"), "{md}");
    assert!(words(&md).contains("sign-in fails with `AADSTS500113`"), "{md}");
}

#[test]
fn sovereign_runbooks_link_their_clouds_entra_admin_center() {
    for (cloud, host) in [
        ("gcc-high", "https://entra.microsoft.us"),
        ("dod", "https://entra.microsoft.us"),
        ("china", "https://entra.microsoftonline.cn"),
    ] {
        let (tmp, o) = render(&["corso", "--tenant", "contoso", "--cloud", cloud, "--as-of", AS_OF]);
        assert!(o.status.success(), "{}", stderr(&o));
        let md = read(tmp.path(), "runbook.md");
        assert!(md.contains(&format!("([{host}]({host}))")), "{cloud}: {md}");
        assert!(!md.contains("portal.azure."), "{cloud}: the Azure portal is not where these menus are");
    }
}

#[test]
fn certificate_bundles_say_the_private_key_is_written_to_a_file() {
    // A product that takes both, rendered with a certificate.
    let dir = tempfile::tempdir().expect("tmp");
    let profile = dir.path().join("both.yaml");
    let text = fs::read_to_string(repo().join("tests/fixtures/lint/credential-unsupported.pass.yaml"))
        .expect("fixture")
        .replace(
            "    - name: ACME_CLIENT_SECRET\n",
            "    - name: ACME_CERT\n      from: certificate_path\n    - name: ACME_CLIENT_SECRET\n",
        );
    fs::write(&profile, text).expect("write");
    let (tmp2, o) =
        render(&[&profile.to_string_lossy(), "--tenant", "contoso", "--credential", "certificate", "--as-of", AS_OF]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = words(&read(tmp2.path(), "runbook.md"));
    assert!(md.contains("The private key is written to a file: unencrypted"), "{md}");
    assert!(md.contains("On Windows, file modes do not restrict access"), "{md}");
    assert!(!md.to_lowercase().contains("nothing secret is written"), "{md}");
}

#[test]
fn render_prints_one_line_per_finding_and_says_where_the_full_text_is() {
    let (tmp, o) = render(&["kodo", "--tenant", "contoso", "--as-of", AS_OF]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    let (last, findings) = lines.split_last().expect("lines");
    assert!(findings.iter().all(|l| l.starts_with("warning[")), "{err}");
    assert_eq!(
        findings[0],
        "warning[sharepoint-add-in]: the profile grants SharePoint access through appinv.aspx (ACS)"
    );
    assert!(findings.contains(&"warning[high-privilege]: `Directory.ReadWrite.All`"), "{err}");
    // Most serious first: the order of the rule registry.
    let first_redundant = findings.iter().position(|l| l.starts_with("warning[redundant]")).expect("redundant");
    let last_high = findings.iter().rposition(|l| l.starts_with("warning[high-privilege]")).expect("high");
    assert!(last_high < first_redundant, "{err}");
    let runbook = tmp.path().join("b/runbook.md");
    assert_eq!(
        *last,
        format!(
            "{} warnings: the full text is in {} (Warnings), and `m365-runbook lint kodo --as-of {AS_OF}` prints it; --verbose prints it here",
            findings.len(),
            runbook.display()
        )
    );
    assert!(stdout(&o).starts_with("wrote "), "{}", stdout(&o));

    let (_tmp, o) = render(&["kodo", "--tenant", "contoso", "--as-of", AS_OF, "--verbose"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("  --> built-in:kodo-2021-08.yaml:86:3 (sharepoint.add_in)\n"), "{}", stderr(&o));
    let (_tmp, o) = render(&["kodo", "--tenant", "contoso", "--as-of", AS_OF, "--quiet"]);
    assert_eq!(stderr(&o), "");
}

/// Sources `env.sh` in `shell` with `stdin`, then prints the secret's state.
fn source_env(shell: &str, dir: &Path, stdin: &str) -> Option<(i32, String)> {
    let mut child = Command::new(shell)
        .current_dir(dir)
        .args([
            "-c",
            "source ./env.sh; rc=$?; printf '%s|%s' \"$rc\" \"$(printenv AZURE_CLIENT_SECRET || echo unset)\"",
        ])
        .env_remove("AZURE_CLIENT_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    use std::io::Write;
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write");
    let o = child.wait_with_output().expect("wait");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let (rc, value) = out.split_once('|')?;
    Some((rc.parse().ok()?, value.to_string()))
}

#[test]
fn env_sh_works_sourced_from_bash_and_zsh_and_never_exports_an_empty_secret() {
    let (tmp, o) = render(&["corso", "--tenant", "contoso", "--as-of", AS_OF]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmp.path().join("b");
    let text = fs::read_to_string(dir.join("env.sh")).expect("env.sh");
    assert!(!text.lines().any(|l| !l.trim_start().starts_with('#') && l.contains("read -p")), "{text}");
    let mut ran = 0;
    for shell in ["bash", "zsh"] {
        let Some(got) = source_env(shell, &dir, "Q~e8.s3cr'et\n") else { continue };
        ran += 1;
        assert_eq!(got, (0, "Q~e8.s3cr'et".to_string()), "{shell}");
        assert_eq!(source_env(shell, &dir, "\n"), Some((1, "unset".to_string())), "{shell}: empty secret");
    }
    assert!(ran >= 1, "bash runs the test at least");
}
