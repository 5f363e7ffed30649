//! Inventories: many tenants at once. A CSV file (header row of value names) or a YAML list of
//! mappings, one row per tenant, each row a layer over the run's values files, `--set` and flags.
//!
//! Every row is checked before anything is written, then the rows are walked again and rendered
//! in parallel, a chunk at a time, into a staging folder beside the output that is swapped into
//! place at the end (`output::place`), so by default a failure writes nothing. A run holds the
//! file's text and the tenants seen, never a row per tenant (`Inventory::rows`, `Checker`).

use std::collections::BTreeMap;
use std::path::Path;

use serde_yaml::Value as Yaml;

use crate::cloud::Cloud;
use crate::diagnostic::{Diagnostic, InputError, Location};
use crate::layers::{KEYS, Layers, Raw};
use crate::values::Values;

/// One row: its line in the file and the values it sets.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub entries: Vec<(String, Raw, Location)>,
}

/// The most header columns read: a few more than there are value names.
const MAX_COLUMNS: usize = 32;

fn unknown_column(name: &str, location: Location) -> Diagnostic {
    let mut d = Diagnostic::error(format!("unknown column `{}`", name.escape_debug()))
        .at(Some(location))
        .note(format!("columns: {}", KEYS.join(", ")));
    if let Some(s) = crate::suggest::nearest(name, KEYS.iter().copied()) {
        d = d.help(format!("did you mean `{s}`?"));
    }
    d
}

/// An inventory file read into memory, its rows parsed only as they are walked: a run walks
/// them twice (check, then render) and never holds them all.
pub struct Inventory {
    origin: String,
    text: String,
    yaml: bool,
}

impl Inventory {
    /// Reads an inventory: `.csv`, or `.yaml`/`.yml` (a list of mappings).
    pub fn read(path: &Path) -> Result<Inventory, InputError> {
        let text =
            crate::input::read_text(path, "inventory", crate::input::MAX_DATA_BYTES, crate::input::Encoding::Utf8)?;
        let yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
        Ok(Inventory { origin: path.display().to_string(), text, yaml })
    }

    /// Gives each row to `each`, in file order. A bad header, column or row stops the walk
    /// before any row is given (the same every walk: the text does not change). A YAML
    /// inventory is parsed whole first; a CSV one row by row.
    pub fn rows(&self, each: &mut dyn FnMut(Row)) -> Result<(), InputError> {
        if self.yaml {
            parse_yaml(&self.origin, &self.text)?.into_iter().for_each(each);
            Ok(())
        } else {
            csv_rows(&self.origin, &self.text, each)
        }
    }
}

/// Reads an inventory's rows, all at once.
pub fn read(path: &Path) -> Result<Vec<Row>, InputError> {
    let inventory = Inventory::read(path)?;
    let mut rows = Vec::new();
    inventory.rows(&mut |row| rows.push(row))?;
    Ok(rows)
}

/// The 1-based column where field `index` of a CSV line starts (quotes respected).
fn field_column(line: &str, index: usize) -> usize {
    let mut field = 0;
    let mut quoted = false;
    for (i, c) in line.chars().enumerate() {
        if field == index {
            return i + 1;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            _ => {}
        }
    }
    line.chars().count() + 1
}

pub fn parse_csv(origin: &str, text: &str) -> Result<Vec<Row>, InputError> {
    let mut rows = Vec::new();
    csv_rows(origin, text, &mut |row| rows.push(row))?;
    Ok(rows)
}

