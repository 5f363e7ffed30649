//! `render PROFILE --inventory FILE`: one bundle per row, rendered in parallel.

mod index;

use std::collections::{BTreeMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cli::{Cli, RenderArgs};
use crate::cloud::Cloud;
use crate::diagnostic::{Diagnostic, InputError, Location};
use crate::inventory::{Checker, Inventory, Job, Row};
use crate::job::{self, Setup};
use crate::layers::Layers;
use crate::output;
use crate::profile::{CredentialKind, LoadedProfile};
use index::{Entry, Failed, Head};

/// The check's problems, one entry per line.
fn group_by_line(problems: &[Diagnostic]) -> Vec<Failed> {
    let mut by_line: BTreeMap<usize, Vec<Diagnostic>> = BTreeMap::new();
    for p in problems {
        by_line.entry(p.location.as_ref().map_or(0, |l| l.line)).or_default().push(p.clone());
    }
    by_line.into_iter().map(|(line, errors)| Failed { line, errors, from_check: true, io: None }).collect()
}

/// The row failed: its diagnostics (the run fails or, with --keep-going, goes on).
type RowResult = Result<Entry, Failed>;

/// What one inventory run renders: the profile, the shared setup, and the values every row
/// starts from.
pub struct Run<'a> {
    pub loaded: &'a LoadedProfile,
    pub setup: &'a Setup<'a>,
    /// Values files, `--set` and flags: each row is a layer over these.
    pub base: &'a Layers,
    /// The cloud of rows that name none.
    pub default_cloud: &'a Cloud,
    pub inventory: &'a Path,
}

pub fn run(
    cli: &Cli,
    args: &RenderArgs,
    run: &Run<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let loaded = run.loaded;
    let t0 = std::time::Instant::now();
    let inventory = Inventory::read(run.inventory)?;
    let checked = check_all(run, &inventory)?;
    let target = args.out.clone().unwrap_or_else(|| PathBuf::from("out").join(&loaded.profile.id));
    let color = crate::term::color_enabled(crate::term::Stream::Stderr);
    if !checked.problems.is_empty() && !args.keep_going {
        return Err(InputError::new(checked.problems).into());
    }
    for p in &checked.problems {
        write!(err, "{}", crate::term::paint(&p.to_string(), color))?;
    }
    if cli.verbose {
        eprintln!("checked {} rows in {:?}", checked.rows, t0.elapsed());
        eprintln!("{} of {} rows share a stencil", checked.groups.shared_rows(), checked.good);
    }
    if let Some(e) = checked.lint_error {
        return Err(e.into());
    }

    // The whole output folder is staged and swapped in at once: all or nothing, under a lock.
    let placement = output::Placement::begin(&target, args.force, output::Existing::AllowEmpty)
        .map_err(output::WriteError::into_anyhow)?;
    let staging = placement.staging();
    output::create_dir(&staging)
        .map_err(|e| anyhow::anyhow!("cannot create a staging folder beside `{}`: {e}", target.display()))?;
    let head = Head {
        profile: &loaded.profile.id,
        title: &loaded.profile.title,
        generator: concat!("m365-runbook ", env!("CARGO_PKG_VERSION")),
        inventory: run.inventory.display().to_string(),
    };
    let index_error = |e: index::WriteError| e.into_anyhow(&target);
    let mut index = index::Writer::create(&staging, &head).map_err(index_error)?;
    let progress = progress_bar(checked.good as u64, cli.quiet);
    let places = Places { staging: &staging, target: &target };
    let failed = render_all(run, &inventory, &checked, &mut index, places, progress.as_ref())?;
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    if cli.verbose {
        eprintln!("rendered and written in {:?}", t0.elapsed());
    }
    if !failed.is_empty() && !args.keep_going {
        return Err(InputError::new(failed.into_iter().flat_map(|f| f.errors).collect()).into());
    }
    // The index lists every row that is not in place: bad rows found by the check and rows
    // that failed to render, in line order.
    let mut failed_all: Vec<Failed> = group_by_line(&checked.problems);
    failed_all.extend(failed);
    failed_all.sort_by_key(|f| f.line);
    let bundles = index.bundles();
    index.finish(&head, &failed_all).map_err(index_error)?;
    placement.commit().map_err(output::WriteError::into_anyhow)?;
    // The check's problems were printed before rendering; the render failures now.
    for f in failed_all.iter().filter(|f| !f.from_check) {
        for e in &f.errors {
            write!(err, "{}", crate::term::paint(&e.to_string(), color))?;
        }
    }
    if !cli.quiet {
        writeln!(out, "wrote {bundles} bundles to {} ({} rows failed)", target.display(), failed_all.len())?;
    }
    if !failed_all.is_empty() {
        return Err(crate::commands::lint::FindingsFailed.into());
    }
    Ok(())
}

