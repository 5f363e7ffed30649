//! The built-in templates compiled to Rust (build/template_compiler.rs, src/render/compiled)
//! write what tera writes from their text: every built-in profile, in every flavour, with each
//! credential it takes, with and without a tenant id, owners, notes and least privilege, in every
//! cloud; the documentation site; upgrade bundles. The golden bundles hold the same for their
//! cases; this holds it for the combinations they do not list.

use m365_runbook::catalog::Catalog;
use m365_runbook::cloud::Cloud;
use m365_runbook::job::{self, Setup};
use m365_runbook::profile::{CredentialKind, ProfileSet};
use m365_runbook::render::{BUILTIN_TEMPLATES, Bundle, Flavor, Templates, compiled};
use m365_runbook::values::Values;

const FLAVORS: [Flavor; 3] = [Flavor::Markdown, Flavor::Docusaurus, Flavor::Gitbook];

fn setup<'a>(catalog: &'a Catalog, templates: &'a Templates, flavor: Flavor) -> Setup<'a> {
    Setup { catalog, templates, as_of: "2026-11-22".parse().expect("date"), allow: &[], flavor }
}

fn same(native: &Bundle, interpreted: &Bundle, what: &str) {
    assert_eq!(native.paths(), interpreted.paths(), "{what}");
    for (path, file) in interpreted.files() {
        let got = native.get(path).unwrap_or_default();
        if got != file.text {
            let line = got.lines().zip(file.text.lines()).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "{what}: {path} differs from line {}:\ncompiled: {:?}\ntera:     {:?}",
                line + 1,
                got.lines().nth(line),
                file.text.lines().nth(line)
            );
        }
    }
    assert_eq!(native, interpreted, "{what}: file modes");
}

#[test]
fn every_builtin_template_is_compiled() {
    assert_eq!(compiled::not_compiled(), &[] as &[(&str, &str)], "templates left to tera, and why");
    for (name, _) in BUILTIN_TEMPLATES {
        assert!(compiled::find(name).is_some(), "{name} is not compiled");
    }
}

#[test]
fn compiled_templates_write_what_tera_writes() {
    let set = ProfileSet::builtin().expect("built-ins");
    let catalog = Catalog::builtin();
    let native = Templates::builtin().expect("templates");
    let interpreted = Templates::interpreted().expect("templates");
    let clouds = Cloud::builtin_ids();
    let mut compared = 0;
    for (i, loaded) in set.profiles.iter().enumerate() {
        for (f, flavor) in FLAVORS.into_iter().enumerate() {
            for credential in [None, Some(CredentialKind::Certificate), Some(CredentialKind::Secret)] {
                let mut values = Values::for_tenant("contoso".parse().expect("tenant"));
                values.credential = credential;
                if (i + f) % 2 == 0 {
                    values.tenant_id = Some("72f988bf-86f1-41af-91ab-2d7cd011db47".parse().expect("id"));
                    values.owners = vec!["admin@contoso.onmicrosoft.com".parse().expect("owner")];
                    values.notes = Some("Backup | *onboarding* {{ x }}".parse().expect("notes"));
                }
                values.least_privilege = (i + f) % 3 == 0;
                if values.least_privilege {
                    values.sites = vec!["https://contoso.sharepoint.com/sites/a".parse().expect("site")];
                }
                values.include_retired = (i + f) % 4 == 1;
                let cloud = Cloud::builtin(clouds[(i + f) % clouds.len()]).expect("cloud");
                let Ok(warnings) = job::lint(&setup(&catalog, &native, flavor), loaded, &values, &cloud) else {
                    continue;
                };
                let a = job::render_linted(
                    &setup(&catalog, &native, flavor),
                    loaded,
                    &values,
                    cloud.clone(),
                    warnings.clone(),
                );
                let b = job::render_linted(
                    &setup(&catalog, &interpreted, flavor),
                    loaded,
                    &values,
                    cloud.clone(),
                    warnings,
                );
                match (a, b) {
                    (Ok(a), Ok(b)) => {
                        same(&a.bundle, &b.bundle, &format!("{} {flavor:?} {credential:?}", loaded.profile.id))
                    }
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => panic!("{}: compiled {:?}, tera {:?}", loaded.profile.id, a.is_ok(), b.is_ok()),
                }
                compared += 1;
            }
        }
        if i > 0 {
            let previous = &set.profiles[i - 1];
            let values = Values::for_tenant("contoso".parse().expect("tenant"));
            let cloud = Cloud::builtin("public").expect("cloud");
            let flavor = FLAVORS[i % FLAVORS.len()];
            let a =
                m365_runbook::upgrade::run(&setup(&catalog, &native, flavor), previous, loaded, &values, cloud.clone());
            let b =
                m365_runbook::upgrade::run(&setup(&catalog, &interpreted, flavor), previous, loaded, &values, cloud);
            if let (Ok(a), Ok(b)) = (&a, &b) {
                same(&a.bundle, &b.bundle, &format!("upgrade {} -> {}", previous.profile.id, loaded.profile.id));
            } else {
                assert_eq!(a.is_ok(), b.is_ok(), "upgrade {} -> {}", previous.profile.id, loaded.profile.id);
            }
        }
    }
    for flavor in FLAVORS {
        let all: Vec<_> = set.profiles.iter().collect();
        let a = m365_runbook::docs::build(&setup(&catalog, &native, flavor), &all).expect("docs");
        let b = m365_runbook::docs::build(&setup(&catalog, &interpreted, flavor), &all).expect("docs");
        same(&a, &b, &format!("docs {flavor:?}"));
    }
    assert!(compared >= 3 * set.profiles.len(), "{compared}");
    assert_eq!(compiled::fallbacks(), 0, "a compiled template gave way to tera");
}
