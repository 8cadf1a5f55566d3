//! Bytes to structure: the bounded DER walker, the OID table and distinguished names. Knows
//! nothing of items, inputs or output.

pub mod ctlogs;
pub mod dn;
pub mod oids;
pub mod tlv;
