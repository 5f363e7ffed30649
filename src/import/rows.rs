//! Events become rows: each cell read by its content, a missing API or name taken from the row
//! above (continuation rows), the API or type taken from a heading or sentence above a table,
//! and lists of consent texts recognised. Lines that are none of these are kept as prose, with
//! any permission names they mention.

use crate::catalog::{Catalog, Kind};

use super::api_names::{self, ApiName};
use super::cell::{self, Cell};
use super::resolve::Descriptions;
use super::table::Event;

/// Where a row's API or type came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// The row's own cell.
    Cell,
    /// A row above in the same table (the page leaves the cell empty).
    Above(usize),
    /// A heading or sentence above the table.
    Heading(usize),
}

/// One row as the page gives it.
#[derive(Clone, Debug)]
pub struct Row {
    pub line: usize,
    pub api: Option<(ApiName, Origin)>,
    pub name: Option<String>,
    /// The name was taken from the row above (a cell spanning rows).
    pub name_above: Option<usize>,
    pub description: Option<String>,
    pub kind: Option<(Kind, String, Option<String>, Origin)>,
    /// A directory or admin role rather than a permission.
    pub role: Option<String>,
    /// Workload columns ticked for this row.
    pub workloads: Vec<String>,
}

/// A permission name met in prose, outside any table or list.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    pub line: usize,
    pub name: String,
}

#[derive(Debug, Default)]
pub struct Rows {
    pub rows: Vec<Row>,
    pub mentions: Vec<Mention>,
    /// Directory or admin roles met in prose, each once.
    pub role_mentions: Vec<Mention>,
    /// Lines read as prose (headings, sentences), not rows.
    pub prose_lines: Vec<usize>,
}

#[derive(Default)]
struct Table {
    header: Option<Vec<String>>,
    api: Option<(ApiName, usize)>,
    last: Option<Row>,
}

#[derive(Default)]
struct Context {
    api: Option<(ApiName, usize)>,
    kind: Option<(Kind, String, usize)>,
}

fn row_api(own: Option<ApiName>, table: &Table, ctx: &Context) -> Option<(ApiName, Origin)> {
    own.map(|a| (a, Origin::Cell))
        .or_else(|| table.api.clone().map(|(a, l)| (a, Origin::Above(l))))
        .or_else(|| ctx.api.clone().map(|(a, l)| (a, Origin::Heading(l))))
}

fn row_kind(
    own: Option<(Kind, String, Option<String>)>,
    ctx: &Context,
) -> Option<(Kind, String, Option<String>, Origin)> {
    own.map(|(k, w, m)| (k, w, m, Origin::Cell))
        .or_else(|| ctx.kind.clone().map(|(k, w, l)| (k, w, None, Origin::Heading(l))))
}

/// A heading or sentence naming an API (`## Office 365 Exchange Online`, `Exchange permissions:`).
fn heading_api(text: &str, catalog: &Catalog) -> Option<ApiName> {
    let t = text.trim_start_matches('#').trim().trim_end_matches(':').trim();
    let t = t.strip_prefix("Permissions for ").or_else(|| t.strip_prefix("permissions for ")).unwrap_or(t);
    let t = t.strip_prefix("The ").unwrap_or(t);
    api_names::resolve(t, catalog)
}

/// A short sentence or heading giving every permission below one type.
fn heading_kind(text: &str, catalog: &Catalog) -> Option<Kind> {
    if text.len() > 140 || text.split_whitespace().any(|w| cell::is_name_shaped(w, catalog) && w.contains(['.', '_'])) {
        return None;
    }
    let lower = text.to_lowercase();
    let app = lower.contains("application permission")
        || lower.contains("application type")
        || lower.contains("app-only permission");
    let del = lower.contains("delegated permission") || lower.contains("delegated type");
    match (app, del) {
        (true, false) => Some(Kind::Application),
        (false, true) => Some(Kind::Delegated),
        _ => None,
    }
}

fn mentions(line: usize, text: &str, catalog: &Catalog) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || "\"'`“”‘’(),;:<>[]".contains(c)) {
        let word = word.trim_end_matches('.');
        if word.contains(['.', '_'])
            && catalog
                .resources()
                .iter()
                .any(|r| r.get(Kind::Application, word).is_some() || r.get(Kind::Delegated, word).is_some())
            && !out.iter().any(|m| m.name == word)
        {
            out.push(Mention { line, name: word.to_string() });
        }
    }
    out
}

