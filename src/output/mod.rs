//! Writing a bundle to disk, atomically: staged beside the target, then swapped into place in
//! one step (`place`). A failure at any point leaves the previous bundle as it was and no staging
//! folder behind; `--force` replaces a bundle whole, never merges into it, and replaces only an
//! empty folder or one this tool wrote (`ours`).

mod ours;
pub mod place;
pub mod signals;
mod sys;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::InputError;
use crate::render::Bundle;

pub use place::{Existing, Placement, Step};

/// Why a bundle was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The target exists and `--force` was not given (an input error: exit 2).
    Exists(PathBuf),
    /// `--force` was given, but the target is not this tool's to replace (exit 2): why.
    NotOurs(PathBuf, String),
    /// Not a regular file to replace (a symlink, a folder): what it is (exit 2).
    Refused(PathBuf, String),
    /// Another run is writing the same target (exit 1): the target and its lock file.
    Busy(PathBuf, PathBuf),
    /// The file system refused (exit 1).
    Io { path: PathBuf, what: &'static str, source: io::Error },
    /// A test stopped the run at a placement step.
    Stopped,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Exists(p) => {
                write!(f, "`{}` already exists; add --force to replace it, or choose another --out", p.display())
            }
            WriteError::NotOurs(p, why) => write!(
                f,
                "`{}` {why}: --force replaces only an empty folder or a bundle, inventory or documentation \
                 folder that m365-runbook wrote; nothing was changed (choose another --out, or move it away)",
                p.display()
            ),
            WriteError::Refused(p, why) => {
                write!(f, "`{}` {why}; it is neither followed nor replaced, nothing was changed", p.display())
            }
            WriteError::Busy(p, lock) => write!(
                f,
                "another m365-runbook run is writing `{}` (it holds `{}`); wait for it to finish",
                p.display(),
                lock.display()
            ),
            WriteError::Io { path, what, source } => write!(f, "cannot {what} `{}`: {source}", path.display()),
            WriteError::Stopped => write!(f, "stopped"),
        }
    }
}

impl std::error::Error for WriteError {}

impl WriteError {
    /// A target in the way is the user's to resolve (exit 2); a file-system failure is not (exit 1).
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            WriteError::Exists(_) | WriteError::NotOurs(..) | WriteError::Refused(..) => {
                InputError::msg(self.to_string()).into()
            }
            other => anyhow::Error::new(other),
        }
    }
}

fn io_err(path: &Path, what: &'static str) -> impl FnOnce(io::Error) -> WriteError + use<> {
    let path = path.to_path_buf();
    move |source| WriteError::Io { path, what, source }
}

/// Writes `bundle` to `target`. With `force`, an existing folder there is replaced (when ours).
pub fn write_bundle(bundle: &Bundle, target: &Path, force: bool) -> Result<(), WriteError> {
    write_bundle_with(bundle, target, force, &mut write_with_mode)
}

/// Writes `bundle` into `dir`, a new folder inside a staging folder that the caller moves into
/// place (inventories). An error names the file by its path relative to `dir`.
pub fn write_staged(bundle: &Bundle, dir: &Path) -> Result<(), (String, io::Error)> {
    create_dir(dir).map_err(|e| (String::new(), e))?;
    for (rel, file) in bundle.files() {
        write_with_mode(&dir.join(rel), &file.text, file.executable).map_err(|e| (rel.to_string(), e))?;
    }
    Ok(())
}

/// As `write_bundle`, with the file writer given (tests inject failures through it).
pub fn write_bundle_with(
    bundle: &Bundle,
    target: &Path,
    force: bool,
    write_file: &mut dyn FnMut(&Path, &str, bool) -> io::Result<()>,
) -> Result<(), WriteError> {
    let placement = Placement::begin(target, force, Existing::Refuse)?;
    let staging = placement.staging();
    create_dir(&staging).map_err(io_err(target, "make a staging folder beside"))?;
    fill(bundle, &staging, target, write_file)?;
    placement.commit()
}

/// Writes one file at `path` (a profile, a template), never through a symlink: without `force`
/// nothing may be there; with it, only a regular file is replaced, by a rename, so a symlink put
/// there meanwhile is replaced rather than followed.
pub fn write_file(path: &Path, text: &str, force: bool) -> Result<(), WriteError> {
    if let Ok(meta) = path.symlink_metadata() {
        if !force {
            return Err(WriteError::Exists(path.to_path_buf()));
        }
        if meta.file_type().is_symlink() {
            return Err(WriteError::Refused(path.to_path_buf(), "is a symbolic link".into()));
        }
        if !meta.is_file() {
            return Err(WriteError::Refused(path.to_path_buf(), "is not a regular file".into()));
        }
    } else {
        // create_new fails on a symlink, even a dangling one: nothing is created through it.
        return write_with_mode(path, text, false).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                WriteError::Exists(path.to_path_buf())
            } else {
                io_err(path, "write")(e)
            }
        });
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = parent.join(format!(".m365rb-{}-{}.tmp", std::process::id(), place::unique()));
    write_with_mode(&tmp, text, false).map_err(io_err(path, "write"))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err(path, "write")(e)
    })
}

