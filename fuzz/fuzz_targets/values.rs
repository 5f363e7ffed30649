//! Any text given as a value on the command line: each parser accepts or refuses it, never
//! panics, and every quoting function takes it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365_runbook::guid::Guid;
use m365_runbook::quote;
use m365_runbook::tenant::TenantName;
use m365_runbook::values::{AppName, SecretYears};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(t) = text.parse::<TenantName>() {
        assert!(t.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    }
    if let Ok(g) = text.parse::<Guid>() {
        assert_eq!(g.as_str().len(), 36);
    }
    if let Ok(y) = text.parse::<SecretYears>() {
        assert!((1..=2).contains(&y.get()));
    }
    if let Ok(name) = text.parse::<AppName>() {
        assert!(!name.as_str().contains('\0'));
    }
    let _ = quote::bash(text);
    let _ = quote::powershell(text);
    let _ = quote::dotenv(text);
    let _ = quote::markdown(text);
    let _ = quote::markdown_code(text);
    let _ = quote::markdown_fenced(text);
    let _ = quote::markdown_url(text);
});
