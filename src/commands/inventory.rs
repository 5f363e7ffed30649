//! `render PROFILE --inventory FILE`: one bundle per row, rendered in parallel.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::cli::{Cli, RenderArgs};
use crate::cloud::Cloud;
use crate::diagnostic::{Diagnostic, InputError, Location};
use crate::inventory::{self, Job};
use crate::job::{self, Setup};
use crate::layers::Layers;
use crate::output;
use crate::profile::{CredentialKind, LoadedProfile};
use crate::quote;

#[derive(Serialize)]
struct Index<'a> {
    profile: &'a str,
    title: &'a str,
    generator: &'static str,
    inventory: String,
    bundles: Vec<Entry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    failed: Vec<Failed>,
}

#[derive(Serialize)]
struct Entry {
    tenant: String,
    line: usize,
    cloud: String,
    path: String,
    files: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct Failed {
    line: usize,
    errors: Vec<Diagnostic>,
    /// Found by the check before rendering (and printed then).
    #[serde(skip)]
    from_check: bool,
    /// The file system refused: the run fails whole.
    #[serde(skip)]
    io: Option<String>,
}

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
    let Run { loaded, setup, base, default_cloud, inventory: inventory_path } = *run;
    let t0 = std::time::Instant::now();
    let rows = inventory::read(inventory_path)?;
    let (mut jobs, mut problems) = inventory::check(&rows, base, default_cloud);
    jobs.retain_mut(|j| {
        let at = Location { line: j.line, ..Location::file(inventory_path.display().to_string()) };
        match super::render::read_certificate(&mut j.values, setup.as_of, Some(at)) {
            Ok(()) => true,
            Err(e) => {
                problems.extend(e.diagnostics);
                false
            }
        }
    });
    let row_count = rows.len();
    drop(rows);
    let target = args.out.clone().unwrap_or_else(|| PathBuf::from("out").join(&loaded.profile.id));
    let color = crate::term::color_enabled(crate::term::Stream::Stderr);
    if !problems.is_empty() && !args.keep_going {
        return Err(InputError::new(problems).into());
    }
    for p in &problems {
        write!(err, "{}", crate::term::paint(&p.to_string(), color))?;
    }
    let bad_lines: std::collections::HashSet<usize> =
        problems.iter().filter_map(|d| d.location.as_ref().map(|l| l.line)).collect();
    let jobs: Vec<Job> = jobs.into_iter().filter(|j| !bad_lines.contains(&j.line)).collect();