/// Writes every file into `dir`; errors name the file at its final place under `target`.
fn fill(
    bundle: &Bundle,
    dir: &Path,
    target: &Path,
    write_file: &mut dyn FnMut(&Path, &str, bool) -> io::Result<()>,
) -> Result<(), WriteError> {
    for (rel, file) in bundle.files() {
        let path = dir.join(rel);
        if rel.contains('/')
            && let Some(parent) = path.parent()
        {
            fs::create_dir_all(parent).map_err(io_err(&target.join(rel), "create the folder of"))?;
        }
        write_file(&path, &file.text, file.executable).map_err(io_err(&target.join(rel), "write"))?;
    }
    Ok(())
}

/// A folder readable by all, writable by the owner (0755 before the umask).
pub(crate) fn create_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o755);
    builder.create(path)
}

/// Creates a file with its final mode in one call (scripts 0755, others 0644, less the umask).
pub fn write_with_mode(path: &Path, text: &str, executable: bool) -> io::Result<()> {
    use std::io::Write as _;
    create_with_mode(path, executable)?.write_all(text.as_bytes())
}

/// A new file (never one that is there, nor through a symlink) with its final mode, to write.
pub fn create_with_mode(path: &Path, executable: bool) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, if executable { 0o755 } else { 0o644 });
    #[cfg(not(unix))]
    let _ = executable;
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(text: &str) -> Bundle {
        let mut b = Bundle::default();
        b.insert("a.txt", text.to_string(), false);
        b.insert("run.sh", "#!/bin/sh\n".to_string(), true);
        let index = r#"{"generator":{"name":"m365-runbook"},"files":["a.txt","run.sh","bundle.json"]}"#;
        b.insert("bundle.json", index.to_string(), false);
        b
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with('.'))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_then_refuses_to_overwrite_without_force() {
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("out/contoso");
        write_bundle(&bundle("one"), &target, false).expect("written");
        assert_eq!(fs::read_to_string(target.join("a.txt")).expect("read"), "one");
        assert!(matches!(write_bundle(&bundle("two"), &target, false), Err(WriteError::Exists(_))));
        assert_eq!(fs::read_to_string(target.join("a.txt")).expect("read"), "one");
    }

    #[test]
    fn force_replaces_whole_never_merges() {
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("contoso");
        write_bundle(&bundle("one"), &target, false).expect("written");
        write_bundle(&bundle("two"), &target, true).expect("replaced");
        assert_eq!(fs::read_to_string(target.join("a.txt")).expect("read"), "two");
        assert!(leftovers(tmp.path()).is_empty());
        // A file this tool did not write makes the folder the user's: refused, left as it was.
        fs::write(target.join("notes.txt"), "mine").expect("notes");
        let err = write_bundle(&bundle("three"), &target, true).expect_err("refused");
        assert!(matches!(err, WriteError::NotOurs(..)), "{err}");
        assert!(err.to_string().contains("`notes.txt`"), "{err}");
        assert_eq!(fs::read_to_string(target.join("a.txt")).expect("read"), "two");
        assert_eq!(fs::read_to_string(target.join("notes.txt")).expect("read"), "mine");
        assert!(leftovers(tmp.path()).is_empty(), "{:?}", leftovers(tmp.path()));
    }

    #[test]
    fn a_failing_write_leaves_the_previous_bundle_and_no_temporary_folder() {
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("contoso");
        write_bundle(&bundle("one"), &target, false).expect("written");
        let mut calls = 0;
        let mut failing = |path: &Path, text: &str, x: bool| {
            calls += 1;
            if calls == 2 { Err(io::Error::other("disk full")) } else { write_with_mode(path, text, x) }
        };
        let err = write_bundle_with(&bundle("two"), &target, true, &mut failing).expect_err("fails");
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(fs::read_to_string(target.join("a.txt")).expect("read"), "one");
        assert!(leftovers(tmp.path()).is_empty(), "{:?}", leftovers(tmp.path()));
    }

    #[cfg(unix)]
    #[test]
    fn scripts_are_executable_and_nothing_is_world_writable() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("contoso");
        write_bundle(&bundle("x"), &target, false).expect("written");
        let mode = |p: &str| fs::metadata(target.join(p)).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode("run.sh"), 0o755);
        assert_eq!(mode("a.txt"), 0o644);
    }
}