/// The cells of one row, read.
struct Read {
    api: Option<ApiName>,
    kind: Option<(Kind, String, Option<String>)>,
    names: Vec<String>,
    description: Option<String>,
    role: Option<String>,
    role_word: bool,
    texts: Vec<String>,
    workloads: Vec<String>,
}

fn read_cells(cells: &[String], header: Option<&Vec<String>>, catalog: &Catalog) -> Read {
    let mut r = Read {
        api: None,
        kind: None,
        names: Vec::new(),
        description: None,
        role: None,
        role_word: false,
        texts: Vec::new(),
        workloads: Vec::new(),
    };
    let aligned = header.filter(|h| h.len() == cells.len());
    for (i, raw) in cells.iter().enumerate() {
        let title = aligned.map(|h| h[i].as_str());
        match cell::classify(raw, catalog) {
            Cell::Api(a) if r.api.is_none() => r.api = Some(a),
            Cell::Kind { kind, written, marker } if r.kind.is_none() => r.kind = Some((kind, written, marker)),
            Cell::Names { names, description } if r.names.is_empty() => {
                r.names = names;
                if let Some(d) = description {
                    match cell::kind_of(&d) {
                        Some((k, m)) if r.kind.is_none() => r.kind = Some((k, d, m)),
                        _ => r.description = Some(d),
                    }
                }
            }
            Cell::Role(Some(name)) if r.role.is_none() => r.role = Some(name),
            Cell::Role(None) => r.role_word = true,
            Cell::Tick => {
                if let Some(t) = title.filter(|t| !cell::is_header_word(t)) {
                    r.workloads.push(cell::clean(t));
                }
            }
            Cell::Text(t) => {
                if title.is_some_and(cell::is_description_header) && r.description.is_none() {
                    r.description = Some(t.clone());
                }
                r.texts.push(t);
            }
            // A second API cell (a workload column titled like an API) or a header word.
            _ => {}
        }
    }
    r
}

fn is_header_row(cells: &[String], catalog: &Catalog) -> bool {
    let read: Vec<Cell> = cells.iter().map(|c| cell::classify(c, catalog)).collect();
    read.iter().filter(|c| matches!(c, Cell::Header)).count() >= 2
        && !read.iter().any(|c| matches!(c, Cell::Names { .. } | Cell::Kind { .. }))
}

