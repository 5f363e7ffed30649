//! The template engine: built-in templates compiled in, user templates winning per file, and the
//! quoting filters (`super::filters`) registered once. Without overrides the built-ins render
//! through their compiled Rust (`super::compiled`), and tera compiles a template only when one
//! of those gives way. Autoescape is off: each template quotes explicitly with the
//! filter of its own language (`sh`, `ps`, `dotenv`, `md`, `md_code`, `md_url`, `yaml`, `comment`).

use std::fs;
use std::path::Path;
use std::sync::{OnceLock, PoisonError, RwLock};

use tera::Tera;

use crate::diagnostic::{Diagnostic, InputError, Location};

/// Built-in templates: (name, text). The name is the file written, plus `.tera`.
pub static BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("_az.ps1.tera", include_str!("../../templates/_az.ps1.tera")),
    ("_az.sh.tera", include_str!("../../templates/_az.sh.tera")),
    ("_az_end.ps1.tera", include_str!("../../templates/_az_end.ps1.tera")),
    ("_operations.md.tera", include_str!("../../templates/_operations.md.tera")),
    ("_sites.ps1.tera", include_str!("../../templates/_sites.ps1.tera")),
    ("_sites.sh.tera", include_str!("../../templates/_sites.sh.tera")),
    ("SUMMARY.md.tera", include_str!("../../templates/SUMMARY.md.tera")),
    ("_directory-roles.ps1.tera", include_str!("../../templates/_directory-roles.ps1.tera")),
    ("_directory-roles.sh.tera", include_str!("../../templates/_directory-roles.sh.tera")),
    ("_exchange-user-roles.ps1.tera", include_str!("../../templates/_exchange-user-roles.ps1.tera")),
    ("_other-apps-summary.ps1.tera", include_str!("../../templates/_other-apps-summary.ps1.tera")),
    ("_other-apps-summary.sh.tera", include_str!("../../templates/_other-apps-summary.sh.tera")),
    ("_other-apps.ps1.tera", include_str!("../../templates/_other-apps.ps1.tera")),
    ("_other-apps.sh.tera", include_str!("../../templates/_other-apps.sh.tera")),
    ("_sign-in-settings.ps1.tera", include_str!("../../templates/_sign-in-settings.ps1.tera")),
    ("_sign-in-settings.sh.tera", include_str!("../../templates/_sign-in-settings.sh.tera")),
    ("app.env.tera", include_str!("../../templates/app.env.tera")),
    ("collect-state.ps1.tera", include_str!("../../templates/collect-state.ps1.tera")),
    ("collect-state.sh.tera", include_str!("../../templates/collect-state.sh.tera")),
    ("docs-index.md.tera", include_str!("../../templates/docs-index.md.tera")),
    ("env.ps1.tera", include_str!("../../templates/env.ps1.tera")),
    ("env.sh.tera", include_str!("../../templates/env.sh.tera")),
    ("exchange-online.ps1.tera", include_str!("../../templates/exchange-online.ps1.tera")),
    ("register-app.ps1.tera", include_str!("../../templates/register-app.ps1.tera")),
    ("register-app.sh.tera", include_str!("../../templates/register-app.sh.tera")),
    ("runbook.md.tera", include_str!("../../templates/runbook.md.tera")),
    ("sharepoint-tenant.ps1.tera", include_str!("../../templates/sharepoint-tenant.ps1.tera")),
    ("upgrade-app.ps1.tera", include_str!("../../templates/upgrade-app.ps1.tera")),
    ("upgrade-app.sh.tera", include_str!("../../templates/upgrade-app.sh.tera")),
    ("upgrade.md.tera", include_str!("../../templates/upgrade.md.tera")),
];

/// The filters each kind of file may use on a value, by the file's extension (test-enforced).
pub fn filters_for(template: &str) -> &'static [&'static str] {
    let name = template.trim_end_matches(".tera");
    if name.ends_with(".sh") {
        &["sh", "comment", "ident"]
    } else if name.ends_with(".ps1") {
        &["ps", "comment", "ident"]
    } else if name.ends_with(".env") {
        &["dotenv", "comment", "ident"]
    } else if name.ends_with(".md") {
        &["md", "md_code", "md_url", "md_fenced", "md_ticked", "yaml"]
    } else {
        &[]
    }
}

/// The templates, each compiled on first use: a command compiles only what it renders (about
/// 2.5 ms saved per run). They share one engine, so a partial is compiled once however many
/// templates include it. Overrides are compiled up front, so a broken one is reported before
/// anything renders; the built-ins are compiled by the tests.
pub struct Templates {
    entries: Vec<Entry>,
    engine: RwLock<Tera>,
    /// Whether the compiled built-ins ([`super::compiled`]) render: no override, and not asked
    /// for tera alone.
    native: bool,
}

