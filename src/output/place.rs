//! Putting a folder in place as one step. A run locks the target (a lock file beside it), removes
//! what a killed run left, checks what `--force` would replace, stages the new folder inside a
//! private folder beside the target (same file system, short name), then swaps it in with one
//! `renameat2(RENAME_EXCHANGE)`; where the system has no exchange, it moves the old folder aside
//! and the new one in, and a later run puts the old one back if it was stopped between the two.
//!
//! Names beside the target, for a target whose name hashes to `H`:
//! `.m365rb-H.lock` (the lock) and `.m365rb-H-PID-N/` (the private folder: `owner`, a marker
//! naming the process and the target; `new/`, the folder being staged; `old/`, the replaced one).

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write as _};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::{WriteError, io_err, ours, signals, sys};

const MARKER: &str = "owner";
const MARKER_HEAD: &str = "m365-runbook staging folder\n";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A number unique within this process.
pub(crate) fn unique() -> u32 {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// The steps of `commit`, where tests stop a run as a kill would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The new folder is complete in staging; the target is untouched.
    Staged,
    /// Without an atomic exchange: the old folder is moved aside, the new one not yet in.
    MovedAside,
    /// The new folder is in place; the old one waits in staging to be removed.
    Swapped,
}

/// What the caller allows at the target when `force` is not given.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing may be there.
    Refuse,
    /// An empty folder may be there (inventories fill one).
    AllowEmpty,
}

/// A target being replaced: holds the lock until committed or dropped; dropping it uncommitted
/// removes the staging folder and leaves the target as it was.
pub struct Placement {
    target: PathBuf,
    private: PathBuf,
    lock: Option<Lock>,
    replace: bool,
    armed: bool,
}

impl Placement {
    /// Locks `target`, clears what a killed run left, checks what is there and makes the staging
    /// folder (`staging()`, not yet created: the caller creates and fills it).
    pub fn begin(target: &Path, force: bool, existing: Existing) -> Result<Placement, WriteError> {
        let (parent, name) = split(target)?;
        fs::create_dir_all(&parent).map_err(io_err(&parent, "create the folder"))?;
        let key = key(&name);
        let lock = Lock::acquire(&parent.join(format!(".m365rb-{key}.lock")), target)?;
        sweep(&parent, &key, &name, target);
        sweep_legacy(&parent, &name, target);
        let replace = match target.symlink_metadata() {
            Err(_) => false,
            Ok(meta) if sys::is_mount_point(&meta, &parent) => {
                return Err(WriteError::NotOurs(
                    target.to_path_buf(),
                    "is a mount point, which cannot be swapped whole; give --out a folder inside it".into(),
                ));
            }
            Ok(_) => {
                let kind = ours::recognise(target);
                let fill_empty = kind == Ok(ours::Kind::Empty) && existing == Existing::AllowEmpty;
                if !force && !fill_empty {
                    return Err(WriteError::Exists(target.to_path_buf()));
                }
                if let Err(why) = kind {
                    return Err(WriteError::NotOurs(target.to_path_buf(), why));
                }
                true
            }
        };
        let unique = format!("{}-{}", std::process::id(), self::unique());
        let private = parent.join(format!(".m365rb-{key}-{unique}"));
        signals::registry().staging.push(private.clone());
        let placement = Placement { target: target.to_path_buf(), private, lock: Some(lock), replace, armed: true };
        // Errors name the target, not the staging folder the user never asked for.
        super::create_dir(&placement.private).map_err(io_err(target, "make a staging folder beside"))?;
        let marker = format!("{MARKER_HEAD}pid {}\ntarget {}\n", std::process::id(), name.to_string_lossy());
        fs::write(placement.private.join(MARKER), marker).map_err(io_err(target, "make a staging folder beside"))?;
        Ok(placement)
    }

    /// The folder to stage the new content in.
    pub fn staging(&self) -> PathBuf {
        self.private.join("new")
    }

