//! Inventory benchmark: renders generated inventories of the largest built-in profile
//! (kodo-2021-08) with the release binary and compares it, in the same run, with two ways of
//! writing the identical output tree and nothing else:
//!
//! - `cp -r` of the rendered tree;
//! - extract: the tree read into memory first (paths, bytes, modes), then written out the way an
//!   archive extractor writes it (`mkdir` per folder, one create-write-close per file, the mode
//!   given at creation). This is the cost of an in-memory tar archive's `tar -x`, without the
//!   header parsing, and the floor the renderer is measured against.
//!
//! Wall time, user and system CPU and peak memory (resident set) of each, from GNU time
//! (`/usr/bin/time`) for the child processes and from `/proc/self/stat` for the extract, which
//! runs in a child copy of this benchmark.
//!
//!     cargo bench --bench inventory                      # 1, 100, 1000 and 10000 rows
//!     BENCH_ROWS=1000 cargo bench --bench inventory      # other sizes, comma-separated
//!
//! It writes into a temporary folder (about 120 KB per bundle, three copies) and removes it
//! afterwards. See benches/README.md for the profile of where the time goes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const PROFILE: &str = "kodo-2021-08";

/// Wall, user and system time and peak resident memory (KiB) of one measured step.
#[derive(Clone, Copy)]
struct Cost {
    wall: Duration,
    user: f64,
    system: f64,
    peak_kib: Option<u64>,
}

