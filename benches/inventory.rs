//! Inventory benchmark: renders generated inventories of the largest built-in profile
//! (kodo-2021-08) with the release binary and compares the wall time with copying the identical
//! output tree (`cp -r`) in the same run. Peak memory comes from GNU time (`/usr/bin/time -f %M`).
//!
//!     cargo bench --bench inventory                      # 1, 100, 1000 and 10000 rows
//!     BENCH_ROWS=1000 cargo bench --bench inventory      # other sizes, comma-separated
//!
//! It writes into a temporary folder (about 70 KB per bundle) and removes it afterwards.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PROFILE: &str = "kodo-2021-08";

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_ROWS")
        .unwrap_or_else(|_| "1,100,1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let bin = env!("CARGO_BIN_EXE_m365-runbook");
    let gnu_time = Path::new("/usr/bin/time").is_file();
    println!("profile {PROFILE}, {} cores", std::thread::available_parallelism().map_or(1, |n| n.get()));
    println!(
        "{:>7} {:>10} {:>10} {:>9} {:>10} {:>12}",
        "rows", "render", "cp -r", "ratio", "per bundle", "peak memory"
    );
    for rows in sizes {
        let dir = tempdir(rows);
        let inventory = dir.join("inventory.csv");
        let mut csv = String::from("tenant,tenant_id\n");
        for i in 0..rows {
            csv.push_str(&format!("tenant{i:05},{:08x}-0000-4000-8000-{:012x}\n", i, i));
        }
        std::fs::write(&inventory, csv).expect("write inventory");
        let out = dir.join("out");
        let mut render = if gnu_time {
            let mut c = Command::new("/usr/bin/time");
            c.args(["-f", "%M", "-o"]).arg(dir.join("peak")).arg(bin);
            c
        } else {
            Command::new(bin)
        };
        render
            .args(["--quiet", "render", PROFILE, "--as-of", "2026-11-22", "--inventory"])
            .arg(&inventory)
            .arg("--out")
            .arg(&out);
        let (render_time, ok) = timed(&mut render);
        assert!(ok, "render failed");
        let (copy_time, ok) = timed(Command::new("cp").arg("-r").arg(&out).arg(dir.join("copy")));
        assert!(ok, "cp failed");
        let peak = std::fs::read_to_string(dir.join("peak")).ok().and_then(|s| s.trim().parse::<u64>().ok());
        println!(
            "{rows:>7} {:>10} {:>10} {:>8.2}x {:>10} {:>12}",
            show(render_time),
            show(copy_time),
            render_time.as_secs_f64() / copy_time.as_secs_f64().max(1e-9),
            show(render_time / rows as u32),
            peak.map_or("n/a".into(), |kb| format!("{:.1} MiB", kb as f64 / 1024.0)),
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn timed(cmd: &mut Command) -> (Duration, bool) {
    let start = Instant::now();
    let ok = cmd.status().is_ok_and(|s| s.success());
    (start.elapsed(), ok)
}

fn show(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1000.0)
    }
}

fn tempdir(rows: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("m365-runbook-bench-{}-{rows}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
