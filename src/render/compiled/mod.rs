//! The built-in templates as Rust functions, compiled from `templates/*.tera` at build time by
//! `build/template_compiler.rs`: a render then parses no template text (tera compiled them from
//! text at every start, about half the instructions of a single render). [`Templates`] uses
//! them when no `--templates` file replaces a built-in; a template the compiler does not read,
//! or one that meets a value the compiled code does not handle, renders with tera instead.
//!
//! [`Templates`]: super::Templates

mod runtime;

use std::cell::Cell;

pub use runtime::{Render, State, Unsupported};

#[allow(unused_variables, unused_braces, unused_parens, non_snake_case, clippy::all, clippy::pedantic)]
mod generated {
    use super::runtime::{self, Render, State, Unsupported};
    use tera::Value;

    include!(concat!(env!("OUT_DIR"), "/compiled_templates.rs"));
}

/// The compiled function of the built-in template `name`, if it compiled.
pub fn find(name: &str) -> Option<Render> {
    generated::COMPILED.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The built-in templates left to tera, each with the reason.
pub fn not_compiled() -> &'static [(&'static str, &'static str)] {
    generated::NOT_COMPILED
}

/// Renders with a compiled template, or says it could not; `capacity` is a guess at the size.
pub fn render(template: Render, context: &tera::Context, capacity: usize) -> Result<String, Unsupported> {
    let mut out = String::with_capacity(capacity);
    template(&mut State::new(context), &mut out)?;
    Ok(out)
}

thread_local! {
    static FALLBACKS: Cell<usize> = const { Cell::new(0) };
}

/// Notes that a compiled template gave way to tera.
pub fn note_fallback() {
    FALLBACKS.with(|f| f.set(f.get() + 1));
}

/// How many renders on this thread a compiled template gave way to tera (the tests hold it at 0
/// for every built-in profile).
pub fn fallbacks() -> usize {
    FALLBACKS.with(Cell::get)
}

#[cfg(test)]
mod tests;
