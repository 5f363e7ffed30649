//! The tenant's initial domain prefix: `contoso` in `contoso.onmicrosoft.com`.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TenantName(String);

impl TenantName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TenantName {
    type Err = String;

    /// A DNS label: 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a
    /// hyphen. Anything else is refused, never altered, with the fix where one is obvious.
    fn from_str(s: &str) -> Result<TenantName, String> {
        let shown = s.escape_debug().to_string();
        if s.is_empty() {
            return Err(
                "the tenant name is empty: give the initial domain prefix, e.g. `contoso` for contoso.onmicrosoft.com"
                    .into(),
            );
        }
        if let Some((prefix, _)) = s.split_once('.') {
            return Err(format!(
                "`{shown}` is a domain, not a tenant name: give the initial domain prefix only, e.g. `{}`",
                prefix.escape_debug()
            ));
        }
        if s.len() > 63 {
            return Err(format!("`{shown}` is longer than 63 characters, the limit of a DNS label"));
        }
        if let Some(bad) = s.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
            let hint = if s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                format!("; write it in lowercase: `{}`", s.to_ascii_lowercase())
            } else {
                String::new()
            };
            let bad = if bad.is_control() { bad.escape_debug().to_string() } else { bad.to_string() };
            return Err(format!(
                "`{shown}` is not a valid tenant name: `{bad}` is not allowed (only a-z, 0-9 and `-`){hint}"
            ));
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err(format!("`{shown}` is not a valid tenant name: it may not start or end with `-`"));
        }
        Ok(TenantName(s.to_string()))
    }
}

impl fmt::Display for TenantName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for TenantName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_dns_labels() {
        for good in ["contoso", "a", "contoso-eu-2", &"x".repeat(63)] {
            assert_eq!(good.parse::<TenantName>().map(|t| t.0), Ok(good.to_string()));
        }
    }

    #[test]
    fn refuses_hostile_and_malformed_names_with_the_fix() {
        let err = |s: &str| s.parse::<TenantName>().expect_err(s);
        assert!(err("contoso.onmicrosoft.com").contains("give the initial domain prefix only, e.g. `contoso`"));
        assert!(err("Contoso").contains("write it in lowercase: `contoso`"));
        assert!(err("con'toso").contains("`'` is not allowed"));
        assert!(err("a$(reboot)").contains("`$` is not allowed"));
        assert!(err("-contoso").contains("start or end with `-`"));
        assert!(err(&"x".repeat(64)).contains("longer than 63"));
        assert!(err("a\nb").contains("`a\\nb`"), "control characters are shown escaped");
        assert!(err("").contains("empty"));
    }
}
