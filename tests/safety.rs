//! Safety (issue 6): hostile values never become code, bad input never panics, nothing leaves the
//! machine. Every quoting function is checked by a round trip through a real parser of its
//! language: bash itself, the tree-sitter PowerShell and bash grammars, serde_json, quick-xml, and
//! small reference readers for dotenv and Markdown written here.
//!
//! Property tests (proptest) draw arbitrary Unicode biased toward what breaks quoting: every kind of
//! quote, `$`, `$(…)`, `${…}`, backticks, `;`, `&`, `|`, CR, LF, NUL, `]]>`, `<`, `{{`, `{%`, the
//! BOM, right-to-left marks and very long strings.
//!
//! Cases per property in a plain `cargo test` (SECONDS for this file on 2 cores):
//! - 256 each: bash round trip (all 256 values through one bash process, in the C and C.UTF-8
//!   locales), PowerShell round trip, NUL refusal, app name refusals, values parsers, tenant and
//!   GUID acceptance, dotenv (2 properties), Markdown (4, and 3 ignored), JSON files and appinv
//!   XML with hostile app names;
//! - 64 each: whole scripts with hostile app names (kodo and corso rendered in process as the
//!   `render` command does, with random tenants, GUIDs, clouds, credentials, least-privilege
//!   sites and runbook flavours) and with hostile profile text: `bash -n`; tree-sitter PowerShell
//!   without errors; the same bash and PowerShell syntax trees as with a harmless twin value;
//!   `APP_NAME` and `$AppName` read back;
//! - 1,000 mutants of the seed profiles through the profile loader (each loaded, and when it
//!   loads also linted, resolved and rendered), plus every seed file and deep-nesting and
//!   alias-bomb YAML: none may panic.
//!
//! Longer mode: `PROPTEST_CASES=20000 cargo test --release --test integration safety` runs 20,000
//! cases per property, 2,000 for the two whole-script properties (a tenth) and 80,000 loader
//! mutants (four times).
//!
//! Five bugs these properties found were fixed in `src/`: MDX module lines in Markdown text, a
//! fenced line that could close its fence, code spans losing edge spaces, invisible characters in
//! app names, and profile display names bypassing the app-name rules. Their tests now guard them.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use m365_runbook::catalog::Catalog;
use m365_runbook::cloud::Cloud;
use m365_runbook::guid::Guid;
use m365_runbook::profile::{CredentialKind, LoadedProfile, ProfileSet};
use m365_runbook::render::{Bundle, Flavor, Templates, render};
use m365_runbook::tenant::TenantName;
use m365_runbook::values::{AppName, SecretYears, Values};
use m365_runbook::{date, job, plan, quote};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

use crate::common::{bin, repo};

// ---------------------------------------------------------------------------------------------
// Case counts and generators

/// Cases for one property: `PROPTEST_CASES` scaled by `factor` when set, else `default`.
fn cases(default: u32, factor: f64) -> u32 {
    match std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse::<f64>().ok()) {
        Some(n) => ((n * factor) as u32).max(1),
        None => default,
    }
}

fn config(cases: u32) -> Config {
    // Failures are reported with their minimal value; no regression files are written.
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// Pieces that break quoting somewhere, each likely to be drawn.
#[rustfmt::skip]
const NASTY: &[&str] = &[
    "'", "\"", "`", "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}", "\u{201C}", "\u{201D}", "\u{201E}", "''",
    "'\\''", "\\", "\\'", "$", "$(", "$(id)", "${", "${HOME}", "$HOME", "$env:PATH", "$_", "`id`", "`n", "@(", "@'",
    "'@", "@\"", "\"@", ";", "&", "&&", "|", "||", ">", "<", "2>&1", "<#", "#>", "#", "\n", "\r", "\r\n", "\n\n",
    "\0", "]]>", "<![CDATA[", "<!--", "-->", "&amp;", "&#39;", "<script>", "{{", "}}", "{%", "%}", "{#", "#}", "{",
    "}", "[", "]", "(", ")", "*", "_", "~", "```", "~~~", "    ", " ", "\t", "-", "+", "=", "1.", "1)", "!", "?",
    "%", "^", "--%", ":", "/", ".", ",", "import ", "export ", "\u{FEFF}", "\u{202E}", "\u{202D}", "\u{200B}",
    "\u{200F}", "\u{2066}", "\u{061C}", "\u{2028}", "\u{2029}", "\u{85}", "\u{A0}", "\u{3000}", "\u{1B}[31m",
    "\u{7F}", "é", "ü", "ß", "日本", "🦀", "\u{10FFFF}", "\u{E0041}",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => select(NASTY).prop_map(str::to_string),
        2 => any::<char>().prop_map(String::from),
        2 => "[A-Za-z0-9 .-]{1,6}",
    ]
}

/// Arbitrary text, biased toward `NASTY`, now and then very long.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => prop::collection::vec(fragment(), 0..16).prop_map(|v| v.concat()),
        2 => prop::collection::vec(fragment(), 0..400).prop_map(|v| v.concat()),
        1 => (fragment(), 0..3000usize).prop_map(|(f, n)| f.repeat(n)),
    ]
}

/// Text that starts the way Markdown blocks start (fences, lists, headings, MDX ESM), often
/// followed by nothing or by a line break.
fn markdown_nasty() -> impl Strategy<Value = String> {
    let indent = select(&["", " ", "  ", "   ", "    ", "\t"][..]);
    let opener = select(
        &[
            "```", "~~~", "````", "``` ", "~~~~\t", "import ", "export ", "- ", "+ ", "1. ", "2) ", "# ", "> ", "<",
            "{", "==",
        ][..],
    );
    let rest = prop_oneof![Just(String::new()), Just("\n".to_string()), nasty()];
    prop_oneof![nasty(), (indent, opener, rest).prop_map(|(i, o, r)| format!("{i}{o}{r}")),]
}

fn nasty_without_nul() -> impl Strategy<Value = String> {
    nasty().prop_map(|s| s.replace('\0', ""))
}

/// Hostile app names that `AppName` accepts: everything above except what it refuses.
fn hostile_app_name() -> impl Strategy<Value = String> {
    let allowed = fragment().prop_map(|s| s.chars().filter(|c| !refused_in_app_names(*c)).collect::<String>());
    prop::collection::vec(allowed, 1..24).prop_filter_map("not a valid app name", |parts| {
        let name: String = parts.concat().chars().take(120).collect();
        let name = name.trim().to_string();
        name.parse::<AppName>().is_ok().then_some(name)
    })
}

fn guid() -> impl Strategy<Value = String> {
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
}

fn tenant_name() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
}

/// The `AppName` rule, written out independently: no control or invisible character, none of
/// the characters `az.cmd` interprets, no white space at either end, 1 to 120 characters.
fn refused_in_app_names(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
        || INVISIBLE_TOO.contains(&c)
        || "\"%&|<>^".contains(c)
}

/// Whether `AppName` must accept `s`.
fn app_name_ok(s: &str) -> Option<bool> {
    Some(!s.is_empty() && !s.chars().any(refused_in_app_names) && s.trim() == s && s.chars().count() <= 120)
}

