//! Inventories: one bundle per row, identical to a single render; bad rows reported by line;
//! nothing written unless every row is good (or --keep-going).

use std::fs;

use crate::common::{bin, index_column, read_index, read_tree, stderr, stdout};

const INVENTORY: &str = "tenant,tenant_id,app_name,cloud,credential\n\
contoso,,Backup EU,,\n\
fabrikam,72f988bf-86f1-41af-91ab-2d7cd011db47,,gcc-high,secret\n\
northwind,,\"Backup, \"\"North\"\"\",,secret\n";

fn render_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    bin().current_dir(dir).args(args).output().expect("runs")
}

#[test]
fn every_bundle_equals_a_single_render_of_its_row() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("inv.csv"), INVENTORY.replace("\"Backup, \"\"North\"\"\"", "Backup North"))
        .expect("write");
    let o =
        render_in(tmp.path(), &["render", "kodo", "--inventory", "inv.csv", "--as-of", "2026-11-22", "--out", "all"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "wrote 3 bundles to all (0 rows failed)\n");
    for (tenant, extra) in [
        ("contoso", vec!["--app-name", "Backup EU"]),
        (
            "fabrikam",
            vec![
                "--tenant-id",
                "72f988bf-86f1-41af-91ab-2d7cd011db47",
                "--cloud",
                "gcc-high",
                "--credential",
                "secret",
            ],
        ),
        ("northwind", vec!["--app-name", "Backup North", "--credential", "secret"]),
    ] {
        let single = format!("single-{tenant}");
        let mut args = vec!["render", "kodo", "--tenant", tenant, "--as-of", "2026-11-22", "--out", &single];
        args.extend(extra);
        assert!(render_in(tmp.path(), &args).status.success());
        assert_eq!(read_tree(&tmp.path().join("all").join(tenant)), read_tree(&tmp.path().join(&single)), "{tenant}");
    }
    let index = read_index(&tmp.path().join("all"));
    let tenants: Vec<&str> = index_column(&index, "bundles", "tenant").into_iter().filter_map(|t| t.as_str()).collect();
    assert_eq!(tenants, ["contoso", "fabrikam", "northwind"]);
    assert_eq!(index["bundles"][1]["cloud"], "gcc-high");
    let page = fs::read_to_string(tmp.path().join("all/index.md")).expect("index page");
    assert!(page.contains("| `fabrikam` | gcc-high | [runbook](fabrikam/runbook.md) |"), "{page}");
    let leftovers: Vec<String> = fs::read_dir(tmp.path())
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn quoted_csv_fields_reach_the_scripts_quoted() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("inv.csv"), INVENTORY.replace("Backup EU", "O'Brien $(x)")).expect("write");
    let o = render_in(tmp.path(), &["render", "corso", "--inventory", "inv.csv", "--out", "o"]);
    assert_eq!(o.status.code(), Some(2), "a \" in an app name is refused: {}", stderr(&o));
    assert!(stderr(&o).contains("inv.csv:4:") && stderr(&o).contains("az.cmd"), "{}", stderr(&o));
    fs::write(tmp.path().join("inv.csv"), "tenant,app_name\ncontoso,O'Brien $(x)\n").expect("write");
    let o = render_in(tmp.path(), &["render", "corso", "--inventory", "inv.csv", "--out", "o"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        fs::read_to_string(tmp.path().join("o/contoso/register-app.sh"))
            .expect("sh")
            .contains(r"APP_NAME='O'\''Brien $(x)'")
    );
}

