//! Documentation flavours, `docs` and `templates`: every flavour carries the same facts, each
//! keeps its documentation system's rules, `docs` pages use placeholders and are deterministic,
//! and templates can be listed, ejected and used again. The real toolchains (MDX compiler,
//! markdownlint, HonKit) run in `.ci/doc-tools/check-docs`.

use std::fs;

use m365_runbook::catalog::Catalog;
use m365_runbook::cloud::Cloud;
use m365_runbook::job::{self, Setup};
use m365_runbook::profile::ProfileSet;
use m365_runbook::render::{BUILTIN_TEMPLATES, Flavor, Templates};
use m365_runbook::values::Values;

use crate::common::{read_tree, repo, run, run_in, stderr, stdout};

const FLAVORS: [Flavor; 3] = [Flavor::Markdown, Flavor::Docusaurus, Flavor::Gitbook];

/// `runbook.md` of every built-in profile in `flavor`, rendered in process.
fn runbooks(flavor: Flavor) -> Vec<(String, String)> {
    let set = ProfileSet::builtin().expect("built-ins");
    let catalog = Catalog::builtin();
    let templates = Templates::builtin().expect("templates");
    let setup = Setup {
        catalog: &catalog,
        templates: &templates,
        as_of: "2026-11-22".parse().expect("date"),
        allow: &[],
        flavor,
    };
    set.profiles
        .iter()
        .map(|p| {
            let values = Values::for_tenant("contoso".parse().expect("tenant"));
            let r = job::run(&setup, p, &values, Cloud::builtin("public").expect("cloud")).expect("renders");
            (p.profile.id.clone(), r.bundle.get("runbook.md").expect("runbook").to_string())
        })
        .collect()
}