/// The rows of a CSV inventory, each given to `each` as it is read. The header is checked
/// first; a malformed row is found in a first pass, so that no row is given unless all parse.
fn csv_rows(origin: &str, text: &str, each: &mut dyn FnMut(Row)) -> Result<(), InputError> {
    let mut headers_seen: Vec<String> = Vec::new();
    // Where each line starts, so a row's text is found in constant time, not by rescanning.
    let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |line: usize| -> Option<String> {
        let start = *starts.get(line.checked_sub(1)?)?;
        let rest = text.get(start..)?;
        Some(rest.split('\n').next().unwrap_or("").trim_end_matches('\r').to_string())
    };
    let at = |line: usize, column: &str, headers: &[String]| {
        let line_text = line_of(line);
        let index = headers.iter().position(|h| h == column).unwrap_or(0);
        let col = line_text.as_deref().map_or(1, |t| field_column(t, index));
        let width =
            line_text.as_deref().map_or(1, |t| t.chars().skip(col - 1).take_while(|c| *c != ',').count().max(1));
        Location { file: origin.to_string(), line, column: col, path: Some(column.to_string()), line_text, width }
    };
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(std::io::Cursor::new(text.as_bytes()));
    let headers = reader
        .headers()
        .map_err(|e| {
            InputError::one(Diagnostic::error(format!("cannot read the header row: {e}")).at(Some(at(1, "", &[]))))
        })?
        .clone();
    // More columns than there are keys can only be mistakes: one error, not one per column.
    if headers.len() > MAX_COLUMNS {
        let mut location = Location::file(origin);
        location.line = 1;
        location.column = 1;
        return Err(InputError::one(
            Diagnostic::error(format!(
                "the header row has {} columns; an inventory has at most one per value name",
                headers.len()
            ))
            .at(Some(location))
            .note(format!("columns: {}", KEYS.join(", "))),
        ));
    }
    headers_seen.extend(headers.iter().map(str::to_string));
    let headers_seen = headers_seen;
    let mut problems: Vec<Diagnostic> =
        headers.iter().filter(|h| !KEYS.contains(h)).map(|h| unknown_column(h, at(1, h, &headers_seen))).collect();
    for (i, h) in headers.iter().enumerate() {
        if let Some(first) = headers.iter().take(i).position(|g| g == h) {
            let line_text = line_of(1);
            let column = line_text.as_deref().map_or(1, |t| field_column(t, i));
            let width = h.chars().count().max(1);
            problems.push(
                Diagnostic::error(format!(
                    "column `{}` appears twice (first as column {})",
                    h.escape_debug(),
                    first + 1
                ))
                .at(Some(Location {
                    file: origin.to_string(),
                    line: 1,
                    column,
                    path: Some(h.to_string()),
                    line_text,
                    width,
                }))
                .help("each value has one column: remove or rename the repeated one"),
            );
        }
    }
    if !headers.iter().any(|h| h == "tenant") {
        problems.push(Diagnostic::error("the header row has no `tenant` column").at(Some(at(1, "", &headers_seen))));
    }
    if !problems.is_empty() {
        return Err(InputError::new(problems));
    }
    let malformed = |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line() as usize);
        InputError::one(Diagnostic::error(format!("malformed row: {e}")).at(Some(at(line, "", &headers_seen))))
    };
    let mut record = csv::StringRecord::new();
    let start = reader.position().clone();
    while reader.read_record(&mut record).map_err(malformed)? {}
    reader.seek(start).map_err(malformed)?;
    while reader.read_record(&mut record).map_err(malformed)? {
        let line = record.position().map_or(0, |p| p.line() as usize);
        let entries = headers
            .iter()
            .zip(record.iter())
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| {
                // List keys (`sites`, `workloads`, `without`) separate their items with `;` in CSV.
                let raw = if crate::layers::LIST_KEYS.contains(&k) {
                    Raw::List(Raw::Text(v.replace(';', ",")).list())
                } else {
                    Raw::Text(v.to_string())
                };
                (k.to_string(), raw, at(line, k, &headers_seen))
            })
            .collect();
        each(Row { line, entries });
    }
    Ok(())
}

pub fn parse_yaml(origin: &str, text: &str) -> Result<Vec<Row>, InputError> {
    crate::input::check_yaml_depth(origin, text)?;
    let spans = crate::yaml_spans::Spans::index(origin, text);
    let doc: Yaml = serde_yaml::from_str(text).map_err(|e| {
        let location = e.location().map(|l| spans.at(l.line(), l.column(), None, None));
        InputError::one(Diagnostic::error(e.to_string()).at(location.or_else(|| Some(Location::file(origin)))))
    })?;
    let Yaml::Sequence(items) = doc else {
        return Err(InputError::one(
            Diagnostic::error("a YAML inventory is a list of `- tenant: ...` entries").at(Some(Location::file(origin))),
        ));
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let row_at = spans.locate(&format!("[{i}]")).unwrap_or_else(|| Location::file(origin));
        let Yaml::Mapping(map) = item else {
            problems.push(Diagnostic::error("each entry is a mapping of values").at(Some(row_at)));
            continue;
        };
        let mut entries = Vec::new();
        for (k, v) in map {
            let key = k.as_str().unwrap_or_default().to_string();
            let at = spans.locate(&format!("[{i}].{key}")).unwrap_or_else(|| row_at.clone());
            if !KEYS.contains(&key.as_str()) {
                problems.push(unknown_column(&key, at));
                continue;
            }
            let raw = match crate::layers::raw_from_yaml(&key, v) {
                Ok(raw) => raw,
                Err(e) => {
                    problems.push(e.diagnostic(&key, Some(at), |j| spans.locate(&format!("[{i}].{key}[{j}]"))));
                    continue;
                }
            };
            entries.push((key, raw, at));
        }
        rows.push(Row { line: row_at.line, entries });
    }
    if problems.is_empty() { Ok(rows) } else { Err(InputError::new(problems)) }
}

/// A row checked and ready to render.
pub struct Job {
    pub line: usize,
    pub values: Values,
    /// Shared by every row of the same cloud.
    pub cloud: std::sync::Arc<Cloud>,
}

/// Checks every row against `base` (values files, `--set`, flags): values, cloud, duplicates.
/// Returns the good jobs and the problems (each naming its line and column).
pub fn check(rows: &[Row], base: &Layers, default_cloud: &Cloud) -> (Vec<Job>, Vec<Diagnostic>) {
    let mut checker = Checker::new(base, default_cloud);
    let mut jobs = Vec::new();
    let mut problems = Vec::new();
    for row in rows {
        match checker.row(row) {
            Ok(job) => jobs.push(job),
            Err(found) => problems.extend(found),
        }
    }
    (jobs, problems)
}