/// Invisible or text-reordering characters beyond the usual zero-width and bidi ones: U+061C is
/// a bidirectional control, the others format characters (category Cf) and line or paragraph
/// separators. Found by these property tests; `AppName` refuses them.
const INVISIBLE_TOO: &[char] = &[
    '\u{00AD}',
    '\u{061C}',
    '\u{180E}',
    '\u{2028}',
    '\u{2029}',
    '\u{206A}',
    '\u{206B}',
    '\u{206C}',
    '\u{206D}',
    '\u{206E}',
    '\u{206F}',
    '\u{FFF9}',
    '\u{FFFA}',
    '\u{FFFB}',
    '\u{E0001}',
    '\u{E0020}',
    '\u{E0041}',
    '\u{E007F}',
];

/// A value with the same quote structure as `s` and nothing else hostile: every character that
/// no quoting function treats specially becomes `x`. A bundle rendered with `s` must have the
/// same syntax tree as one rendered with its twin.
fn twin(s: &str) -> String {
    s.chars().map(|c| if is_single_quote(c) { c } else { 'x' }).collect()
}

fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

// ---------------------------------------------------------------------------------------------
// Batch properties: many values per external process, shrunk one by one on failure

/// Draws `cases` values, checks them all with one call of `check` (one result per value), and
/// on a failure shrinks the failing value with single-value calls, then panics with it.
fn batch_property<S>(name: &str, strategy: S, cases: u32, check: impl Fn(&[S::Value]) -> Vec<Option<String>>)
where
    S: Strategy,
    S::Value: Debug + Clone,
{
    let mut runner = TestRunner::new(config(cases));
    let mut trees: Vec<S::Tree> =
        (0..cases).map(|_| strategy.new_tree(&mut runner).expect("a value can be drawn")).collect();
    let values: Vec<S::Value> = trees.iter().map(ValueTree::current).collect();
    let results = check(&values);
    assert_eq!(results.len(), values.len(), "{name}: one result per value");
    let failed = results.iter().filter(|r| r.is_some()).count();
    let Some(first) = results.iter().position(Option::is_some) else { return };
    let one = |v: &S::Value| check(std::slice::from_ref(v)).pop().flatten();
    let mut tree = trees.swap_remove(first);
    let mut minimal = (values[first].clone(), results[first].clone().unwrap_or_default());
    if one(&minimal.0).is_some() {
        let mut steps = 0;
        if tree.simplify() {
            let start = std::time::Instant::now();
            while steps < 2000 && start.elapsed().as_secs() < 60 {
                steps += 1;
                match one(&tree.current()) {
                    Some(why) => {
                        minimal = (tree.current(), why);
                        if !tree.simplify() {
                            break;
                        }
                    }
                    None => {
                        if !tree.complicate() {
                            break;
                        }
                    }
                }
            }
        }
    }
    panic!("{name}: {failed} of {cases} cases failed; minimal failing value {:?}:\n{}", minimal.0, minimal.1);
}

/// Runs bash on `script` (from a file: scripts can exceed one argument's size limit).
fn run_bash(script: &str, locale: &str) -> std::process::Output {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(script.as_bytes()).expect("write script");
    Command::new("bash")
        .args(["--norc", "--noprofile"])
        .arg(file.path())
        .env("LC_ALL", locale)
        .stdin(Stdio::null())
        .output()
        .expect("bash runs")
}

/// Assigns each value through `quote::bash` and prints it back, NUL-separated, in one bash.
fn bash_echo(values: &[String], locale: &str) -> Vec<Option<String>> {
    let mut script = String::from("set -u\n");
    for v in values {
        script.push_str(&format!("x={}; printf '%s\\0' \"$x\"\n", quote::bash(v)));
    }
    let out = run_bash(&script, locale);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let printed: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
    values
        .iter()
        .enumerate()
        .map(|(i, v)| match printed.get(i) {
            _ if !out.status.success() || !stderr.is_empty() => Some(format!("bash failed ({}): {stderr}", out.status)),
            Some(p) if *p == v.as_bytes() => None,
            Some(p) => Some(format!(
                "LC_ALL={locale}: quoted as {}\nprinted back {:?}",
                quote::bash(v),
                String::from_utf8_lossy(p)
            )),
            None => Some(format!("LC_ALL={locale}: nothing printed for it")),
        })
        .collect()
}

fn has_locale(name: &str) -> bool {
    let out = run_bash("true", name);
    out.status.success() && out.stderr.is_empty()
}

#[test]
fn bash_round_trips_every_value_without_nul() {
    let utf8 = has_locale("C.UTF-8");
    batch_property("bash round trip", nasty_without_nul(), cases(256, 1.0), |values| {
        let mut results = bash_echo(values, "C");
        if utf8 {
            for (r, u) in results.iter_mut().zip(bash_echo(values, "C.UTF-8")) {
                *r = r.take().or(u);
            }
        }
        results
    });
}

proptest! {
    #![proptest_config(config(cases(256, 1.0)))]

    /// bash cannot carry NUL, so names and tenants with one are refused at input.
    #[test]
    fn values_with_nul_are_refused(before in nasty(), after in nasty()) {
        let value = format!("{before}\0{after}");
        prop_assert!(value.parse::<AppName>().is_err());
        prop_assert!(value.parse::<TenantName>().is_err());
        prop_assert!(value.parse::<Guid>().is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// PowerShell, through the tree-sitter grammar and a model of PowerShell's own tokenizer

fn powershell_parser() -> tree_sitter::Parser {
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_powershell::LANGUAGE.into()).expect("PowerShell grammar loads");
    p
}

fn bash_parser() -> tree_sitter::Parser {
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_bash::LANGUAGE.into()).expect("bash grammar loads");
    p
}

/// Decodes a single-quoted PowerShell literal the way PowerShell's tokenizer does: any of
/// `'` U+2018 U+2019 U+201A U+201B opens and closes it, and two in a row stand for the second.
/// (The tree-sitter grammar knows only `'`; this model is stricter.) Errors if the literal ends
/// before its last character.
fn powershell_verbatim(literal: &str) -> Result<String, String> {
    let mut chars = literal.chars();
    if !chars.next().is_some_and(is_single_quote) {
        return Err(format!("{literal:?} does not start with a single quote"));
    }
    let mut out = String::new();
    while let Some(c) = chars.next() {
        if is_single_quote(c) {
            match chars.next() {
                Some(q) if is_single_quote(q) => out.push(q),
                None => return Ok(out),
                Some(_) => return Err(format!("the literal ends early, before {:?}", chars.collect::<String>())),
            }
        } else {
            out.push(c);
        }
    }
    Err(format!("{literal:?} is not closed"))
}

/// ERROR and MISSING nodes of a tree, with their positions and text.
fn syntax_errors(tree: &tree_sitter::Tree, source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            let p = node.start_position();
            let text: String = source[node.byte_range()].chars().take(80).collect();
            found.push(format!("{}:{}: {} {text:?}", p.row + 1, p.column + 1, node.kind()));
        }
        if (node.has_error() && cursor.goto_first_child()) || cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return found;
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
}

