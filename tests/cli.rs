//! The command line, run as a user would: outputs, exit codes, files written.

use std::fs;

use crate::common::{builtin_ids, repo, run, run_in, stderr, stdout};

#[test]
fn list_names_every_builtin_profile_with_aliases() {
    let o = run(&["list"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for id in builtin_ids() {
        assert!(text.contains(&id), "{id} missing from:\n{text}");
    }
    assert!(text.contains("(alias: corso)") && text.contains("(alias: kodo)"), "{text}");
}

#[test]
fn list_groups_profiles_by_vendor() {
    let text = stdout(&run(&["list"]));
    let alcion = text.find("\nAlcion: Corso\n").or_else(|| text.starts_with("Alcion: Corso\n").then_some(0));
    let storware = text.find("\nStorware: ").expect("Storware heading");
    let alcion = alcion.expect("Alcion heading");
    assert!(alcion < storware, "vendors in name order:\n{text}");
    // Every profile line sits under its vendor's heading, indented.
    let kodo = text.find("\n  kodo-2021-08 ").expect("kodo line");
    assert!(kodo > storware && !text[storware..kodo].contains("\n\n"), "{text}");
    let v: serde_json::Value = serde_json::from_slice(&run(&["list", "--format", "json"]).stdout).expect("json");
    let vendors = v["vendors"].as_array().expect("vendors");
    let storware = vendors.iter().find(|x| x["vendor"] == "Storware").expect("Storware");
    assert_eq!(storware["products"], serde_json::json!(["KODO for Cloud"]));
    assert_eq!(storware["profiles"].as_array().map(Vec::len), Some(4));
    let listed: usize = vendors.iter().map(|x| x["profiles"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(listed, builtin_ids().len(), "every profile under one vendor");
}

#[test]
fn list_json_has_the_documented_shape() {
    let o = run(&["list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let corso = v["profiles"].as_array().expect("list").iter().find(|p| p["id"] == "corso-2023-09").expect("corso");
    assert_eq!(corso["vendor"], "Alcion");
    assert_eq!(corso["aliases"], serde_json::json!(["corso"]));
    assert!(corso["title"].as_str().is_some_and(|t| !t.is_empty()));
}

#[test]
fn show_json_lists_every_permission_with_api_type_and_guid() {
    let o = run(&["show", "kodo-2020-11", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let perms = v["permissions"].as_array().expect("permissions");
    let find = |api: &str, name: &str, kind: &str| {
        perms
            .iter()
            .find(|p| p["resource_app_id"] == api && p["name"] == name && p["type"] == kind)
            .map(|p| p["id"].clone())
    };
    // The same name on two APIs, and a delegated entry, each with its own GUID.
    assert_eq!(
        find("00000003-0000-0000-c000-000000000000", "User.Read.All", "Role"),
        Some("df021288-bdef-4463-88db-98f22de89214".into())
    );
    assert_eq!(
        find("00000003-0000-0ff1-ce00-000000000000", "User.Read.All", "Role"),
        Some("df021288-bdef-4463-88db-98f22de89214".into())
    );
    assert_eq!(
        find("00000003-0000-0000-c000-000000000000", "User.Read", "Scope"),
        Some("e1fe6dd8-ba31-4d61-89e7-88639da4683d".into())
    );
    assert_eq!(
        find("00000002-0000-0ff1-ce00-000000000000", "full_access_as_app", "Role"),
        Some("dc890d15-9560-4a4c-9b7f-a736ec74ec40".into())
    );
    assert_eq!(perms.len(), 15);
    assert!(perms.iter().all(|p| p["api"].is_string()));
}

#[test]
fn show_text_prints_guids_by_api() {
    let o = run(&["show", "corso"]);
    let text = stdout(&o);
    assert!(text.starts_with("corso-2023-09 — "), "{text}");
    assert!(text.contains("Microsoft Graph (00000003-0000-0000-c000-000000000000)"), "{text}");
    assert!(text.contains("  Role  df021288-bdef-4463-88db-98f22de89214  User.Read.All"), "{text}");
}

#[test]
fn render_writes_to_out_profile_tenant_by_default() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = run_in(tmp.path(), &["render", "corso", "--tenant", "contoso"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "wrote 10 files to out/corso-2023-09/contoso\n");
    let dir = tmp.path().join("out/corso-2023-09/contoso");
    let mut names: Vec<String> =
        fs::read_dir(&dir).expect("bundle").map(|e| e.expect("e").file_name().to_string_lossy().into()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "app-manifest.json",
            "app.env",
            "bundle.json",
            "collect-state.ps1",
            "collect-state.sh",
            "env.ps1",
            "env.sh",
            "register-app.ps1",
            "register-app.sh",
            "runbook.md"
        ]
    );
}

#[test]
fn render_refuses_to_overwrite_without_force_and_replaces_with_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("b").to_string_lossy().to_string();
    assert!(run(&["render", "corso", "--tenant", "contoso", "--out", &out]).status.success());
    fs::write(tmp.path().join("b/extra.txt"), "mine").expect("write");
    let o = run(&["render", "corso", "--tenant", "fabrikam", "--out", &out]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("error: `{out}` already exists; add --force to replace it, or choose another --out\n")
    );
    assert!(fs::read_to_string(tmp.path().join("b/register-app.sh")).expect("kept").contains("contoso"));
    // A file this tool did not write: --force refuses too, and nothing changes.
    let o = run(&["render", "corso", "--tenant", "fabrikam", "--out", &out, "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("holds `extra.txt`, which this tool did not write"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(tmp.path().join("b/extra.txt")).expect("kept"), "mine");
    fs::remove_file(tmp.path().join("b/extra.txt")).expect("rm");
    let o = run(&["render", "corso", "--tenant", "fabrikam", "--out", &out, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fs::read_to_string(tmp.path().join("b/register-app.sh")).expect("new").contains("fabrikam"));
}

#[test]
fn render_json_reports_what_was_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("k").to_string_lossy().to_string();
    let files_of = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["render", "kodo", "--tenant", "contoso", "--out", &out, "--format", "json", "--force"];
        args.extend(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["profile"], "kodo-2021-08");
        v["files"].as_array().expect("files").iter().filter_map(|f| f.as_str().map(str::to_string)).collect()
    };
    let has = |files: &[String], f: &str| files.iter().any(|x| x == f);
    let before = files_of(&["--as-of", "2026-01-01"]);
    assert!(has(&before, "appinv-permission-request.xml") && has(&before, "sharepoint-tenant.ps1"), "{before:?}");
    assert!(!has(&before, "env.sh"), "KODO takes its values in a form, not the environment");
    // Past their end of life, the appinv grant and the legacy-auth setting are left out ...
    let after = files_of(&["--as-of", "2026-11-22"]);
    assert!(!has(&after, "appinv-permission-request.xml") && !has(&after, "sharepoint-tenant.ps1"), "{after:?}");
    // ... unless asked for, on the command line or as a value.
    let kept = files_of(&["--as-of", "2026-11-22", "--include-retired"]);
    assert!(has(&kept, "appinv-permission-request.xml") && has(&kept, "sharepoint-tenant.ps1"), "{kept:?}");
    let kept = files_of(&["--as-of", "2026-11-22", "--set", "include_retired=true"]);
    assert!(has(&kept, "appinv-permission-request.xml"), "{kept:?}");
    let md = fs::read_to_string(tmp.path().join("k/runbook.md")).expect("md");
    assert!(md.contains("## Retired steps") && md.contains("**Retired:** kept only because"), "{md}");
}

#[test]
fn unknown_profile_exits_2_with_a_suggestion() {
    let o = run(&["render", "corso-2023-9", "--tenant", "contoso"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: unknown profile `corso-2023-9`\n = note: run `m365-runbook list` for the profiles available, or give a path to a profile file\n = help: did you mean `corso-2023-09`?\n"
    );
}

#[test]
fn bad_values_exit_2_naming_the_flag() {
    for (flag, value, expect) in [
        ("--tenant", "contoso.onmicrosoft.com", "give the initial domain prefix only, e.g. `contoso`"),
        ("--tenant", "con;toso", "`;` is not allowed"),
        ("--tenant-id", "not-a-guid", "is not a GUID"),
        ("--client-id", "1234", "is not a GUID"),
        ("--secret-years", "5", "give 1 or 2 years"),
        ("--app-name", "a&calc", "az.cmd"),
    ] {
        let mut args = vec!["render", "corso", "--tenant", "contoso"];
        if flag == "--tenant" {
            args[3] = value;
        } else {
            args.extend([flag, value]);
        }
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {err}");
        assert!(err.contains(flag) && err.contains(expect), "{flag} {value}:\n{err}");
    }
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["render", "corso"]).status.code(), Some(2), "--tenant is required");
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("render"));
    let v = run(&["--version"]);
    assert_eq!(stdout(&v), format!("m365-runbook {} (catalog 2026-08-22)\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn user_profiles_folder_adds_profiles_and_refuses_taken_ids() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = fs::read_to_string(repo().join("tests/fixtures/bad/wrong-case.yaml"))
        .expect("fixture")
        .replace("User.Read.all", "User.Read.All");
    fs::write(tmp.path().join("acme.yaml"), &text).expect("write");
    let dir = tmp.path().to_string_lossy().to_string();
    let o = run(&["--profiles", &dir, "show", "acme-1", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    fs::write(tmp.path().join("dup.yaml"), text.replace("id: acme-1", "id: corso-2023-09")).expect("write");
    let o = run(&["--profiles", &dir, "list"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("profile name `corso-2023-09` is already used by `corso-2023-09` (built-in:corso-2023-09.yaml)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn template_overrides_win_per_file_and_broken_ones_are_located() {
    let tmp = tempfile::tempdir().expect("tmp");
    let templates = tmp.path().join("t");
    fs::create_dir(&templates).expect("mkdir");
    fs::write(templates.join("app.env.tera"), "# custom\n{{ tenant_domain | dotenv }}\n").expect("write");
    let out = tmp.path().join("o").to_string_lossy().to_string();
    let t = templates.to_string_lossy().to_string();
    let o = run(&["--templates", &t, "render", "corso", "--tenant", "contoso", "--out", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(tmp.path().join("o/app.env")).expect("app.env"),
        "# custom\ncontoso.onmicrosoft.com\n"
    );
    assert!(
        fs::read_to_string(tmp.path().join("o/runbook.md")).expect("runbook").starts_with("# Corso"),
        "others stay built-in"
    );

    fs::write(templates.join("runbook.md.tera"), "# x\n\n{% if %}\n").expect("write");
    let o = run(&["--templates", &t, "render", "corso", "--tenant", "contoso", "--out", &format!("{out}2")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&format!("--> {}:3:", templates.join("runbook.md.tera").display())), "{err}");

    fs::write(templates.join("runbok.md.tera"), "x").expect("write");
    let o = run(&["--templates", &t, "render", "corso", "--tenant", "contoso", "--out", &format!("{out}3")]);
    assert!(stderr(&o).contains("did you mean `runbook.md.tera`?"), "{}", stderr(&o));
}

#[test]
fn an_output_folder_that_cannot_be_created_fails_with_the_path_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("not-a-folder");
    fs::write(&file, "x").expect("write");
    let out = file.join("bundle").to_string_lossy().to_string();
    let o = run(&["render", "corso", "--tenant", "contoso", "--out", &out]);
    assert_eq!(o.status.code(), Some(1), "a file-system failure, not an input error");
    let err = stderr(&o);
    assert!(err.starts_with(&format!("error: cannot create the folder `{}`: ", file.display())), "{err}");
    assert_eq!(fs::read_to_string(&file).expect("kept"), "x");
}

#[test]
fn an_unreadable_profile_file_names_the_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("profile.yaml");
    fs::create_dir(&dir).expect("mkdir");
    let o = run(&["render", &dir.to_string_lossy(), "--tenant", "contoso"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with(&format!("error: cannot read profile `{}`: ", dir.display())), "{}", stderr(&o));
}
