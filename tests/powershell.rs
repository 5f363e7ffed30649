//! PowerShell traps that no parser here can catch (PowerShell cannot run on these machines), pinned
//! on every PowerShell file of the built-in bundles: Windows PowerShell 5.1 and 7.x alike.

use crate::common::{builtin_ids, run};

/// Every `.ps1` of a render of `profile` with `extra` values: (file name, text).
fn ps1_files(profile: &str, extra: &[&str]) -> Vec<(String, String)> {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("b");
    let mut args = vec!["render", profile, "--tenant", "contoso", "--out", out.to_str().expect("utf-8"), "--quiet"];
    args.extend(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files = Vec::new();
    for e in std::fs::read_dir(&out).expect("bundle") {
        let path = e.expect("entry").path();
        if path.extension().is_some_and(|x| x == "ps1") {
            let bytes = std::fs::read(&path).expect("read");
            let name = path.file_name().expect("name").to_string_lossy().into_owned();
            files.push((name, String::from_utf8(bytes).expect("utf-8")));
        }
    }
    assert!(!files.is_empty());
    files
}

/// Every PowerShell file of every built-in profile, plus the variants that add steps.
fn all_ps1() -> Vec<(String, String)> {
    let mut all = Vec::new();
    for id in builtin_ids() {
        for (name, text) in ps1_files(&id, &[]) {
            all.push((format!("{id}/{name}"), text));
        }
    }
    // A KODO that also takes a certificate (KODO's own form takes a secret only).
    let kodo = crate::common::repo().join("tests/fixtures/golden/kodo-2021-08-certificate.yaml");
    for (name, text) in ps1_files(
        kodo.to_str().expect("utf-8"),
        &[
            "--cloud",
            "dod",
            "--credential",
            "certificate",
            "--least-privilege",
            "--site",
            "https://contoso.sharepoint-mil.us/sites/a",
        ],
    ) {
        all.push((format!("kodo-dod/{name}"), text));
    }
    all
}

#[test]
fn powershell_files_carry_a_utf8_bom_so_that_windows_powershell_reads_them_as_utf8() {
    for (name, text) in all_ps1() {
        assert!(text.starts_with('\u{feff}'), "{name}: no BOM; 5.1 would read it as ANSI");
        assert_eq!(text.matches('\u{feff}').count(), 1, "{name}: one BOM, at the start");
    }
    let with_accent = ps1_files("corso", &["--app-name", "Sauvegarde Société"]);
    let register = &with_accent.iter().find(|(n, _)| n == "register-app.ps1").expect("register").1;
    assert!(register.contains("$AppName = 'Sauvegarde Société'"));
}

#[test]
fn no_convertfrom_json_whose_arrays_windows_powershell_51_returns_as_one_object() {
    for (name, text) in all_ps1() {
        for (n, line) in text.lines().enumerate() {
            let code = line.split('#').next().unwrap_or("");
            assert!(!code.contains("ConvertFrom-Json"), "{name}:{}: ConvertFrom-Json (PowerShell issue 3424)", n + 1);
        }
    }
}

#[test]
fn native_stderr_is_never_redirected_under_stop_which_51_turns_into_a_terminating_error() {
    for (name, text) in all_ps1() {
        for (n, line) in text.lines().enumerate() {
            let code = line.split('#').next().unwrap_or("");
            assert!(!code.contains("2> $null") && !code.contains("2>$null"), "{name}:{}: {line}", n + 1);
            // The one place stderr is redirected is the az function, under 'Continue'.
            if code.contains("2>&1") {
                assert!(code.contains("& $AzExe @args 2>&1"), "{name}:{}: {line}", n + 1);
            }
        }
        if text.contains("& $AzExe @args 2>&1") {
            let function = &text[text.find("function az {").expect("the az function")..];
            let body = &function[..function.find("& $AzExe @args").expect("call")];
            assert!(body.contains("$ErrorActionPreference = 'Continue'"), "{name}");
        }
    }
}

/// The statement an az call starts on line `i`, with its backtick continuations.
fn statement(lines: &[&str], i: usize) -> usize {
    let mut end = i;
    while end + 1 < lines.len() && lines[end].trim_end().ends_with('`') {
        end += 1;
    }
    end
}

#[test]
fn every_az_call_is_followed_by_an_exit_code_check() {
    for (name, text) in all_ps1() {
        let lines: Vec<&str> = text.lines().collect();
        for i in 0..lines.len() {
            let code = lines[i].split(" #").next().unwrap_or("").trim_start();
            let calls_az = code.starts_with("az ")
                || code.contains("= az ")
                || code.contains("@(az ")
                || code.contains("{ az ")
                || code.starts_with("& $AzExe login");
            if !calls_az || code.starts_with('#') {
                continue;
            }
            let end = statement(&lines, i);
            let same_line = lines[i].contains("$LASTEXITCODE") || lines[i].contains("Assert-Az");
            let next = lines.get(end + 1).map(|l| l.trim()).unwrap_or("");
            let checked = same_line
                || next.starts_with("Assert-Az")
                || next.contains("$LASTEXITCODE")
                || next.starts_with("if ($LASTEXITCODE")
                || (next == "}" && lines.get(end + 2).is_some_and(|l| l.contains("$LASTEXITCODE")));
            assert!(checked, "{name}:{}: az call without an exit-code check after it:\n{}\n{}", i + 1, lines[i], next);
        }
    }
}

#[test]
fn values_a_user_chose_reach_az_through_a_file_never_through_cmd_exe() {
    // On Windows az is az.cmd: cmd.exe re-reads its command line, and " & | < > ^ % in a value
    // change what az receives. Names and filters go as @FILE (azure-cli reads any "@PATH" argument).
    for (name, text) in all_ps1() {
        for (n, line) in text.lines().enumerate() {
            if line.contains("--display-name $") || line.contains("--filter $App") || line.contains("--body \"{") {
                panic!("{name}:{}: a chosen value passed on az's command line: {line}", n + 1);
            }
        }
        if text.contains("$AppFilter =") && !name.contains("exchange") {
            assert!(text.contains("--filter (New-AzArgument $AppFilter)"), "{name}");
        }
    }
}

#[test]
fn the_exchange_allow_list_is_read_whole_and_written_as_the_union() {
    let files = ps1_files("kodo", &[]);
    let ews = &files.iter().find(|(n, _)| n == "exchange-online.ps1").expect("exchange-online.ps1").1;
    assert!(ews.contains("$org = Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy"), "{ews}");
    assert!(ews.contains("\"$_\" -split ','"), "the list comes back comma-joined");
    assert!(ews.contains("Select-Object -Unique"));
    assert!(ews.contains("Set-OrganizationConfig -EwsAllowedAppIDs ([string[]] ($allowed + $AppId))"));
    assert!(ews.contains("if ($null -eq $org.EwsEnabled)"), "EwsEnabled never set");
    assert!(ews.contains("} elseif ($org.EwsEnabled -eq $false) {"));
    assert!(ews.contains("up to 24 hours"));
    assert_eq!(ews.matches("Set-OrganizationConfig -EwsAllowedAppIDs").count(), 1, "written in one place only");
}

#[test]
fn sharepoint_tenant_settings_are_read_first_and_report_what_they_replace() {
    let files = ps1_files("kodo", &[]);
    let Some((_, spo)) = files.iter().find(|(n, _)| n == "sharepoint-tenant.ps1") else { return };
    let read = spo.find("$current = Get-SPOTenant").expect("read before write");
    let write = spo.find("Set-SPOTenant @setting").expect("write");
    assert!(read < write);
    assert!(spo.contains("if (\"$before\" -eq \"$Value\")"), "a setting that has the value is left alone");
    assert!(spo.contains("to undo: Set-SPOTenant -$Name $before"));
    assert!(spo.contains("[CmdletBinding(SupportsShouldProcess)]"));
}
