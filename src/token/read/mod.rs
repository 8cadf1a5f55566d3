//! Reading object attributes: straight through the module's function list (`raw`, the
//! only `unsafe` code), or through cryptoki where `raw` cannot (`via_cryptoki`, for a
//! module such as p11-kit's proxy that needs cryptoki's own initialisation). Why not
//! cryptoki for everything: docs/design.md, "PKCS#11".

pub mod raw;
pub mod via_cryptoki;
