//! Fills an initialised SoftHSM token with the first N certificates of a PEM bundle, for the
//! token rows of `scripts/bench.sh`. Not part of certscope; run through the script:
//!
//! ```text
//! SOFTHSM2_CONF=... cargo run --release --example bench_token -- MODULE TOKEN_LABEL PIN BUNDLE N
//! ```

use std::process::ExitCode;

use certscope::asn1::tlv;
use certscope::input::pem::Scanner;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::object::{Attribute, CertificateType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;

/// The subject Name DER of a certificate (CKA_SUBJECT is required on X.509 objects).
fn subject(der: &[u8]) -> Option<Vec<u8>> {
    Some(tlv::tbs_fields(der)?.nth(4)?.raw.to_vec())
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, module, label, pin, bundle, count] = args.as_slice() else {
        return Err("usage: bench_token MODULE TOKEN_LABEL PIN BUNDLE N".into());
    };
    let count: usize = count.parse().map_err(|e| format!("N: {e}"))?;
    let data = std::fs::read(bundle).map_err(|e| format!("{bundle}: {e}"))?;
    let pkcs11 = Pkcs11::new(module).map_err(|e| e.to_string())?;
    pkcs11
        .initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .map_err(|e| e.to_string())?;
    let slot = pkcs11
        .get_slots_with_token()
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|s| {
            pkcs11
                .get_token_info(*s)
                .map(|i| i.label().trim() == label)
                .unwrap_or(false)
        })
        .ok_or(format!("no token labelled {label}"))?;
    let session = pkcs11.open_rw_session(slot).map_err(|e| e.to_string())?;
    session
        .login(UserType::User, Some(&AuthPin::new(pin.clone().into())))
        .map_err(|e| e.to_string())?;
    for (i, block) in Scanner::new(&data).take(count).enumerate() {
        let subject = subject(&block.der).ok_or(format!("certificate {i}: no subject"))?;
        session
            .create_object(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::CertificateType(CertificateType::X_509),
                Attribute::Token(true),
                Attribute::Private(false),
                Attribute::Label(format!("bench-{i}").into_bytes()),
                Attribute::Id((i as u32).to_be_bytes().to_vec()),
                Attribute::Subject(subject),
                Attribute::Value(block.der.to_vec()),
            ])
            .map_err(|e| format!("certificate {i}: {e}"))?;
    }
    drop(session);
    pkcs11.finalize().map_err(|e| e.to_string())?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_token: {e}");
            ExitCode::FAILURE
        }
    }
}