/// What a reader sees in a Markdown fragment: escapes and character references undone, code
/// spans unwrapped, spaces collapsed. Good enough to compare table cells across flavours.
fn shown(cell: &str) -> String {
    let mut s = cell.to_string();
    for (from, to) in [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&#123;", "{"),
        ("&#125;", "}"),
        ("&#124;", "|"),
        ("&#61;", "="),
        ("&amp;", "&"),
    ] {
        s = s.replace(from, to);
    }
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => out.push(chars.next().expect("peeked")),
            '`' => {}
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every table row and heading of a page, as shown.
fn facts(page: &str) -> Vec<String> {
    page.lines()
        .filter(|l| l.starts_with('|') || l.starts_with('#'))
        .map(|l| {
            if l.starts_with('#') {
                return shown(l);
            }
            // Split at unescaped pipes only.
            let mut cells = Vec::new();
            let mut cell = String::new();
            let mut escaped = false;
            for c in l.chars() {
                if c == '|' && !escaped {
                    cells.push(shown(&cell));
                    cell.clear();
                } else {
                    cell.push(c);
                }
                escaped = c == '\\' && !escaped;
            }
            cells.join(" | ")
        })
        .collect()
}

#[test]
fn every_flavour_carries_the_same_tables_and_headings() {
    let markdown = runbooks(Flavor::Markdown);
    for flavor in [Flavor::Docusaurus, Flavor::Gitbook] {
        for ((id, want), (_, got)) in markdown.iter().zip(runbooks(flavor)) {
            let (want, got) = (facts(want), facts(&got));
            assert!(want.iter().any(|l| l.contains("| Application |")), "{id}: no permission table found");
            assert_eq!(want, got, "{id}: {flavor:?} differs from markdown");
        }
    }
}

/// Lines outside front matter (which markdownlint skips too) and fenced code blocks.
fn prose(page: &str) -> Vec<&str> {
    let mut fenced = false;
    let body = match page.strip_prefix("---\n") {
        Some(rest) => rest.split_once("\n---\n").map_or(page, |(_, body)| body),
        None => page,
    };
    body.lines()
        .filter(|l| {
            let t = l.trim_start();
            if t.starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .collect()
}

#[test]
fn each_flavour_keeps_its_documentation_systems_rules() {
    for flavor in FLAVORS {
        for (id, page) in runbooks(flavor) {
            let lines = prose(&page);
            for l in lines.iter().filter(|l| !l.starts_with('|')) {
                // markdownlint's MD013 at 80 columns (Docusaurus sites use 120): a longer line
                // only where no space allows a break, as for a long URL.
                if l.chars().count() > 80 {
                    assert!(!l.chars().skip(80).any(char::is_whitespace), "{id} {flavor:?}: breakable line: {l}");
                }
            }
            match flavor {
                Flavor::Markdown => {
                    assert!(page.starts_with("# "), "{id}");
                    assert!(!page.contains("{% hint") && !page.contains(":::") && !page.contains("<Tabs"), "{id}");
                }
                Flavor::Docusaurus => {
                    assert!(page.starts_with("---\ntitle: \""), "{id}");
                    assert!(!lines.iter().any(|l| l.starts_with("title:")), "{id}: front matter is not prose");
                    assert!(page.contains("\ndescription: \""), "{id}");
                    assert!(page.contains("import Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';"));
                    assert!(page.contains("<Tabs groupId=\"os\">\n<TabItem value=\"unix\" label=\"bash\">"), "{id}");
                    assert!(page.contains("<TabItem value=\"win\" label=\"PowerShell\">"), "{id}");
                    assert!(!page.contains("<!--"), "{id}: HTML comments are not MDX");
                    assert_eq!(page.matches("<Tabs").count(), page.matches("</Tabs>").count(), "{id}");
                    for l in &lines {
                        let code_free: String = l.split('`').step_by(2).collect();
                        let raw_tag = ["<T", "</T"].iter().any(|t| code_free.starts_with(t));
                        assert!(raw_tag || !code_free.contains(['<', '{']) || escaped_only(&code_free), "{id}: {l}");
                    }
                }
                Flavor::Gitbook => {
                    assert!(page.starts_with("---\ndescription: \""), "{id}");
                    assert_eq!(page.matches("{% hint style=").count(), page.matches("{% endhint %}").count(), "{id}");
                    for l in &lines {
                        let code_free: String = l.split('`').step_by(2).collect();
                        assert!(!code_free.contains('<'), "{id}: no HTML on GitBook pages: {l}");
                        let without_tags = code_free
                            .replace("{% hint style=\"warning\" %}", "")
                            .replace("{% hint style=\"info\" %}", "");
                        assert!(!without_tags.replace("{% endhint %}", "").contains("{%"), "{id}: {l}");
                    }
                    if page.contains("appinv.aspx as a SharePoint administrator") {
                        assert!(page.contains("\n   ```xml\n"), "{id}: the XML must stay inside its numbered step");
                    }
                }
            }
        }
    }
}

/// `<` and `{` only as `\<` and `\{`.
fn escaped_only(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, b)| !matches!(b, b'<' | b'{') || (i > 0 && bytes[i - 1] == b'\\'))
}

#[test]
fn gitbook_bundles_have_a_summary_beside_the_runbook() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("b").to_string_lossy().to_string();
    let o = run(&["render", "corso", "--tenant", "contoso", "--flavor", "gitbook", "--out", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = fs::read_to_string(tmp.path().join("b/SUMMARY.md")).expect("SUMMARY.md");
    assert_eq!(summary, "# Summary\n\n* [Corso Microsoft 365 access (September 2023)](runbook.md)\n");
    let index: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("b/bundle.json")).expect("index")).expect("json");
    assert!(index["files"].as_array().expect("files").iter().any(|f| f == "SUMMARY.md"));
}