fn main() {
    if let (Ok(from), Ok(to)) = (std::env::var("BENCH_EXTRACT_FROM"), std::env::var("BENCH_EXTRACT_TO")) {
        extract_child(Path::new(&from), Path::new(&to));
        return;
    }
    let sizes: Vec<usize> = std::env::var("BENCH_ROWS")
        .unwrap_or_else(|_| "1,100,1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let bin = env!("CARGO_BIN_EXE_m365-runbook");
    assert!(Path::new("/usr/bin/time").is_file(), "the benchmark needs GNU time at /usr/bin/time");
    println!("profile {PROFILE}, {} cores", std::thread::available_parallelism().map_or(1, |n| n.get()));
    println!("wall / user CPU / system CPU / peak memory of each; ratios are of wall time");
    for rows in sizes {
        let dir = tempdir(rows);
        let inventory = dir.join("inventory.csv");
        let mut csv = String::from("tenant,tenant_id\n");
        for i in 0..rows {
            csv.push_str(&format!("tenant{i:05},{:08x}-0000-4000-8000-{:012x}\n", i, i));
        }
        std::fs::write(&inventory, csv).expect("write inventory");
        let out = dir.join("out");
        let mut render = Command::new(bin);
        render
            .args(["--quiet", "render", PROFILE, "--as-of", "2026-11-22", "--inventory"])
            .arg(&inventory)
            .arg("--out")
            .arg(&out);
        let render_cost = gnu_timed(&dir, &mut render).expect("render failed");
        let copy_cost =
            gnu_timed(&dir, Command::new("cp").arg("-r").arg(&out).arg(dir.join("copy"))).expect("cp failed");
        let extract_cost = extract(&out, &dir.join("extract"));
        println!("{rows} rows:");
        for (name, c) in [("render", render_cost), ("cp -r", copy_cost), ("extract", extract_cost)] {
            println!(
                "  {name:<8} {:>10} wall {:>10} user {:>10} system {:>10} peak",
                show(c.wall),
                show(Duration::from_secs_f64(c.user)),
                show(Duration::from_secs_f64(c.system)),
                c.peak_kib.map_or("n/a".into(), |kb| format!("{:.1} MiB", kb as f64 / 1024.0)),
            );
        }
        let ratio = |base: Cost| render_cost.wall.as_secs_f64() / base.wall.as_secs_f64().max(1e-9);
        println!(
            "  render / extract {:.2}x, render / cp -r {:.2}x; per bundle {} wall, {} user CPU, {} system CPU",
            ratio(extract_cost),
            ratio(copy_cost),
            show(render_cost.wall / rows as u32),
            show(Duration::from_secs_f64(render_cost.user / rows as f64)),
            show(Duration::from_secs_f64(render_cost.system / rows as f64)),
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Runs `cmd` under GNU time: wall from here, CPU and peak memory from time's report.
fn gnu_timed(dir: &Path, cmd: &mut Command) -> Option<Cost> {
    let report = dir.join("time-report");
    let mut timed = Command::new("/usr/bin/time");
    timed.args(["-f", "%U %S %M", "-o"]).arg(&report).arg(cmd.get_program()).args(cmd.get_args());
    let start = Instant::now();
    let ok = timed.status().is_ok_and(|s| s.success());
    let wall = start.elapsed();
    if !ok {
        return None;
    }
    let text = std::fs::read_to_string(&report).ok()?;
    let fields: Vec<&str> = text.split_whitespace().collect();
    Some(Cost {
        wall,
        user: fields.first()?.parse().ok()?,
        system: fields.get(1)?.parse().ok()?,
        peak_kib: fields.get(2).and_then(|s| s.parse().ok()),
    })
}

/// Extracts `from` into `to` in a child copy of this benchmark, which reports its own figures.
fn extract(from: &Path, to: &Path) -> Cost {
    let exe = std::env::current_exe().expect("benchmark path");
    let output =
        Command::new(exe).env("BENCH_EXTRACT_FROM", from).env("BENCH_EXTRACT_TO", to).output().expect("extract runs");
    assert!(output.status.success(), "extract failed: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    let f: Vec<f64> = text.split_whitespace().filter_map(|s| s.parse().ok()).collect();
    assert_eq!(f.len(), 4, "extract report: {text}");
    Cost { wall: Duration::from_secs_f64(f[0]), user: f[1], system: f[2], peak_kib: Some(f[3] as u64) }
}

/// One entry of the in-memory archive: a folder, or a file with its bytes and mode.
enum Member {
    Dir(PathBuf),
    File(PathBuf, Vec<u8>, u32),
}

fn archive(root: &Path, rel: &Path, members: &mut Vec<Member>) {
    let mut entries: Vec<_> = std::fs::read_dir(root.join(rel)).expect("read tree").filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = rel.join(e.file_name());
        let meta = e.metadata().expect("metadata");
        if meta.is_dir() {
            members.push(Member::Dir(path.clone()));
            archive(root, &path, members);
        } else {
            use std::os::unix::fs::PermissionsExt;
            let bytes = std::fs::read(e.path()).expect("read file");
            members.push(Member::File(path, bytes, meta.permissions().mode() & 0o777));
        }
    }
}

/// The child: reads the tree into memory (not measured), then writes it and prints
/// `wall user system peak_kib` of the writing.
fn extract_child(from: &Path, to: &Path) {
    use std::io::Write as _;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let mut members = Vec::new();
    archive(from, Path::new(""), &mut members);
    let (user0, system0) = cpu_times();
    let start = Instant::now();
    std::fs::DirBuilder::new().mode(0o755).create(to).expect("create extract root");
    for m in &members {
        match m {
            Member::Dir(rel) => std::fs::DirBuilder::new().mode(0o755).create(to.join(rel)).expect("mkdir"),
            Member::File(rel, bytes, mode) => {
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true).mode(*mode);
                options.open(to.join(rel)).and_then(|mut f| f.write_all(bytes)).expect("write");
            }
        }
    }
    let wall = start.elapsed();
    let (user1, system1) = cpu_times();
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse::<u64>().ok()))
        .unwrap_or(0);
    println!("{} {} {} {peak}", wall.as_secs_f64(), user1 - user0, system1 - system0);
}

/// User and system CPU of this process so far, in seconds (`/proc/self/stat`, clock ticks of 1/100 s).
fn cpu_times() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0) / 100.0;
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11), ticks(12))
}

fn show(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.3} ms", d.as_secs_f64() * 1000.0)
    }
}

fn tempdir(rows: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("m365-runbook-bench-{}-{rows}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
