//! A GUID as Entra writes it: 8-4-4-4-12 hex digits, kept in lowercase.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Guid(String);

impl Guid {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Guid {
    type Err = String;

    fn from_str(s: &str) -> Result<Guid, String> {
        let groups: Vec<&str> = s.split('-').collect();
        let lengths = [8, 4, 4, 4, 12];
        let well_formed = groups.len() == 5
            && groups.iter().zip(lengths).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
        if well_formed {
            Ok(Guid(s.to_ascii_lowercase()))
        } else {
            Err(format!(
                "`{}` is not a GUID: expected 8-4-4-4-12 hexadecimal digits, such as `00000000-0000-0000-0000-000000000000`",
                s.escape_debug()
            ))
        }
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_lowercases_guids() {
        let g: Guid = "DF021288-BDEF-4463-88DB-98F22DE89214".parse().expect("guid");
        assert_eq!(g.as_str(), "df021288-bdef-4463-88db-98f22de89214");
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "df021288",
            "df021288-bdef-4463-88db-98f22de8921",
            "{df021288-bdef-4463-88db-98f22de89214}",
            "df021288-bdef-4463-88db-98f22de8921g",
            "df021288bdef446388db98f22de89214",
            "df021288-bdef-4463-88db-98f22de89214\n",
        ] {
            assert!(bad.parse::<Guid>().is_err(), "{bad:?}");
        }
    }
}