    /// Puts the staged folder in place.
    pub fn commit(self) -> Result<(), WriteError> {
        self.commit_with(&mut |_| ControlFlow::Continue(()))
    }

    /// As `commit`; `hook` may stop the run at a step (`Break`): everything is then left on disk
    /// exactly as a kill at that point would leave it, and `WriteError::Stopped` returned.
    pub fn commit_with(mut self, hook: &mut dyn FnMut(Step) -> ControlFlow<()>) -> Result<(), WriteError> {
        let new = self.staging();
        if hook(Step::Staged).is_break() {
            return Err(self.stop());
        }
        {
            // No interrupt between the renames of one swap.
            let _quiet = signals::registry();
            if self.replace {
                if !sys::exchange(&new, &self.target).map_err(io_err(&self.target, "replace"))? {
                    let old = self.private.join("old");
                    fs::rename(&self.target, &old).map_err(io_err(&self.target, "move aside"))?;
                    if hook(Step::MovedAside).is_break() {
                        drop(_quiet);
                        return Err(self.stop());
                    }
                    if let Err(e) = fs::rename(&new, &self.target) {
                        let _ = fs::rename(&old, &self.target);
                        return Err(io_err(&self.target, "move the new folder into")(e));
                    }
                }
            } else {
                sys::rename_noreplace(&new, &self.target).map_err(|e| {
                    if e.kind() == io::ErrorKind::AlreadyExists {
                        WriteError::Exists(self.target.clone())
                    } else {
                        io_err(&self.target, "move the new folder into")(e)
                    }
                })?;
            }
        }
        if hook(Step::Swapped).is_break() {
            return Err(self.stop());
        }
        Ok(())
    }

    /// Leaves everything as it is, as a kill would (tests).
    fn stop(&mut self) -> WriteError {
        self.armed = false;
        signals::registry().staging.retain(|p| p != &self.private);
        if let Some(mut lock) = self.lock.take() {
            lock.keep_file = true;
        }
        WriteError::Stopped
    }
}

/// Removes a staging folder, its marker last: a run killed half-way through leaves a folder the
/// next run still recognises.
pub(crate) fn remove_staging(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_name() != MARKER {
                let path = entry.path();
                let _ = if path.is_dir() && !path.is_symlink() {
                    fs::remove_dir_all(&path)
                } else {
                    fs::remove_file(&path)
                };
            }
        }
    }
    let _ = fs::remove_file(dir.join(MARKER));
    let _ = fs::remove_dir(dir);
}

impl Drop for Placement {
    fn drop(&mut self) {
        if self.armed {
            remove_staging(&self.private);
            signals::registry().staging.retain(|p| p != &self.private);
        }
    }
}

/// The parent folder and the name of `target`; `.`, `..` and `/` name no folder to replace.
fn split(target: &Path) -> Result<(PathBuf, OsString), WriteError> {
    let name = match target.components().next_back() {
        Some(std::path::Component::Normal(n)) => n.to_os_string(),
        _ => {
            return Err(WriteError::NotOurs(
                target.to_path_buf(),
                "does not name a folder (use a path that ends in the folder's name)".into(),
            ));
        }
    };
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// A short, stable key for a target name (FNV-1a, 64 bits), so names beside it stay short.
fn key(name: &std::ffi::OsStr) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_encoded_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Removes what a killed run left for this target; puts back a folder moved aside whose
/// replacement never arrived. Runs under the target's lock, so no live run owns these.
fn sweep(parent: &Path, key: &str, name: &std::ffi::OsStr, target: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefix = format!(".m365rb-{key}-");
    let wanted = format!("\ntarget {}\n", name.to_string_lossy());
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if !file_name.to_str().is_some_and(|n| n.starts_with(&prefix)) {
            continue;
        }
        let dir = entry.path();
        let Ok(marker) = fs::read_to_string(dir.join(MARKER)) else {
            // Emptied but for its name: removing an empty folder loses nothing.
            let _ = fs::remove_dir(&dir);
            continue;
        };
        if !marker.starts_with(MARKER_HEAD) || !marker.contains(&wanted) {
            continue;
        }
        if target.symlink_metadata().is_err() && dir.join("old").is_dir() {
            let _ = fs::rename(dir.join("old"), target);
        }
        remove_staging(&dir);
    }
}

