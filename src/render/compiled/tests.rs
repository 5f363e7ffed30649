//! The compiler's edge cases, each template of `tests/fixtures/compiled-templates` rendered
//! compiled and by tera with several contexts: whitespace control around tags, comments and raw
//! blocks (Unicode whitespace and CRLF too), operator binding, `and`/`or` values, comparisons of
//! numbers of different kinds, attribute access on null and missing fields, `loop.*`, `set` in
//! loops and includes, `for`/`else`, the flavour a filter reads. The built-in templates
//! themselves are compared in `tests/compiled_templates.rs` and by the golden bundles.

use std::path::{Path, PathBuf};

use serde_json::json;
use tera::{Context, Tera};

use super::*;
use crate::render::filters;

#[allow(unused_variables, unused_braces, unused_parens, non_snake_case, clippy::all, clippy::pedantic)]
mod fixtures {
    use super::super::runtime::{self, Render, State, Unsupported};
    use tera::Value;

    include!(concat!(env!("OUT_DIR"), "/compiled_fixtures.rs"));
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compiled-templates")
}

fn tera() -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(Vec::<&str>::new());
    filters::register(&mut tera);
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(dir()).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        // Those tera refuses to load are held apart (`tera_refuses_what_the_compiler_must_refuse`).
        if name.starts_with("tera-rejects-") {
            continue;
        }
        sources.push((name, std::fs::read_to_string(&path).expect("fixture")));
    }
    tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))).expect("tera reads the fixtures");
    tera
}

/// The context of [`contexts`] holding values of unusual kinds, which the compiled code may
/// leave to tera (a map walked, for one).
const ODD: usize = 3;

fn contexts() -> Vec<Context> {
    [
        json!({
            "x": "X y", "a": "A", "b": "", "n": null, "big": u64::MAX, "small": 2,
            "map": {"deep": {"x": "y"}}, "list": ["p", "q", "r"], "empty": [],
            "maps": [{"name": "a|b"}, {"name": "c"}], "flag": true, "word": "MiXed Ünïcode",
            "pipe": "a|b {{ c }}", "flavor": "markdown",
            "imax": i64::MAX, "imin": i64::MIN, "f": 2.0, "neg": -1, "flavors": ["gitbook", "markdown"]
        }),
        json!({
            "x": "", "a": "", "b": "B", "n": null, "big": 3, "small": 2, "map": {"deep": {}}, "list": ["only"],
            "empty": [], "maps": [], "flag": false, "word": "w", "pipe": "`tick` |", "flavor": "docusaurus",
            "imax": 0, "imin": 0, "f": 0.5, "neg": 0, "flavors": []
        }),
        json!({
            "x": "x", "a": 0, "b": [1], "n": null, "big": 2.5, "small": -4, "map": {"deep": {"x": "z"}},
            "list": [1, 2], "empty": [], "maps": [{"name": 7}], "flag": "yes", "word": "ÉCOLE",
            "pipe": "{% raw %}", "flavor": "gitbook",
            "imax": 1, "imin": -1, "f": -2.5, "neg": -3, "flavors": ["gitbook"], "loop": {"index": [1], "length": 1}
        }),
        // Unusual kinds where others hold strings or lists, and a context variable named `loop`.
        json!({
            "x": 7, "a": {"k": 1}, "b": null, "n": "", "big": -1, "small": "2", "map": [1], "list": {"k": "v"},
            "empty": {}, "maps": "str", "flag": null, "word": ["W"], "pipe": 3, "flavor": ["gitbook"],
            "loop": {"index": ["l1", "l2"], "length": 2}, "flavors": {"gitbook": 1},
            "imax": i64::MAX, "imin": i64::MIN, "f": 2.0, "neg": -1
        }),
    ]
    .iter()
    .map(|v| Context::from_serialize(v).expect("context"))
    .collect()
}

fn compiled(name: &str) -> Render {
    fixtures::COMPILED.iter().find(|(n, _)| *n == name).map(|(_, f)| *f).unwrap_or_else(|| panic!("{name} compiled"))
}

