//! How items become JSON records: `--fields` and the `--inventory` facts (host, scan time,
//! file stat, days to expiry), gathered here in the binary, never in the library.

use std::io;

use time::OffsetDateTime;

use certscope::model::{Body, Item, Source, Timestamp};
use certscope::render::json::{Inventory, Record};

/// How items become JSON records: `--fields` and `--inventory`.
pub(super) struct Records {
    /// `--fields`: the record's fields to keep (all when empty).
    pub fields: Vec<String>,
    /// `--inventory`: the facts added to each record.
    pub inventory: Option<Inventories>,
}

impl Records {
    /// Calls `write` with the item's record.
    pub(super) fn with<T>(
        &mut self,
        item: &Item,
        write: impl FnOnce(&Record<'_>) -> io::Result<T>,
    ) -> io::Result<T> {
        let inventory = self.inventory.as_mut().map(|inv| inv.of(item));
        let record =
            Record::new(item, inventory.as_ref(), &self.fields).map_err(io::Error::from)?;
        write(&record)
    }
}

/// Whether a record keeps `field` under `--fields` (every field without it): what no
/// record shows need not be computed.
pub(super) fn shows(fields: &[String], field: &str) -> bool {
    fields.is_empty() || fields.iter().any(|f| f == field)
}

/// Whether the relations of a run show in its records: as `relations` or as the notes
/// they add to `warnings`. Without either, relating the run is work nobody sees.
pub(in crate::cmd) fn shows_relations(fields: &[String]) -> bool {
    shows(fields, "relations") || shows(fields, "warnings")
}

/// Whether records cut to `fields` show only what the light certificate decode reads
/// exactly (`decode::cert_light::FIELDS`): then certificates need not be decoded in full.
pub(in crate::cmd) fn light_records(fields: &[String]) -> bool {
    use certscope::decode::cert_light::FIELDS;
    !fields.is_empty() && fields.iter().all(|f| FIELDS.contains(&f.as_str()))
}

/// The `--inventory` fields: the host and scan time once per run, file facts once per file.
pub(super) struct Inventories {
    now: OffsetDateTime,
    base: Inventory,
    /// The last file's path and facts: a file's items arrive together.
    last: Option<(String, Inventory)>,
}

impl Inventories {
    pub(super) fn new(now: OffsetDateTime, host: String) -> Inventories {
        Inventories {
            now,
            base: Inventory {
                host,
                scanned_at: rfc3339(now),
                ..Inventory::default()
            },
            last: None,
        }
    }

    fn of(&mut self, item: &Item) -> Inventory {
        let mut inv = match &item.source {
            Source::File(f) if f.path != "-" => {
                if self.last.as_ref().is_none_or(|(p, _)| *p != f.path) {
                    self.last = Some((f.path.clone(), file_facts(&self.base, &f.path)));
                }
                self.last
                    .as_ref()
                    .map_or_else(|| self.base.clone(), |(_, inv)| inv.clone())
            }
            _ => self.base.clone(),
        };
        if let Body::Certificate(c) = &item.body {
            if c.not_after != Timestamp::INVALID_END {
                // Whole days, rounded down: a certificate that expires in 6 hours has 0 days.
                let seconds = (c.not_after.0 - self.now).whole_seconds();
                inv.days_until_expiry = Some(seconds.div_euclid(86_400));
            }
        }
        inv
    }
}

/// The file's modification time, owner, group and mode; left out when it cannot be read
/// (the item already came through, so a race is not worth a failure).
fn file_facts(base: &Inventory, path: &str) -> Inventory {
    use std::os::unix::fs::MetadataExt;
    let mut inv = base.clone();
    if let Ok(meta) = std::fs::metadata(path) {
        inv.file_mtime = meta.modified().ok().map(|t| rfc3339(t.into()));
        inv.file_uid = Some(meta.uid());
        inv.file_gid = Some(meta.gid());
        inv.file_mode = Some(format!("{:04o}", meta.mode() & 0o7777));
    }
    inv
}

fn rfc3339(t: OffsetDateTime) -> String {
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
