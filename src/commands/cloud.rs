use std::io::Write;

use crate::cli::{Cli, CloudCommand};
use crate::cloud::Cloud;

pub fn run(_cli: &Cli, command: &CloudCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        CloudCommand::List => {
            for id in Cloud::builtin_ids() {
                if let Some(c) = Cloud::builtin(id) {
                    writeln!(out, "{:<9} {:<46} {}  {}", c.id, c.name, c.login, c.graph)?;
                }
            }
        }
        CloudCommand::Show { id } => {
            let cloud = Cloud::builtin(id).ok_or_else(|| anyhow::anyhow!("unknown cloud `{id}`"))?;
            write!(out, "{}", serde_yaml::to_string(&cloud)?)?;
        }
    }
    Ok(())
}
