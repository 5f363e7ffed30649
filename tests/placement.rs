//! The user's files are never lost: `--force` replaces only what this tool wrote, inventories are
//! all or nothing, interrupted and concurrent runs leave a clean state, nothing is written through
//! a symlink the tool did not make.

use std::fs;
use std::path::Path;
use std::process::Output;

use crate::common::{bin, index_column, read_index, stderr, stdout};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().expect("runs")
}

/// Every name in `dir`, sorted (hidden ones too: staging folders and lock files show here).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).expect("dir").filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    v.sort();
    v
}

fn refused(o: &Output, what: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(stderr(o).contains(what), "{}", stderr(o));
    assert!(stderr(o).contains("nothing was changed"), "{}", stderr(o));
}

#[test]
fn force_never_replaces_a_project_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::create_dir_all(tmp.path().join("proj/.git")).expect("git");
    fs::create_dir_all(tmp.path().join("proj/src")).expect("src");
    fs::write(tmp.path().join("proj/src/main.rs"), "x").expect("main.rs");
    let o = run_in(tmp.path(), &["render", "corso", "--tenant", "contoso", "--out", "proj", "--force"]);
    refused(&o, "`proj` holds `.git`");
    assert_eq!(fs::read_to_string(tmp.path().join("proj/src/main.rs")).expect("kept"), "x");
    assert_eq!(names(tmp.path()), vec!["proj".to_string()], "no staging folder or lock left");
}

#[test]
fn force_never_replaces_the_folder_of_the_profile_being_rendered() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::create_dir(tmp.path().join("pd")).expect("pd");
    let o = run_in(tmp.path(), &["init", "acme", "--out", "pd/acme.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let profile = fs::read_to_string(tmp.path().join("pd/acme.yaml")).expect("profile");
    let o = run_in(tmp.path(), &["render", "pd/acme.yaml", "--tenant", "contoso", "--out", "pd", "--force"]);
    refused(&o, "`pd` holds `acme.yaml`");
    assert_eq!(fs::read_to_string(tmp.path().join("pd/acme.yaml")).expect("kept"), profile);
}

#[test]
fn force_never_replaces_a_regular_file_or_a_symlink() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("notes"), "mine").expect("notes");
    let o = run_in(tmp.path(), &["render", "corso", "--tenant", "contoso", "--out", "notes", "--force"]);
    refused(&o, "`notes` is a file, not a folder");
    assert_eq!(fs::read_to_string(tmp.path().join("notes")).expect("kept"), "mine");
    #[cfg(unix)]
    {
        fs::create_dir(tmp.path().join("real")).expect("real");
        std::os::unix::fs::symlink("real", tmp.path().join("link")).expect("symlink");
        let o = run_in(tmp.path(), &["render", "corso", "--tenant", "contoso", "--out", "link", "--force"]);
        refused(&o, "`link` is a symbolic link");
        assert!(tmp.path().join("link").symlink_metadata().expect("link").file_type().is_symlink());
    }
}

