//! Names of Certificate Transparency logs, for the log ids of embedded SCTs.
//!
//! The table is `src/data/ct-log-list.json`: log id (base64, as Google's v3 log lists give
//! it) to description, trimmed from Google's `all_logs_list.json` (2024-10-21) and
//! `log_list.json` (2026-08-29); its `about` field names the sources. It is parsed once, at
//! the first SCT shown. A log missing from it is shown by its id alone.

use std::collections::HashMap;
use std::sync::OnceLock;

use base64::Engine as _;

const LOG_LIST: &str = include_str!("../data/ct-log-list.json");

#[derive(serde::Deserialize)]
struct LogList {
    logs: HashMap<String, String>,
}

fn table() -> &'static HashMap<Vec<u8>, String> {
    static TABLE: OnceLock<HashMap<Vec<u8>, String>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The file is part of the source: a malformed entry is a build-time mistake the
        // unit test below catches, so it is skipped here rather than failing a run.
        let list: LogList = serde_json::from_str(LOG_LIST).unwrap_or(LogList {
            logs: HashMap::new(),
        });
        list.logs
            .into_iter()
            .filter_map(|(id, name)| {
                let id = base64::engine::general_purpose::STANDARD.decode(id).ok()?;
                Some((id, name))
            })
            .collect()
    })
}

/// The description of the CT log whose id (SHA-256 of its key) is `log_id`, when known.
pub fn name(log_id: &[u8]) -> Option<&'static str> {
    table().get(log_id).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_a_32_byte_id() {
        let list: LogList = serde_json::from_str(LOG_LIST).unwrap();
        assert!(list.logs.len() > 200);
        assert_eq!(table().len(), list.logs.len());
        assert!(table().keys().all(|k| k.len() == 32));
    }

    #[test]
    fn known_and_unknown_logs() {
        let argon2024 =
            hex::decode("eecdd064d5db1acec55cb79db4cd13a23287467cbcecdec351485946711fb59b")
                .unwrap();
        assert_eq!(name(&argon2024), Some("Google 'Argon2024' log"));
        assert_eq!(name(&[0x11; 32]), None);
        assert_eq!(name(&[]), None);
    }
}