struct Entry {
    name: &'static str,
    /// Shown in messages: `built-in:NAME` or the override's path.
    origin: String,
    /// A built-in's text is borrowed from the binary; an override's is read.
    text: std::borrow::Cow<'static, str>,
    /// Set once the template is in the engine, with the partials it names.
    compiled: OnceLock<Result<(), Box<Diagnostic>>>,
}

/// A partial (`_NAME.tera`) is no file of its own: templates of its language take it in with
/// `{% include "_NAME.tera" %}`, so that the scripts share one copy of their common steps.
pub fn is_partial(name: &str) -> bool {
    name.starts_with('_')
}

/// An engine with the filters and no template.
fn engine() -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(Vec::<&str>::new());
    super::filters::register(&mut tera);
    tera
}

/// Adds the template `entry` to `tera`, after the partials it names that `tera` lacks, one at
/// a time, so that an error names the template it is in.
fn add(tera: &mut Tera, entry: &Entry, entries: &[Entry]) -> Result<(), Box<Diagnostic>> {
    for e in missing(tera, &[entry], entries) {
        tera.add_raw_template(e.name, &e.text).map_err(|err| Box::new(template_error(&e.origin, &e.text, &err)))?;
    }
    Ok(())
}

/// What `tera` lacks to render `wanted`: the partials they name, once each, then those of
/// `wanted` it does not have yet.
fn missing<'e>(tera: &Tera, wanted: &[&'e Entry], entries: &'e [Entry]) -> Vec<&'e Entry> {
    let mut batch: Vec<&Entry> = Vec::new();
    for entry in wanted {
        for partial in named_partials(&entry.text, entries) {
            if !tera.contains_template(partial.name) && !batch.iter().chain(wanted).any(|b| b.name == partial.name) {
                batch.push(partial);
            }
        }
    }
    batch.extend(wanted.iter().copied().filter(|e| !tera.contains_template(e.name)));
    batch
}

/// The partials whose name (`_NAME.tera`) appears in `text`, in an include or anywhere else.
/// One pass over the text: each `.tera` in it, read back to the start of the name it ends.
fn named_partials<'e>(text: &str, entries: &'e [Entry]) -> Vec<&'e Entry> {
    let mut found: Vec<&Entry> = Vec::new();
    for (end, _) in text.match_indices(".tera") {
        let start = text[..end].rfind(|c: char| !(c.is_ascii_alphanumeric() || "_-.".contains(c))).map_or(0, |i| i + 1);
        let word = &text[start..end + ".tera".len()];
        for (at, _) in word.match_indices('_') {
            let name = &word[at..];
            if let Some(e) = entries.iter().find(|e| is_partial(e.name) && e.name == name)
                && !found.iter().any(|f| f.name == e.name)
            {
                found.push(e);
            }
        }
    }
    found
}

impl Templates {
    /// The built-in templates.
    pub fn builtin() -> Result<Templates, InputError> {
        Templates::with_overrides(None)
    }

    /// The built-in templates, every one rendered by tera from its text (the compiled ones are
    /// not used): what the tests compare the compiled templates with.
    pub fn interpreted() -> Result<Templates, InputError> {
        let mut templates = Templates::builtin()?;
        templates.native = false;
        Ok(templates)
    }

    /// Built-ins, with every `NAME.tera` file of `dir` replacing the built-in of that name.
    pub fn with_overrides(dir: Option<&Path>) -> Result<Templates, InputError> {
        let mut entries: Vec<Entry> = BUILTIN_TEMPLATES
            .iter()
            .map(|(n, t)| Entry {
                name: n,
                origin: format!("built-in:{n}"),
                text: std::borrow::Cow::Borrowed(t),
                compiled: OnceLock::new(),
            })
            .collect();
        if let Some(dir) = dir {
            unknown_overrides(dir)?;
            let root = fs::canonicalize(dir)
                .map_err(|e| InputError::msg(format!("cannot read templates folder `{}`: {e}", dir.display())))?;
            let mut problems = Vec::new();
            let mut overridden = Vec::new();
            for (i, entry) in entries.iter_mut().enumerate() {
                let path = dir.join(entry.name);
                if path.symlink_metadata().is_err() {
                    continue;
                }
                // The file itself is confined to the folder, as include/import/extends are: a
                // symlink may point only inside it.
                let real = fs::canonicalize(&path)
                    .map_err(|e| InputError::msg(format!("cannot read template `{}`: {e}", path.display())))?;
                if !real.starts_with(&root) {
                    return Err(InputError::msg(format!(
                        "template `{}` is a link to `{}`, outside the templates folder; templates are read only from inside it",
                        path.display(),
                        real.display()
                    )));
                }
                if real.is_file() {
                    entry.text = crate::input::read_text(
                        &path,
                        "template",
                        crate::input::MAX_FILE_BYTES,
                        crate::input::Encoding::Utf8,
                    )?
                    .into();
                    entry.origin = path.display().to_string();
                    overridden.push(i);
                }
            }
            // Each override on its own engine, so that every broken one is reported.
            for &i in &overridden {
                if let Err(d) = add(&mut engine(), &entries[i], &entries) {
                    problems.push(*d);
                }
            }
            if !problems.is_empty() {
                return Err(InputError::new(problems));
            }
        }
        let native = entries.iter().all(|e| e.origin.starts_with("built-in:"));
        Ok(Templates { entries, engine: RwLock::new(engine()), native })
    }

