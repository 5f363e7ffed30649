//! Every value a built-in template places into an artefact goes through the quoting filter of
//! that artefact's language; `comment` is allowed only on comment lines.

use m365_runbook::render::{BUILTIN_TEMPLATES, filters_for};

/// The last filter of each `{{ ... }}` expression, with its line.
fn interpolations(text: &str) -> Vec<(usize, String, Option<String>)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let end = after.find("}}").expect("closed expression");
            let expr = after[..end].trim_matches(|c: char| c == '-' || c.is_whitespace()).to_string();
            let last = expr
                .rsplit('|')
                .next()
                .filter(|_| expr.contains('|'))
                .map(|f| f.trim().split('(').next().unwrap_or("").to_string());
            found.push((n + 1, line.to_string(), last));
            rest = &after[end + 2..];
        }
    }
    found
}

#[test]
fn every_interpolation_is_quoted_for_its_language() {
    let mut problems = Vec::new();
    for (name, text) in BUILTIN_TEMPLATES {
        let allowed = filters_for(name);
        assert!(!allowed.is_empty(), "{name}: no quoting rule for this kind of file");
        for (line, source, filter) in interpolations(text) {
            match filter.as_deref() {
                Some(f) if allowed.contains(&f) => {
                    if f == "comment" && !source.trim_start().starts_with('#') {
                        problems.push(format!("{name}:{line}: `comment` used outside a comment: {source}"));
                    }
                }
                other => problems.push(format!("{name}:{line}: ends with {other:?}, not one of {allowed:?}: {source}")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_itself_catches_an_unquoted_value() {
    let found = interpolations("echo {{ app_name }} {{ app_name | sh }} {{ x | md }}");
    let filters: Vec<Option<String>> = found.into_iter().map(|f| f.2).collect();
    assert_eq!(filters, vec![None, Some("sh".into()), Some("md".into())]);
}
