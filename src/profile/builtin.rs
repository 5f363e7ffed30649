//! Built-in profiles, compiled into the binary so it works from any folder.
//! A test checks that every `profiles/*.yaml` file is listed here.

pub struct BuiltinProfile {
    pub id: &'static str,
    /// The profile's aliases, repeated here so one profile can be found without parsing all
    /// (a test keeps them equal to the file's).
    pub aliases: &'static [&'static str],
    pub text: &'static str,
    /// The same profile as JSON, written by `build.rs` (`null` if the text is not YAML).
    pub json: &'static str,
    /// The position of each node of `text`, sorted by path, written by `build.rs` with
    /// `yaml_spans::nodes` (a test holds it equal to indexing the text).
    pub spans: &'static crate::yaml_spans::NodeTable,
}

macro_rules! builtin {
    ($($id:literal $([$($alias:literal),*])?),* $(,)?) => {
        &[$(BuiltinProfile {
            id: $id,
            aliases: &[$($($alias),*)?],
            text: include_str!(concat!("../../profiles/", $id, ".yaml")),
            json: include_str!(concat!(env!("OUT_DIR"), "/profiles/", $id, ".json")),
            spans: &include!(concat!(env!("OUT_DIR"), "/profiles/", $id, ".spans.rs")),
        }),*]
    };
}

pub static BUILTIN_PROFILES: &[BuiltinProfile] = builtin![
    "avepoint-express-2024-04"["avepoint-express"],
    "commvault-cloud-exchange-online-2026-12"["commvault-cloud-exchange", "metallic-exchange"],
    "commvault-exchange-online-2023e"["commvault-exchange"],
    "commvault-onedrive-11-42"["commvault-onedrive"],
    "commvault-sharepoint-online-11-42"["commvault-sharepoint"],
    "commvault-teams-11-44"["commvault-teams"],
    "corso-2022-10",
    "corso-2022-12",
    "corso-2023-04",
    "corso-2023-09"["corso"],
    "druva-microsoft-365-advanced-2026-12"["druva"],
    "ibm-storage-protect-for-cloud-2026-12"["ibm-storage-protect-for-cloud"],
    "keepit-microsoft-365-2026-12"["keepit"],
    "kodo-2020-03",
    "kodo-2020-11",
    "kodo-2021-06",
    "kodo-2021-08"["kodo"],
    "manageengine-recoverymanager-plus-azure-ad",
    "manageengine-recoverymanager-plus-entra-id"["recoverymanager-plus"],
    "metallic-exchange-online-2026-12",
    "metallic-teams-2026-12"["metallic-teams"],
    "nakivo-backup-replication-2022-10",
    "nakivo-backup-replication-2024-05"["nakivo"],
    "probax-msp-backup-2026-12"["probax"],
    "techarrow-contentaccess-orion",
    "techarrow-contentaccess-paris"["contentaccess"],
    "veeam-data-cloud-microsoft-365-2026-12"["veeam-data-cloud"],
    "veeam-vb365-2026-07"["veeam", "veeam-vb365"],
    "virtualdcs-cloudcover-365-2026-12"["cloudcover-365"],
];

/// The built-in profile named `name` (id or alias), if any.
pub fn find_builtin(name: &str) -> Option<&'static BuiltinProfile> {
    BUILTIN_PROFILES.iter().find(|p| p.id == name || p.aliases.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_file_is_built_in_under_its_own_id() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("profiles folder")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".yaml").map(str::to_string))
            .collect();
        files.sort();
        let ids: Vec<&str> = BUILTIN_PROFILES.iter().map(|p| p.id).collect();
        assert_eq!(files, ids);
        for p in BUILTIN_PROFILES {
            // A format 2 profile says so on its first line, then its id.
            let text = p.text.strip_prefix("format: 2\n").unwrap_or(p.text);
            assert!(text.starts_with(&format!("id: {}\n", p.id)), "{} declares another id", p.id);
            let parsed = crate::profile::LoadedProfile::parse(p.id, p.text).expect("parses").profile;
            assert_eq!(parsed.aliases, p.aliases, "{}: the table's aliases differ from the file's", p.id);
        }
    }
}
