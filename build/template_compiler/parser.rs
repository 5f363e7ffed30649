//! Reads the lexer's items into a tree, with tera 2.4's grammar and operator binding powers
//! (`tera/src/parsing/parser.rs`: `binary_binding_power`, `unary_binding_power`, the `loop.*`
//! rewrite). Only the part of the language the built-in templates use is read; the rest is an
//! [`Unsupported`] error naming what was found.

use super::Unsupported;
use super::lexer::{Item, Tok};

#[derive(Debug)]
pub enum Node {
    Text(String),
    Write(Expr),
    /// `if`/`elif` branches, then the `else` body (empty when there is none).
    If(Vec<(Expr, Vec<Node>)>, Vec<Node>),
    /// A `for`, and its `else` body for when there is nothing to walk.
    For {
        var: String,
        iter: Expr,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    Set {
        name: String,
        value: Expr,
        global: bool,
    },
    Include(String),
}

#[derive(Debug)]
pub enum Expr {
    Str(String),
    Int(i64),
    Bool(bool),
    Var(String),
    Attr(Box<Expr>, String),
    Not(Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Filter(Box<Expr>, String),
}

/// tera's limits (`tera/src/parsing/parser.rs`): how deep bodies and expressions may nest, and
/// how many operators and fields one expression may hold. A template past them is refused, as
/// tera refuses to load it; the counts below follow tera's own.
const MAX_DEPTH: usize = 40;
const MAX_COMPLEXITY: usize = 256;

/// tera's reserved names; those the grammar below does not give a meaning to are refused.
const RESERVED: [&str; 16] = [
    "true", "True", "false", "False", "loop", "self", "and", "or", "not", "is", "in", "continue", "break", "none",
    "None", "null",
];

pub fn parse(items: Vec<Item>) -> Result<Vec<Node>, Unsupported> {
    let mut p = Parser { items: items.into_iter().collect::<Vec<_>>().into_iter().rev().collect(), loops: 0, depth: 0 };
    let (nodes, end) = p.nodes()?;
    match end {
        None => Ok(nodes),
        Some(tag) => Err(Unsupported::new(format!("`{{% {tag} %}}` with nothing open"))),
    }
}

/// A closing tag (`elif`, `else`, `endif`, `endfor`) and the tokens after its name.
type Closing = (String, Vec<Tok>);

struct Parser {
    /// The items still to read, last first.
    items: Vec<Item>,
    /// How many `for` bodies enclose the position (for `loop.*`).
    loops: usize,
    /// How many bodies are being read (tera's `nesting_depth`).
    depth: usize,
}

impl Parser {
    /// Nodes up to the end of the input or to a closing tag (`elif`, `else`, `endif`,
    /// `endfor`), which is returned with its tokens.
    fn nodes(&mut self) -> Result<(Vec<Node>, Option<String>), Unsupported> {
        self.nodes_until().map(|(n, end)| (n, end.map(|(tag, _)| tag)))
    }