/// Reads events into rows.
pub fn rows(events: &[Event], catalog: &Catalog, descriptions: &Descriptions) -> Rows {
    let mut out = Rows::default();
    let mut table = Table::default();
    let mut ctx = Context::default();
    // Lines of prose waiting to be judged: a run that holds a consent text is a list of them.
    let mut run: Vec<(usize, String)> = Vec::new();
    let mut cell_row: Option<Row> = None;

    for event in events {
        if !matches!(event, Event::Text { .. }) {
            flush_run(&mut run, &mut out, &ctx, catalog, descriptions);
        }
        match event {
            Event::Row { line, cells } => {
                if is_header_row(cells, catalog) {
                    table = Table { header: Some(cells.clone()), ..Table::default() };
                    continue;
                }
                let r = read_cells(cells, table.header.as_ref(), catalog);
                if let Some(a) = &r.api {
                    table.api = Some((a.clone(), *line));
                }
                let mut base = Row {
                    line: *line,
                    api: row_api(r.api.clone(), &table, &ctx),
                    name: None,
                    name_above: None,
                    description: r.description.clone().or_else(|| r.texts.first().cloned()),
                    kind: row_kind(r.kind.clone(), &ctx),
                    role: None,
                    workloads: r.workloads.clone(),
                };
                if r.role.is_some() || (r.role_word && !r.names.is_empty()) {
                    base.role = r.role.clone().or_else(|| r.names.first().cloned());
                    base.api = None;
                    out.rows.push(base.clone());
                    table.last = Some(base);
                    continue;
                }
                if !r.names.is_empty() {
                    for n in &r.names {
                        let mut row = base.clone();
                        row.name = Some(n.clone());
                        out.rows.push(row);
                    }
                    base.name = r.names.last().cloned();
                    table.last = Some(base);
                } else if r.kind.is_some() && table.last.as_ref().is_some_and(|l| l.name.is_some()) {
                    // The name cell spans this row too (`Delegated1 | Restore | ...`).
                    let last = table.last.as_ref().expect("checked");
                    base.name = last.name.clone();
                    base.name_above = Some(last.line);
                    if r.api.is_none() {
                        base.api = last
                            .api
                            .clone()
                            .map(|(a, o)| (a, if o == Origin::Cell { Origin::Above(last.line) } else { o }));
                    }
                    out.rows.push(base.clone());
                    table.last = Some(base);
                } else if r.api.is_some() && r.texts.is_empty() {
                    // A section row naming the API of the rows below.
                } else if !r.texts.is_empty() {
                    out.rows.push(base.clone());
                    table.last = Some(base);
                }
            }
            Event::Header { .. } => {
                table = Table::default();
            }
            Event::Cell { line, text } => {
                cell_table_cell(*line, text, &mut cell_row, &mut table, &ctx, &mut out, catalog);
            }
            Event::TableEnd => {
                if let Some(r) = cell_row.take() {
                    push_cell_row(r, &mut out);
                }
                table = Table::default();
            }
            Event::Text { line, text } => {
                if text.starts_with('#') {
                    flush_run(&mut run, &mut out, &ctx, catalog, descriptions);
                    ctx = Context::default();
                }
                if let Some(api) = heading_api(text, catalog) {
                    flush_run(&mut run, &mut out, &ctx, catalog, descriptions);
                    ctx.api = Some((api, *line));
                    out.prose_lines.push(*line);
                    continue;
                }
                if let Some(kind) = heading_kind(text, catalog) {
                    flush_run(&mut run, &mut out, &ctx, catalog, descriptions);
                    ctx.kind = Some((kind, text.trim_end_matches(':').to_string(), *line));
                    out.prose_lines.push(*line);
                    continue;
                }
                run.push((*line, text.clone()));
            }
        }
    }
    if let Some(r) = cell_row.take() {
        push_cell_row(r, &mut out);
    }
    flush_run(&mut run, &mut out, &ctx, catalog, descriptions);
    out.rows.sort_by_key(|r| r.line);
    out
}

fn push_cell_row(row: Row, out: &mut Rows) {
    if row.name.is_some() || row.role.is_some() || row.description.is_some() {
        out.rows.push(row);
    }
}

/// One cell of a table pasted one cell per line: a new API or name starts a new row.
fn cell_table_cell(
    line: usize,
    text: &str,
    current: &mut Option<Row>,
    table: &mut Table,
    ctx: &Context,
    out: &mut Rows,
    catalog: &Catalog,
) {
    let empty = |line: usize, table: &Table| Row {
        line,
        api: row_api(None, table, ctx),
        name: None,
        name_above: None,
        description: None,
        kind: row_kind(None, ctx),
        role: None,
        workloads: Vec::new(),
    };
    match cell::classify(text, catalog) {
        Cell::Api(api) => {
            if let Some(r) = current.take() {
                push_cell_row(r, out);
            }
            table.api = Some((api.clone(), line));
            let mut r = empty(line, table);
            r.api = Some((api, Origin::Cell));
            *current = Some(r);
        }
        Cell::Names { names, description } => {
            let mut r = match current.take() {
                Some(r) if r.name.is_none() && r.role.is_none() => r,
                Some(r) => {
                    push_cell_row(r, out);
                    empty(line, table)
                }
                None => empty(line, table),
            };
            r.line = r.line.min(line);
            for extra in names.iter().skip(1) {
                let mut copy = r.clone();
                copy.name = Some(extra.clone());
                copy.line = line;
                out.rows.push(copy);
            }
            r.name = names.first().cloned();
            r.description = description;
            *current = Some(r);
        }
        Cell::Kind { kind, written, marker } => {
            let mut r = match current.take() {
                Some(r) if r.kind.as_ref().is_some_and(|k| k.3 == Origin::Cell) && r.name.is_some() => {
                    // A second type under the same name: the name cell spans two rows.
                    let mut next = r.clone();
                    push_cell_row(r.clone(), out);
                    next.line = line;
                    next.name_above = Some(r.line);
                    next.description = None;
                    if let Some((_, origin)) = next.api.as_mut()
                        && *origin == Origin::Cell
                    {
                        *origin = Origin::Above(r.line);
                    }
                    next
                }
                Some(r) => r,
                None => empty(line, table),
            };
            r.kind = Some((kind, written, marker, Origin::Cell));
            *current = Some(r);
        }
        Cell::Role(role) => {
            let mut r = match current.take() {
                Some(r) if r.name.is_none() && r.role.is_none() => r,
                Some(r) => {
                    push_cell_row(r, out);
                    empty(line, table)
                }
                None => empty(line, table),
            };
            r.api = None;
            if role.is_some() {
                r.role = role;
            } else {
                r.role = Some(String::new());
            }
            *current = Some(r);
        }
        Cell::Text(t) => match current.as_mut() {
            Some(r) if r.role.as_deref() == Some("") => r.role = Some(t),
            Some(r) if t.starts_with('(') && t.ends_with(')') && r.name.is_some() && r.description.is_none() => {
                r.description = Some(t[1..t.len() - 1].trim().to_string());
            }
            Some(r) if r.description.is_none() => r.description = Some(t),
            _ => {}
        },
        Cell::Empty | Cell::Tick | Cell::Header => {}
    }
}

