//! Interrupts (SIGINT, SIGTERM, SIGHUP) end a run without leaving staging folders behind.
//!
//! `install` blocks those signals in every thread (it runs before any thread starts) and waits
//! for them on a thread of its own. On a signal that thread takes the registry's lock, which
//! placement holds across each rename, so it never interrupts a swap half-way; it removes every
//! registered staging folder and lock file, then ends the process with the signal's status.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// Staging folders and lock files that belong to this process and go if it is interrupted.
#[derive(Default)]
pub struct Registry {
    pub staging: Vec<PathBuf>,
    pub locks: Vec<PathBuf>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { staging: Vec::new(), locks: Vec::new() });

/// The registry, locked: hold it across a step that an interrupt must not split.
pub fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn clean_up(registry: &mut Registry) {
    for dir in registry.staging.drain(..) {
        // Renamed first, so that workers still writing by the old path fail instead of refilling
        // it while it is removed.
        let mut doomed = dir.clone().into_os_string();
        doomed.push("-x");
        let doomed = PathBuf::from(doomed);
        let gone = if std::fs::rename(&dir, &doomed).is_ok() { doomed } else { dir };
        for _ in 0..10 {
            super::place::remove_staging(&gone);
            if !gone.exists() {
                break;
            }
        }
    }
    for lock in registry.locks.drain(..) {
        let _ = std::fs::remove_file(lock);
    }
}

/// Removes this process's staging folders and lock files now (a run that ends itself early).
pub fn clean_up_now() {
    clean_up(&mut registry());
}

/// Installs the handler. Call once, first thing in `main`, before any thread is started.
#[cfg(unix)]
pub fn install() {
    // SAFETY: plain libc calls on a local, zero-initialised signal set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        let spawned = std::thread::Builder::new().name("signals".into()).spawn(move || {
            let mut sig: libc::c_int = 0;
            if libc::sigwait(&set, &mut sig) != 0 {
                return;
            }
            clean_up(&mut registry());
            // End as the signal would have: default action, unblocked in this thread, raised.
            libc::signal(sig, libc::SIG_DFL);
            let mut one: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut one);
            libc::sigaddset(&mut one, sig);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &one, std::ptr::null_mut());
            libc::raise(sig);
            std::process::exit(128 + sig);
        });
        if spawned.is_err() {
            // No thread to receive them: let the signals act as before.
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
pub fn install() {}