    /// Compiles the templates `names` (e.g. `runbook.md.tera`) not compiled yet, with their
    /// partials, in one step: the engine links its templates after each step, so one step for
    /// a whole bundle costs less than one per template. A template that fails here is left for
    /// [`Templates::render`] to compile alone and report.
    pub fn prepare(&self, names: &[&str]) {
        let wanted: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.compiled.get().is_none() && names.contains(&e.name) && self.compiled(e.name).is_none())
            .collect();
        if wanted.is_empty() {
            return;
        }
        let mut tera = self.engine.write().unwrap_or_else(PoisonError::into_inner);
        let batch = missing(&tera, &wanted, &self.entries);
        if tera.add_raw_templates(batch.iter().map(|e| (e.name, &*e.text))).is_ok() {
            for entry in wanted {
                let _ = entry.compiled.set(Ok(()));
            }
        }
    }

    /// Whether every template is a built-in one (no `--templates` file replaces any).
    pub fn all_builtin(&self) -> bool {
        self.entries.iter().all(|e| e.origin.starts_with("built-in:"))
    }

    /// The compiled function that renders `name`, when one is used.
    fn compiled(&self, name: &str) -> Option<super::compiled::Render> {
        if self.native { super::compiled::find(name) } else { None }
    }

    /// Renders the template `name` (e.g. `runbook.md.tera`) with `context`.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, InputError> {
        if let Some(template) = self.compiled(name) {
            let capacity = self.entries.iter().find(|e| e.name == name).map_or(0, |e| e.text.len());
            match super::compiled::render(template, context, capacity) {
                Ok(text) if text.len() <= MAX_OUTPUT_BYTES => return Ok(text),
                // tera renders it instead, and gives its own output or error.
                _ => super::compiled::note_fallback(),
            }
        }
        let entry = self
            .entries
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| InputError::msg(format!("internal error: no template `{name}`")))?;
        entry
            .compiled
            .get_or_init(|| add(&mut self.engine.write().unwrap_or_else(PoisonError::into_inner), entry, &self.entries))
            .as_ref()
            .map_err(|d| InputError::one((**d).clone()))?;
        let tera = self.engine.read().unwrap_or_else(PoisonError::into_inner);
        let mut out = Limited { bytes: Vec::new() };
        let rendered = {
            // Only a user's template can loop away: the built-ins are not watched.
            let _watch = (!entry.origin.starts_with("built-in:")).then(|| watchdog::watch(&entry.origin));
            tera.render_to(name, context, &mut out)
        };
        rendered.map_err(|e| {
            let message = if out.bytes.len() > MAX_OUTPUT_BYTES {
                format!(
                    "template `{}` wrote more than {} MiB; is a loop running away?",
                    entry.origin,
                    MAX_OUTPUT_BYTES >> 20
                )
            } else {
                format!("template `{name}` failed: {}", error_chain(&e))
            };
            InputError::one(Diagnostic::error(message))
        })?;
        String::from_utf8(out.bytes)
            .map_err(|_| InputError::msg(format!("internal error: template `{name}` wrote invalid UTF-8")))
    }
}

/// The most one template may write.
const MAX_OUTPUT_BYTES: usize = 32 << 20;

/// A buffer that refuses to grow past [`MAX_OUTPUT_BYTES`]: the engine stops at the error.
struct Limited {
    bytes: Vec<u8>,
}