#[test]
fn force_replaces_an_empty_folder_and_this_tools_bundle() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::create_dir(tmp.path().join("b")).expect("b");
    let o = run_in(tmp.path(), &["render", "corso", "--tenant", "contoso", "--out", "b", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_in(tmp.path(), &["render", "corso", "--tenant", "fabrikam", "--out", "b", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fs::read_to_string(tmp.path().join("b/register-app.sh")).expect("new").contains("fabrikam"));
    assert_eq!(names(tmp.path()), vec!["b".to_string()]);
}

#[test]
fn docs_force_never_deletes_a_page_it_did_not_write() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::create_dir_all(tmp.path().join("site/docs")).expect("docs");
    fs::write(tmp.path().join("site/docs/intro.md"), "# Intro\n").expect("intro");
    let o = run_in(tmp.path(), &["docs", "--out", "site/docs", "--force", "corso"]);
    refused(&o, "holds `intro.md`");
    assert_eq!(fs::read_to_string(tmp.path().join("site/docs/intro.md")).expect("kept"), "# Intro\n");
    // Its own site it replaces; a page added to it makes it the user's again.
    let o = run_in(tmp.path(), &["docs", "--out", "site/m365", "corso"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_in(tmp.path(), &["docs", "--out", "site/m365", "--force", "kodo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tmp.path().join("site/m365/kodo-2021-08.md").is_file());
    assert!(!tmp.path().join("site/m365/corso-2023-09.md").exists());
    fs::write(tmp.path().join("site/m365/intro.md"), "# Intro\n").expect("intro");
    let o = run_in(tmp.path(), &["docs", "--out", "site/m365", "--force", "kodo"]);
    refused(&o, "holds `intro.md`");
}

const INVENTORY: &str = "tenant\ncontoso\nfabrikam\n";

#[test]
fn inventory_force_never_deletes_a_foreign_file_in_a_row_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("inv.csv"), INVENTORY).expect("inv");
    assert!(run_in(tmp.path(), &["render", "corso", "--inventory", "inv.csv", "--out", "o"]).status.success());
    fs::write(tmp.path().join("o/fabrikam/notes.txt"), "mine").expect("notes");
    let o = run_in(tmp.path(), &["render", "corso", "--inventory", "inv.csv", "--out", "o", "--force"]);
    refused(&o, "holds `fabrikam/`, which holds `notes.txt`");
    assert_eq!(fs::read_to_string(tmp.path().join("o/fabrikam/notes.txt")).expect("kept"), "mine");
    fs::remove_file(tmp.path().join("o/fabrikam/notes.txt")).expect("rm");
    fs::write(tmp.path().join("o/README.md"), "mine").expect("readme");
    let o = run_in(tmp.path(), &["render", "corso", "--inventory", "inv.csv", "--out", "o", "--force"]);
    refused(&o, "holds `README.md`");
    fs::remove_file(tmp.path().join("o/README.md")).expect("rm");
    let o = run_in(tmp.path(), &["render", "corso", "--inventory", "inv.csv", "--out", "o", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(tmp.path()), vec!["inv.csv".to_string(), "o".to_string()]);
}

#[test]
fn inventory_force_replaces_the_whole_inventory_or_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("inv.csv"), INVENTORY).expect("inv");
    assert!(run_in(tmp.path(), &["render", "corso", "--inventory", "inv.csv", "--out", "o"]).status.success());
    // A row that fails to render (a lint error in the profile is per run; a bad value per row is
    // caught by the check): the run writes nothing, the old inventory stays whole.
    fs::write(tmp.path().join("inv2.csv"), "tenant,tenant_id\nnorthwind,\nzeta,not-a-guid\n").expect("inv2");
    let o = run_in(tmp.path(), &["render", "corso", "--inventory", "inv2.csv", "--out", "o", "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(names(&tmp.path().join("o")), vec!["contoso", "fabrikam", "index.json", "index.md"]);
    // A good run replaces it whole: the old rows are gone, index.json says exactly what is there.
    fs::write(tmp.path().join("inv3.csv"), "tenant\nnorthwind\n").expect("inv3");
    let o = run_in(tmp.path(), &["render", "corso", "--inventory", "inv3.csv", "--out", "o", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(&tmp.path().join("o")), vec!["index.json", "index.md", "northwind"]);
    assert_eq!(names(tmp.path()), vec!["inv.csv", "inv2.csv", "inv3.csv", "o"]);
}

#[test]
fn keep_going_index_lists_every_row_that_failed() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("bad.csv"), "tenant,tenant_id\ncontoso,\nzeta,not-a-guid\nBad!,\n").expect("bad");
    let o = run_in(tmp.path(), &["render", "corso", "--inventory", "bad.csv", "--out", "o", "--keep-going"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "wrote 1 bundles to o (2 rows failed)\n");
    let index = read_index(&tmp.path().join("o"));
    let lines: Vec<u64> = index_column(&index, "failed", "line").into_iter().filter_map(|l| l.as_u64()).collect();
    assert_eq!(lines, vec![3, 4], "{index}");
    assert_eq!(names(&tmp.path().join("o")), vec!["contoso", "index.json", "index.md"]);
}

#[test]
fn a_long_output_name_works() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("inv.csv"), INVENTORY).expect("inv");
    let name = "o".repeat(250);
    let o = run_in(tmp.path(), &["render", "corso", "--inventory", "inv.csv", "--out", &name]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_in(tmp.path(), &["render", "corso", "--tenant", "contoso", "--out", &name, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// An inventory of `n` tenants, big enough that a run takes a while.
fn big_inventory(dir: &Path, n: usize) {
    let mut text = String::from("tenant\n");
    for i in 0..n {
        text.push_str(&format!("t{i}\n"));
    }
    fs::write(dir.join("big.csv"), text).expect("big");
}

/// `o` is either the first inventory whole (`contoso`, `fabrikam`) or the big one whole.
fn old_or_new(o: &Path, n: usize) {
    let index: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(o.join("index.json")).expect("index.json is always there"))
            .expect("json");
    let listed: Vec<String> = index["bundles"]
        .as_array()
        .expect("bundles")
        .iter()
        .map(|b| b["tenant"].as_str().expect("tenant").to_string())
        .collect();
    assert!(listed.len() == 2 || listed.len() == n, "{}", listed.len());
    let mut on_disk = names(o);
    on_disk.retain(|n| n != "index.json" && n != "index.md");
    let mut listed = listed;
    listed.sort();
    assert_eq!(on_disk, listed, "exactly what index.json says");
}

#[cfg(unix)]
#[test]
fn an_interrupted_inventory_leaves_the_old_one_or_the_new_one_and_nothing_else() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("inv.csv"), INVENTORY).expect("inv");
    big_inventory(tmp.path(), 1500);
    for (signal, delay_ms) in [("TERM", 300), ("INT", 800), ("KILL", 500), ("KILL", 1200)] {
        let _ = fs::remove_dir_all(tmp.path().join("o"));
        assert!(run_in(tmp.path(), &["render", "corso", "--inventory", "inv.csv", "--out", "o"]).status.success());
        let child = bin()
            .current_dir(tmp.path())
            .args(["render", "corso", "--inventory", "big.csv", "--out", "o", "--force"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = std::process::Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status();
        let mut child = child;
        let _ = child.wait();
        old_or_new(&tmp.path().join("o"), 1500);
        if signal != "KILL" {
            assert_eq!(names(tmp.path()), vec!["big.csv", "inv.csv", "o"], "SIG{signal} cleans up");
        }
        // The next run removes what a killed run left, and succeeds.
        let o = run_in(tmp.path(), &["render", "corso", "--inventory", "inv.csv", "--out", "o", "--force"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(names(tmp.path()), vec!["big.csv", "inv.csv", "o"], "after SIG{signal}");
        old_or_new(&tmp.path().join("o"), 1500);
    }
}

#[cfg(unix)]
#[test]
fn a_concurrent_run_into_the_same_folder_is_refused_with_a_clear_message() {
    let tmp = tempfile::tempdir().expect("tmp");
    big_inventory(tmp.path(), 1500);
    let mut first = bin()
        .current_dir(tmp.path())
        .args(["render", "corso", "--inventory", "big.csv", "--out", "o"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Wait until the first run holds the lock.
    let start = std::time::Instant::now();
    while !names(tmp.path()).iter().any(|n| n.ends_with(".lock")) {
        assert!(start.elapsed().as_secs() < 30, "the first run never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let second = run_in(tmp.path(), &["render", "corso", "--inventory", "big.csv", "--out", "o", "--force"]);
    let status = first.wait().expect("first");
    assert!(status.success());
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    assert!(stderr(&second).contains("another m365-runbook run is writing `o`"), "{}", stderr(&second));
    old_or_new(&tmp.path().join("o"), 1500);
    assert_eq!(names(tmp.path()), vec!["big.csv", "o"]);
}

#[cfg(unix)]
#[test]
fn single_renders_and_docs_honour_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tmp");
    let sh = |cmd: &str| {
        std::process::Command::new("sh")
            .current_dir(tmp.path())
            .env("NO_COLOR", "1")
            .args(["-c", &format!("umask 077 && {cmd}")])
            .env("BIN", env!("CARGO_BIN_EXE_m365-runbook"))
            .output()
            .expect("sh")
    };
    assert!(sh("\"$BIN\" render corso --tenant contoso --out b").status.success());
    assert!(sh("\"$BIN\" docs corso --out d").status.success());
    let mode = |p: &str| fs::metadata(tmp.path().join(p)).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode("b/runbook.md"), 0o600);
    assert_eq!(mode("b/register-app.sh"), 0o700);
    assert_eq!(mode("d/corso-2023-09.md"), 0o600);
}

#[cfg(unix)]
#[test]
fn eject_and_init_never_write_through_a_symlink() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("outside"), "mine").expect("outside");
    fs::create_dir(tmp.path().join("t")).expect("t");
    assert!(run_in(tmp.path(), &["templates", "eject", "t"]).status.success());
    fs::remove_file(tmp.path().join("t/runbook.md.tera")).expect("rm");
    std::os::unix::fs::symlink("../outside", tmp.path().join("t/runbook.md.tera")).expect("symlink");
    let o = run_in(tmp.path(), &["templates", "eject", "t", "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("runbook.md.tera` is a symbolic link"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(tmp.path().join("outside")).expect("kept"), "mine");
    // init: a dangling symlink at the output is not followed, its target not created.
    std::os::unix::fs::symlink("created-through-link.yaml", tmp.path().join("p.yaml")).expect("symlink");
    let o = run_in(tmp.path(), &["init", "acme", "--out", "p.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run_in(tmp.path(), &["init", "acme", "--out", "p.yaml", "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is a symbolic link"), "{}", stderr(&o));
    assert!(!tmp.path().join("created-through-link.yaml").exists());
    // A regular file is replaced with --force, by a rename: no temporary file left.
    let o = run_in(tmp.path(), &["init", "acme", "--out", "q.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_in(tmp.path(), &["init", "acme", "--out", "q.yaml", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(tmp.path()), vec!["outside", "p.yaml", "q.yaml", "t"]);
}
