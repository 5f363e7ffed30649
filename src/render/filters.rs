//! The quoting filters the templates apply to values: `sh`, `ps`, `dotenv`, `md`, `md_ticked`,
//! `md_code`, `md_fenced`, `yaml`, `md_url`, `ident`, `comment`. Each is a plain function of the
//! value (and, for the Markdown ones, of whether the page is for GitBook), registered with tera
//! and called directly by the compiled templates (`super::compiled`), so both write the same.

use tera::{Kwargs, State, Tera, Value};

use crate::quote;

/// A filter: its name in templates, whether it reads the page's flavour, and the function.
pub struct Filter {
    pub name: &'static str,
    pub reads_flavor: bool,
    pub apply: fn(&Value, bool) -> tera::TeraResult<String>,
}

/// The filter named `name`.
pub fn find(name: &str) -> Option<&'static Filter> {
    FILTERS.iter().find(|f| f.name == name)
}

/// Whether a page of the flavour `flavor` (the template variable) is for GitBook.
pub fn is_gitbook_flavor(flavor: &Value) -> bool {
    flavor.as_str() == Some("gitbook")
}

/// Registers every filter with `tera`.
pub fn register(tera: &mut Tera) {
    for f in FILTERS {
        tera.register_filter(f.name, move |v: &Value, _: Kwargs, state: &State| {
            let gitbook =
                f.reads_flavor && matches!(state.get::<Value>("flavor"), Ok(Some(fl)) if is_gitbook_flavor(&fl));
            (f.apply)(v, gitbook)
        });
    }
}

fn text_of(v: &Value) -> String {
    match v.as_str() {
        Some(s) => s.to_string(),
        None => v.to_string(),
    }
}

fn has_template_tag(text: &str) -> bool {
    ["{%", "{{", "{#"].iter().any(|t| text.contains(t))
}

/// A code span on a GitBook page, or escaped text where a code span cannot hold the value: a
/// template tag would still be read inside it, and HonKit splits table cells at every `|`.
fn gitbook_code(text: &str) -> String {
    if has_template_tag(text) || text.contains('|') { quote::gitbook_text(text) } else { quote::markdown_code(text) }
}

/// The quoting filters, each a pure function of its text (and of whether the page is for
/// GitBook). The filters that see string values remember their results per thread: an inventory
/// quotes the same permission names, summaries and commands in every bundle, and a lookup costs a
/// fraction of quoting again. Each memo is emptied when it grows past [`MEMO_LIMIT`] entries (a
/// bundle quotes a few hundred distinct texts per filter), so memory stays flat in the number of
/// rows.
#[derive(Clone, Copy)]
enum Memo {
    Sh,
    Ps,
    Md,
    MdTicked,
    MdCode,
    MdUrl,
    Yaml,
    Comment,
}

const MEMOS: usize = 8;
const MEMO_LIMIT: usize = 1024;

/// A memo: text -> quoted text.
type Memos = Vec<std::collections::HashMap<String, String, std::hash::BuildHasherDefault<Fx>>>;

thread_local! {
    /// One map per filter and flavour (GitBook or not).
    static MEMO: std::cell::RefCell<Memos> = std::cell::RefCell::new(vec![Default::default(); MEMOS * 2]);
}

/// The memos' hash: a multiply-rotate over 8 bytes at a time (as in rustc's FxHasher), a
/// fraction of the default SipHash's cost on the long texts quoted. The memos are bounded and
/// keyed by the profile's own texts, so flooding them gains nothing.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `quote(text)` of a value, remembered for string values; other values are quoted from their
/// text form each time.
fn memoized(memo: Memo, gitbook: bool, v: &Value, quote: impl FnOnce(&str) -> String) -> String {
    let Some(text) = v.as_str() else { return quote(&v.to_string()) };
    let slot = memo as usize * 2 + usize::from(gitbook);
    MEMO.with(|m| {
        let mut maps = m.borrow_mut();
        let map = &mut maps[slot];
        if let Some(hit) = map.get(text) {
            return hit.clone();
        }
        let quoted = quote(text);
        if map.len() >= MEMO_LIMIT {
            map.clear();
        }
        map.insert(text.to_string(), quoted.clone());
        quoted
    })
}