#[test]
fn docs_writes_a_page_per_profile_and_an_index_with_placeholders() {
    let tmp = tempfile::tempdir().expect("tmp");
    for (flavor, index, summary) in
        [("markdown", "README.md", false), ("docusaurus", "index.md", false), ("gitbook", "README.md", true)]
    {
        let out = tmp.path().join(flavor).to_string_lossy().to_string();
        let o = run(&["docs", "--out", &out, "--flavor", flavor, "--as-of", "2026-11-22", "corso", "kodo-2020-03"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(stdout(&o), format!("wrote 2 pages and the index to {out}\n"));
        let names: Vec<String> = read_tree(&tmp.path().join(flavor)).into_iter().map(|(n, _)| n).collect();
        let mut want = vec![index.to_string(), "corso-2023-09.md".into(), "kodo-2020-03.md".into()];
        if summary {
            want.push("SUMMARY.md".into());
        }
        want.sort();
        assert_eq!(names, want, "{flavor}");
        let page = fs::read_to_string(tmp.path().join(flavor).join("corso-2023-09.md")).expect("page");
        assert!(page.contains("`your-tenant.onmicrosoft.com`"), "{page}");
        assert!(page.contains("This page uses placeholders instead of your values"), "{page}");
        assert!(page.contains("`m365-runbook render corso-2023-09 --tenant NAME`"), "{page}");
        assert!(!page.contains("contoso"), "{page}");
        let index_page = fs::read_to_string(tmp.path().join(flavor).join(index)).expect("index");
        assert!(index_page.contains("(corso-2023-09.md)") && index_page.contains("(kodo-2020-03.md)"), "{index_page}");
    }
    let summary = fs::read_to_string(tmp.path().join("gitbook/SUMMARY.md")).expect("summary");
    assert!(summary.starts_with("# Summary\n\n* [Introduction](README.md)\n* [Corso"), "{summary}");
    let page = fs::read_to_string(tmp.path().join("docusaurus/kodo-2020-03.md")).expect("page");
    assert!(page.contains("\nsidebar_position: 2\n"), "{page}");
}

#[test]
fn docs_output_is_deterministic_for_a_pinned_date_and_needs_force_to_replace() {
    let tmp = tempfile::tempdir().expect("tmp");
    for dir in ["a", "b"] {
        let out = tmp.path().join(dir).to_string_lossy().to_string();
        let o = run(&["docs", "--out", &out, "--flavor", "gitbook", "--as-of", "2026-11-22"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(read_tree(&tmp.path().join("a")), read_tree(&tmp.path().join("b")));
    let out = tmp.path().join("a").to_string_lossy().to_string();
    let o = run(&["docs", "--out", &out]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("add --force"), "{}", stderr(&o));
    let o = run(&["docs", "--out", &out, "--force", "corso"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_tree(&tmp.path().join("a")).len(), 2, "replaced whole, never merged");
}

#[test]
fn docs_refuses_unknown_profiles_and_rules() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("d").to_string_lossy().to_string();
    let o = run(&["docs", "--out", &out, "corso", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown profile `nope`"), "{}", stderr(&o));
    let o = run(&["docs", "--out", &out, "--allow", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!tmp.path().join("d").exists());
}

#[test]
fn templates_list_names_every_builtin() {
    let o = run(&["templates", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for (name, _) in BUILTIN_TEMPLATES {
        assert!(stdout(&o).contains(name), "{name} missing:\n{}", stdout(&o));
    }
    let o = run(&["templates", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["templates"].as_array().expect("list").len(), BUILTIN_TEMPLATES.len());
}

#[test]
fn ejected_templates_render_the_same_bundle_and_broken_ones_are_located() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("t");
    let t = dir.to_string_lossy().to_string();
    let o = run(&["templates", "eject", &t]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read_dir(&dir).expect("dir").count(), BUILTIN_TEMPLATES.len());
    let o = run(&["templates", "eject", &t]);
    assert_eq!(o.status.code(), Some(2), "refuses to replace without --force");
    assert!(stderr(&o).contains("add --force"), "{}", stderr(&o));
    assert!(run(&["templates", "eject", &t, "--force"]).status.success());

    let builtin = tmp.path().join("builtin").to_string_lossy().to_string();
    let ejected = tmp.path().join("ejected").to_string_lossy().to_string();
    let args = ["render", "kodo", "--tenant", "contoso", "--flavor", "docusaurus", "--as-of", "2026-11-22"];
    assert!(run(&[&args[..], &["--out", &builtin]].concat()).status.success());
    let o = run(&[&["--templates", &t][..], &args[..], &["--out", &ejected]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_tree(&tmp.path().join("builtin")), read_tree(&tmp.path().join("ejected")));

    let mut text = fs::read_to_string(dir.join("upgrade.md.tera")).expect("template");
    text.push_str("{% for %}\n");
    fs::write(dir.join("upgrade.md.tera"), &text).expect("write");
    let o = run_in(&repo(), &["--templates", &t, "templates", "list"]);
    assert_eq!(o.status.code(), Some(2));
    let line = text.lines().count();
    assert!(stderr(&o).contains(&format!("{}:{line}:", dir.join("upgrade.md.tera").display())), "{}", stderr(&o));
}

#[test]
fn gitbook_code_blocks_refuse_template_tags_that_gitbook_would_run() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("t");
    fs::create_dir(&dir).expect("mkdir");
    fs::write(dir.join("runbook.md.tera"), "```text\n{{ profile.title ~ \" {% x %}\" | md_fenced }}\n```\n")
        .expect("write");
    let t = dir.to_string_lossy().to_string();
    let ok = tmp.path().join("ok").to_string_lossy().to_string();
    let o = run(&["--templates", &t, "render", "corso", "--tenant", "contoso", "--out", &ok]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bad = tmp.path().join("bad").to_string_lossy().to_string();
    let o = run(&["--templates", &t, "render", "corso", "--tenant", "contoso", "--flavor", "gitbook", "--out", &bad]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot be placed in a GitBook code block"), "{}", stderr(&o));
    assert!(!tmp.path().join("bad").exists());
}
