//! "Did you mean ...?" by edit distance.

/// The candidate closest to `input`, if it is close enough to be a likely typo: case differences
/// cost nothing extra, and the distance must stay within a third of the longer name.
pub fn nearest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = input.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == input {
            continue;
        }
        let candidate = c.to_lowercase();
        let raw = strsim::levenshtein(&lower, &candidate);
        let limit = (input.chars().count().max(c.chars().count()) / 3).max(1);
        if raw > limit {
            continue;
        }
        // Permission names are `Resource.Operation.Scope`: a near name about the same resource
        // (`Mail.ReadWrite.All` -> `Mail.ReadWrite`) beats a nearer one about another resource.
        let same_family = lower.split('.').next() == candidate.split('.').next();
        let d = if same_family { raw.saturating_sub(2) } else { raw };
        if best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn suggests_close_names_only() {
        let names = ["User.Read.All", "User.ReadWrite.All", "Mail.Read"];
        assert_eq!(nearest("User.Read.al", names), Some("User.Read.All"));
        assert_eq!(nearest("user.read.all", names), Some("User.Read.All"));
        assert_eq!(nearest("Calendars.ReadWrite", names), None);
        assert_eq!(nearest("Mail.ReadWrite.All", ["Domain.ReadWrite.All", "Mail.ReadWrite"]), Some("Mail.ReadWrite"));
    }

    #[test]
    fn ties_break_by_name_for_stable_output() {
        assert_eq!(nearest("ab", ["ac", "aa"]), Some("aa"));
    }
}
