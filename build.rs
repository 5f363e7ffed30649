//! Compiles `catalog/permissions.json` into static tables, so the binary carries the catalog
//! and pays nothing to load it at run time; and stores each built-in profile (`profiles/*.yaml`)
//! as JSON beside its text, which the binary reads in a fifth of the time YAML takes
//! (`profile::builtin`; a test holds both readings equal), with the position of each of its
//! nodes (`yaml_spans::nodes`); and compiles the built-in templates
//! into Rust (`build/template_compiler.rs`).

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde_json::Value;

#[path = "src/render/filter_names.rs"]
mod filter_names;
#[path = "build/template_compiler.rs"]
mod template_compiler;
#[path = "src/yaml_spans/nodes.rs"]
mod yaml_nodes;

fn main() {
    let source = "catalog/permissions.json";
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(source).expect("read catalog/permissions.json");
    let catalog: Value = serde_json::from_str(&text).expect("catalog/permissions.json is JSON");

    let mut out = String::new();
    let snapshot = str_field(&catalog, "snapshot_date");
    writeln!(out, "pub static SNAPSHOT_DATE: &str = {};", lit(snapshot)).unwrap();
    println!("cargo:rustc-env=M365_RUNBOOK_CATALOG_DATE={snapshot}");
    writeln!(out, "pub static RESOURCES: &[ResourceData] = &[").unwrap();
    for resource in array(&catalog, "resources") {
        out.push_str("ResourceData {\n");
        for key in ["key", "display_name", "service_principal_display_name", "app_id", "status"] {
            writeln!(out, "{key}: {},", lit(str_field(resource, key))).unwrap();
        }
        let aliases: Vec<String> =
            array(resource, "aliases").iter().map(|a| lit(a.as_str().expect("alias is a string"))).collect();
        writeln!(out, "aliases: &[{}],", aliases.join(", ")).unwrap();
        writeln!(out, "notes: {},", opt_lit(resource.get("notes"))).unwrap();
        let retirement = resource.get("retirement");
        writeln!(out, "retirement_summary: {},", opt_lit(retirement.and_then(|r| r.get("summary")))).unwrap();
        out.push_str("milestones: &[");
        if let Some(r) = retirement {
            for m in array(r, "milestones") {
                write!(
                    out,
                    "MilestoneData {{ date: {}, event: {}, source: {} }},",
                    lit(str_field(m, "date")),
                    lit(str_field(m, "event")),
                    lit(str_field(m, "source"))
                )
                .unwrap();
            }
        }
        out.push_str("],\n");
        for (field, list) in [("app_roles", "app_roles"), ("scopes", "scopes")] {
            writeln!(out, "{field}: &[").unwrap();
            for p in array(resource, list) {
                let consent = match p.get("admin_consent_required") {
                    Some(Value::Bool(true)) => "Some(true)",
                    Some(Value::Bool(false)) => "Some(false)",
                    _ => "None",
                };
                let duplicates: Vec<String> = p
                    .get("duplicate_ids")
                    .and_then(Value::as_array)
                    .map(|ids| ids.iter().map(|i| lit(i.as_str().expect("id"))).collect())
                    .unwrap_or_default();
                writeln!(
                    out,
                    "PermissionData {{ name: {}, id: {}, display: {}, description: {}, admin_consent_required: {consent}, hidden: {}, duplicate_ids: &[{}], notes: {} }},",
                    lit(str_field(p, "name")),
                    lit(str_field(p, "id")),
                    opt_lit(p.get("display")),
                    lit(str_field(p, "description")),
                    p.get("hidden").and_then(Value::as_bool).unwrap_or(false),
                    duplicates.join(", "),
                    opt_lit(p.get("notes")),
                )
                .unwrap();
            }
            out.push_str("],\n");
        }
        out.push_str("},\n");
    }
    out.push_str("];\n");

    let dest = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("catalog_data.rs");
    fs::write(dest, out).expect("write catalog_data.rs");
    profiles_as_json();
    compile_templates("templates", "compiled_templates.rs");
    compile_templates("tests/fixtures/compiled-templates", "compiled_fixtures.rs");
}

/// Every `NAME.tera` of `dir` -> `OUT_DIR/file`: see `build/template_compiler.rs`.
fn compile_templates(dir: &str, file: &str) {
    println!("cargo:rerun-if-changed={dir}");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=src/render/filter_names.rs");
    let mut templates = Vec::new();
    // The test fixtures' folder may be left out of a packaged copy; nothing then uses its table.
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if dir.starts_with("tests/") && e.kind() == std::io::ErrorKind::NotFound => {
            let dest = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join(file);
            fs::write(dest, template_compiler::compile(&[], filter_names::FILTER_NAMES))
                .expect("write the compiled templates");
            return;
        }
        Err(e) => panic!("read {dir}/: {e}"),
    };
    for entry in entries {
        let path = entry.expect("a folder entry").path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        if !name.ends_with(".tera") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        templates.push((name.to_string(), text));
    }
    templates.sort();
    let dest = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join(file);
    fs::write(dest, template_compiler::compile(&templates, filter_names::FILTER_NAMES))
        .expect("write the compiled templates");
}

/// `profiles/ID.yaml` -> `OUT_DIR/profiles/ID.json`. A profile that is not YAML is written as
/// `null`, for the binary's own reading of the YAML to report.
fn profiles_as_json() {
    println!("cargo:rerun-if-changed=profiles");
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("profiles");
    fs::create_dir_all(&out).expect("create OUT_DIR/profiles");
    for entry in fs::read_dir("profiles").expect("read profiles/") {
        let path = entry.expect("profiles/ entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(&path).expect("read a profile");
        let json = serde_yaml::from_str::<serde_yaml::Value>(&text)
            .ok()
            .and_then(|v| serde_json::to_string(&v).ok())
            .unwrap_or_else(|| "null".to_string());
        let name = path.with_extension("json");
        let name = name.file_name().expect("a file name");
        fs::write(out.join(name), json).expect("write a profile as JSON");
        // Its node positions, sorted by path, for `yaml_spans::Spans::from_table`: the paths as
        // one text and offsets into it, so the table needs no relocation when the binary starts.
        let mut nodes: Vec<(String, (usize, usize))> = yaml_nodes::nodes(&text).into_iter().collect();
        nodes.sort();
        let mut paths = String::new();
        let mut rows = String::new();
        for (node, (line, column)) in nodes {
            let start = paths.len();
            paths.push_str(&node);
            writeln!(rows, "    ({start}, {}, {line}, {column}),", paths.len()).unwrap();
        }
        let table = format!("crate::yaml_spans::NodeTable {{\n  paths: {paths:?},\n  nodes: &[\n{rows}  ],\n}}");
        fs::write(out.join(path.with_extension("spans.rs").file_name().expect("a file name")), table)
            .expect("write a profile's node positions");
    }
}

fn array<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v.get(key).and_then(Value::as_array).unwrap_or_else(|| panic!("catalog: `{key}` is not a list"))
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("catalog: `{key}` is not a string"))
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn opt_lit(v: Option<&Value>) -> String {
    match v.and_then(Value::as_str) {
        Some(s) => format!("Some({s:?})"),
        None => "None".to_string(),
    }
}
