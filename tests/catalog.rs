//! The catalog as a tool, values files, init, completions and man: issue-8 behaviour, run as a
//! user would.

use std::fs;
use std::path::Path;

use crate::common::{bin, repo, stderr, stdout};

fn run_with_config(config: &Path, args: &[&str]) -> std::process::Output {
    bin().env("M365_RUNBOOK_CONFIG", config).current_dir(repo()).args(args).output().expect("runs")
}

#[test]
fn search_ranks_exact_and_short_names_first_and_filters() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o =
        run_with_config(tmp.path(), &["catalog", "search", "mail.read", "--type", "application", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let first = &v["results"][0];
    assert_eq!((first["name"].as_str(), first["type"].as_str()), (Some("Mail.Read"), Some("application")));
    assert!(v["results"].as_array().expect("list").iter().all(|r| r["type"] == "application"));
    let o = run_with_config(tmp.path(), &["catalog", "search", "full control", "--api", "sharepoint"]);
    let text = stdout(&o);
    assert!(
        text.lines().all(|l| l.contains("Office 365 SharePoint Online")) && text.contains("Sites.FullControl.All"),
        "{text}"
    );
    let o = run_with_config(tmp.path(), &["catalog", "search", "x", "--api", "sharepont"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
}

#[test]
fn show_lists_every_api_and_type_a_name_or_guid_exists_under() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = run_with_config(tmp.path(), &["catalog", "show", "user.read.all", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let found: Vec<(String, String)> = v["permissions"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| (p["api"].as_str().unwrap_or("").to_string(), p["type"].as_str().unwrap_or("").to_string()))
        .collect();
    assert_eq!(found.len(), 7, "{found:?}");
    assert!(v["permissions"].as_array().expect("list").iter().any(|p| p["retired"] == true));
    let o = run_with_config(tmp.path(), &["catalog", "show", "dc890d15-9560-4a4c-9b7f-a736ec74ec40"]);
    assert!(stdout(&o).starts_with("full_access_as_app (application) on Office 365 Exchange Online"), "{}", stdout(&o));
    let o = run_with_config(tmp.path(), &["catalog", "show", "Mail.Raed"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `Mail.Read`?"));
}

#[test]
fn import_reports_changes_and_every_command_then_uses_the_refreshed_catalog() {
    let tmp = tempfile::tempdir().expect("tmp");
    // Before: the built-in SharePoint has no Backup.Read.All.
    let profile = tmp.path().join("p.yaml");
    let text = fs::read_to_string(repo().join("tests/fixtures/lint/sharepoint-secret.pass.yaml"))
        .expect("fixture")
        .replace("Sites.FullControl.All", "Backup.Read.All");
    fs::write(&profile, text).expect("write");
    let out = tmp.path().join("b").to_string_lossy().to_string();
    let p = profile.to_string_lossy().to_string();
    let o = run_with_config(tmp.path(), &["render", &p, "--tenant", "contoso", "--out", &out]);
    assert_eq!(o.status.code(), Some(2), "unknown before the import");

    let o = run_with_config(tmp.path(), &["catalog", "import", "tests/fixtures/sp/sharepoint-az.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).lines().take(4).collect::<Vec<_>>(),
        [
            "Office 365 SharePoint Online (00000003-0000-0ff1-ce00-000000000000): 1 added, 1 removed, 1 changed",
            "  + Backup.Read.All (application)",
            "  - Sites.Selected (application)",
            "  ~ TermStore.Read.All (application): 2a8d57a5-4090-4a41-bf1c-3c621d2ccad3 -> aaaaaaaa-0000-4000-8000-000000000001",
        ]
    );
    assert!(tmp.path().join("catalog.json").is_file());
    // The Graph PowerShell shape of the same data changes nothing more.
    let o = run_with_config(tmp.path(), &["catalog", "import", "tests/fixtures/sp/sharepoint-mggraph.json"]);
    assert!(
        stdout(&o).starts_with(
            "Office 365 SharePoint Online (00000003-0000-0ff1-ce00-000000000000): 0 added, 0 removed, 0 changed"
        ),
        "{}",
        stdout(&o)
    );

    let o = run_with_config(tmp.path(), &["catalog", "show", "TermStore.Read.All"]);
    assert!(
        stdout(&o).contains(
            "Office 365 SharePoint Online (00000003-0000-0ff1-ce00-000000000000): aaaaaaaa-0000-4000-8000-000000000001"
        ),
        "{}",
        stdout(&o)
    );
    let o = run_with_config(tmp.path(), &["catalog", "show", "Container.Selected"]);
    assert!(o.status.success(), "hidden permissions survive an import");
    let o = run_with_config(tmp.path(), &["render", &p, "--tenant", "contoso", "--out", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest = fs::read_to_string(tmp.path().join("b/app-manifest.json")).expect("manifest");
    assert!(manifest.contains("aaaaaaaa-0000-4000-8000-000000000002"), "{manifest}");
    let o = run_with_config(tmp.path(), &["catalog", "info"]);
    assert!(stdout(&o).contains("overlay: ") && stdout(&o).contains("sharepoint-mggraph.json"), "{}", stdout(&o));
}

#[test]
fn malformed_or_foreign_json_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let bad = tmp.path().join("bad.json");
    for (text, expect) in [
        ("{ not json", "is not JSON (line 1, column 3)"),
        (r#"{"displayName": "x"}"#, "is not a service principal: it has no `appId`"),
        (r#"{"value": [1, 2]}"#, "has no `appId`"),
    ] {
        fs::write(&bad, text).expect("write");
        let o = run_with_config(tmp.path(), &["catalog", "import", &bad.to_string_lossy()]);
        assert_eq!(o.status.code(), Some(2), "{text}");
        assert!(stderr(&o).contains(expect), "{text}: {}", stderr(&o));
    }
    assert!(!tmp.path().join("catalog.json").exists());
}

#[test]
fn values_files_and_set_layer_under_flags_and_unknown_keys_suggest() {
    let tmp = tempfile::tempdir().expect("tmp");
    let base = tmp.path().join("base.yaml");
    let prod = tmp.path().join("prod.yaml");
    fs::write(&base, "tenant: fabrikam\napp_name: Base name\ncloud: gcc\n").expect("write");
    fs::write(&prod, "app_name: Prod name\n").expect("write");
    let (b, p) = (base.to_string_lossy().to_string(), prod.to_string_lossy().to_string());
    let o = run_with_config(
        tmp.path(),
        &["render", "corso", "-f", &b, "-f", &p, "--set", "secret_years=2", "--show-values"],
    );
    let text = stdout(&o);
    let line = |k: &str| {
        text.lines().find(|l| l.starts_with(k)).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert_eq!(line("tenant "), format!("tenant fabrikam {b}:1"));
    assert_eq!(line("app_name"), format!("app_name Prod name {p}:1"));
    assert_eq!(line("secret_years"), "secret_years 2 --set");
    assert_eq!(line("cloud"), format!("cloud gcc {b}:3"));
    let o = run_with_config(tmp.path(), &["render", "corso", "-f", &b, "--tenant", "contoso", "--show-values"]);
    assert!(stdout(&o).lines().any(|l| l.starts_with("tenant ") && l.ends_with("--tenant")));

    let out = tmp.path().join("o").to_string_lossy().to_string();
    let o = run_with_config(tmp.path(), &["render", "corso", "-f", &b, "--out", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fs::read_to_string(tmp.path().join("o/register-app.sh")).expect("sh").contains("APP_NAME='Base name'"));

    fs::write(&p, "tenant_di: x\n").expect("write");
    let o = run_with_config(tmp.path(), &["render", "corso", "-f", &p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("--> {p}:1:1")) && stderr(&o).contains("did you mean `tenant_id`?"),
        "{}",
        stderr(&o)
    );
    let o = run_with_config(tmp.path(), &["render", "corso"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no tenant given"), "{}", stderr(&o));
}

#[test]
fn init_writes_a_starter_that_lints_clean_and_resolves_a_pasted_list() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = bin().current_dir(tmp.path()).args(["init", "acme-backup-3"]).output().expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = bin().current_dir(tmp.path()).args(["lint", "acme-backup-3.yaml", "--strict"]).output().expect("runs");
    assert!(o.status.success(), "starter must lint clean: {}", stdout(&o));
    let o = bin().current_dir(tmp.path()).args(["init", "acme-backup-3"]).output().expect("runs");
    assert_eq!(o.status.code(), Some(2), "no overwrite without --force");

    fs::write(tmp.path().join("list.txt"), "| API | Permission | Type |\n|---|---|---|\n| Graph | User.Read.all | Application |\nMail.ReadWrite\nSites.Raed.All\n").expect("write");
    let o = bin()
        .current_dir(tmp.path())
        .args(["init", "acme-4", "--from", "list.txt", "--out", "-"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1), "an unresolved name is a finding");
    assert_eq!(
        stderr(&o),
        "list.txt:3: corrected: Graph | `User.Read.all` | Application -> Microsoft Graph User.Read.All (application): \
Wrong case: permission names are case-sensitive; the page writes `User.Read.all`. The page names the API `Graph`, \
which is not its display name in Entra ID; the permission belongs to Microsoft Graph (app id 00000003-0000-0000-c000-000000000000).
list.txt:4: resolved: Microsoft Graph Mail.ReadWrite (application) (no API given; also on Office 365 Exchange Online \
(application, delegated); chose Microsoft Graph because Microsoft Graph is preferred; \
no type given; `Mail.ReadWrite` is both application and delegated; chose application (the app runs unattended))
list.txt:5: unresolved: `Sites.Raed.All`: no API publishes this permission; nearest: Sites.Read.All (Microsoft Graph, \
application), Sites.Read.All (Microsoft Graph, delegated), Sites.Read.All (Office 365 SharePoint Online, application)
list.txt: 3 rows: 1 resolved, 1 corrected, 1 unresolved
"
    );
    let text = stdout(&o);
    assert!(
        text.contains("      - User.Read.All\n      - Mail.ReadWrite\n")
            && text.contains("#   - line 5: Sites.Raed.All"),
        "{text}"
    );
    assert!(text.contains("  - published: {api: \"Graph\", name: \"User.Read.all\", type: application}\n"), "{text}");
}

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = bin().args(["completions", shell]).output().expect("runs");
        assert!(o.status.success() && stdout(&o).contains("m365-runbook"), "{shell}");
        assert!(stdout(&o).contains("render"), "{shell}");
    }
    let o = bin().arg("man").output().expect("runs");
    assert!(
        stdout(&o).starts_with(".ie \\n(.g .ds Aq") || stdout(&o).contains(".TH m365-runbook"),
        "{}",
        &stdout(&o)[..200.min(stdout(&o).len())]
    );
}

#[test]
fn every_command_has_an_example_in_its_help() {
    for cmd in ["list", "show", "render", "lint", "explain", "catalog", "init", "completions", "man", "cloud"] {
        let o = bin().args([cmd, "--help"]).output().expect("runs");
        assert!(stdout(&o).contains("Example"), "{cmd} --help has no example:\n{}", stdout(&o));
    }
}

#[test]
fn quiet_prints_nothing_on_success_and_colour_never_reaches_a_pipe() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("q").to_string_lossy().to_string();
    let o = bin().args(["--quiet", "render", "kodo", "--tenant", "contoso", "--out", &out]).output().expect("runs");
    assert!(o.status.success());
    assert_eq!((stdout(&o), stderr(&o)), (String::new(), String::new()));
    let o = bin().env_remove("NO_COLOR").args(["lint", "kodo"]).output().expect("runs");
    assert!(!stdout(&o).contains('\x1b'), "no colour on a pipe");
}

#[test]
fn the_profiles_folder_can_come_from_the_environment() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = fs::read_to_string(repo().join("tests/fixtures/lint/duplicate.pass.yaml")).expect("fixture");
    fs::write(tmp.path().join("mine.yaml"), text).expect("write");
    let o =
        bin().env("M365_RUNBOOK_PROFILES", tmp.path()).args(["show", "lint-duplicate-pass"]).output().expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
}