/// What the first walk keeps: the problems, and what spans rows.
struct Checked<'a> {
    rows: usize,
    good: usize,
    problems: Vec<Diagnostic>,
    /// The lines of the problems: the second walk skips them.
    bad_lines: HashSet<usize>,
    /// One lint per (cloud, credential, secret lifetime): the findings depend on nothing else.
    linted: BTreeMap<LintKey, Vec<Diagnostic>>,
    /// A profile error, which stops the run before anything is written.
    lint_error: Option<InputError>,
    groups: crate::stencil::Groups<'a>,
}

/// First walk: every row checked before anything is written, none kept.
fn check_all<'a>(run: &Run<'a>, inventory: &Inventory) -> Result<Checked<'a>, InputError> {
    let shown = run.inventory.display().to_string();
    let mut checker = Checker::new(run.base, run.default_cloud);
    let mut checked = Checked {
        rows: 0,
        good: 0,
        problems: Vec::new(),
        bad_lines: HashSet::new(),
        linted: BTreeMap::new(),
        lint_error: None,
        groups: crate::stencil::Groups::new(run.setup, run.loaded),
    };
    inventory.rows(&mut |row| {
        checked.rows += 1;
        let job = match ready(&mut checker, &row, run.setup, &shown) {
            Ok(job) => job,
            Err(found) => return checked.problems.extend(found),
        };
        if let std::collections::btree_map::Entry::Vacant(slot) = checked.linted.entry(lint_key(&job)) {
            match job::lint(run.setup, run.loaded, &job.values, &job.cloud) {
                Ok(w) => {
                    slot.insert(w);
                }
                Err(e) => {
                    checked.lint_error.get_or_insert(e);
                }
            }
        }
        checked.groups.add(&job.values, &job.cloud);
        checked.good += 1;
    })?;
    checked.bad_lines = checked.problems.iter().filter_map(|d| d.location.as_ref().map(|l| l.line)).collect();
    Ok(checked)
}

/// Where bundles are written, and where they will be (for messages).
#[derive(Clone, Copy)]
struct Places<'p> {
    staging: &'p Path,
    target: &'p Path,
}