impl std::io::Write for Limited {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.bytes.resize(MAX_OUTPUT_BYTES + 1, 0);
            return Err(std::io::Error::other("template output limit reached"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A template that renders for longer than [`watchdog::LIMIT`] (a loop that writes nothing
/// cannot be stopped by the output limit) ends the run with a clear error, after the staging
/// folders are removed.
mod watchdog {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    use std::time::{Duration, Instant};

    pub const LIMIT: Duration = Duration::from_secs(20);

    static ACTIVE: Mutex<Option<HashMap<u64, (Instant, String)>>> = Mutex::new(None);
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    static STARTED: OnceLock<()> = OnceLock::new();

    pub struct Watch(u64);

    fn active() -> std::sync::MutexGuard<'static, Option<HashMap<u64, (Instant, String)>>> {
        ACTIVE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn watch(origin: &str) -> Watch {
        STARTED.get_or_init(|| {
            let _ = std::thread::Builder::new().name("template-watchdog".into()).spawn(|| {
                loop {
                    std::thread::sleep(Duration::from_millis(250));
                    let late = active()
                        .as_ref()
                        .and_then(|m| m.values().find(|(t, _)| t.elapsed() > LIMIT).map(|(_, o)| o.clone()));
                    if let Some(origin) = late {
                        crate::output::signals::clean_up_now();
                        crate::term::write_stderr_unlocked(&format!(
                            "error: template `{origin}` ran for more than {} s; is a loop running away? nothing was written\n",
                            LIMIT.as_secs()
                        ));
                        std::process::exit(i32::from(crate::EXIT_INPUT));
                    }
                }
            });
        });
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        active().get_or_insert_with(HashMap::new).insert(id, (Instant::now(), origin.to_string()));
        Watch(id)
    }

    impl Drop for Watch {
        fn drop(&mut self) {
            if let Some(m) = active().as_mut() {
                m.remove(&self.0);
            }
        }
    }
}

/// A file in the overrides folder that matches no template is most likely a typo.
fn unknown_overrides(dir: &Path) -> Result<(), InputError> {
    let entries = fs::read_dir(dir)
        .map_err(|e| InputError::msg(format!("cannot read templates folder `{}`: {e}", dir.display())))?;
    let known: Vec<&str> = BUILTIN_TEMPLATES.iter().map(|(n, _)| *n).collect();
    let mut problems = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".tera") && !known.contains(&name.as_str()) {
            let mut d = Diagnostic::error(format!("`{}` does not override any template", entry.path().display()))
                .note(format!("templates: {}", known.join(", ")));
            if let Some(s) = crate::suggest::nearest(&name, known.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            problems.push(d);
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(InputError::new(problems)) }
}

fn template_error(name: &str, text: &str, e: &tera::Error) -> Diagnostic {
    let mut location = Location::file(name);
    if let tera::ErrorKind::SyntaxError(report) = e.kind() {
        let span = report.span();
        location.line = span.start_line;
        location.column = span.start_col + 1;
        location.line_text = text.lines().nth(span.start_line.saturating_sub(1)).map(str::to_string);
        location.width = 1;
        return Diagnostic::error(format!("template syntax error: {}", report.message())).at(Some(location));
    }
    Diagnostic::error(format!("template error: {}", error_chain(e))).at(Some(location))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_template_compiles_alone_and_all_at_once() {
        // With tera: what renders them when a compiled one gives way, and what `--templates`
        // copies of them go through.
        let templates = Templates::interpreted().expect("built-ins");
        for entry in &templates.entries {
            if let Err(d) = add(&mut engine(), entry, &templates.entries) {
                panic!("{d}");
            }
        }
        let names: Vec<String> = BUILTIN_TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
        templates.prepare(&names.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(templates.entries.iter().all(|e| matches!(e.compiled.get(), Some(Ok(())))));
        let engine = templates.engine.read().expect("engine");
        assert_eq!(engine.get_template_names().count(), BUILTIN_TEMPLATES.len());
    }

    #[test]
    fn compiled_templates_are_not_compiled_again_by_tera() {
        let templates = Templates::builtin().expect("built-ins");
        templates.prepare(&["runbook.md.tera", "register-app.sh.tera"]);
        assert_eq!(templates.engine.read().expect("engine").get_template_names().count(), 0);
        let overridden = Templates { native: false, ..Templates::builtin().expect("built-ins") };
        overridden.prepare(&["register-app.sh.tera"]);
        assert!(overridden.engine.read().expect("engine").get_template_names().count() >= 2, "with its partials");
    }

    #[test]
    fn a_template_takes_in_the_partials_it_names_and_only_those() {
        let templates = Templates::builtin().expect("built-ins");
        let text = "{% include \"_az.sh.tera\" %} # see x_sites.sh.tera; not _nothing.tera nor _az.sh";
        let named: Vec<&str> = named_partials(text, &templates.entries).iter().map(|e| e.name).collect();
        assert_eq!(named, ["_az.sh.tera", "_sites.sh.tera"]);
    }
}
