//! Compiles the built-in templates (`templates/*.tera`) into Rust at build time, so that a
//! render pays nothing to parse them: tera compiled them from text at every start, half the
//! instructions of a single render. The Rust follows tera 2.4's rules for the part of its
//! language the built-ins use (lexer.rs, parser.rs); a template using anything else is not
//! compiled and renders with tera, as do all templates when `--templates` replaces any.
//! `src/render/compiled` runs the functions; its tests and the golden bundles hold the output
//! equal to tera's.

#[path = "template_compiler/emit.rs"]
mod emit;
#[path = "template_compiler/lexer.rs"]
mod lexer;
#[path = "template_compiler/parser.rs"]
mod parser;

use std::collections::{BTreeMap, BTreeSet};

/// Why a template is left to tera.
#[derive(Debug, Clone)]
pub struct Unsupported(pub String);

impl Unsupported {
    pub fn new(what: impl Into<String>) -> Self {
        Unsupported(what.into())
    }
}

/// Rust source for `templates` (name, text): one function per template that compiles, a table
/// `COMPILED` of them by name, and `NOT_COMPILED` with the reason for each of the others.
/// `filters` are the filters the compiled code can apply (`src/render/filter_names.rs`).
pub fn compile(templates: &[(String, String)], filters: &[&str]) -> String {
    let mut parsed: BTreeMap<&str, Vec<parser::Node>> = BTreeMap::new();
    let mut refused: BTreeMap<&str, String> = BTreeMap::new();
    let mut names = BTreeSet::new();
    for (name, text) in templates {
        let fname = emit::function_name(name);
        if !names.insert(fname) {
            refused.insert(name, "its function name is taken by another template's".into());
            continue;
        }
        match lexer::lex(text).and_then(parser::parse) {
            // tera refuses to load a template naming a filter it does not know; the others
            // would give way to tera at every render.
            Ok(nodes) => match filters_used(&nodes).into_iter().find(|f| !filters.contains(&f.as_str())) {
                Some(f) => {
                    refused.insert(name, format!("the filter `{f}`"));
                }
                None => {
                    parsed.insert(name, nodes);
                }
            },
            Err(Unsupported(why)) => {
                refused.insert(name, why);
            }
        }
    }
    // tera refuses to load a template that includes itself, directly or not.
    let graph: BTreeMap<String, Vec<String>> =
        parsed.iter().map(|(name, nodes)| (name.to_string(), includes(nodes))).collect();
    let cyclic: Vec<&str> =
        parsed.keys().copied().filter(|name| reaches(&graph, name, name, &mut BTreeSet::new())).collect();
    for name in cyclic {
        parsed.remove(name);
        refused.insert(name, "it includes itself".into());
    }
    // A template is compiled only with every template it includes.
    loop {
        let lacking: Vec<(&str, String)> = parsed
            .iter()
            .filter_map(|(name, nodes)| {
                includes(nodes).into_iter().find(|i| !parsed.contains_key(i.as_str())).map(|i| (*name, i))
            })
            .collect();
        if lacking.is_empty() {
            break;
        }
        for (name, include) in lacking {
            parsed.remove(name);
            refused.insert(name, format!("it includes `{include}`, which is not compiled"));
        }
    }
    let mut out = String::new();
    for (name, nodes) in &parsed {
        out.push_str(&emit::function(name, nodes));
    }
    out.push_str("/// The compiled templates, by name.\npub static COMPILED: &[(&str, Render)] = &[\n");
    for name in parsed.keys() {
        out.push_str(&format!("    ({name:?}, {}),\n", emit::function_name(name)));
    }
    out.push_str(
        "];\n\n/// The templates left to tera, with the reason.\npub static NOT_COMPILED: &[(&str, &str)] = &[\n",
    );
    for (name, why) in &refused {
        out.push_str(&format!("    ({name:?}, {why:?}),\n"));
    }
    out.push_str("];\n");
    out
}

/// Whether `from` includes `to`, directly or through others (`seen`: those already walked).
fn reaches(graph: &BTreeMap<String, Vec<String>>, from: &str, to: &str, seen: &mut BTreeSet<String>) -> bool {
    for next in graph.get(from).into_iter().flatten() {
        if next == to {
            return true;
        }
        if seen.insert(next.clone()) && reaches(graph, next, to, seen) {
            return true;
        }
    }
    false
}

/// The filters `nodes` apply.
fn filters_used(nodes: &[parser::Node]) -> Vec<String> {
    fn expr(e: &parser::Expr, found: &mut Vec<String>) {
        use parser::Expr;
        match e {
            Expr::Str(_) | Expr::Int(_) | Expr::Bool(_) | Expr::Var(_) => {}
            Expr::Attr(base, _) | Expr::Not(base) => expr(base, found),
            Expr::Bin(_, a, b) => {
                expr(a, found);
                expr(b, found);
            }
            Expr::Filter(v, name) => {
                expr(v, found);
                found.push(name.clone());
            }
        }
    }
    let mut found = Vec::new();
    for node in nodes {
        match node {
            parser::Node::Text(_) | parser::Node::Include(_) => {}
            parser::Node::Write(e) | parser::Node::Set { value: e, .. } => expr(e, &mut found),
            parser::Node::If(branches, otherwise) => {
                for (c, body) in branches {
                    expr(c, &mut found);
                    found.extend(filters_used(body));
                }
                found.extend(filters_used(otherwise));
            }
            parser::Node::For { iter, body, otherwise, .. } => {
                expr(iter, &mut found);
                found.extend(filters_used(body));
                found.extend(filters_used(otherwise));
            }
        }
    }
    found
}

fn includes(nodes: &[parser::Node]) -> Vec<String> {
    let mut found = Vec::new();
    for node in nodes {
        match node {
            parser::Node::Include(name) => found.push(name.clone()),
            parser::Node::If(branches, otherwise) => {
                for (_, body) in branches {
                    found.extend(includes(body));
                }
                found.extend(includes(otherwise));
            }
            parser::Node::For { body, otherwise, .. } => {
                found.extend(includes(body));
                found.extend(includes(otherwise));
            }
            _ => {}
        }
    }
    found
}
