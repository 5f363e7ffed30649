//! Single-render benchmark: the CPU time, from start to exit, of one `render` of the largest
//! built-in profile (kodo-2021-08), and of `--version` beside it (the cost of starting at all).
//! Each is run many times with the release binary, each render into a fresh folder; the CPU time
//! of every run is its user plus system time from `getrusage(RUSAGE_CHILDREN)` (microseconds),
//! and the least, the tenth percentile and the median are reported: on a shared machine the
//! least is the figure to compare, the median says how noisy the hour is. Linux only.
//!
//!     cargo bench --bench single                   # 200 runs of each
//!     BENCH_RUNS=1000 cargo bench --bench single
//!     BENCH_BIN=/path/to/other/m365-runbook cargo bench --bench single   # another build, to compare
//!
//! Instruction counts (valgrind's callgrind), which do not move with the neighbours, are in
//! benches/README.md with the commands that give them.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PROFILE: &str = "kodo-2021-08";

#[repr(C)]
struct Timeval {
    sec: i64,
    usec: i64,
}

/// `struct rusage` of Linux on 64-bit targets: two timevals, then fourteen longs.
#[repr(C)]
struct Rusage {
    utime: Timeval,
    stime: Timeval,
    rest: [i64; 14],
}

unsafe extern "C" {
    fn getrusage(who: i32, usage: *mut Rusage) -> i32;
}

const RUSAGE_CHILDREN: i32 = -1;

/// User plus system CPU of every child waited for so far.
fn children_cpu() -> Duration {
    let mut usage = Rusage { utime: Timeval { sec: 0, usec: 0 }, stime: Timeval { sec: 0, usec: 0 }, rest: [0; 14] };
    // SAFETY: `usage` is a valid, writable `struct rusage` for the call's whole duration.
    let rc = unsafe { getrusage(RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    let micros = |t: &Timeval| u64::try_from(t.sec * 1_000_000 + t.usec).unwrap_or(0);
    Duration::from_micros(micros(&usage.utime) + micros(&usage.stime))
}

/// CPU and wall time of each of `runs` runs of the command `make` builds (run `i`).
fn measure(runs: usize, mut make: impl FnMut(usize) -> Command) -> (Vec<Duration>, Vec<Duration>) {
    let (mut cpu, mut wall) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for i in 0..runs {
        let mut cmd = make(i);
        let before = children_cpu();
        let start = Instant::now();
        let status = cmd.status().expect("run the binary");
        wall.push(start.elapsed());
        assert!(status.success(), "{cmd:?} failed");
        cpu.push(children_cpu() - before);
    }
    cpu.sort();
    wall.sort();
    (cpu, wall)
}

fn show(label: &str, (cpu, wall): &(Vec<Duration>, Vec<Duration>)) {
    let at = |v: &[Duration], q: f64| v[((v.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "  {label:<10} CPU least {:.2} ms, tenth percentile {:.2} ms, median {:.2} ms; wall median {:.2} ms",
        at(cpu, 0.0),
        at(cpu, 0.1),
        at(cpu, 0.5),
        at(wall, 0.5)
    );
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(200).max(1);
    let bin = std::env::var("BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_m365-runbook").to_string());
    let bin = bin.as_str();
    let dir = std::env::temp_dir().join(format!("m365-runbook-single-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!("{runs} runs of each, profile {PROFILE}, binary {bin}");
    let version = measure(runs, |_| {
        let mut c = Command::new(bin);
        c.arg("--version").stdout(std::process::Stdio::null());
        c
    });
    let render = measure(runs, |i| {
        let mut c = Command::new(bin);
        c.args(["--quiet", "render", PROFILE, "--tenant", "contoso", "--as-of", "2026-11-22", "--out"])
            .arg(dir.join(format!("out{i}")));
        c
    });
    show("--version", &version);
    show("render", &render);
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}