    fn nodes_until(&mut self) -> Result<(Vec<Node>, Option<Closing>), Unsupported> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsupported::new("bodies nested deeper than tera allows"));
        }
        let read = self.nodes_until_inner();
        self.depth -= 1;
        read
    }

    fn nodes_until_inner(&mut self) -> Result<(Vec<Node>, Option<Closing>), Unsupported> {
        let mut nodes = Vec::new();
        while let Some(item) = self.items.pop() {
            match item {
                Item::Text(t) => nodes.push(Node::Text(t)),
                Item::Var(toks) => nodes.push(Node::Write(self.whole_expr(toks)?)),
                Item::Tag(toks) => {
                    let mut toks: Vec<Tok> = toks.into_iter().rev().collect();
                    let word = match toks.pop() {
                        Some(Tok::Ident(w)) => w,
                        other => return Err(Unsupported::new(format!("a tag starting with {other:?}"))),
                    };
                    match word.as_str() {
                        "elif" | "else" | "endif" | "endfor" => return Ok((nodes, Some((word, toks)))),
                        "if" => nodes.push(self.if_tag(toks)?),
                        "for" => nodes.push(self.for_tag(toks)?),
                        "set" | "set_global" => {
                            let name = ident(toks.pop())?;
                            expect(toks.pop(), Tok::Op("="))?;
                            let value = self.whole_expr(toks.into_iter().rev().collect())?;
                            nodes.push(Node::Set { name, value, global: word == "set_global" });
                        }
                        "include" => match (toks.pop(), toks.pop()) {
                            (Some(Tok::Str(name)), None) => nodes.push(Node::Include(name)),
                            _ => return Err(Unsupported::new("an include of anything but one string")),
                        },
                        other => return Err(Unsupported::new(format!("the tag `{other}`"))),
                    }
                }
            }
        }
        Ok((nodes, None))
    }

    fn if_tag(&mut self, toks: Vec<Tok>) -> Result<Node, Unsupported> {
        let mut branches = Vec::new();
        let mut cond = self.whole_expr(toks.into_iter().rev().collect())?;
        loop {
            let (body, end) = self.nodes_until()?;
            match end {
                Some((tag, toks)) if tag == "elif" => {
                    branches.push((cond, body));
                    cond = self.whole_expr(toks.into_iter().rev().collect())?;
                }
                Some((tag, toks)) if tag == "else" && toks.is_empty() => {
                    branches.push((cond, body));
                    let (otherwise, end) = self.nodes_until()?;
                    return match end {
                        Some((tag, toks)) if tag == "endif" && toks.is_empty() => Ok(Node::If(branches, otherwise)),
                        _ => Err(Unsupported::new("an `else` not closed by `endif`")),
                    };
                }
                Some((tag, toks)) if tag == "endif" && toks.is_empty() => {
                    branches.push((cond, body));
                    return Ok(Node::If(branches, Vec::new()));
                }
                _ => return Err(Unsupported::new("an `if` not closed by `endif`")),
            }
        }
    }

    fn for_tag(&mut self, mut toks: Vec<Tok>) -> Result<Node, Unsupported> {
        let var = ident(toks.pop())?;
        expect(toks.pop(), Tok::Ident("in".into()))?;
        // tera enters the loop before it reads the target: `loop.*` there is this loop's
        // (which does not exist yet when the target is evaluated), not a variable `loop`.
        self.loops += 1;
        let iter = self.whole_expr(toks.into_iter().rev().collect())?;
        let (body, end) = self.nodes_until()?;
        // The `else` body is outside the loop, as in tera (no `loop.*` of this loop there).
        self.loops -= 1;
        let otherwise = match end {
            Some((tag, toks)) if tag == "else" && toks.is_empty() => match self.nodes_until()? {
                (otherwise, Some((tag, toks))) if tag == "endfor" && toks.is_empty() => otherwise,
                _ => return Err(Unsupported::new("a `for` whose `else` is not closed by `endfor`")),
            },
            Some((tag, toks)) if tag == "endfor" && toks.is_empty() => Vec::new(),
            _ => return Err(Unsupported::new("a `for` not closed by `endfor`")),
        };
        Ok(Node::For { var, iter, body, otherwise })
    }

    /// An expression that takes every token given.
    fn whole_expr(&self, toks: Vec<Tok>) -> Result<Expr, Unsupported> {
        let mut e = Exprs { toks: toks.into_iter().rev().collect(), in_loop: self.loops > 0, depth: 0, complexity: 0 };
        let expr = e.expr(0)?;
        match e.toks.pop() {
            None => Ok(expr),
            Some(t) => Err(Unsupported::new(format!("{t:?} after an expression"))),
        }
    }
}

/// tera's `__tera_context` gives the whole context (and `__tera_loop_*` are its names for
/// `loop.*`): a name of its own prefix is refused in a template.
fn tera_internal(name: &str) -> bool {
    name.starts_with("__tera_")
}

fn ident(t: Option<Tok>) -> Result<String, Unsupported> {
    match t {
        Some(Tok::Ident(name)) if !RESERVED.contains(&name.as_str()) && !tera_internal(&name) => Ok(name),
        other => Err(Unsupported::new(format!("{other:?} where a name belongs"))),
    }
}

fn expect(t: Option<Tok>, want: Tok) -> Result<(), Unsupported> {
    if t.as_ref() == Some(&want) { Ok(()) } else { Err(Unsupported::new(format!("{t:?} where {want:?} belongs"))) }
}

struct Exprs {
    /// Tokens still to read, last first.
    toks: Vec<Tok>,
    in_loop: bool,
    /// tera's `recursion_depth`: one per `expr` being read.
    depth: usize,
    /// tera's `expression_complexity`: one per operator, filter and `.field`.
    complexity: usize,
}

