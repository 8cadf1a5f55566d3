//! Run-wide questions over decoded items: how they relate, which chains they build, which
//! lints they fail, which match a filter, which names a host matches.

pub mod chain;
pub mod check;
pub mod filter;
pub mod hostname;
pub mod name_constraints;
pub mod policy;
pub mod relate;
pub mod revocation;
pub mod validation;