/// Judges a run of prose lines: a run holding a consent text is a list of them (every line a
/// row); a line with a name is a row; anything else is prose, with the names it mentions.
fn flush_run(
    run: &mut Vec<(usize, String)>,
    out: &mut Rows,
    ctx: &Context,
    catalog: &Catalog,
    descriptions: &Descriptions,
) {
    if run.is_empty() {
        return;
    }
    let is_list = run.iter().any(|(_, t)| descriptions.matches(&cell::clean(t)));
    let table = Table::default();
    for (line, text) in run.drain(..) {
        let row = |name: Option<String>, description: Option<String>, kind| Row {
            line,
            api: row_api(None, &table, ctx),
            name,
            name_above: None,
            description,
            kind: row_kind(kind, ctx),
            role: None,
            workloads: Vec::new(),
        };
        let cleaned = cell::clean(&text);
        let numbered = cleaned.trim_start_matches(|c: char| c.is_ascii_digit());
        let cleaned = match numbered.strip_prefix(". ") {
            Some(rest) if numbered.len() < cleaned.len() => rest.to_string(),
            _ => cleaned.clone(),
        };
        match cell::classify(&cleaned, catalog) {
            Cell::Names { names, description } => {
                for n in names {
                    let (kind, desc) = match description.as_deref().and_then(cell::kind_of) {
                        Some((k, m)) => (Some((k, description.clone().unwrap_or_default(), m)), None),
                        None => (None, description.clone()),
                    };
                    out.rows.push(row(Some(n), desc, kind));
                }
                continue;
            }
            Cell::Role(Some(role)) => {
                let mut r = row(None, None, None);
                r.api = None;
                r.role = Some(role);
                out.rows.push(r);
                continue;
            }
            _ => {}
        }
        if let Some(g) = super::glued::split(&cleaned, catalog) {
            let mut r = row(Some(g.name), g.description.or(g.rest), g.kind.map(|(k, w)| (k, w, None)));
            if let Some(api) = g.api {
                r.api = Some((api, Origin::Cell));
            }
            out.rows.push(r);
            continue;
        }
        // `Mail.Read Application`, `Mail.Read Office 365 Exchange Online`
        let words: Vec<&str> = cleaned.split_whitespace().collect();
        if words.len() > 1 && words.len() <= 8 && cell::is_name_shaped(words[0], catalog) {
            let rest = words[1..].join(" ");
            if let Some((k, m)) = cell::kind_of(&rest) {
                out.rows.push(row(Some(words[0].to_string()), None, Some((k, rest, m))));
                continue;
            }
            if let Some(api) = api_names::resolve(&rest, catalog) {
                let mut r = row(Some(words[0].to_string()), None, None);
                r.api = Some((api, Origin::Cell));
                out.rows.push(r);
                continue;
            }
        }
        if is_list && cleaned.len() <= 120 && !cleaned.ends_with(':') {
            out.rows.push(row(None, Some(cleaned), None));
            continue;
        }
        out.mentions.extend(mentions(line, &text, catalog));
        for role in cell::roles_in(&cleaned) {
            if !out.role_mentions.iter().any(|m| m.name == role) {
                out.role_mentions.push(Mention { line, name: role.to_string() });
            }
        }
        out.prose_lines.push(line);
    }
}