/// Every node's kind, in document order: the shape of a tree without its text.
fn shape(tree: &tree_sitter::Tree) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    let mut cursor = tree.walk();
    loop {
        kinds.push(cursor.node().kind());
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return kinds;
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
}

fn nodes_of_kind<'t>(node: tree_sitter::Node<'t>, kind: &str, out: &mut Vec<tree_sitter::Node<'t>>) {
    if node.kind() == kind {
        out.push(node);
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        nodes_of_kind(child, kind, out);
    }
}

/// Parses `$x = <literal>` and returns the value PowerShell would assign, or what is wrong.
fn powershell_assigned(parser: &mut tree_sitter::Parser, literal: &str) -> Result<String, String> {
    let source = format!("$x = {literal}");
    let tree = parser.parse(&source, None).ok_or("no tree")?;
    let errors = syntax_errors(&tree, &source);
    if !errors.is_empty() {
        return Err(format!("syntax errors: {errors:?}"));
    }
    let root = tree.root_node();
    let statements = root.named_child(0).filter(|n| n.kind() == "statement_list").map(|n| n.named_child_count());
    if root.named_child_count() != 1 || statements != Some(1) {
        return Err(format!("not exactly one statement: {}", root.to_sexp()));
    }
    let mut strings = Vec::new();
    nodes_of_kind(root, "string_literal", &mut strings);
    let mut comments = Vec::new();
    nodes_of_kind(root, "comment", &mut comments);
    if strings.len() != 1 || !comments.is_empty() {
        return Err(format!("expected one string literal and no comment: {}", root.to_sexp()));
    }
    let node = strings[0];
    if node.end_byte() != source.len() {
        return Err(format!("text after the literal: {:?}", &source[node.end_byte()..]));
    }
    powershell_verbatim(&source[node.byte_range()])
}

proptest! {
    #![proptest_config(config(cases(256, 1.0)))]

    /// `$x = <quote::powershell(v)>` is one statement assigning exactly `v`. NUL is left out: the
    /// tree-sitter grammar stops at it (PowerShell does not), and every input refuses it anyway.
    #[test]
    fn powershell_literal_round_trips(value in nasty_without_nul()) {
        let mut parser = powershell_parser();
        let literal = quote::powershell(&value);
        prop_assert_eq!(powershell_assigned(&mut parser, &literal), Ok(value));
    }
}

#[test]
fn the_powershell_model_catches_an_undoubled_typographic_quote() {
    let mut parser = powershell_parser();
    // Doubling only ASCII quotes would let U+2019 end the string in PowerShell.
    assert!(powershell_assigned(&mut parser, "'it\u{2019}s; calc'").is_err());
    assert!(powershell_assigned(&mut parser, "'a' ; 'b'").is_err());
    assert_eq!(powershell_assigned(&mut parser, "'it''s \u{2019}\u{2019}x'"), Ok("it's \u{2019}x".into()));
}

// ---------------------------------------------------------------------------------------------
// Input values

