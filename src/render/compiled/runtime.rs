//! What the compiled templates call: tera 2.4's run-time rules, as its virtual machine applies
//! them (`tera/src/vm/state.rs`, `interpreter.rs`, `for_loop.rs`), for the part of the language
//! the compiler reads. Where tera would fail, or where a value is of a kind these functions do
//! not handle, they give [`Unsupported`] and the template is rendered by tera instead, which then
//! gives its own output or error: a compiled template writes tera's text or nothing.

use std::cmp::Ordering;

use tera::{Context, Value};

use crate::render::filters;

/// A compiled template could not finish; tera renders it instead.
#[derive(Debug)]
pub struct Unsupported;

/// A compiled template: writes to `out` in `st`.
pub type Render = fn(&mut State<'_>, &mut String) -> Result<(), Unsupported>;

/// The variables a template sees, looked up as tera's `State::get_value` does: the enclosing
/// loops innermost first (what `set` stored in them, then their variable), the template's own
/// `set` variables, the including template's variables, then the context.
pub struct State<'a> {
    context: &'a Context,
    parent: Option<&'a State<'a>>,
    loops: Vec<Loop>,
    sets: Vec<(&'static str, Value)>,
}

struct Loop {
    var: &'static str,
    value: Value,
    index0: usize,
    length: usize,
    started: bool,
    /// `set` inside the loop: cleared at each new item, as tera does.
    sets: Vec<(&'static str, Value)>,
}

fn put(list: &mut Vec<(&'static str, Value)>, name: &'static str, v: Value) {
    match list.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = v,
        None => list.push((name, v)),
    }
}

impl<'a> State<'a> {
    pub fn new(context: &'a Context) -> Self {
        State { context, parent: None, loops: Vec::new(), sets: Vec::new() }
    }

    /// The state of a template included from this one.
    pub fn child(&self) -> State<'_> {
        State { context: self.context, parent: Some(self), loops: Vec::new(), sets: Vec::new() }
    }

    pub fn get(&self, name: &str) -> Value {
        for l in self.loops.iter().rev() {
            if let Some(v) = l.get(name) {
                return v;
            }
        }
        if let Some((_, v)) = self.sets.iter().find(|(n, _)| *n == name) {
            return v.clone();
        }
        if let Some(parent) = self.parent {
            let v = parent.get(name);
            if !v.is_undefined() {
                return v;
            }
        }
        self.context.get(name).cloned().unwrap_or_else(Value::undefined)
    }

    /// `{% set %}`: in the innermost loop, or for the template.
    pub fn set(&mut self, name: &'static str, v: Value) {
        match self.loops.last_mut() {
            Some(l) => put(&mut l.sets, name, v),
            None => put(&mut self.sets, name, v),
        }
    }

    /// `{% set_global %}`.
    pub fn set_global(&mut self, name: &'static str, v: Value) {
        put(&mut self.sets, name, v);
    }

    pub fn start_loop(&mut self, var: &'static str, length: usize) {
        self.loops.push(Loop { var, value: Value::undefined(), index0: 0, length, started: false, sets: Vec::new() });
    }

    pub fn next_item(&mut self, item: Value) {
        if let Some(l) = self.loops.last_mut() {
            if l.started {
                l.index0 += 1;
                l.sets.clear();
            }
            l.started = true;
            l.value = item;
        }
    }

    pub fn end_loop(&mut self) {
        self.loops.pop();
    }
}

impl Loop {
    fn get(&self, name: &str) -> Option<Value> {
        Some(match name {
            "__tera_loop_index" => Value::from((self.index0 + 1) as u64),
            "__tera_loop_index0" => Value::from(self.index0 as u64),
            "__tera_loop_first" => Value::from(self.index0 == 0),
            "__tera_loop_last" => Value::from(self.index0 + 1 == self.length),
            "__tera_loop_length" => Value::from(self.length as u64),
            _ => {
                if let Some((_, v)) = self.sets.iter().find(|(n, _)| *n == name) {
                    return Some(v.clone());
                }
                if self.var == name {
                    return Some(self.value.clone());
                }
                return None;
            }
        })
    }
}

/// `base.name`: an error on an undefined base; undefined when the base has no such field or is
/// no map.
pub fn attr(base: Value, name: &str) -> Result<Value, Unsupported> {
    if base.is_undefined() {
        return Err(Unsupported);
    }
    if base.is_none() {
        return Ok(Value::undefined());
    }
    Ok(base.get_from_path(name).cloned().unwrap_or_else(Value::undefined))
}

/// `{{ v }}`: an error when undefined; strings as they are, other values as tera prints them.
/// (The built-ins write every value through a filter, [`write_filtered`], today.)
#[allow(dead_code)]
pub fn write(out: &mut String, v: &Value) -> Result<(), Unsupported> {
    if v.is_undefined() {
        return Err(Unsupported);
    }
    match v.as_str() {
        Some(s) => out.push_str(s),
        None => out.push_str(&v.to_string()),
    }
    Ok(())
}

/// The items a `for` walks: only a list is walked here (tera also walks maps, strings and bytes).
pub fn items(v: &Value) -> Result<&[Value], Unsupported> {
    v.as_array().ok_or(Unsupported)
}

/// `a < b` and the like: an error where tera cannot compare.
pub fn order(a: &Value, b: &Value) -> Result<Ordering, Unsupported> {
    a.partial_cmp(b).ok_or(Unsupported)
}

/// `a + b` on integers that fit an `i64` (tera widens or fails otherwise).
pub fn add(a: &Value, b: &Value) -> Result<Value, Unsupported> {
    integers(a, b).and_then(|(a, b)| a.checked_add(b)).map(Value::from).ok_or(Unsupported)
}

/// `a - b` on integers that fit an `i64` (the compiler writes it for `-`; no built-in template
/// subtracts today).
#[allow(dead_code)]
pub fn sub(a: &Value, b: &Value) -> Result<Value, Unsupported> {
    integers(a, b).and_then(|(a, b)| a.checked_sub(b)).map(Value::from).ok_or(Unsupported)
}

fn integers(a: &Value, b: &Value) -> Option<(i64, i64)> {
    if a.is_f64() || b.is_f64() {
        return None;
    }
    Some((a.as_i64()?, b.as_i64()?))
}

/// `a ~ b`: the two texts, as tera prints them.
pub fn concat(a: &Value, b: &Value) -> Value {
    Value::from(format!("{a}{b}"))
}

/// `v | name`, with the flavour the template sees.
pub fn filter(st: &State<'_>, name: &str, v: &Value) -> Result<Value, Unsupported> {
    filtered(st, name, v).map(Value::from)
}

/// `{{ v | name }}`: [`filter`] written out.
pub fn write_filtered(out: &mut String, st: &State<'_>, name: &str, v: &Value) -> Result<(), Unsupported> {
    out.push_str(&filtered(st, name, v)?);
    Ok(())
}

/// The text of `v | name`: one of the quoting filters, or one of tera's own that the built-ins
/// use (`lower`: `tera/src/filters.rs`, strings only).
fn filtered(st: &State<'_>, name: &str, v: &Value) -> Result<String, Unsupported> {
    if name == "lower" {
        return v.as_str().map(str::to_lowercase).ok_or(Unsupported);
    }
    let f = filters::find(name).ok_or(Unsupported)?;
    let gitbook = f.reads_flavor && filters::is_gitbook_flavor(&st.get("flavor"));
    (f.apply)(v, gitbook).map_err(|_| Unsupported)
}
