//! Running scripts in `entra-sandbox` (the real Azure CLI against a local emulator of Entra ID
//! and Microsoft Graph), and reading the directory it leaves.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// `../shared/tools/entra-sandbox` beside the checkout (or `$M365_RUNBOOK_SANDBOX`), when the
/// end-to-end tests are asked for (`M365_RUNBOOK_E2E=1`); `None` (with the reason printed) skips.
pub fn tool() -> Option<PathBuf> {
    let path = std::env::var_os("M365_RUNBOOK_SANDBOX").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join("tools").join("entra-sandbox")
    });
    if std::env::var_os("M365_RUNBOOK_E2E").is_none() {
        eprintln!("e2e: skipped (set M365_RUNBOOK_E2E=1 to run the scripts in {})", path.display());
        return None;
    }
    if !path.is_file() {
        eprintln!("e2e: skipped: {} not found", path.display());
        return None;
    }
    Some(path)
}

/// One tenant of the emulator: a state folder that persists between runs.
pub struct Tenant {
    pub tool: PathBuf,
    pub state: tempfile::TempDir,
    pub options: Vec<String>,
}

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Tenant {
    /// `cloud`: a cloud id or a cloud file; `sites`: SharePoint sites that exist.
    pub fn new(tool: &Path, cloud: &str, sites: &[&str], lag: Option<u32>) -> Tenant {
        let mut options = vec!["--cloud".to_string(), cloud.to_string()];
        for s in sites {
            options.extend(["--site".to_string(), s.to_string()]);
        }
        if let Some(l) = lag {
            options.extend(["--lag".to_string(), l.to_string()]);
        }
        Tenant { tool: tool.to_path_buf(), state: tempfile::tempdir().expect("state"), options }
    }

    pub fn run_script(&self, script: &Path) -> Run {
        self.run(&["bash".as_ref(), script.as_os_str()])
    }

    /// Any command in the tenant (signed in as the admin once a script has run).
    pub fn run(&self, command: &[&std::ffi::OsStr]) -> Run {
        let o = Command::new(&self.tool)
            .arg("run")
            .arg("--state")
            .arg(self.state.path())
            .arg("--approve-device-code")
            .args(&self.options)
            .arg("--")
            .args(command)
            .output()
            .expect("entra-sandbox runs");
        Run {
            status: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    pub fn directory(&self) -> Value {
        let text = std::fs::read_to_string(self.state.path().join("directory.json")).expect("directory.json");
        serde_json::from_str(&text).expect("directory.json is JSON")
    }

    /// Every request of every run, one JSON object each.
    pub fn requests(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.state.path().join("requests.jsonl")).unwrap_or_default();
        text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
    }
}
