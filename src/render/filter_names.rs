//! The filters a compiled template may apply: the quoting filters of `filters.rs` and `lower`,
//! the one of tera's own the compiled templates run. Shared with `build.rs`, whose template
//! compiler leaves a template using any other filter to tera (which refuses to load a template
//! naming a filter it does not know; a test holds this list equal to `filters.rs`).

pub const FILTER_NAMES: &[&str] =
    &["sh", "ps", "dotenv", "md", "md_ticked", "md_code", "md_fenced", "yaml", "md_url", "ident", "comment", "lower"];
