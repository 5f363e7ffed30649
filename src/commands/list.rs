use std::io::Write;

use serde::Serialize;

use crate::cli::{Cli, Format, ListArgs};

#[derive(Serialize)]
struct Listing<'a> {
    profiles: Vec<Entry<'a>>,
    /// The same profiles by vendor: each vendor's products and profile ids, in order.
    vendors: Vec<Vendor<'a>>,
}

#[derive(Serialize)]
struct Vendor<'a> {
    vendor: &'a str,
    products: Vec<&'a str>,
    profiles: Vec<&'a str>,
}

/// Vendors in name order (case-insensitive), each with its products and profiles in id order.
fn by_vendor<'a>(entries: &[Entry<'a>]) -> Vec<Vendor<'a>> {
    let mut vendors: Vec<Vendor<'a>> = Vec::new();
    for e in entries {
        match vendors.iter_mut().find(|v| v.vendor == e.vendor) {
            Some(v) => {
                if !v.products.contains(&e.product) {
                    v.products.push(e.product);
                }
                v.profiles.push(e.id);
            }
            None => vendors.push(Vendor { vendor: e.vendor, products: vec![e.product], profiles: vec![e.id] }),
        }
    }
    vendors.sort_by_key(|v| v.vendor.to_lowercase());
    vendors
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
    let vendors = by_vendor(&entries);
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&Listing { profiles: entries, vendors })?)?,
        Format::Text => {
            let width = entries.iter().map(|e| e.id.len()).max().unwrap_or(0);
            for (i, v) in vendors.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                writeln!(out, "{}: {}", v.vendor, v.products.join(", "))?;
                for e in entries.iter().filter(|e| e.vendor == v.vendor) {
                    let aliases = if e.aliases.is_empty() {
                        String::new()
                    } else {
                        format!(" (alias: {})", e.aliases.join(", "))
                    };
                    writeln!(out, "  {:width$}  {} ({}){aliases}", e.id, e.title, e.source_date)?;
                }
            }
        }
    }
    Ok(())
}
