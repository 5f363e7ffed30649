//! A bundle: the artefacts of one render, in memory, as relative path -> text.

use std::collections::BTreeMap;

/// The UTF-8 byte-order mark, as a character.
pub const BOM: char = '\u{feff}';

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bundle {
    files: BTreeMap<String, BundleFile>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleFile {
    pub text: String,
    /// Scripts are written executable (0755), everything else 0644.
    pub executable: bool,
}

impl Bundle {
    /// Adds a file. PowerShell files get a UTF-8 byte-order mark: without one, Windows PowerShell
    /// 5.1 reads a script as ANSI, and `Société` in a value becomes `SociÃ©tÃ©`
    /// (learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_character_encoding).
    pub fn insert(&mut self, path: &str, mut text: String, executable: bool) {
        if path.ends_with(".ps1") && !text.starts_with(BOM) {
            text.insert(0, BOM);
        }
        self.files.insert(path.to_string(), BundleFile { text, executable });
    }

    /// Replaces the text of `path`, if the bundle has it, with `f` of it.
    pub fn rewrite(&mut self, path: &str, f: impl FnOnce(&str) -> String) {
        if let Some(file) = self.files.get_mut(path) {
            file.text = f(&file.text);
        }
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|f| f.text.as_str())
    }

    /// Files in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &BundleFile)> {
        self.files.iter().map(|(p, f)| (p.as_str(), f))
    }

    pub fn paths(&self) -> Vec<&str> {
        self.files.keys().map(String::as_str).collect()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