#[test]
fn compiled_fixtures_write_what_tera_writes() {
    let tera = tera();
    let mut rendered = std::collections::BTreeMap::new();
    let mut wrong = Vec::new();
    for (c, context) in contexts().iter().enumerate() {
        for (name, template) in fixtures::COMPILED {
            if name.starts_with("tera-rejects-") {
                continue;
            }
            match (tera.render(name, context), render(*template, context, 0)) {
                (Ok(expected), Ok(got)) => {
                    if got != expected {
                        wrong.push(format!("{name} with context #{c}:\n tera     {expected:?}\n compiled {got:?}"));
                    }
                    *rendered.entry(*name).or_insert(0) += 1;
                }
                // Where tera fails the compiled code must stop too (and then gives way to tera).
                (Err(_), Err(_)) => {}
                // `fallback*` fixtures hold values the compiled code leaves to tera.
                (Ok(_), Err(_)) if name.starts_with("fallback") || c == ODD => {}
                (expected, got) => {
                    wrong.push(format!("{name} with context #{c}: tera {expected:?}, compiled {:?}", got.map(|_| ())))
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Each fixture but the partials and those meant to fail renders with some context.
    for (name, _) in fixtures::COMPILED {
        if !name.starts_with('_') && !name.starts_with("fallback") && !name.starts_with("err-") {
            assert!(rendered.contains_key(name), "{name} rendered with no context: {rendered:?}");
        }
    }
}

#[test]
fn tera_refuses_what_the_compiler_must_refuse() {
    // Each `tera-rejects-*` fixture is one tera will not load (a build error, not a render
    // error); the compiler must refuse it too, or the compiled code would render what tera never
    // would.
    let mut seen = 0;
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(dir()).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        if !name.starts_with("tera-rejects-") {
            continue;
        }
        seen += 1;
        let mut tera = Tera::default();
        tera.autoescape_on(Vec::<&str>::new());
        filters::register(&mut tera);
        let text = std::fs::read_to_string(&path).expect("fixture");
        if tera.add_raw_template(&name, &text).is_ok() {
            wrong.push(format!("tera loads {name}"));
        }
        if fixtures::COMPILED.iter().any(|(n, _)| *n == name) {
            wrong.push(format!("the compiler compiled {name}, which tera refuses"));
        }
    }
    assert!(seen > 0);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_fixtures_cover_what_they_claim() {
    // A few outputs pinned, so that a change of both engines' reading shows too.
    let context = &contexts()[0];
    let out = |name| render(compiled(name), context, 0).expect("renders");
    assert_eq!(
        out("whitespace.tera"),
        "a'X y'b\nc 'X y' d e  fg\nh {{ kept }} i\nj {% if %} k\nl m\n\t no\n p q\nr'X y'\ts\nu'X y'v\n"
    );
    let logic = out("logic.tera");
    for line in [
        "and '' or 'A' 'fallback' ''\nnot binds looser than ==\nelif\n",
        "u64 above i64 compare\nfield of null is undefined\n deep\n'a2--18446744073709551615b' 3 -3\n",
        "$true 18446744073709551615 mixed ünïcode\n",
    ] {
        assert!(logic.contains(line), "{logic}");
    }
    let loops = out("loops.tera");
    for line in [
        "'1'/'0'/'3' first='true' last='false' step='11' 'p' 'q' 'r'. outer-last='false' i='p'\n",
        "'3'/'2'/'3' first='false' last='true' step='11' 'p' 'q' 'r'. outer-last='true' i='r'\n",
        "after: step='1' total='r'\nnothing to walk\na\\|b, c\npart sees step='1' i='' ",
        "part sees step='1' i='q' flavor md=MiXed Ünïcode 'set in the part'\n",
    ] {
        assert!(loops.contains(line), "{line}\n{loops}");
    }
    assert!(loops.ends_with("seen after include: ''\n"), "{loops}");
    let flavor = out("flavor.tera");
    assert!(flavor.starts_with("a\\|b "), "{flavor}");
    assert!(
        flavor.contains("\na&#124;b ") && flavor.contains("part: a&#124;b"),
        "a `set flavor` reaches filters: {flavor}"
    );
}

#[test]
fn what_the_compiler_does_not_read_is_left_to_tera_with_the_reason() {
    let refused: Vec<(&str, &str)> = fixtures::NOT_COMPILED.to_vec();
    let reason = |name: &str| refused.iter().find(|(n, _)| *n == name).map(|(_, why)| *why);
    assert_eq!(reason("unsupported-call.tera"), Some("a function call"));
    assert!(reason("unsupported-include.tera").is_some_and(|r| r.contains("includes `unsupported-call.tera`")));
    // tera reads `__tera_context` as the whole context.
    assert_eq!(reason("unsupported-tera-context.tera"), Some("the name `__tera_context`"));
    // What tera refuses to load, each for its own reason.
    for (name, why) in [
        ("tera-rejects-complex.tera", "an expression more complex than tera allows"),
        ("tera-rejects-concat-not.tera", "`not` after `~`"),
        ("tera-rejects-concat-not-parens.tera", "`not` after `~`"),
        ("tera-rejects-deep-parens.tera", "an expression nested deeper than tera allows"),
        ("tera-rejects-nesting.tera", "bodies nested deeper than tera allows"),
        ("tera-rejects-not-not.tera", "`not` followed by `not` or `-`"),
        ("tera-rejects-self-include.tera", "it includes itself"),
        ("tera-rejects-unknown-filter.tera", "the filter `no_such_filter`"),
    ] {
        assert_eq!(reason(name), Some(why), "{name}");
    }
    assert_eq!(refused.len(), 11, "{refused:?}");
}

#[test]
fn a_value_the_compiled_code_does_not_handle_gives_way_to_tera() {
    // A map walked, an undefined name written: tera's own rules decide, so the compiled code
    // stops rather than guess.
    for context in contexts() {
        assert!(render(compiled("fallback.tera"), &context, 0).is_err());
    }
    let only_list = Context::from_serialize(&json!({"map": [1], "n": null})).expect("context");
    assert!(render(compiled("fallback.tera"), &only_list, 0).is_err(), "undefined_name is written");
}