/// Checks rows one at a time, remembering what spans rows: the tenants seen (duplicates) and
/// the clouds (one copy each).
pub struct Checker<'a> {
    base: &'a Layers,
    default_cloud: &'a Cloud,
    /// Tenant as written -> the line it was first on.
    seen: std::collections::HashMap<String, usize>,
    clouds: BTreeMap<String, std::sync::Arc<Cloud>>,
}

impl<'a> Checker<'a> {
    pub fn new(base: &'a Layers, default_cloud: &'a Cloud) -> Checker<'a> {
        Checker { base, default_cloud, seen: Default::default(), clouds: BTreeMap::new() }
    }

    /// The row as a job, or its problems (none when an unknown cloud was already reported).
    pub fn row(&mut self, row: &Row) -> Result<Job, Vec<Diagnostic>> {
        let mut layers = self.base.clone();
        for (key, raw, at) in &row.entries {
            layers.set(key, raw.clone(), format!("{}:{}", at.file, row.line), Some(at.clone()));
        }
        // Duplicates are found on the tenant as written, whether or not the rest of the row is good.
        if let Some((_, raw, at)) = row.entries.iter().find(|(k, ..)| k == "tenant") {
            let tenant = raw.text();
            if let Some(first) = self.seen.get(&tenant) {
                return Err(vec![
                    Diagnostic::error(format!("tenant `{tenant}` is listed twice (first on line {first})"))
                        .at(Some(at.clone()))
                        .help("each tenant gets one bundle: remove or merge the repeated row"),
                ]);
            }
            self.seen.insert(tenant, row.line);
        }
        let values = layers.to_values().map_err(|e| e.diagnostics)?;
        let id = values.cloud.clone().unwrap_or_else(|| self.default_cloud.id.clone());
        let cloud = match self.clouds.get(&id) {
            Some(c) => c.clone(),
            None => {
                let c =
                    if id == self.default_cloud.id { Some(self.default_cloud.clone()) } else { Cloud::builtin(&id) };
                // An unknown cloud was already reported by to_values.
                let c = std::sync::Arc::new(c.ok_or_else(Vec::new)?);
                self.clouds.insert(id, c.clone());
                c
            }
        };
        let at = row.entries.iter().find(|(k, ..)| k == "sites").map(|(_, _, l)| l.clone());
        let foreign = crate::plan::foreign_sites(&values, &cloud, at);
        if !foreign.is_empty() {
            return Err(foreign);
        }
        Ok(Job { line: row.line, values, cloud })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_carry_their_line_and_columns() {
        let rows =
            parse_csv("inv.csv", "tenant,app_name,sites\ncontoso,\"Backup, EU\",https://a;https://b\nfabrikam,,\n")
                .expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].entries[1].1, Raw::Text("Backup, EU".into()));
        assert_eq!(rows[0].entries[2].1, Raw::List(vec!["https://a".into(), "https://b".into()]));
        assert_eq!(rows[1].entries.len(), 1, "empty cells set nothing");
    }

    #[test]
    fn bad_columns_rows_and_duplicates_are_reported_with_lines() {
        let err = parse_csv("inv.csv", "tenant,clientid\n").expect_err("column");
        assert_eq!(err.diagnostics[0].help.as_deref(), Some("did you mean `client_id`?"));
        let err = parse_csv("inv.csv", "tenant,cloud,tenant\n").expect_err("duplicate");
        assert_eq!(err.diagnostics.len(), 1);
        assert_eq!(err.diagnostics[0].message, "column `tenant` appears twice (first as column 1)");
        assert_eq!(err.diagnostics[0].location.as_ref().map(|l| (l.line, l.column)), Some((1, 14)));
        let wide = format!("tenant,{}\n", (0..10_000).map(|i| format!("c{i}")).collect::<Vec<_>>().join(","));
        let err = parse_csv("inv.csv", &wide).expect_err("wide");
        assert_eq!(err.diagnostics.len(), 1, "one error, not one per column");
        assert!(err.to_string().len() < 1_000);
        let rows = parse_csv("inv.csv", "tenant,tenant_id\ncontoso,x\nfabrikam,\ncontoso,\nBad,\n").expect("parses");
        let (jobs, problems) = check(&rows, &Layers::default(), &Cloud::builtin("public").expect("cloud"));
        assert_eq!(jobs.len(), 1);
        let lines: Vec<(usize, String)> = problems
            .iter()
            .map(|d| {
                (
                    d.location.as_ref().map_or(0, |l| l.line),
                    d.location.as_ref().and_then(|l| l.path.clone()).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(lines, vec![(2, "tenant_id".into()), (4, "tenant".into()), (5, "tenant".into())], "{problems:?}");
    }

    #[test]
    fn yaml_inventories_read_like_csv() {
        let rows =
            parse_yaml("inv.yaml", "- tenant: contoso\n  cloud: gcc\n- tenant: fabrikam\n  sites: [https://a]\n")
                .expect("parses");
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 3]);
        let err = parse_yaml("inv.yaml", "- tenant: contoso\n  clod: gcc\n").expect_err("unknown");
        assert_eq!(err.diagnostics[0].location.as_ref().map(|l| l.line), Some(2));
    }
}