/// Second walk: the good rows again, rendered in parallel a chunk at a time; each bundle is
/// written and dropped and its index entry written before the next chunk is read. Returns the
/// rows that failed to render; a file system that refuses fails the whole run.
fn render_all(
    run: &Run<'_>,
    inventory: &Inventory,
    checked: &Checked<'_>,
    index: &mut index::Writer,
    places: Places<'_>,
    progress: Option<&indicatif::ProgressBar>,
) -> anyhow::Result<Vec<Failed>> {
    let shown = run.inventory.display().to_string();
    let mut checker = Checker::new(run.base, run.default_cloud);
    let mut chunk: Vec<Job> = Vec::with_capacity(CHUNK);
    let mut failed: Vec<Failed> = Vec::new();
    let mut stop: Option<anyhow::Error> = None;
    let flush = |chunk: &mut Vec<Job>, index: &mut index::Writer, failed: &mut Vec<Failed>| {
        let results: Vec<RowResult> = std::mem::take(chunk)
            .into_par_iter()
            .map(|j| {
                let warnings = checked.linted.get(&lint_key(&j)).cloned().unwrap_or_default();
                let result = render_row(&checked.groups, &j, warnings, places);
                if let Some(p) = progress {
                    p.inc(1);
                }
                result
            })
            .collect();
        for result in results {
            match result {
                Ok(entry) => index.bundle(&entry).map_err(|e| e.into_anyhow(places.target))?,
                // A file system that refuses (a full disk) fails the run whole, whatever
                // --keep-going says.
                Err(Failed { io: Some(io), .. }) => {
                    anyhow::bail!("{io}; nothing was changed at `{}`", places.target.display())
                }
                Err(f) => failed.push(f),
            }
        }
        Ok(())
    };
    inventory.rows(&mut |row| {
        if stop.is_some() || checked.bad_lines.contains(&row.line) {
            return;
        }
        match ready(&mut checker, &row, run.setup, &shown) {
            Ok(job) => chunk.push(job),
            // Only what changed between the walks (a certificate file) fails here: reported
            // as the row's render failure, never dropped.
            Err(errors) => failed.push(Failed { line: row.line, errors, from_check: false, io: None }),
        }
        if chunk.len() == CHUNK
            && let Err(e) = flush(&mut chunk, index, &mut failed)
        {
            stop = Some(e);
        }
    })?;
    if let Some(e) = stop {
        return Err(e);
    }
    flush(&mut chunk, index, &mut failed)?;
    Ok(failed)
}

/// Rows rendered at a time: enough to keep both cores busy, few enough that memory does not
/// grow with the inventory.
const CHUNK: usize = 256;

/// What the lint findings depend on.
type LintKey = (String, Option<CredentialKind>, Option<u8>);

fn lint_key(j: &Job) -> LintKey {
    (j.cloud.id.clone(), j.values.credential, j.values.secret_years.map(|y| y.get()))
}

/// A row checked and its certificate file read: a job to render, or its problems.
fn ready(checker: &mut Checker<'_>, row: &Row, setup: &Setup<'_>, shown: &str) -> Result<Job, Vec<Diagnostic>> {
    let mut job = checker.row(row)?;
    let at = Location { line: job.line, ..Location::file(shown) };
    super::render::read_certificate(&mut job.values, setup.as_of, Some(at)).map_err(|e| e.diagnostics)?;
    Ok(job)
}

fn render_row(
    groups: &crate::stencil::Groups<'_>,
    j: &Job,
    warnings: Vec<Diagnostic>,
    places: Places<'_>,
) -> RowResult {
    let Places { staging, target } = places;
    let fail = |errors: Vec<Diagnostic>| Failed { line: j.line, errors, from_check: false, io: None };
    let rendered = groups.render(&j.values, &j.cloud, warnings).map_err(|e| fail(e.diagnostics))?;
    let tenant = j.values.tenant.to_string();
    output::write_staged(&rendered.bundle, &staging.join(&tenant)).map_err(|(rel, e)| {
        let _ = std::fs::remove_dir_all(staging.join(&tenant));
        let shown = target.join(&tenant).join(rel);
        Failed {
            line: j.line,
            errors: Vec::new(),
            from_check: false,
            io: Some(format!("cannot write `{}`: {e}", shown.display())),
        }
    })?;
    Ok(Entry {
        path: format!("{tenant}/"),
        tenant,
        line: j.line,
        cloud: j.cloud.id.clone(),
        files: rendered.bundle.len(),
        warnings: rendered.warnings.len(),
    })
}

fn progress_bar(len: u64, quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || len < 2 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} bundles ({per_sec}, {eta} left)") {
        bar.set_style(style);
    }
    Some(bar)
}
