//! Stencils (src/stencil.rs): a bundle rendered once with stand-in tenant values and filled in
//! per row must be the direct render of that row, byte for byte, for every built-in profile, in
//! every flavour, with and without a tenant id, for tenant names of every shape a DNS label takes.

use std::fs;

use m365_runbook::catalog::Catalog;
use m365_runbook::cloud::Cloud;
use m365_runbook::job::{self, Setup};
use m365_runbook::profile::{CredentialKind, ProfileSet};
use m365_runbook::render::{Flavor, Templates};
use m365_runbook::stencil::{self, Stencil};
use m365_runbook::values::Values;

use crate::common::{bin, read_tree, stderr};

/// Names at the edges of a DNS label: one character, 63, digits first, hyphens inside, a name
/// that is a prefix of a word the templates write.
const NAMES: &[&str] = &[
    "a",
    "contoso",
    "1-2",
    "tenant",
    "x0-9-y",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk",
    "m365-runbook",
    "0",
];

const IDS: &[&str] = &["72f988bf-86f1-41af-91ab-2d7cd011db47", "00000000-0000-0000-0000-000000000000"];

#[test]
fn a_filled_stencil_is_the_direct_render_for_every_builtin_profile() {
    let set = ProfileSet::builtin().expect("built-ins");
    let catalog = Catalog::builtin();
    let templates = Templates::builtin().expect("templates");
    let flavors = [Flavor::Markdown, Flavor::Docusaurus, Flavor::Gitbook];
    let cloud = Cloud::builtin("public").expect("cloud");
    let mut compared = 0;
    for (i, loaded) in set.profiles.iter().enumerate() {
        let setup = Setup {
            catalog: &catalog,
            templates: &templates,
            as_of: "2026-11-22".parse().expect("date"),
            allow: &[],
            flavor: flavors[i % flavors.len()],
        };
        let mut base = Values::for_tenant(stencil::TENANT.parse().expect("stand-in"));
        if i % 2 == 0 {
            base.tenant_id = Some(stencil::TENANT_ID.parse().expect("stand-in id"));
        }
        // A certificate where the profile takes one, its default credential elsewhere.
        base.credential = Some(CredentialKind::Certificate);
        let warnings = match job::lint(&setup, loaded, &base, &cloud) {
            Ok(w) => w,
            Err(_) => {
                base.credential = None;
                job::lint(&setup, loaded, &base, &cloud).expect("a built-in profile lints clean")
            }
        };
        let stand_in = job::render_unwrapped(&setup, loaded, &base, cloud.clone(), &warnings).expect("renders");
        let stencil = Stencil::cut(&stand_in);
        for (n, name) in NAMES.iter().enumerate().filter(|(n, _)| (n + i) % 3 == 0) {
            let mut values = base.clone();
            values.tenant = name.parse().expect("tenant");
            values.tenant_id = base.tenant_id.as_ref().map(|_| IDS[n % IDS.len()].parse().expect("id"));
            let direct =
                job::render_linted(&setup, loaded, &values, cloud.clone(), warnings.clone()).expect("renders").bundle;
            let filled = stencil.fill(&values.tenant, values.tenant_id.as_ref());
            assert_eq!(filled.paths(), direct.paths(), "{} {name}", loaded.profile.id);
            for (path, file) in direct.files() {
                assert_eq!(filled.get(path), Some(file.text.as_str()), "{} {name} {path}", loaded.profile.id);
            }
            assert_eq!(filled, direct, "{} {name}: file modes", loaded.profile.id);
            compared += 1;
        }
    }
    assert!(compared >= 2 * set.profiles.len(), "{compared}");
}

const SHARED: &str = "tenant,tenant_id\n\
contoso,\n\
fabrikam,72f988bf-86f1-41af-91ab-2d7cd011db47\n\
northwind,\n\
a,00000000-0000-0000-0000-000000000000\n";

#[test]
fn inventory_rows_that_share_a_stencil_equal_their_single_renders() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("inv.csv"), SHARED).expect("write");
    let common = ["--as-of", "2026-11-22", "--flavor", "docusaurus"];
    let o = bin()
        .current_dir(tmp.path())
        .args(["--verbose", "render", "kodo", "--inventory", "inv.csv", "--out", "all"])
        .args(common)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("4 of 4 rows share a stencil"), "{}", stderr(&o));
    for line in SHARED.lines().skip(1) {
        let (tenant, id) = line.split_once(',').expect("row");
        let single = format!("single-{tenant}");
        let mut args = vec!["render", "kodo", "--tenant", tenant, "--out", &single];
        if !id.is_empty() {
            args.extend(["--tenant-id", id]);
        }
        let o = bin().current_dir(tmp.path()).args(&args).args(common).output().expect("runs");
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(read_tree(&tmp.path().join("all").join(tenant)), read_tree(&tmp.path().join(&single)), "{tenant}");
    }
}

#[test]
fn templates_from_a_folder_render_every_row_directly() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("inv.csv"), SHARED).expect("write");
    fs::create_dir(tmp.path().join("t")).expect("dir");
    // A template that does what no stencil can follow: the tenant name in capitals.
    fs::write(tmp.path().join("t/env.sh.tera"), "# {{ tenant | upper | comment }}\n").expect("write");
    let o = bin()
        .current_dir(tmp.path())
        .args(["--verbose", "render", "kodo", "--inventory", "inv.csv", "--out", "all", "--templates", "t"])
        .args(["--as-of", "2026-11-22"])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 of 4 rows share a stencil"), "{}", stderr(&o));
}