    if cli.verbose {
        eprintln!("checked {row_count} rows in {:?}", t0.elapsed());
    }
    // Lint once per distinct (cloud, credential, secret lifetime): the findings depend on nothing
    // else, and a profile error stops the run before anything is written.
    let mut linted: BTreeMap<(String, Option<CredentialKind>, Option<u8>), Vec<Diagnostic>> = BTreeMap::new();
    for j in &jobs {
        let key = (j.cloud.id.clone(), j.values.credential, j.values.secret_years.map(|y| y.get()));
        if let std::collections::btree_map::Entry::Vacant(slot) = linted.entry(key) {
            slot.insert(job::lint(setup, loaded, &j.values, &j.cloud)?);
        }
    }
    // The whole output folder is staged and swapped in at once: all or nothing, under a lock.
    let placement = output::Placement::begin(&target, args.force, output::Existing::AllowEmpty)
        .map_err(output::WriteError::into_anyhow)?;
    let staging = placement.staging();
    output::create_dir(&staging)
        .map_err(|e| anyhow::anyhow!("cannot create a staging folder beside `{}`: {e}", target.display()))?;
    // Rows that differ only in tenant name and id share one render (`stencil.rs`).
    let groups = crate::stencil::Groups::new(setup, loaded, jobs.iter().map(|j| (&j.values, &*j.cloud)));
    if cli.verbose {
        eprintln!("{} of {} rows share a stencil", groups.shared_rows(), jobs.len());
    }
    let progress = progress_bar(jobs.len() as u64, cli.quiet);
    // Each job is dropped once rendered: the results grow as the jobs shrink.
    let results: Vec<RowResult> = jobs
        .into_par_iter()
        .map(|j| {
            let key = (j.cloud.id.clone(), j.values.credential, j.values.secret_years.map(|y| y.get()));
            let result = render_row(&groups, &j, linted.get(&key).cloned().unwrap_or_default(), &staging, &target);
            if let Some(p) = &progress {
                p.inc(1);
            }
            result
        })
        .collect();
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    if cli.verbose {
        eprintln!("rendered and written in {:?}", t0.elapsed());
    }
    let (ok, failed): (Vec<RowResult>, Vec<RowResult>) = results.into_iter().partition(Result::is_ok);
    let failed: Vec<Failed> = failed.into_iter().filter_map(Result::err).collect();
    // A file system that refuses (a full disk) fails the run whole, whatever --keep-going says.
    if let Some(io) = failed.iter().find_map(|f| f.io.clone()) {
        anyhow::bail!("{io}; nothing was changed at `{}`", target.display());
    }
    if !failed.is_empty() && !args.keep_going {
        return Err(InputError::new(failed.into_iter().flat_map(|f| f.errors).collect()).into());
    }
    let entries: Vec<Entry> = ok.into_iter().filter_map(Result::ok).collect();
    // index.json lists every row that is not in place: bad rows found by the check and rows that
    // failed to render, in line order.
    let mut failed_all: Vec<Failed> = group_by_line(&problems);
    failed_all.extend(failed);
    failed_all.sort_by_key(|f| f.line);

    let index = Index {
        profile: &loaded.profile.id,
        title: &loaded.profile.title,
        generator: concat!("m365-runbook ", env!("CARGO_PKG_VERSION")),
        inventory: inventory_path.display().to_string(),
        bundles: entries,
        failed: failed_all,
    };
    for (name, text) in [("index.json", crate::render::json_text(&index)), ("index.md", index_page(&index))] {
        output::write_with_mode(&staging.join(name), &text, false)
            .map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", target.join(name).display()))?;
    }
    placement.commit().map_err(output::WriteError::into_anyhow)?;
    // The check's problems were printed before rendering; the render failures now.
    for f in index.failed.iter().filter(|f| !f.from_check) {
        for e in &f.errors {
            write!(err, "{}", crate::term::paint(&e.to_string(), color))?;
        }
    }
    if !cli.quiet {
        writeln!(
            out,
            "wrote {} bundles to {} ({} rows failed)",
            index.bundles.len(),
            target.display(),
            index.failed.len()
        )?;
    }
    if !index.failed.is_empty() {
        return Err(crate::commands::lint::FindingsFailed.into());
    }
    Ok(())
}

fn render_row(
    groups: &crate::stencil::Groups<'_>,
    j: &Job,
    warnings: Vec<Diagnostic>,
    staging: &Path,
    target: &Path,
) -> RowResult {
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

fn index_page(index: &Index<'_>) -> String {
    let mut s = format!(
        "# {}: runbooks\n\n{} bundles rendered from `{}` by {}.\n\n| Tenant | Cloud | Runbook | Warnings |\n| --- | --- | --- | --- |\n",
        quote::markdown(index.title),
        index.bundles.len(),
        quote::markdown(&index.inventory),
        index.generator
    );
    for b in &index.bundles {
        s.push_str(&format!(
            "| {} | {} | [runbook]({}runbook.md) | {} |\n",
            quote::markdown_code(&b.tenant),
            quote::markdown(&b.cloud),
            quote::markdown_url(&b.path),
            b.warnings
        ));
    }
    if !index.failed.is_empty() {
        s.push_str("\n## Rows that failed\n\n");
        for f in &index.failed {
            s.push_str(&format!(
                "- line {}: {}\n",
                f.line,
                quote::markdown(&f.errors.first().map(|e| e.message.clone()).unwrap_or_default())
            ));
        }
    }
    s
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