/// tera's binding powers: (left, right).
fn binding(t: &Tok) -> Option<(&'static str, u8, u8)> {
    Some(match t {
        Tok::Ident(w) if w == "or" => ("or", 1, 2),
        Tok::Ident(w) if w == "and" => ("and", 3, 4),
        Tok::Op(op @ ("==" | "!=" | "<" | "<=" | ">" | ">=")) => (op, 7, 8),
        Tok::Op(op @ ("+" | "-")) => (op, 11, 12),
        Tok::Op("~") => ("~", 13, 14),
        Tok::Op("|") => ("|", 17, 18),
        _ => return None,
    })
}

impl Exprs {
    fn peek(&self) -> Option<&Tok> {
        self.toks.last()
    }

    fn expr(&mut self, min_bp: u8) -> Result<Expr, Unsupported> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsupported::new("an expression nested deeper than tera allows"));
        }
        let e = self.expr_inner(min_bp);
        self.depth -= 1;
        e
    }

    /// One more operator, filter or field.
    fn bump(&mut self) -> Result<(), Unsupported> {
        self.complexity += 1;
        if self.complexity > MAX_COMPLEXITY {
            return Err(Unsupported::new("an expression more complex than tera allows"));
        }
        Ok(())
    }

    fn expr_inner(&mut self, min_bp: u8) -> Result<Expr, Unsupported> {
        let mut lhs = self.primary()?;
        while let Some(next) = self.peek() {
            if matches!(next, Tok::Op(")")) {
                break;
            }
            let Some((op, l_bp, r_bp)) = binding(next) else {
                return Err(Unsupported::new(format!("the operator {next:?}")));
            };
            if l_bp < min_bp {
                break;
            }
            self.bump()?;
            self.toks.pop();
            if op == "|" {
                let name = ident(self.toks.pop())?;
                if matches!(self.peek(), Some(Tok::Op("("))) {
                    return Err(Unsupported::new("a filter with arguments"));
                }
                lhs = Expr::Filter(Box::new(lhs), name);
                continue;
            }
            let rhs = self.expr(r_bp)?;
            // tera: "`not` is not allowed after `~`" (parenthesised or not).
            if op == "~" && matches!(rhs, Expr::Not(_)) {
                return Err(Unsupported::new("`not` after `~`"));
            }
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn primary(&mut self) -> Result<Expr, Unsupported> {
        match self.toks.pop() {
            Some(Tok::Op("(")) => {
                let e = self.expr(0)?;
                expect(self.toks.pop(), Tok::Op(")"))?;
                Ok(e)
            }
            Some(Tok::Ident(w)) if w == "not" => {
                // tera: "`-` and `not` cannot be used consecutively".
                if matches!(self.peek(), Some(Tok::Ident(w)) if w == "not") || matches!(self.peek(), Some(Tok::Op("-")))
                {
                    return Err(Unsupported::new("`not` followed by `not` or `-`"));
                }
                Ok(Expr::Not(Box::new(self.expr(5)?)))
            }
            Some(Tok::Str(s)) => Ok(Expr::Str(s)),
            Some(Tok::Int(n)) => Ok(Expr::Int(n)),
            Some(Tok::Bool(b)) => Ok(Expr::Bool(b)),
            Some(Tok::Ident(name)) if name == "loop" && self.in_loop => {
                self.bump()?;
                expect(self.toks.pop(), Tok::Op("."))?;
                let field = match self.toks.pop() {
                    Some(Tok::Ident(f)) if ["index", "index0", "first", "last", "length"].contains(&f.as_str()) => f,
                    other => return Err(Unsupported::new(format!("`loop.{other:?}`"))),
                };
                if matches!(self.peek(), Some(Tok::Op("." | "("))) {
                    return Err(Unsupported::new("a field of a `loop` field"));
                }
                Ok(Expr::Var(format!("__tera_loop_{field}")))
            }
            Some(Tok::Ident(name)) if tera_internal(&name) => Err(Unsupported::new(format!("the name `{name}`"))),
            Some(Tok::Ident(name)) if !RESERVED.contains(&name.as_str()) || name == "loop" => {
                let mut e = Expr::Var(name);
                loop {
                    match self.peek() {
                        Some(Tok::Op(".")) => {
                            self.bump()?;
                            self.toks.pop();
                            match self.toks.pop() {
                                Some(Tok::Ident(attr)) => e = Expr::Attr(Box::new(e), attr),
                                other => return Err(Unsupported::new(format!("{other:?} after a `.`"))),
                            }
                        }
                        Some(Tok::Op("(")) => return Err(Unsupported::new("a function call")),
                        _ => return Ok(e),
                    }
                }
            }
            other => Err(Unsupported::new(format!("{other:?} where a value belongs"))),
        }
    }
}