proptest! {
    #![proptest_config(config(cases(256, 1.0)))]

    /// `AppName` refuses exactly the documented names: empty, control or invisible characters,
    /// `" % & | < > ^`, white space at either end, more than 120 characters.
    #[test]
    fn app_name_refusals_are_exactly_the_documented_ones(value in nasty()) {
        if let Some(ok) = app_name_ok(&value) {
            prop_assert_eq!(value.parse::<AppName>().is_ok(), ok, "{:?}", value);
        }
    }

    /// The values parsers take any text without panicking, and what they accept is plain.
    #[test]
    fn values_parsers_never_panic(value in nasty()) {
        if let Ok(t) = value.parse::<TenantName>() {
            prop_assert!(t.as_str().chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }
        if let Ok(g) = value.parse::<Guid>() {
            prop_assert!(g.as_str().len() == 36 && g.as_str().chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
        }
        if let Ok(y) = value.parse::<SecretYears>() {
            prop_assert!((1..=2).contains(&y.get()));
        }
        let _ = value.parse::<AppName>();
    }

    #[test]
    fn tenant_names_and_guids_of_the_right_shape_are_accepted(t in tenant_name(), g in guid()) {
        prop_assert_eq!(t.parse::<TenantName>().map(|t| t.as_str().to_string()), Ok(t.clone()));
        prop_assert_eq!(g.parse::<Guid>().map(|g| g.as_str().to_string()), Ok(g.to_ascii_lowercase()));
    }
}

#[test]
fn app_name_limits_count_characters_not_bytes() {
    assert!("é".repeat(120).parse::<AppName>().is_ok());
    assert!("é".repeat(121).parse::<AppName>().is_err());
    for bad in ["\u{3000}a", "a\u{A0}", "\u{2066}a", "a\u{7F}b", "a\u{85}b"] {
        assert!(bad.parse::<AppName>().is_err(), "{bad:?}");
    }
}

/// The characters of `INVISIBLE_TOO` are refused like the other invisible ones.
#[test]
fn app_names_refuse_every_invisible_format_character() {
    let accepted: Vec<String> = INVISIBLE_TOO
        .iter()
        .filter(|c| format!("a{c}b").parse::<AppName>().is_ok())
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    assert!(accepted.is_empty(), "accepted in app names: {accepted:?}");
}

// ---------------------------------------------------------------------------------------------
// dotenv

/// The reference reader: one `NAME=value` line; the value either bare (up to the end of the
/// line, and then only characters no dotenv reader treats specially) or single-quoted and taken
/// literally, with nothing after the closing quote. `None` when readers could disagree.
fn read_dotenv(file: &str) -> Option<(String, String)> {
    let line = file.strip_suffix('\n')?;
    if line.contains(['\n', '\r']) {
        return None;
    }
    let (name, raw) = line.split_once('=')?;
    let value = match raw.strip_prefix('\'') {
        Some(rest) => {
            let (inside, after) = rest.split_once('\'')?;
            if !after.is_empty() || inside.contains('\\') {
                return None;
            }
            inside.to_string()
        }
        None => {
            let special = |c: char| c.is_whitespace() || c.is_control() || "'\"`$\\#=;&|<>(){}[]*?!~".contains(c);
            if raw.is_empty() || raw.chars().any(special) {
                return None;
            }
            raw.to_string()
        }
    };
    Some((name.to_string(), value))
}

proptest! {
    #![proptest_config(config(cases(256, 1.0)))]

    /// What `quote::dotenv` writes reads back identical; it refuses only values with `'`, `\` or
    /// a control character, which readers take differently.
    #[test]
    fn dotenv_writes_only_what_a_plain_reader_reads_back(value in nasty()) {
        let unsafe_value = value.chars().any(|c| c == '\'' || c == '\\' || c.is_control());
        match quote::dotenv(&value) {
            Some(written) => {
                prop_assert!(!unsafe_value, "{:?} was written as {:?}", value, written);
                let read = read_dotenv(&format!("NAME={written}\n"));
                prop_assert_eq!(read, Some(("NAME".to_string(), value)));
            }
            None => prop_assert!(unsafe_value, "{:?} was refused", value),
        }
    }

    /// GUIDs, domains and URLs, the values a bundle's dotenv file holds, are always written bare.
    #[test]
    fn dotenv_writes_guids_and_domains_bare(g in guid(), t in tenant_name(), suffix in select(&[
        "onmicrosoft.com", "onmicrosoft.us", "partner.onmschina.cn", "sharepoint.com",
    ][..])) {
        for value in [g.clone(), format!("{t}.{suffix}"), format!("https://{t}-admin.{suffix}")] {
            prop_assert_eq!(quote::dotenv(&value), Some(value.clone()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Markdown and MDX

/// Characters `quote::markdown` promises to backslash-escape.
const MD_SPECIAL: &str = "\\`*_{}[]<>#|~&";

/// The characters of `text` that are not escaped by a backslash.
fn unescaped(text: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else {
            out.push(c);
        }
    }
    out
}

/// The single code span `text` must be: (fence length, content), or what is wrong.
fn code_span(text: &str) -> Result<(usize, &str), String> {
    let fence = text.chars().take_while(|c| *c == '`').count();
    if fence == 0 || text.len() < 2 * fence || !text.ends_with(&"`".repeat(fence)) {
        return Err(format!("{text:?} is not fenced at both ends by the same backticks"));
    }
    let inner = &text[fence..text.len() - fence];
    if inner.starts_with('`') || inner.ends_with('`') {
        return Err(format!("{text:?}: the fences are not the same length"));
    }
    if inner.split(|c| c != '`').any(|run| run.len() >= fence) {
        return Err(format!("{text:?}: a run of {fence} backticks inside closes the span early"));
    }
    if inner.contains(['\n', '\r']) {
        return Err(format!("{text:?} has a line break"));
    }
    Ok((fence, inner))
}

/// Splits `text` into escaped text and code spans (an unescaped backtick run opens a span that
/// the next run of the same length closes) and lists what is wrong: an unclosed span, or text
/// with an unescaped special character.
fn ticked_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rest = text;
    loop {
        // The first backtick not escaped by a backslash.
        let mut escaped = false;
        let tick = rest.char_indices().find(|&(_, c)| {
            let open = c == '`' && !escaped;
            escaped = c == '\\' && !escaped;
            open
        });
        let (plain, after) = match tick {
            Some((i, _)) => rest.split_at(i),
            None => (rest, ""),
        };
        let open: Vec<char> = unescaped(plain).into_iter().filter(|c| MD_SPECIAL.contains(*c)).collect();
        if !open.is_empty() {
            problems.push(format!("{plain:?} leaves {open:?} unescaped"));
        }
        if after.is_empty() {
            return problems;
        }
        let fence = after.chars().take_while(|c| *c == '`').count();
        let code = &after[fence..];
        // The next run of exactly `fence` backticks (backslashes do not escape inside code).
        let close = code.char_indices().map(|(i, _)| i).find(|&i| {
            (i == 0 || !code[..i].ends_with('`')) && code[i..].chars().take_while(|c| *c == '`').count() == fence
        });
        match close {
            Some(i) => rest = &code[i + fence..],
            None => {
                problems.push(format!("{after:?}: a code span is not closed"));
                return problems;
            }
        }
    }
}

/// CommonMark 6.1: a closing code fence is at most three spaces of indentation, then three or
/// more backticks (or tildes), then only spaces or tabs.
fn closes_a_fence(line: &str) -> bool {
    let indent = line.chars().take_while(|c| *c == ' ').count();
    let rest = &line[indent..];
    indent <= 3
        && ['`', '~'].iter().any(|f| {
            let run = rest.chars().take_while(|c| c == f).count();
            run >= 3 && rest[run..].chars().all(|c| c == ' ' || c == '\t')
        })
}

proptest! {
    #![proptest_config(config(cases(256, 1.0)))]

    /// Inline text cannot open a tag, a JSX expression, a link, a code span, a table cell, an
    /// entity or a block, and stays on its line.
    #[test]
    fn markdown_text_cannot_open_markup(value in markdown_nasty()) {
        let text = quote::markdown(&value);
        prop_assert!(!text.contains(['\n', '\r']), "{:?} -> {:?}", value, text);
        // A leading numeric character reference (`&#105;mport`) is how MDX ESM is defused.
        let reference = text
            .strip_prefix("&#")
            .and_then(|r| r.split_once(';'))
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        let body = reference.map_or(text.as_str(), |(_, rest)| rest);
        let open: Vec<char> = unescaped(body).into_iter().filter(|c| MD_SPECIAL.contains(*c)).collect();
        prop_assert!(open.is_empty(), "{:?} -> {:?} leaves {:?} unescaped", value, text, open);
        let digits = text.chars().take_while(char::is_ascii_digit).count();
        let block = text.starts_with(['-', '+', '=']) || (digits > 0 && text[digits..].starts_with(['.', ')']));
        prop_assert!(!block, "{:?} -> {:?} starts a list or underline", value, text);
    }

    /// Inline code is one code span: the same fence at both ends, never inside.
    #[test]
    fn markdown_code_is_one_code_span(value in markdown_nasty()) {
        let text = quote::markdown_code(&value);
        prop_assert!(code_span(&text).is_ok(), "{:?}", code_span(&text));
    }

    /// Text with `ticked` parts is escaped text and whole code spans, on one line.
    #[test]
    fn markdown_ticked_is_escaped_text_and_code_spans(value in markdown_nasty()) {
        let text = quote::markdown_ticked(&value);
        prop_assert!(!text.contains(['\n', '\r']), "{:?} -> {:?}", value, text);
        prop_assert_eq!(ticked_problems(&text), Vec::<String>::new(), "{:?} -> {:?}", value, text);
    }

    /// A line in a fenced block stays one line.
    #[test]
    fn markdown_fenced_stays_on_one_line(value in markdown_nasty()) {
        let line = quote::markdown_fenced(&value);
        prop_assert!(!line.contains(['\n', '\r']), "{:?} -> {:?}", value, line);
    }
}

proptest! {
    #![proptest_config(config(cases(256, 1.0)))]

    /// A line in a fenced block cannot close the fence.
    #[test]
    fn markdown_fenced_cannot_close_the_fence(value in markdown_nasty()) {
        let line = quote::markdown_fenced(&value);
        prop_assert!(!closes_a_fence(&line), "{:?} -> {:?}", value, line);
    }

    /// Inline code reads back as the value (line breaks become spaces, CommonMark 6.1).
    #[test]
    fn markdown_code_reads_back_as_the_value(value in markdown_nasty()) {
        // An empty code span cannot be written at all.
        prop_assume!(!value.is_empty());
        let text = quote::markdown_code(&value);
        let (_, inner) = code_span(&text).map_err(TestCaseError::fail)?;
        let stripped = match inner.strip_prefix(' ').and_then(|s| s.strip_suffix(' ')) {
            Some(s) if inner.chars().any(|c| c != ' ') => s,
            _ => inner,
        };
        prop_assert_eq!(stripped, value.replace(['\r', '\n'], " "));
    }

    /// MDX reads a block starting with `import ` or `export ` as JavaScript (ESM): text that can
    /// land at the start of a paragraph (the summary, the product name) must not start that way.
    #[test]
    fn markdown_text_cannot_start_mdx_esm(value in markdown_nasty()) {
        let text = quote::markdown(&value);
        let esm = ["import", "export"]
            .iter()
            .any(|k| text.strip_prefix(k).is_some_and(|rest| rest.starts_with(char::is_whitespace)));
        prop_assert!(!esm, "{:?} -> {:?}", value, text);
    }
}

// ---------------------------------------------------------------------------------------------
// Whole bundles, rendered in process

struct Renderer {
    profiles: ProfileSet,
    templates: Templates,
    catalog: Catalog,
}

/// Every value of a render, as text (parsed as the command line would).
#[derive(Clone, Debug)]
struct Inputs {
    tenant: String,
    tenant_id: Option<String>,
    client_id: Option<String>,
    app_name: Option<String>,
    credential: Option<CredentialKind>,
    secret_years: Option<String>,
    cloud: &'static str,
    least_privilege: bool,
    /// Server-relative paths of sites in the tenant's SharePoint.
    site_paths: Vec<String>,
    flavor: Flavor,
}

impl Inputs {
    fn named(app_name: &str) -> Inputs {
        Inputs {
            tenant: "contoso".into(),
            tenant_id: None,
            client_id: None,
            app_name: Some(app_name.into()),
            credential: None,
            secret_years: None,
            cloud: "public",
            least_privilege: false,
            site_paths: Vec::new(),
            flavor: Flavor::default(),
        }
    }

    fn values(&self, cloud: &Cloud) -> Values {
        let mut values = Values::for_tenant(self.tenant.parse().expect("tenant"));
        values.tenant_id = self.tenant_id.as_ref().map(|g| g.parse().expect("guid"));
        values.client_id = self.client_id.as_ref().map(|g| g.parse().expect("guid"));
        values.app_name = self.app_name.as_ref().map(|n| n.parse::<AppName>().expect("accepted app name"));
        values.credential = self.credential;
        values.secret_years = self.secret_years.as_ref().map(|y| y.parse().expect("years"));
        values.cloud = Some(self.cloud.to_string());
        values.least_privilege = self.least_privilege;
        values.sites = self
            .site_paths
            .iter()
            .map(|p| format!("https://{}.{}{p}", self.tenant, cloud.sharepoint_suffix).parse().expect("site"))
            .collect();
        values
    }
}

fn inputs(app_name: impl Strategy<Value = String>) -> impl Strategy<Value = Inputs> {
    (
        (tenant_name(), prop::option::of(guid()), prop::option::of(guid()), app_name),
        prop::option::of(select(vec![CredentialKind::Secret, CredentialKind::Certificate])),
        prop::option::of(select(&["1", "2"][..])),
        select(Cloud::builtin_ids()),
        any::<bool>(),
        prop::collection::vec("(/[A-Za-z0-9._~-]{1,12}){0,3}", 0..3),
        select(vec![Flavor::Markdown, Flavor::Docusaurus, Flavor::Gitbook]),
    )
        .prop_map(
            |((tenant, tenant_id, client_id, app_name), credential, years, cloud, least_privilege, paths, flavor)| {
                Inputs {
                    tenant,
                    tenant_id,
                    client_id,
                    app_name: Some(app_name),
                    credential,
                    secret_years: years.map(str::to_string),
                    cloud,
                    least_privilege,
                    // `.` and `..` segments are refused (they climb out of the site): keep the
                    // generated paths to real site paths.
                    site_paths: paths
                        .into_iter()
                        .map(|p| {
                            p.split('/')
                                .map(|seg| if seg == "." || seg == ".." { format!("{seg}x") } else { seg.to_string() })
                                .collect::<Vec<_>>()
                                .join("/")
                        })
                        .collect(),
                    flavor,
                }
            },
        )
}

impl Renderer {
    /// Built once for the whole test binary.
    fn shared() -> &'static Renderer {
        static SHARED: OnceLock<Renderer> = OnceLock::new();
        SHARED.get_or_init(|| Renderer {
            profiles: ProfileSet::builtin().expect("built-in profiles"),
            templates: Templates::builtin().expect("built-in templates"),
            catalog: Catalog::builtin(),
        })
    }

    fn render(&self, profile: &str, inputs: &Inputs) -> Bundle {
        let loaded = self.profiles.resolve(profile).expect("built-in profile");
        self.render_loaded(&loaded, inputs)
    }

    /// As the `render` command does: lint, resolve, render (on a fixed date).
    fn render_loaded(&self, loaded: &LoadedProfile, i: &Inputs) -> Bundle {
        let cloud = Cloud::builtin(i.cloud).expect("cloud");
        let mut values = i.values(&cloud);
        // A credential the product cannot take is a lint error (credential-unsupported), not a quoting case.
        let takes = plan::accepted_credentials(&loaded.profile);
        if values.credential.is_some_and(|c| !takes.is_empty() && !takes.contains(&c)) {
            values.credential = None;
        }
        let setup = job::Setup {
            catalog: &self.catalog,
            templates: &self.templates,
            as_of: date::known("2026-01-01"),
            allow: &[],
            flavor: i.flavor,
        };
        match job::run(&setup, loaded, &values, cloud) {
            Ok(rendered) => rendered.bundle,
            Err(e) => panic!("render of {} with {i:?} failed:\n{e}", loaded.profile.id),
        }
    }

    /// Resolves and renders without lint (lint judges a profile's content, not its quoting).
    fn render_unlinted(&self, loaded: &LoadedProfile, i: &Inputs) -> Bundle {
        let cloud = Cloud::builtin(i.cloud).expect("cloud");
        let plan =
            plan::resolve(loaded, &self.catalog, &i.values(&cloud), cloud, date::known("2026-01-01")).expect("plan");
        render(&plan, &self.templates, &[], i.flavor).expect("render")
    }
}

fn json(bundle: &Bundle, file: &str) -> Result<serde_json::Value, String> {
    let text = bundle.get(file).ok_or(format!("no {file}"))?;
    serde_json::from_str(text).map_err(|e| format!("{file} is not JSON: {e}"))
}

/// The `Scope`/`Right` attributes of an appinv document, or why it is not well-formed.
fn appinv_requests(xml: &str) -> Result<Vec<(String, String)>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut found = Vec::new();
    let mut depth = 0i32;
    let attr = |e: &quick_xml::events::BytesStart, name: &str| -> Result<String, String> {
        let a = e.try_get_attribute(name).map_err(|e| e.to_string())?.ok_or(format!("no {name}"))?;
        Ok(a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| e.to_string())?.to_string())
    };
    loop {
        match reader.read_event().map_err(|e| format!("not well-formed: {e}"))? {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            Event::Empty(e) => found.push((attr(&e, "Scope")?, attr(&e, "Right")?)),
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unbalanced elements".into());
    }
    Ok(found)
}

proptest! {
    #![proptest_config(config(cases(256, 1.0)))]

    /// Every JSON file stays JSON and bundle.json carries the name exactly; the appinv XML stays
    /// well-formed and reads back as the profile's requests.
    #[test]
    fn json_and_xml_artefacts_carry_hostile_app_names(name in hostile_app_name()) {
        let r = Renderer::shared();
        let loaded = r.profiles.resolve("kodo").expect("kodo");
        let bundle = r.render_unlinted(&loaded, &Inputs::named(&name));
        for file in bundle.paths().into_iter().filter(|f| f.ends_with(".json") && *f != "bundle.json") {
            json(&bundle, file).map_err(TestCaseError::fail)?;
        }
        let index = json(&bundle, "bundle.json").map_err(TestCaseError::fail)?;
        prop_assert_eq!(index["values"]["app_name"].as_str(), Some(name.as_str()));
        let manifest = json(&bundle, "app-manifest.json").map_err(TestCaseError::fail)?;
        prop_assert!(manifest.is_array());
        let xml = bundle.get("appinv-permission-request.xml").expect("kodo has an add-in grant");
        let requests = appinv_requests(xml).map_err(TestCaseError::fail)?;
        let add_in = loaded.profile.sharepoint.as_ref().and_then(|s| s.add_in.as_ref()).expect("add-in");
        let expected: Vec<(String, String)> =
            add_in.requests.iter().map(|q| (q.scope.clone(), q.right.clone())).collect();
        prop_assert_eq!(requests, expected);
    }
}

/// Checks one rendered bundle against its twin (same inputs, harmless values of the same quote
/// structure): PowerShell files parse without errors and have the twin's syntax tree, bash files
/// have the twin's tree (tree-sitter-bash). Returns the problems and the bash files to `bash -n`.
fn check_scripts(bundle: &Bundle, twin: &Bundle, label: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut problems = Vec::new();
    let mut ps = powershell_parser();
    for file in bundle.paths().into_iter().filter(|f| f.ends_with(".ps1")) {
        let (Some(text), Some(twin_text)) = (bundle.get(file), twin.get(file)) else {
            problems.push(format!("{label} {file}: not in the twin's bundle"));
            continue;
        };
        let tree = ps.parse(text, None).expect("tree");
        let errors = syntax_errors(&tree, text);
        if !errors.is_empty() {
            problems.push(format!("{label} {file}: PowerShell syntax errors {errors:?}"));
        }
        let twin_tree = ps.parse(twin_text, None).expect("tree");
        if shape(&tree) != shape(&twin_tree) {
            problems.push(format!("{label} {file}: the value changed the PowerShell syntax tree"));
        }
    }
    let mut sh = bash_parser();
    let mut bash_files = Vec::new();
    for file in bundle.paths().into_iter().filter(|f| f.ends_with(".sh")) {
        let (Some(text), Some(twin_text)) = (bundle.get(file), twin.get(file)) else {
            problems.push(format!("{label} {file}: not in the twin's bundle"));
            continue;
        };
        let (tree, twin_tree) = (sh.parse(text, None).expect("tree"), sh.parse(twin_text, None).expect("tree"));
        if shape(&tree) != shape(&twin_tree) {
            problems.push(format!("{label} {file}: the value changed the bash syntax tree"));
        }
        bash_files.push((format!("{label} {file}"), text.to_string()));
    }
    (problems, bash_files)
}

/// `bash -n` on every file, in one bash process; returns the labels of files that fail.
fn bash_syntax_check(files: &[(String, String)]) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().expect("tmp");
    let mut paths = Vec::new();
    for (i, (_, text)) in files.iter().enumerate() {
        let path = dir.path().join(format!("{i}.sh"));
        std::fs::write(&path, text).expect("write");
        paths.push(path);
    }
    let out = Command::new("bash")
        .args([
            "--norc",
            "--noprofile",
            "-c",
            r#"for f; do bash -n -- "$f" 2>&1 || printf 'FAILED %s\n' "$f"; done"#,
            "-",
        ])
        .args(&paths)
        .output()
        .expect("bash runs");
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    let mut failed = BTreeMap::new();
    for (i, (label, _)) in files.iter().enumerate() {
        if report.contains(&format!("FAILED {}\n", paths[i].display())) {
            failed.insert(label.clone(), report.clone());
        }
    }
    failed
}

/// Sources only the `APP_NAME=` line of each register-app.sh and prints it: one bash in all.
fn bash_app_names(scripts: &[&str]) -> Vec<Option<String>> {
    let mut script = String::from("set -u\n");
    for text in scripts {
        let line = text.lines().find(|l| l.starts_with("APP_NAME=")).unwrap_or("APP_NAME=MISSING");
        script.push_str(&format!("{line}\nprintf '%s\\0' \"$APP_NAME\"\n"));
    }
    let out = run_bash(&script, "C");
    let printed: Vec<String> = out.stdout.split(|b| *b == 0).map(|p| String::from_utf8_lossy(p).to_string()).collect();
    (0..scripts.len()).map(|i| printed.get(i).cloned()).collect()
}

/// The value the first `$AppName = '...'` assignment of register-app.ps1 gives.
fn powershell_app_name(text: &str) -> Result<String, String> {
    let mut parser = powershell_parser();
    let tree = parser.parse(text, None).ok_or("no tree")?;
    let mut assignments = Vec::new();
    nodes_of_kind(tree.root_node(), "assignment_expression", &mut assignments);
    let node = assignments
        .into_iter()
        .find(|a| text[a.byte_range()].starts_with("$AppName "))
        .ok_or("no $AppName assignment")?;
    let mut strings = Vec::new();
    nodes_of_kind(node, "string_literal", &mut strings);
    match strings.as_slice() {
        [s] => powershell_verbatim(&text[s.byte_range()]),
        _ => Err(format!("not one literal: {}", &text[node.byte_range()])),
    }
}

#[test]
fn whole_scripts_parse_with_hostile_app_names() {
    let r = Renderer::shared();
    batch_property("whole scripts, hostile app names", inputs(hostile_app_name()), cases(64, 0.1), |all| {
        let mut problems: Vec<Vec<String>> = vec![Vec::new(); all.len()];
        let mut bash_files = Vec::new();
        let mut owners = Vec::new();
        let mut registers = Vec::new();
        for (i, inputs) in all.iter().enumerate() {
            let name = inputs.app_name.clone().unwrap_or_default();
            let mut twin_inputs = inputs.clone();
            twin_inputs.app_name = Some(twin(&name));
            for profile in ["kodo", "corso"] {
                let bundle = r.render(profile, inputs);
                let (p, files) = check_scripts(&bundle, &r.render(profile, &twin_inputs), profile);
                problems[i].extend(p);
                owners.extend(std::iter::repeat_n(i, files.len()));
                bash_files.extend(files);
                match powershell_app_name(bundle.get("register-app.ps1").unwrap_or("")) {
                    Ok(got) if got == name => {}
                    other => problems[i].push(format!("{profile} register-app.ps1: $AppName is {other:?}")),
                }
                registers.push((i, profile, bundle.get("register-app.sh").unwrap_or("").to_string()));
            }
        }
        for (label, report) in bash_syntax_check(&bash_files) {
            let owner = owners[bash_files.iter().position(|(l, _)| *l == label).expect("label")];
            problems[owner].push(format!("{label}: bash -n fails\n{report}"));
        }
        let texts: Vec<&str> = registers.iter().map(|(_, _, t)| t.as_str()).collect();
        for ((i, profile, _), got) in registers.iter().zip(bash_app_names(&texts)) {
            let name = all[*i].app_name.as_deref().unwrap_or("");
            if got.as_deref() != Some(name) {
                problems[*i].push(format!("{profile} register-app.sh: APP_NAME is {got:?}"));
            }
        }
        problems.into_iter().map(|p| (!p.is_empty()).then(|| p.join("\n"))).collect()
    });
}

/// Text fields a profile author writes, and which artefacts they reach.
#[derive(Clone, Debug)]
struct ProfileText {
    vendor: String,
    product: String,
    version: String,
    title: String,
    summary: String,
    note: String,
    url: String,
}

fn profile_text() -> impl Strategy<Value = ProfileText> {
    let field = || nasty_without_nul().prop_map(|s| s.chars().filter(|c| !c.is_control() || *c == '\n').collect());
    (field(), field(), field(), field(), field(), field(), field()).prop_map(
        |(vendor, product, version, title, summary, note, url)| ProfileText {
            vendor,
            product,
            version,
            title,
            summary,
            note,
            url,
        },
    )
}

impl ProfileText {
    fn map(&self, f: impl Fn(&str) -> String) -> ProfileText {
        ProfileText {
            vendor: f(&self.vendor),
            product: f(&self.product),
            version: f(&self.version),
            title: f(&self.title),
            summary: f(&self.summary),
            note: f(&self.note),
            url: f(&self.url),
        }
    }

    /// `base`'s profile with these texts, written as YAML and loaded as a user profile would be.
    fn load(&self, base: &LoadedProfile) -> Result<LoadedProfile, String> {
        let mut p = base.profile.clone();
        p.vendor = self.vendor.clone();
        p.product = self.product.clone();
        p.version = self.version.clone();
        p.title = self.title.clone();
        p.summary = Some(self.summary.clone());
        p.notes.push(self.note.clone());
        // A source URL must be a web address: the hostile text goes into its path.
        let path: String = self.url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
        p.source.url = format!("https://docs.example.com/{path}");
        let text = serde_yaml::to_string(&p).map_err(|e| e.to_string())?;
        LoadedProfile::parse("hostile.yaml", &text).map_err(|e| format!("refused: {e}"))
    }
}

#[test]
fn whole_scripts_parse_with_hostile_profile_text() {
    let r = Renderer::shared();
    let inputs = Inputs::named("Backup");
    batch_property("whole scripts, hostile profile text", profile_text(), cases(64, 0.1), |all| {
        let mut problems: Vec<Vec<String>> = vec![Vec::new(); all.len()];
        let mut bash_files = Vec::new();
        let mut owners = Vec::new();
        for (i, text) in all.iter().enumerate() {
            for profile in ["kodo", "corso"] {
                let base = r.profiles.resolve(profile).expect("profile");
                let (hostile, harmless) = match (text.load(&base), text.map(twin).load(&base)) {
                    (Ok(h), Ok(t)) => (h, t),
                    (h, t) => {
                        problems[i].push(format!("{profile}: the loader refused {:?} / {:?}", h.err(), t.err()));
                        continue;
                    }
                };
                let bundle = r.render_unlinted(&hostile, &inputs);
                let (p, files) = check_scripts(&bundle, &r.render_unlinted(&harmless, &inputs), profile);
                problems[i].extend(p);
                owners.extend(std::iter::repeat_n(i, files.len()));
                bash_files.extend(files);
                match json(&bundle, "bundle.json") {
                    Ok(index) if index["profile"]["product"].as_str() == Some(text.product.as_str()) => {}
                    other => problems[i].push(format!("{profile} bundle.json: {other:?}")),
                }
            }
        }
        for (label, report) in bash_syntax_check(&bash_files) {
            let owner = owners[bash_files.iter().position(|(l, _)| *l == label).expect("label")];
            problems[owner].push(format!("{label}: bash -n fails\n{report}"));
        }
        problems.into_iter().map(|p| (!p.is_empty()).then(|| p.join("\n"))).collect()
    });
}

/// A profile's own app name reaches the same commands as `--app-name`, so it must pass the same
/// check (today only control characters other than a line break are refused).
#[test]
fn profile_app_names_follow_the_app_name_rules() {
    let r = Renderer::shared();
    let base = r.profiles.resolve("corso").expect("corso");
    let mut accepted = Vec::new();
    for name in ["a&calc", "50%", "a|b", "x\ny", " padded ", "a\u{202E}b"] {
        let mut p = base.profile.clone();
        p.app.display_name = name.to_string();
        let text = serde_yaml::to_string(&p).expect("yaml");
        if LoadedProfile::parse("p.yaml", &text).is_ok() {
            accepted.push(name);
        }
    }
    assert!(accepted.is_empty(), "the loader accepts these app names: {accepted:?}");
}

// ---------------------------------------------------------------------------------------------
// The profile loader never panics (the stable counterpart of fuzz/fuzz_targets/profile_loader.rs)

fn corpus() -> Vec<(String, String)> {
    let dir = repo().join("fuzz/corpus/profile_loader");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .map(|p| (p.display().to_string(), String::from_utf8_lossy(&std::fs::read(&p).expect("read")).into_owned()))
        .collect();
    files.sort();
    files
}

/// Loads `text` as a profile and, when it loads, resolves and renders it: `Err` if anything
/// panicked (as `fuzz/fuzz_targets/profile_loader.rs` does).
fn parse_without_panic(text: &str) -> Result<(), String> {
    let r = Renderer::shared();
    // The renderer is only read: a panic cannot leave it half-changed.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let Ok(loaded) = LoadedProfile::parse("fuzz.yaml", text) else { return };
        let values = Values::for_tenant("contoso".parse().expect("tenant"));
        let setup = job::Setup {
            catalog: &r.catalog,
            templates: &r.templates,
            as_of: date::known("2026-01-01"),
            allow: &[],
            flavor: Flavor::default(),
        };
        let _ = job::run(&setup, &loaded, &values, Cloud::builtin("public").expect("cloud"));
    }))
    .map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