static FILTERS: &[Filter] = &[
    Filter { name: "sh", reads_flavor: false, apply: |v, _| Ok(memoized(Memo::Sh, false, v, quote::bash)) },
    Filter {
        name: "ps",
        reads_flavor: false,
        apply: |v, _| {
            Ok(match v.as_bool() {
                Some(true) => "$true".to_string(),
                Some(false) => "$false".to_string(),
                None if v.is_number() => v.to_string(),
                None => memoized(Memo::Ps, false, v, quote::powershell),
            })
        },
    },
    Filter {
        name: "dotenv",
        reads_flavor: false,
        apply: |v, _| {
            let text = text_of(v);
            quote::dotenv(&text).ok_or_else(|| {
                tera::Error::message(format!("`{}` cannot be written to a dotenv file", text.escape_debug()))
            })
        },
    },
    // Markdown text: CommonMark and MDX escapes, or GitBook's (see `quote::gitbook_text`).
    Filter {
        name: "md",
        reads_flavor: true,
        apply: |v, gitbook| {
            Ok(memoized(Memo::Md, gitbook, v, if gitbook { quote::gitbook_text } else { quote::markdown }))
        },
    },
    Filter {
        name: "md_ticked",
        reads_flavor: true,
        apply: |v, gitbook| {
            Ok(memoized(Memo::MdTicked, gitbook, v, |text| {
                if gitbook {
                    quote::ticked_with(text, quote::gitbook_text, gitbook_code)
                } else {
                    quote::markdown_ticked(text)
                }
            }))
        },
    },
    // GitBook pages go through a template engine (Liquid, or Nunjucks in HonKit) that reads `{%`,
    // `{{` and `{#` even inside code: a code block line holding one is refused.
    Filter {
        name: "md_code",
        reads_flavor: true,
        apply: |v, gitbook| {
            Ok(memoized(Memo::MdCode, gitbook, v, if gitbook { gitbook_code } else { quote::markdown_code }))
        },
    },
    Filter {
        name: "md_fenced",
        reads_flavor: true,
        apply: |v, gitbook| {
            let text = text_of(v);
            if gitbook && has_template_tag(&text) {
                return Err(tera::Error::message(format!(
                    "`{}` cannot be placed in a GitBook code block: GitBook reads `{{%`, `{{{{` and `{{#` as template tags",
                    text.escape_debug()
                )));
            }
            Ok(quote::markdown_fenced(&text))
        },
    },
    // Front matter values: strings double-quoted with JSON escapes; numbers and booleans as they are.
    Filter {
        name: "yaml",
        reads_flavor: false,
        apply: |v, _| {
            Ok(if v.is_number() || v.as_bool().is_some() {
                v.to_string()
            } else {
                memoized(Memo::Yaml, false, v, quote::yaml_string)
            })
        },
    },
    Filter {
        name: "md_url",
        reads_flavor: false,
        apply: |v, _| Ok(memoized(Memo::MdUrl, false, v, quote::markdown_url)),
    },
    // Names the loader already checked (variable names, Set-SPOTenant parameters); re-checked so a
    // custom template cannot place anything else unquoted.
    Filter {
        name: "ident",
        reads_flavor: false,
        apply: |v, _| {
            let text = text_of(v);
            let ok = text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if ok {
                Ok(text)
            } else {
                Err(tera::Error::message(format!("`{}` is not an identifier", text.escape_debug())))
            }
        },
    },
    // Comments end at a line break: keep a value on its comment line.
    Filter {
        name: "comment",
        reads_flavor: false,
        apply: |v, _| Ok(memoized(Memo::Comment, false, v, |text| text.replace(['\r', '\n'], " "))),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_the_template_compiler_accepts_are_the_filters_here_and_lower() {
        let mut here: Vec<&str> = FILTERS.iter().map(|f| f.name).chain(["lower"]).collect();
        let mut listed = super::super::filter_names::FILTER_NAMES.to_vec();
        here.sort_unstable();
        listed.sort_unstable();
        assert_eq!(here, listed);
    }

    #[test]
    fn remembered_quoting_keeps_filters_and_flavours_apart_and_stays_bounded() {
        let v = Value::from("a|b");
        assert_eq!(memoized(Memo::Md, false, &v, quote::markdown), "a\\|b");
        assert_eq!(memoized(Memo::Md, true, &v, quote::gitbook_text), "a&#124;b", "GitBook's own entry");
        assert_eq!(memoized(Memo::Md, false, &v, quote::markdown), "a\\|b", "remembered");
        assert_eq!(memoized(Memo::MdCode, false, &v, quote::markdown_code), "`a|b`", "each filter its own");
        assert_eq!(memoized(Memo::Sh, false, &Value::from(3), quote::bash), quote::bash("3"), "not a string");
        for i in 0..MEMO_LIMIT + 10 {
            let text = format!("x {i}");
            assert_eq!(memoized(Memo::Sh, false, &Value::from(text.as_str()), quote::bash), quote::bash(&text));
        }
        assert!(MEMO.with(|m| m.borrow()[Memo::Sh as usize * 2].len()) <= MEMO_LIMIT);
    }
}
