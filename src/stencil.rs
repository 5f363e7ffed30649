//! Many tenants, one render. The rows of an inventory that differ only in the tenant's name and
//! id share a bundle rendered once with stand-in values, a stencil; each row's bundle is the
//! stencil with the row's name and id written in place of the stand-ins. `runbook.md` is
//! wrapped at the page width in the stencil, but for the paragraphs with a stand-in in them,
//! which are wrapped for each row once its values are in, as a direct render wraps them.
//!
//! Why the result is the direct render's, byte for byte: a tenant name is a DNS label (a-z, 0-9
//! and `-`) and a tenant id a lowercase GUID, text that every quoting filter of the templates
//! (`sh`, `ps`, `comment`, `md_code`, `md_fenced`) and JSON write unchanged; the built-in
//! templates use the two values only through those filters and by presence (`if tenant_id`),
//! which the group key keeps; and the wrapping of a paragraph, which depends on their length,
//! comes after them (where a stand-in could change what a line is, the page waits whole).
//! Three checks hold it so: the stand-ins appear nowhere in the profile or in the row's other
//! values (else the row renders directly); the first row of each group is rendered both ways
//! and a difference sends the whole group to direct rendering; and `tests/stencil.rs` compares
//! both ways for every built-in profile and flavour, with names and ids of every shape (one
//! character, 63, digits first, all zeros). Templates given with `--templates` may do anything
//! with a value, so with them every row renders directly.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::cloud::Cloud;
use crate::diagnostic::{Diagnostic, InputError};
use crate::guid::Guid;
use crate::job::{self, Rendered, Setup};
use crate::profile::LoadedProfile;
use crate::render::{Bundle, PAGE_WIDTH, RUNBOOK, reflow};
use crate::tenant::TenantName;
use crate::values::Values;

/// The tenant name a stencil is rendered with: a DNS label no real row is expected to carry.
pub const TENANT: &str = "zz-stencil-tenant-8f3c1e-zz";
/// The tenant id a stencil is rendered with, for rows that give one.
pub const TENANT_ID: &str = "0d15ea5e-5eed-4bad-a11d-5ca1ab1e8f3c";

/// One row's values with the stand-ins in place of its tenant name and id.
fn stand_in(values: &Values) -> Option<Values> {
    let mut v = values.clone();
    v.tenant = TENANT.parse().ok()?;
    if v.tenant_id.is_some() {
        v.tenant_id = Some(TENANT_ID.parse().ok()?);
    }
    Some(v)
}

/// What a row shares with the other rows of its group: every value but the tenant's name and
/// id, and whether it has an id. `None` when the stand-ins already appear in its values.
fn key(values: &Values, cloud: &Cloud) -> Option<String> {
    let key = format!("{}\n{:?}", cloud.id, stand_in(values)?);
    let ids = usize::from(values.tenant_id.is_some());
    (key.matches(TENANT).count() == 1 && key.matches(TENANT_ID).count() == ids).then_some(key)
}

/// A rendered bundle cut at the stand-ins.
#[derive(Debug)]
pub struct Stencil {
    files: Vec<File>,
}

#[derive(Debug)]
struct File {
    path: String,
    executable: bool,
    pieces: Vec<Piece>,
    /// The text's length without the stand-ins, to size each row's copy.
    fixed: usize,
    /// `runbook.md` when it could not be laid out: wrapped whole for each row.
    wrap: bool,
}

#[derive(Debug)]
enum Piece {
    Text(String),
    Tenant,
    TenantId,
    /// A paragraph of `runbook.md` with a stand-in in it, filled for each row once its values
    /// are in (the rest of the page is wrapped once, in the stencil).
    Paragraph {
        lines: Vec<String>,
        newline_before: bool,
    },
}