/// Folders that earlier versions left beside a target when killed: `.NAME.old-PID-N` (the
/// previous folder, moved aside), `.NAME.tmp-PID-N` (a bundle being written) and
/// `.NAME.inventory-PID` (an inventory's staging). Each is put back (an `old` one whose target is
/// missing) or removed only when it holds nothing but this tool's output; anything else stays.
fn sweep_legacy(parent: &Path, name: &std::ffi::OsStr, target: &Path) {
    let (Some(name), Ok(entries)) = (name.to_str(), fs::read_dir(parent)) else { return };
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let pid_n = |s: &str| s.split_once('-').is_some_and(|(a, b)| number(a) && number(b));
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else { continue };
        let dir = entry.path();
        if !dir.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            continue;
        }
        if rest.strip_prefix("old-").is_some_and(pid_n) {
            if ours::recognise(&dir).is_ok() {
                if target.symlink_metadata().is_err() {
                    let _ = fs::rename(&dir, target);
                } else {
                    let _ = fs::remove_dir_all(&dir);
                }
            }
        } else if rest.strip_prefix("tmp-").is_some_and(pid_n) {
            if ours::recognise(&dir).is_ok() {
                let _ = fs::remove_dir_all(&dir);
            }
        } else if rest.strip_prefix("inventory-").is_some_and(number) {
            let all_ours = fs::read_dir(&dir).is_ok_and(|rows| {
                rows.flatten().all(|row| ours::recognise(&row.path()).is_ok_and(|k| k == ours::Kind::Bundle))
            });
            if all_ours {
                let _ = fs::remove_dir_all(&dir);
            }
        }
    }
}

/// An exclusive lock on a target: a lock file beside it, removed when released.
struct Lock {
    path: PathBuf,
    file: Option<fs::File>,
    keep_file: bool,
}

