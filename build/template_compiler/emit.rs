//! Writes a parsed template as a Rust function over `crate::render::compiled::runtime`, which
//! holds tera 2.4's run-time rules (scopes, truthiness, attribute access, loops).

use std::fmt::Write as _;

use super::parser::{Expr, Node};

/// The Rust name of the function that renders `template`.
pub fn function_name(template: &str) -> String {
    let mut name = String::from("t_");
    name.extend(template.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }));
    name
}

pub fn function(template: &str, nodes: &[Node]) -> String {
    let mut out = String::new();
    writeln!(out, "/// `{template}`").unwrap();
    writeln!(out, "fn {}(st: &mut State<'_>, out: &mut String) -> Result<(), Unsupported> {{", function_name(template))
        .unwrap();
    body(&mut out, nodes);
    out.push_str("Ok(())\n}\n\n");
    out
}

fn body(out: &mut String, nodes: &[Node]) {
    for node in nodes {
        match node {
            Node::Text(t) => writeln!(out, "out.push_str({t:?});").unwrap(),
            // A filter's text goes straight to the output, not through a value.
            Node::Write(Expr::Filter(v, name)) => {
                writeln!(out, "runtime::write_filtered(out, st, {name:?}, &{})?;", value(v)).unwrap()
            }
            Node::Write(e) => writeln!(out, "runtime::write(out, &{})?;", value(e)).unwrap(),
            Node::If(branches, otherwise) => {
                for (i, (c, nodes)) in branches.iter().enumerate() {
                    if i > 0 {
                        out.push_str("} else ");
                    }
                    writeln!(out, "if {} {{", cond(c)).unwrap();
                    body(out, nodes);
                }
                if !otherwise.is_empty() {
                    out.push_str("} else {\n");
                    body(out, otherwise);
                }
                out.push_str("}\n");
            }
            Node::For { var, iter, body: nodes, otherwise } => {
                writeln!(out, "{{\nlet container = {};", value(iter)).unwrap();
                out.push_str("let items = runtime::items(&container)?;\n");
                writeln!(out, "st.start_loop({var:?}, items.len());").unwrap();
                out.push_str("for item in items {\nst.next_item(item.clone());\n");
                body(out, nodes);
                out.push_str("}\nst.end_loop();\n");
                if !otherwise.is_empty() {
                    out.push_str("if items.is_empty() {\n");
                    body(out, otherwise);
                    out.push_str("}\n");
                }
                out.push_str("}\n");
            }
            Node::Set { name, value: v, global } => {
                let how = if *global { "set_global" } else { "set" };
                writeln!(out, "{{\nlet v = {};\nst.{how}({name:?}, v);\n}}", value(v)).unwrap();
            }
            Node::Include(name) => {
                writeln!(out, "{}(&mut st.child(), out)?;", function_name(name)).unwrap();
            }
        }
    }
}

/// A Rust expression of type `tera::Value`.
fn value(e: &Expr) -> String {
    match e {
        Expr::Str(s) => format!("Value::from({s:?})"),
        Expr::Int(n) => format!("Value::from({n}i64)"),
        Expr::Bool(b) => format!("Value::from({b})"),
        Expr::Var(name) => format!("st.get({name:?})"),
        Expr::Attr(base, attr) => format!("runtime::attr({}, {attr:?})?", value(base)),
        Expr::Not(_) => format!("Value::from({})", cond(e)),
        Expr::Filter(v, name) => format!("runtime::filter(st, {name:?}, &{})?", value(v)),
        // `and`/`or` give one of their operands, as tera's jumps do.
        Expr::Bin("and", a, b) => {
            format!("{{ let l = {}; if l.is_truthy() {{ {} }} else {{ l }} }}", value(a), value(b))
        }
        Expr::Bin("or", a, b) => {
            format!("{{ let l = {}; if l.is_truthy() {{ l }} else {{ {} }} }}", value(a), value(b))
        }
        Expr::Bin("+", a, b) => format!("runtime::add(&{}, &{})?", value(a), value(b)),
        Expr::Bin("-", a, b) => format!("runtime::sub(&{}, &{})?", value(a), value(b)),
        Expr::Bin("~", a, b) => format!("runtime::concat(&{}, &{})", value(a), value(b)),
        Expr::Bin(_, _, _) => format!("Value::from({})", cond(e)),
    }
}

/// A Rust expression of type `bool`: the truthiness of `e`.
fn cond(e: &Expr) -> String {
    match e {
        Expr::Not(inner) => format!("!({})", cond(inner)),
        Expr::Bin("and", a, b) => format!("({} && {})", cond(a), cond(b)),
        Expr::Bin("or", a, b) => format!("({} || {})", cond(a), cond(b)),
        Expr::Bin("==", a, b) => format!("({} == {})", value(a), value(b)),
        Expr::Bin("!=", a, b) => format!("({} != {})", value(a), value(b)),
        Expr::Bin(op @ ("<" | "<=" | ">" | ">="), a, b) => {
            let test = match *op {
                "<" => "is_lt",
                "<=" => "is_le",
                ">" => "is_gt",
                _ => "is_ge",
            };
            format!("runtime::order(&{}, &{})?.{test}()", value(a), value(b))
        }
        _ => format!("{}.is_truthy()", value(e)),
    }
}