#[test]
fn bad_rows_are_reported_by_line_and_column_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("bad.csv"), "tenant,tenant_id\ncontoso,\nzeta,not-a-guid\ncontoso,\nBad,\n")
        .expect("write");
    let o = render_in(tmp.path(), &["render", "corso", "--inventory", "bad.csv", "--out", "o"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("--> bad.csv:3:6 (tenant_id)"), "{err}");
    assert!(
        err.contains("error: tenant `contoso` is listed twice (first on line 2)\n --> bad.csv:4:1 (tenant)"),
        "{err}"
    );
    assert!(err.contains("--> bad.csv:5:1 (tenant)"), "{err}");
    assert!(!tmp.path().join("o").exists(), "nothing written");
    fs::write(tmp.path().join("cols.csv"), "tenant,clientid\ncontoso,x\n").expect("write");
    let o = render_in(tmp.path(), &["render", "corso", "--inventory", "cols.csv"]);
    assert!(
        stderr(&o).contains("unknown column `clientid`") && stderr(&o).contains("did you mean `client_id`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn keep_going_renders_the_good_rows_and_reports_the_bad_ones() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("bad.csv"), "tenant,tenant_id\ncontoso,\nzeta,not-a-guid\nfabrikam,\n").expect("write");
    let o = render_in(tmp.path(), &["render", "corso", "--inventory", "bad.csv", "--out", "o", "--keep-going"]);
    assert_eq!(o.status.code(), Some(1), "some rows failed");
    assert!(stderr(&o).contains("bad.csv:3:6 (tenant_id)"));
    assert!(tmp.path().join("o/contoso/runbook.md").is_file() && tmp.path().join("o/fabrikam/runbook.md").is_file());
    assert!(!tmp.path().join("o/zeta").exists());
    assert_eq!(stdout(&o), "wrote 2 bundles to o (1 rows failed)\n");
}

#[test]
fn existing_bundles_need_force_and_yaml_inventories_work_too() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("inv.yaml"), "- tenant: contoso\n- tenant: fabrikam\n  cloud: gcc\n").expect("write");
    assert!(render_in(tmp.path(), &["render", "corso", "--inventory", "inv.yaml", "--out", "o"]).status.success());
    let o = render_in(tmp.path(), &["render", "corso", "--inventory", "inv.yaml", "--out", "o"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`o` already exists; add --force"), "{}", stderr(&o));
    let o = render_in(tmp.path(), &["render", "corso", "--inventory", "inv.yaml", "--out", "o", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn long_inventories_are_rendered_in_chunks_and_indexed_in_line_order() {
    let tmp = tempfile::tempdir().expect("tmp");
    // More rows than one chunk (256), a bad one in the second chunk.
    let mut csv = String::from("tenant,tenant_id\n");
    for i in 0..300 {
        let id = if i == 280 { "not-a-guid".to_string() } else { format!("{i:08x}-0000-4000-8000-{i:012x}") };
        csv.push_str(&format!("t{i:03},{id}\n"));
    }
    fs::write(tmp.path().join("inv.csv"), csv).expect("write");
    let o = render_in(
        tmp.path(),
        &["render", "kodo", "--inventory", "inv.csv", "--as-of", "2026-11-22", "--out", "all", "--keep-going"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "wrote 299 bundles to all (1 rows failed)\n");
    let index = read_index(&tmp.path().join("all"));
    let lines: Vec<u64> = index_column(&index, "bundles", "line").into_iter().filter_map(|l| l.as_u64()).collect();
    let expected: Vec<u64> = (2..302).filter(|l| *l != 282).collect();
    assert_eq!(lines, expected);
    assert_eq!(index["failed"][0]["line"], 282);
    let page = fs::read_to_string(tmp.path().join("all/index.md")).expect("index page");
    assert!(page.contains("\n299 bundles rendered from `inv.csv` by m365-runbook "), "{page}");
    assert!(page.contains("| `t299` | public | [runbook](t299/runbook.md) |"), "{page}");
    assert!(page.contains("- line 282: "), "{page}");
    let mut names: Vec<String> = fs::read_dir(tmp.path().join("all"))
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !n.starts_with('t'))
        .collect();
    names.sort();
    assert_eq!(names, ["index.json", "index.md"], "nothing of the run's own is left");
    assert_eq!(
        read_tree(&tmp.path().join("all/t281")).len(),
        read_tree(&tmp.path().join("all/t000")).len(),
        "a bundle of the second chunk is whole"
    );
}