impl Lock {
    fn acquire(path: &Path, target: &Path) -> Result<Lock, WriteError> {
        for _ in 0..16 {
            let mut options = fs::OpenOptions::new();
            options.write(true).create(true).truncate(false);
            #[cfg(not(unix))]
            options.create_new(true);
            let file = match options.open(path) {
                Ok(f) => f,
                #[cfg(not(unix))]
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(WriteError::Busy(target.to_path_buf(), path.to_path_buf()));
                }
                Err(e) => return Err(io_err(target, "write beside")(e)),
            };
            if !sys::try_lock(&file).map_err(io_err(target, "lock"))? {
                return Err(WriteError::Busy(target.to_path_buf(), path.to_path_buf()));
            }
            // Another run may have removed the file between our open and lock: try again.
            if sys::same_file(&file, path) {
                let mut file = file;
                let _ = writeln!(file, "{}", std::process::id());
                signals::registry().locks.push(path.to_path_buf());
                return Ok(Lock { path: path.to_path_buf(), file: Some(file), keep_file: false });
            }
        }
        Err(WriteError::Busy(target.to_path_buf(), path.to_path_buf()))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        signals::registry().locks.retain(|p| p != &self.path);
        // Removed while still held, so a run that opens it next sees a new file.
        if !self.keep_file {
            let _ = fs::remove_file(&self.path);
        }
        drop(self.file.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(p: &Placement, text: &str) {
        let dir = p.staging();
        fs::create_dir(&dir).expect("staging");
        fs::write(dir.join("bundle.json"), r#"{"generator":{"name":"m365-runbook"},"files":["a","bundle.json"]}"#)
            .expect("bundle.json");
        fs::write(dir.join("a"), text).expect("a");
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).expect("dir").filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_stop_at_any_step_leaves_old_or_new_and_the_next_run_clears_up() {
        for (step, fallback) in [
            (Step::Staged, false),
            (Step::Swapped, false),
            (Step::Staged, true),
            (Step::MovedAside, true),
            (Step::Swapped, true),
        ] {
            sys::NO_EXCHANGE.with(|c| c.set(fallback));
            let tmp = tempfile::tempdir().expect("tmp");
            let target = tmp.path().join("t");
            let p = Placement::begin(&target, false, Existing::Refuse).expect("begin");
            stage(&p, "old");
            p.commit().expect("first");
            let p = Placement::begin(&target, true, Existing::Refuse).expect("begin");
            stage(&p, "new");
            let err =
                p.commit_with(&mut |s| if s == step { ControlFlow::Break(()) } else { ControlFlow::Continue(()) });
            let text = fs::read_to_string(target.join("a")).ok();
            match (step, err) {
                (Step::Staged, Err(WriteError::Stopped)) => assert_eq!(text.as_deref(), Some("old")),
                (Step::Swapped, Err(WriteError::Stopped)) => assert_eq!(text.as_deref(), Some("new")),
                // Moved aside, not yet in: the target is missing until the next run restores it.
                (Step::MovedAside, Err(WriteError::Stopped)) => assert_eq!(text, None),
                (s, e) => panic!("{s:?}: {e:?}"),
            }
            assert!(names(tmp.path()).len() > 1, "a stopped run leaves its staging folder, as a kill would");
            // The next run: finds the leftovers, restores or removes them, and writes.
            let p = Placement::begin(&target, true, Existing::Refuse).expect("begin again");
            assert!(matches!(fs::read_to_string(target.join("a")).as_deref(), Ok("old" | "new")), "{step:?}");
            stage(&p, "third");
            p.commit().expect("third");
            assert_eq!(fs::read_to_string(target.join("a")).expect("a"), "third");
            assert_eq!(names(tmp.path()), vec!["t".to_string()], "nothing left behind after {step:?}");
        }
        sys::NO_EXCHANGE.with(|c| c.set(false));
    }

    #[test]
    fn a_second_run_on_the_same_target_is_refused_while_the_first_holds_it() {
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("t");
        let first = Placement::begin(&target, false, Existing::Refuse).expect("begin");
        let second = Placement::begin(&target, false, Existing::Refuse);
        assert!(matches!(second, Err(WriteError::Busy(..))), "{:?}", second.err());
        drop(first);
        assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
        let again = Placement::begin(&target, false, Existing::Refuse).expect("free again");
        drop(again);
    }

    #[test]
    fn what_earlier_versions_left_is_put_back_or_removed_when_it_is_ours() {
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("t");
        // A bundle moved aside by a killed run, its target missing; a half-written one; a foreign one.
        for (name, text) in [(".t.old-41-0", "previous"), (".t.tmp-41-1", "new")] {
            let p = Placement::begin(&tmp.path().join("x"), true, Existing::Refuse).expect("begin");
            stage(&p, text);
            p.commit().expect("commit");
            fs::rename(tmp.path().join("x"), tmp.path().join(name)).expect("aside");
        }
        fs::create_dir(tmp.path().join(".t.tmp-41-2")).expect("partial");
        fs::write(tmp.path().join(".t.tmp-41-2/a"), "half").expect("half");
        let p = Placement::begin(&target, true, Existing::Refuse).expect("begin");
        assert_eq!(fs::read_to_string(target.join("a")).expect("restored"), "previous");
        drop(p);
        assert_eq!(names(tmp.path()), vec![".t.tmp-41-2", "t"], "a folder it cannot recognise stays");
    }

    #[test]
    fn long_names_fit() {
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("n".repeat(250));
        let p = Placement::begin(&target, false, Existing::Refuse).expect("begin");
        stage(&p, "x");
        p.commit().expect("commit");
        assert!(target.join("a").is_file());
    }
}
