//! Writing a bundle to disk, atomically: into a temporary folder beside the target, then renamed
//! into place. A failure at any point leaves the previous bundle as it was and no temporary
//! folder behind; `--force` replaces a bundle whole, never merges into it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::diagnostic::InputError;
use crate::render::Bundle;

/// Why a bundle was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The target exists and `--force` was not given (an input error: exit 2).
    Exists(PathBuf),
    /// The file system refused (exit 1).
    Io { path: PathBuf, what: &'static str, source: io::Error },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Exists(p) => {
                write!(f, "`{}` already exists; add --force to replace it, or choose another --out", p.display())
            }
            WriteError::Io { path, what, source } => write!(f, "cannot {what} `{}`: {source}", path.display()),
        }
    }
}

impl std::error::Error for WriteError {}

impl WriteError {
    /// An existing target is the user's to resolve (exit 2); a file-system failure is not (exit 1).
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            WriteError::Exists(_) => InputError::msg(self.to_string()).into(),
            io @ WriteError::Io { .. } => anyhow::Error::new(io),
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn io_err(path: &Path, what: &'static str) -> impl FnOnce(io::Error) -> WriteError + use<> {
    let path = path.to_path_buf();
    move |source| WriteError::Io { path, what, source }
}

/// Writes `bundle` to `target`. With `force`, an existing folder there is replaced.
pub fn write_bundle(bundle: &Bundle, target: &Path, force: bool) -> Result<(), WriteError> {
    write_bundle_with(bundle, target, force, &mut |path, text| fs::write(path, text))
}

/// Writes `bundle` into `dir`, a new folder inside a private staging folder that the caller moves
/// into place (inventories): no temporary folder of its own, one system call fewer per file.
pub fn write_staged(bundle: &Bundle, dir: &Path) -> Result<(), WriteError> {
    create_dir(dir).map_err(io_err(dir, "create the folder"))?;
    for (rel, file) in bundle.files() {
        let path = dir.join(rel);
        write_with_mode(&path, &file.text, file.executable).map_err(io_err(&path, "write"))?;
    }
    Ok(())
}

/// As `write_bundle`, with the file writer given (tests inject failures through it).
pub fn write_bundle_with(
    bundle: &Bundle,
    target: &Path,
    force: bool,
    write_file: &mut dyn FnMut(&Path, &str) -> io::Result<()>,
) -> Result<(), WriteError> {
    let exists = target.symlink_metadata().is_ok();
    if exists && !force {
        return Err(WriteError::Exists(target.to_path_buf()));
    }
    let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "bundle".into());
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent, "create the folder"))?;
    let unique = format!("{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    let staging = parent.join(format!(".{name}.tmp-{unique}"));
    create_dir(&staging).map_err(io_err(&staging, "create the temporary folder"))?;

    if let Err(e) = fill(bundle, &staging, write_file) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if exists {
        let old = parent.join(format!(".{name}.old-{unique}"));
        if let Err(e) = fs::rename(target, &old) {
            let _ = fs::remove_dir_all(&staging);
            return Err(io_err(target, "move aside the existing bundle")(e));
        }
        if let Err(e) = fs::rename(&staging, target) {
            let _ = fs::rename(&old, target);
            let _ = fs::remove_dir_all(&staging);
            return Err(io_err(target, "move the new bundle into")(e));
        }
        // The new bundle is in place; an old copy that cannot be removed is only clutter.
        let _ = fs::remove_dir_all(&old);
    } else if let Err(e) = fs::rename(&staging, target) {
        let _ = fs::remove_dir_all(&staging);
        return Err(io_err(target, "move the new bundle into")(e));
    }
    Ok(())
}

fn fill(
    bundle: &Bundle,
    dir: &Path,
    write_file: &mut dyn FnMut(&Path, &str) -> io::Result<()>,
) -> Result<(), WriteError> {
    for (rel, file) in bundle.files() {
        let path = dir.join(rel);
        if rel.contains('/')
            && let Some(parent) = path.parent()
        {
            fs::create_dir_all(parent).map_err(io_err(parent, "create the folder"))?;
        }
        write_file(&path, &file.text).map_err(io_err(&path, "write"))?;
        set_mode(&path, file.executable).map_err(io_err(&path, "set the permissions of"))?;
    }
    Ok(())
}

/// A folder readable by all, writable by the owner (0755 before the umask).
fn create_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o755);
    builder.create(path)
}

/// Creates a file with its final mode in one call (scripts 0755, others 0644, before the umask).
fn write_with_mode(path: &Path, text: &str, executable: bool) -> io::Result<()> {
    use std::io::Write as _;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, if executable { 0o755 } else { 0o644 });
    #[cfg(not(unix))]
    let _ = executable;
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(unix)]
fn set_mode(path: &Path, executable: bool) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(if executable { 0o755 } else { 0o644 }))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: bool) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(text: &str) -> Bundle {
        let mut b = Bundle::default();
        b.insert("a.txt", text.to_string(), false);
        b.insert("run.sh", "#!/bin/sh\n".to_string(), true);
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
        fs::write(target.join("stale.txt"), "x").expect("stale");
        write_bundle(&bundle("two"), &target, true).expect("replaced");
        assert_eq!(fs::read_to_string(target.join("a.txt")).expect("read"), "two");
        assert!(!target.join("stale.txt").exists(), "old files do not survive --force");
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn a_failing_write_leaves_the_previous_bundle_and_no_temporary_folder() {
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("contoso");
        write_bundle(&bundle("one"), &target, false).expect("written");
        let mut calls = 0;
        let mut failing = |path: &Path, text: &str| {
            calls += 1;
            if calls == 2 { Err(io::Error::other("disk full")) } else { fs::write(path, text) }
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
