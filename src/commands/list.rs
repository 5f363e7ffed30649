use std::io::Write;

use serde::Serialize;

use crate::cli::{Cli, Format, ListArgs};

#[derive(Serialize)]
struct Listing<'a> {
    profiles: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    vendor: &'a str,
    product: &'a str,
    version: &'a str,
    title: &'a str,
    aliases: &'a [String],
    source_date: &'a str,
    builtin: bool,
}

pub fn run(cli: &Cli, args: &ListArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let set = super::profiles(cli)?;
    let mut entries: Vec<Entry> = set
        .profiles
        .iter()
        .map(|p| {
            let p_ = &p.profile;
            Entry {
                id: &p_.id,
                vendor: &p_.vendor,
                product: &p_.product,
                version: &p_.version,
                title: &p_.title,
                aliases: &p_.aliases,
                source_date: &p_.source.date,
                builtin: p.builtin,
            }
        })
        .collect();
    entries.sort_by(|a, b| a.id.cmp(b.id));
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&Listing { profiles: entries })?)?,
        Format::Text => {
            let width = entries.iter().map(|e| e.id.len()).max().unwrap_or(0);
            for e in &entries {
                let aliases =
                    if e.aliases.is_empty() { String::new() } else { format!(" (alias: {})", e.aliases.join(", ")) };
                writeln!(out, "{:width$}  {} ({}){aliases}", e.id, e.title, e.source_date)?;
            }
        }
    }
    Ok(())
}