/// `text` cut at each stand-in.
fn cut_text(text: &str, pieces: &mut Vec<Piece>) {
    let mut rest = text;
    loop {
        let next = [(TENANT, false), (TENANT_ID, true)]
            .into_iter()
            .filter_map(|(s, id)| rest.find(s).map(|at| (at, s.len(), id)))
            .min_by_key(|(at, ..)| *at);
        let Some((at, len, id)) = next else { break };
        if at > 0 {
            pieces.push(Piece::Text(rest[..at].to_string()));
        }
        pieces.push(if id { Piece::TenantId } else { Piece::Tenant });
        rest = &rest[at + len..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
}

fn has_stand_in(line: &str) -> bool {
    line.contains(TENANT) || line.contains(TENANT_ID)
}

/// Whether a stand-in is where it could change what a line is to the wrapping (a list item, a
/// block, prose): at the start of the line, after nothing but digits (`1{tenant}. ` may be an
/// ordered list), or inside `import ` or `export ` (MDX). Elsewhere the text before it decides,
/// since a value begins with a letter or a digit and has no space. Such a page is wrapped
/// whole, for each row.
fn shapes_a_line(text: &str) -> bool {
    text.lines().any(|line| {
        let trimmed = line.trim_start();
        let first = [TENANT, TENANT_ID].iter().filter_map(|s| trimmed.find(s)).min();
        first.is_some_and(|at| {
            let before = &trimmed[..at];
            before.bytes().all(|b| b.is_ascii_digit()) || "import ".starts_with(before) || "export ".starts_with(before)
        })
    })
}

impl Stencil {
    /// Cuts `bundle`, rendered with [`TENANT`] and [`TENANT_ID`] and `runbook.md` not yet
    /// wrapped, at each place they appear; `runbook.md` is wrapped but for its paragraphs with
    /// a stand-in (`reflow::layout`).
    pub fn cut(bundle: &Bundle) -> Stencil {
        let files = bundle
            .files()
            .map(|(path, file)| {
                let mut pieces = Vec::new();
                let mut wrap = false;
                if path == RUNBOOK && !shapes_a_line(&file.text) {
                    for part in reflow::layout(&file.text, PAGE_WIDTH, &has_stand_in) {
                        match part {
                            reflow::Part::Text(t) => cut_text(&t, &mut pieces),
                            reflow::Part::Paragraph { lines, newline_before } => {
                                pieces.push(Piece::Paragraph { lines, newline_before });
                            }
                        }
                    }
                } else {
                    wrap = path == RUNBOOK;
                    cut_text(&file.text, &mut pieces);
                }
                let fixed = pieces.iter().map(|p| if let Piece::Text(t) = p { t.len() } else { 0 }).sum();
                File { path: path.to_string(), executable: file.executable, pieces, fixed, wrap }
            })
            .collect();
        Stencil { files }
    }

    /// The bundle of the tenant `tenant` (with `tenant_id`, if the stencil was cut with one).
    pub fn fill(&self, tenant: &TenantName, tenant_id: Option<&Guid>) -> Bundle {
        let tenant = tenant.as_str();
        let id = tenant_id.map(ToString::to_string).unwrap_or_default();
        let mut bundle = Bundle::default();
        for file in &self.files {
            let mut text = String::with_capacity(file.fixed + 4 * tenant.len().max(id.len()));
            for piece in &file.pieces {
                match piece {
                    Piece::Text(t) => text.push_str(t),
                    Piece::Tenant => text.push_str(tenant),
                    Piece::TenantId => text.push_str(&id),
                    Piece::Paragraph { lines, newline_before } => {
                        let lines: Vec<String> =
                            lines.iter().map(|l| l.replace(TENANT, tenant).replace(TENANT_ID, &id)).collect();
                        if *newline_before {
                            text.push('\n');
                        }
                        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                        text.push_str(&reflow::fill_paragraph(&lines, PAGE_WIDTH));
                    }
                }
            }
            if file.wrap {
                text = reflow::reflow(&text, PAGE_WIDTH);
            }
            bundle.insert(&file.path, text, file.executable);
        }
        bundle
    }
}

/// The rows of one inventory run, grouped by [`key`], each group's stencil made on first use.
pub struct Groups<'a> {
    setup: &'a Setup<'a>,
    loaded: &'a LoadedProfile,
    usable: bool,
    groups: HashMap<String, Group>,
}

struct Group {
    rows: usize,
    /// `None` when the stencil could not be made or did not match the direct render.
    stencil: OnceLock<Option<Stencil>>,
}

impl<'a> Groups<'a> {
    /// No rows yet. With templates from `--templates`, or a profile that contains a stand-in,
    /// no row will have a group: every row renders directly.
    pub fn new(setup: &'a Setup<'a>, loaded: &'a LoadedProfile) -> Groups<'a> {
        let usable = setup.templates.all_builtin() && !loaded.text.contains(TENANT) && !loaded.text.contains(TENANT_ID);
        Groups { setup, loaded, usable, groups: HashMap::new() }
    }

    /// Counts a row into its group.
    pub fn add(&mut self, values: &Values, cloud: &Cloud) {
        if let Some(k) = key(values, cloud).filter(|_| self.usable) {
            self.groups.entry(k).or_insert_with(|| Group { rows: 0, stencil: OnceLock::new() }).rows += 1;
        }
    }

    /// How many rows share a stencil (for tests and `--verbose`).
    pub fn shared_rows(&self) -> usize {
        self.groups.values().filter(|g| g.rows > 1).map(|g| g.rows).sum()
    }

    /// The bundle of one row, from its group's stencil or rendered directly: the same bytes.
    pub fn render(&self, values: &Values, cloud: &Cloud, warnings: Vec<Diagnostic>) -> Result<Rendered, InputError> {
        let group = key(values, cloud).and_then(|k| self.groups.get(&k)).filter(|g| g.rows > 1);
        let stencil = group.and_then(|g| g.stencil.get_or_init(|| self.make(values, cloud, &warnings)).as_ref());
        match stencil {
            Some(s) => Ok(Rendered { bundle: s.fill(&values.tenant, values.tenant_id.as_ref()), warnings }),
            None => job::render_linted(self.setup, self.loaded, values, cloud.clone(), warnings),
        }
    }

    /// The stencil of the group of `values`, proven on `values` itself: its fill for this row
    /// must be the direct render, byte for byte.
    fn make(&self, values: &Values, cloud: &Cloud, warnings: &[Diagnostic]) -> Option<Stencil> {
        let stand_in = stand_in(values)?;
        let bundle = job::render_unwrapped(self.setup, self.loaded, &stand_in, cloud.clone(), warnings).ok()?;
        let stencil = Stencil::cut(&bundle);
        let direct = job::render_linted(self.setup, self.loaded, values, cloud.clone(), warnings.to_vec()).ok()?;
        let same = stencil.fill(&values.tenant, values.tenant_id.as_ref()) == direct.bundle;
        debug_assert!(same, "a stencil differs from the direct render of tenant {}", values.tenant);
        same.then_some(stencil)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_are_valid_values_and_appear_in_no_builtin_template() {
        assert!(TENANT.parse::<TenantName>().is_ok());
        assert_eq!(TENANT_ID.parse::<Guid>().map(|g| g.to_string()).as_deref(), Ok(TENANT_ID));
        for (name, text) in crate::render::BUILTIN_TEMPLATES {
            assert!(!text.contains(TENANT) && !text.contains(TENANT_ID), "{name}");
        }
        assert!(!TENANT.contains(TENANT_ID) && !TENANT_ID.contains(TENANT));
    }

    #[test]
    fn cut_and_fill_put_each_value_where_its_stand_in_was() {
        let mut bundle = Bundle::default();
        let text = format!("a {TENANT} b {TENANT_ID}{TENANT}\n{TENANT_ID}");
        bundle.insert("x.sh", text, true);
        bundle.insert("y.ps1", TENANT.to_string(), false);
        let stencil = Stencil::cut(&bundle);
        let tenant: TenantName = "contoso-eu".parse().expect("tenant");
        let id: Guid = "df021288-bdef-4463-88db-98f22de89214".parse().expect("guid");
        let filled = stencil.fill(&tenant, Some(&id));
        assert_eq!(
            filled.get("x.sh"),
            Some("a contoso-eu b df021288-bdef-4463-88db-98f22de89214contoso-eu\ndf021288-bdef-4463-88db-98f22de89214")
        );
        assert_eq!(filled.get("y.ps1"), Some("\u{feff}contoso-eu"));
        assert!(filled.files().any(|(p, f)| p == "x.sh" && f.executable));
    }

    #[test]
    fn a_stand_in_at_the_start_of_a_line_keeps_the_page_whole() {
        assert!(!shapes_a_line(&format!("Tenant: `{TENANT}` and {TENANT_ID}\n| a | `{TENANT}` |\n")));
        assert!(!shapes_a_line(&format!("`{TENANT}`.\n  - `{TENANT_ID}`\n1. {TENANT}\n")));
        assert!(shapes_a_line(&format!("ok\n{TENANT}. next\n")));
        assert!(shapes_a_line(&format!("  12{TENANT_ID}\n")));
        assert!(shapes_a_line(&format!("impor{TENANT} x\n")));
        let mut bundle = Bundle::default();
        bundle.insert(RUNBOOK, format!("{TENANT}. {}\n", "word ".repeat(30)), false);
        let tenant: TenantName = "1".parse().expect("tenant");
        assert_eq!(
            Stencil::cut(&bundle).fill(&tenant, None).get(RUNBOOK),
            Some(reflow::reflow(&format!("1. {}\n", "word ".repeat(30)), PAGE_WIDTH).as_str())
        );
    }

    #[test]
    fn rows_whose_values_carry_a_stand_in_have_no_group() {
        let values = Values::for_tenant("contoso".parse().expect("tenant"));
        let cloud = Cloud::builtin("public").expect("cloud");
        assert!(key(&values, &cloud).is_some());
        let mut bad = values.clone();
        bad.notes = Some(format!("see {TENANT}").parse().expect("notes"));
        assert_eq!(key(&bad, &cloud), None);
        let mut other = values.clone();
        other.tenant = "fabrikam".parse().expect("tenant");
        assert_eq!(key(&values, &cloud), key(&other, &cloud));
        other.tenant_id = Some(TENANT_ID.parse().expect("guid"));
        assert_ne!(key(&values, &cloud), key(&other, &cloud));
    }
}