#[rustfmt::skip]
const YAML_BITS: &[&str] = &[
    ": ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "<<: *a\n", "!!binary ", "!!str ", "!Tag ", "? ", "|\n",
    ">-\n", "'", "\"", "#", "\t", "\n", "\n  ", "\n    - ", "---\n", "...\n", "%YAML 1.2\n", "~", "null", "true",
    "1e999", "-0x1", "2024-13-45", "\u{FEFF}", "\u{85}", "\u{2028}", "\\", "\\u", "\"\\x\"", "id: ",
    "permissions: ", "application: [", "api: ", "inputs:\n  via: environment\n  values:\n",
    "    - {name: A, from: tenant_id}\n", "sharepoint:\n  add_in:\n    requests: []\n", "clouds: [", "aliases: [",
];

#[derive(Clone, Debug)]
enum Mutation {
    Insert(Index, String),
    Delete(Index, usize),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let bit = prop_oneof![3 => select(YAML_BITS).prop_map(str::to_string), 1 => fragment()];
    prop_oneof![
        4 => (any::<Index>(), bit).prop_map(|(i, s)| Mutation::Insert(i, s)),
        2 => (any::<Index>(), 1..40usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn char_boundary(text: &str, i: &Index) -> usize {
    let bounds: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
    bounds[i.index(bounds.len())]
}

fn mutate(seed: &str, mutations: &[Mutation]) -> String {
    let mut text = seed.to_string();
    for m in mutations {
        match m {
            Mutation::Insert(i, s) => text.insert_str(char_boundary(&text, i), s),
            Mutation::Delete(i, n) => {
                let start = char_boundary(&text, i);
                let end = text[start..].char_indices().nth(*n).map_or(text.len(), |(b, _)| start + b);
                text.replace_range(start..end, "");
            }
            Mutation::DuplicateLine(i) => {
                let mut lines: Vec<&str> = text.split('\n').collect();
                let at = i.index(lines.len());
                lines.insert(at, lines[at]);
                text = lines.join("\n");
            }
            Mutation::SwapLines(a, b) => {
                let mut lines: Vec<&str> = text.split('\n').collect();
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
                text = lines.join("\n");
            }
            Mutation::Truncate(i) => text.truncate(char_boundary(&text, i)),
        }
    }
    text
}

#[test]
fn the_profile_loader_never_panics_on_the_corpus() {
    let files = corpus();
    assert!(files.len() >= 20, "fuzz/corpus/profile_loader holds the seeds: {}", files.len());
    let mut deep = vec![
        ("deep flow nesting".to_string(), "[".repeat(5_000)),
        ("deep block nesting".to_string(), (0..300).map(|i| format!("{}a:\n", "  ".repeat(i))).collect()),
        ("alias bomb".to_string(), {
            let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 1..10 {
                let p = i - 1;
                t.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
            }
            t + "id: *a9\n"
        }),
        ("empty".to_string(), String::new()),
        ("bom only".to_string(), "\u{FEFF}".to_string()),
    ];
    deep.extend(files);
    let panics: Vec<String> = deep
        .iter()
        .filter_map(|(name, text)| parse_without_panic(text).err().map(|why| format!("{name}: {why}")))
        .collect();
    assert!(panics.is_empty(), "{}", panics.join("\n"));
}

#[test]
fn the_profile_loader_never_panics_on_mutated_profiles() {
    let seeds: Vec<String> = corpus().into_iter().map(|(_, text)| text).collect();
    let strategy = (select(seeds), prop::collection::vec(mutation(), 1..8));
    let mut runner = TestRunner::new(config(cases(1000, 4.0)));
    let result = runner.run(&strategy, |(seed, mutations)| {
        let text = mutate(&seed, &mutations);
        parse_without_panic(&text).map_err(|why| TestCaseError::fail(format!("panicked ({why}) on {text:?}")))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Nothing leaves the machine

/// How to enter a new network namespace here, or `None` (then the test is skipped).
/// The namespace must hold no interface but loopback (`/proc/net/dev` is per namespace).
fn unshare_prefix() -> Option<Vec<&'static str>> {
    for prefix in [vec!["unshare", "-n"], vec!["unshare", "-rn"]] {
        let Ok(out) = Command::new(prefix[0]).args(&prefix[1..]).args(["cat", "/proc/net/dev"]).output() else {
            continue;
        };
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let interfaces: Vec<&str> = text.lines().skip(2).filter_map(|l| l.split(':').next()).map(str::trim).collect();
        if out.status.success() && interfaces.iter().all(|i| *i == "lo") {
            return Some(prefix);
        }
    }
    None
}

/// (stdout, stderr, exit code, files written) of one run, with `dir` standing for the output
/// folder so two runs compare.
fn run_offline(prefix: Option<&[&str]>, args: &[String], dir: &Path) -> (String, String, Option<i32>, Vec<String>) {
    let exe = env!("CARGO_BIN_EXE_m365-runbook");
    let mut cmd = match prefix {
        Some(p) => {
            let mut c = Command::new(p[0]);
            c.args(&p[1..]).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    let template = bin();
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let out = cmd.args(args).current_dir(dir).output().expect("runs");
    let shown = dir.display().to_string();
    let mut files = Vec::new();
    let out_dir = dir.join("out");
    if out_dir.exists() {
        for (rel, text) in crate::common::read_tree(&out_dir) {
            files.push(format!("{rel}\n{text}"));
        }
        std::fs::remove_dir_all(&out_dir).expect("clean");
    }
    (
        String::from_utf8_lossy(&out.stdout).replace(&shown, "DIR"),
        String::from_utf8_lossy(&out.stderr).replace(&shown, "DIR"),
        out.status.code(),
        files,
    )
}

/// The subcommands `--help` lists (so commands added later are covered at least by `--help`).
fn subcommands() -> Vec<String> {
    let out = bin().arg("--help").output().expect("help");
    let help = String::from_utf8_lossy(&out.stdout).to_string();
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_behaves_the_same_without_a_network() {
    let Some(prefix) = unshare_prefix() else {
        eprintln!("skipped: cannot create a network namespace here (unshare -n / unshare -rn)");
        return;
    };
    let mut runs: Vec<Vec<String>> = [
        vec!["list"],
        vec!["list", "--format", "json"],
        vec!["show", "kodo"],
        vec!["show", "corso-2022-10", "--format", "json"],
        vec!["render", "kodo", "--tenant", "contoso", "--out", "out/k"],
        vec!["render", "corso", "--tenant", "fabrikam", "--credential", "certificate", "--format", "json"],
        vec!["render", "corso", "--tenant", "Contoso"],
        vec!["show", "nope"],
    ]
    .iter()
    .map(|a| a.iter().map(|s| s.to_string()).collect())
    .collect();
    for command in subcommands() {
        runs.push(vec![command, "--help".into()]);
    }
    let dir = tempfile::tempdir().expect("tmp");
    let mut differences = Vec::new();
    for args in &runs {
        let online = run_offline(None, args, dir.path());
        let offline = run_offline(Some(&prefix), args, dir.path());
        if online != offline {
            differences.push(format!("{args:?}:\n  with network: {online:?}\n  without:      {offline:?}"));
        }
    }
    assert!(runs.len() >= 10, "{runs:?}");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn no_http_client_is_linked() {
    let lock = std::fs::read_to_string(repo().join("Cargo.lock")).expect("Cargo.lock");
    let names: Vec<&str> =
        lock.lines().filter_map(|l| l.strip_prefix("name = \"")).filter_map(|l| l.strip_suffix('"')).collect();
    assert!(names.contains(&"serde_json"), "Cargo.lock was read: {names:?}");
    let clients = ["reqwest", "hyper", "ureq", "curl", "curl-sys", "isahc", "attohttpc", "surf", "http-client"];
    let found: Vec<&&str> = names.iter().filter(|n| clients.contains(n)).collect();
    assert!(found.is_empty(), "HTTP client crates in Cargo.lock: {found:?}");
}
