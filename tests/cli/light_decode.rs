//! The light certificate decode (`decode::cert_light`, issue 18) against the full one: for
//! every file under fixtures/ (hostile, lint and damaged ones included), the events of a
//! light decode are the full decode's, every record cut to the light fields byte for byte.

use std::path::{Path, PathBuf};

use certscope::decode::{self, cert_light, Event, Options};
use certscope::model::{Body, Item};
use serde_json::Value;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The item's record cut to the light fields; problems as they are.
fn outline(e: Event) -> String {
    match e {
        Event::Item(i) => {
            let Value::Object(mut whole) = serde_json::to_value(&*i).unwrap() else {
                panic!("not an object");
            };
            let cut: serde_json::Map<String, Value> = cert_light::FIELDS
                .iter()
                .filter_map(|f| whole.remove(*f).map(|v| (f.to_string(), v)))
                .collect();
            Value::Object(cut).to_string()
        }
        Event::Problem { locator, message } => format!("problem {locator}: {message}"),
        Event::NeedPassword { locator, message } => format!("password {locator}: {message}"),
    }
}

fn events(path: &str, data: &[u8], light: bool) -> Vec<String> {
    let opts = Options {
        light_certificates: light,
        ..Options::default()
    };
    let mut out = Vec::new();
    decode::decode_input(path, data, &opts, &mut |e| out.push(outline(e)));
    out
}

#[test]
fn light_records_are_the_full_records_for_every_fixture() {
    let mut all = Vec::new();
    files(Path::new("fixtures"), &mut all);
    assert!(all.len() > 500, "{}", all.len());
    let (mut certs, mut light) = (0, 0);
    for path in &all {
        let data = std::fs::read(path).unwrap();
        let name = path.display().to_string();
        assert_eq!(
            events(&name, &data, true),
            events(&name, &data, false),
            "{name}"
        );
        // How many certificates took the light path (the rest fell back).
        decode::decode_input(&name, &data, &Options::default(), &mut |e| {
            if let Event::Item(i) = e {
                if let (Body::Certificate(_), Some(der)) = (&i.body, &i.der) {
                    certs += 1;
                    light += usize::from(lightly(&i, der));
                }
            }
        });
    }
    // Nearly every well-formed certificate is read lightly; the fixtures hold many damaged,
    // hostile and odd ones on purpose.
    assert!(certs > 500, "{certs}");
    eprintln!("{light} of {certs} certificates read lightly");
    assert!(light * 2 > certs, "{light} of {certs}");
}

/// Whether the light decode reads `der`, and if so, that it gives the full decode's fields.
fn lightly(full: &Item, der: &[u8]) -> bool {
    let Some(d) = cert_light::decode(der) else {
        return false;
    };
    let Body::Certificate(c) = &full.body else {
        return false;
    };
    assert!(
        full.error.is_none() && full.warnings.is_empty(),
        "{:?}",
        full.source
    );
    let same = (
        &d.cert.subject,
        &d.cert.issuer,
        &d.cert.serial,
        &d.cert.serial_decimal,
        &d.cert.serial_der_hex,
        d.cert.not_before,
        d.cert.not_after,
        d.cert.version,
        &d.cert.signature_algorithm,
    ) == (
        &c.subject,
        &c.issuer,
        &c.serial,
        &c.serial_decimal,
        &c.serial_der_hex,
        c.not_before,
        c.not_after,
        c.version,
        &c.signature_algorithm,
    );
    assert!(same, "{:?}", full.source);
    assert_eq!(Some(&d.spki), full.spki_der.as_ref());
    true
}
