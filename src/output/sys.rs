//! The system calls placement needs beyond std: an atomic exchange of two folders, a rename that
//! never replaces, and an advisory lock. Each has a portable fallback where the system offers none.

use std::fs;
use std::io;
use std::path::Path;

/// Whether `exchange` swaps atomically here; otherwise the caller moves aside, then in.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    #[cfg(test)]
    if NO_EXCHANGE.with(std::cell::Cell::get) {
        return Ok(false);
    }
    match renameat2(a, b, libc::RENAME_EXCHANGE as libc::c_uint) {
        Ok(()) => Ok(true),
        // Kernels or file systems without RENAME_EXCHANGE: the caller falls back.
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)) => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
thread_local! {
    /// Tests of the fallback set this to act as a system without an exchange.
    pub static NO_EXCHANGE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Renames `from` to `to`, failing with `AlreadyExists` if something is at `to` (even an empty
/// folder, which a plain rename would replace).
pub fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    match renameat2(from, to, libc::RENAME_NOREPLACE as libc::c_uint) {
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)) => {}
        other => return other,
    }
    if to.symlink_metadata().is_ok() {
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, "the target appeared meanwhile"));
    }
    fs::rename(from, to)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn renameat2(from: &Path, to: &Path, flags: libc::c_uint) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let from = std::ffi::CString::new(from.as_os_str().as_bytes())?;
    let to = std::ffi::CString::new(to.as_os_str().as_bytes())?;
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::syscall(libc::SYS_renameat2, libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), flags)
    };
    if rc == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

/// Takes an exclusive lock on an open file without waiting: `Ok(false)` when another process
/// holds it.
#[cfg(unix)]
pub fn try_lock(file: &fs::File) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: the descriptor is open for the duration of the call.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) { Ok(false) } else { Err(e) }
}

/// Elsewhere the lock file is created exclusively (see `Lock::acquire`); holding it is the lock.
#[cfg(not(unix))]
pub fn try_lock(_: &fs::File) -> io::Result<bool> {
    Ok(true)
}

/// Whether the open file is still the one at `path` (a lock file removed and made again by
/// another run is a different file).
#[cfg(unix)]
pub fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), path.symlink_metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
pub fn same_file(_: &fs::File, path: &Path) -> bool {
    path.exists()
}

/// Whether `meta` (of a folder in `parent`) is on another file system than `parent`.
#[cfg(unix)]
pub fn is_mount_point(meta: &fs::Metadata, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.is_dir() && fs::metadata(parent).is_ok_and(|p| p.dev() != meta.dev())
}

#[cfg(not(unix))]
pub fn is_mount_point(_: &fs::Metadata, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_noreplace_refuses_even_an_empty_folder() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::create_dir(&a).expect("a");
        fs::create_dir(&b).expect("b");
        let e = rename_noreplace(&a, &b).expect_err("refused");
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert!(a.is_dir() && b.is_dir());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_folders() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::create_dir(&a).expect("a");
        fs::write(a.join("x"), "a").expect("x");
        fs::create_dir(&b).expect("b");
        assert!(exchange(&a, &b).expect("exchange"), "tmpfs and ext4 support RENAME_EXCHANGE");
        assert!(b.join("x").is_file() && !a.join("x").exists());
    }
}
