#!/usr/bin/env python3
"""Cross-check `certscope check` with pkilint (PyPI) over the lint fixture pairs.

For each row of fixtures/lint3/pairs.tsv (lint, tripping fixture, ..., clean fixture), runs
pkilint's RFC 5280 linter (lint_pkix_cert, or lint_crl -t CRL -p PKIX) and, for TLS server
certificates, its CA/B serverauth linter (lint_cabf_serverauth_cert -d) over both fixtures,
at NOTICE and above, and prints the markdown table of docs/check.md's "pkilint cross-check"
section: whether pkilint states the same rule (one of the codes in SAME is on the tripping fixture
and not on the clean one, so findings every fixture shares cancel out), and why not when
it does not.

pkilint's linters are called in-process (one Python start, not one per file). Run from the
repository root with a Python that has pkilint (scripts/test.sh makes a venv for it):
    python3 scripts/pkilint-crosscheck.py > table.md
tests/cli/check.rs runs it and fails when docs/check.md's table differs.
"""

import contextlib
import io
import json
import multiprocessing
import sys

from pkilint.bin import lint_cabf_serverauth_cert, lint_crl, lint_pkix_cert

# certscope lint -> the pkilint codes that state the same rule (read off pkilint 0.13's
# findings on these fixtures). A lint agrees when one of its codes is on the tripping fixture
# and none on the clean one.
SAME = {
    "md5-signature": ["cabf.serverauth.prohibited_signature_algorithm_encoding"],
    "sha1-signature": ["cabf.serverauth.prohibited_signature_algorithm_encoding"],
    "rsa-key-too-small": ["cabf.rsa_modulus_invalid_length"],
    "ec-key-too-small": ["cabf.serverauth.prohibited_subject_public_key_algorithm_encoding"],
    "ca-without-keycertsign": ["pkix.ca_certificate_keycertsign_keyusage_not_set"],
    "san-missing": ["cabf.serverauth.subscriber.subject_altname_extension_absent"],
    "cn-not-in-san": ["cabf.serverauth.subscriber_common_name_unknown_source"],
    "aki-missing": ["pkix.authority_key_identifier_extension_absent"],
    "ski-missing": ["pkix.certificate_skid_end_entity_missing"],
    "duplicate-extension": ["pkix.duplicate_extension"],
    "unknown-critical-extension": ["cabf.serverauth.subscriber.unknown_extension_present"],
    "serial-negative": ["pkix.certificate_serial_number_out_of_range"],
    "serial-zero": ["pkix.certificate_serial_number_out_of_range"],
    "serial-too-long": ["pkix.certificate_serial_number_out_of_range"],
    "utctime-after-2049": ["pkix.certificate_negative_validity_period"],
    "validity-too-long": ["cabf.serverauth.certificate_validity_period_exceeds_398_days"],
    "md2-md4-signature": ["cabf.serverauth.prohibited_signature_algorithm_encoding"],
    "rsa-pss-sha1": ["cabf.serverauth.prohibited_signature_algorithm_encoding"],
    "signature-algorithm-mismatch": ["pkix.certificate_signature_algorithm_mismatch"],
    "version-invalid": ["pkix.certificate_version_is_not_v3"],
    "extensions-before-v3": ["pkix.certificate_version_is_not_v3"],
    "eku-empty": ["itu.invalid_asn1_syntax"],
    "ca-basic-constraints-not-critical": ["pkix.basic_constraints_extension_not_critical"],
    "ca-ski-missing": ["pkix.certificate_skid_ca_missing"],
    "rsa-exponent-invalid": ["cabf.rsa_exponent_prohibited_value"],
    "rsa-exponent-small": ["cabf.rsa_exponent_not_in_recommended_range"],
    "san-empty": ["itu.invalid_asn1_syntax"],
    "san-dns-invalid": ["cabf.serverauth.invalid_dnsname_syntax"],
    "san-dns-ulabel": ["itu.invalid_asn1_syntax"],
    "san-wildcard-invalid": ["cabf.serverauth.invalid_dnsname_syntax"],
    "san-ip-length": ["pkix.ip_address_wrong_length"],
    "san-ip-reserved": ["cabf.internal_ip_address"],
    "san-email-invalid": ["pkix.invalid_email_address_syntax"],
    "san-uri-invalid": ["pkix.invalid_uri_syntax"],
    "san-critical-with-subject": ["pkix.san_extension_is_critical_non_empty_subject"],
    "san-not-critical-empty-subject": ["pkix.san_extension_not_critical_empty_subject"],
    "issuer-empty": ["pkix.name_empty"],
    "authority-key-id-critical": ["pkix.authority_key_identifier_critical"],
    "aki-key-id-missing": ["pkix.authority_key_identifier_keyid_missing"],
    "subject-key-id-critical": ["pkix.certificate_skid_extension_critical"],
    "key-usage-not-critical": ["pkix.key_usage_extension_not_critical"],
    "key-usage-empty": ["pkix.no_ku_bits_set"],
    "keycertsign-without-ca": ["pkix.ee_certificate_keycertsign_keyusage_set"],
    "ec-key-usage-encipherment": ["pkix.key_usage_value_prohibited_for_ec"],
    "eddsa-key-usage-invalid": ["pkix.key_usage_value_prohibited_for_edwards_curve"],
    "name-constraints-on-non-ca": ["pkix.name_constraints_in_ee_certificate"],
    "name-constraints-not-critical": ["pkix.certificate_name_constraints_extension_not_critical"],
    "eku-any-critical": ["cabf.serverauth.subscriber.critical_extended_key_usage_extension"],
    "crl-distribution-points-critical": ["pkix.certificate_crldp_extension_critical"],
    "aia-critical": ["pkix.authority_information_access_extension_critical"],
    "sia-critical": ["pkix.subject_information_access_extension_critical"],
    "issuer-alt-name-critical": ["pkix.issuer_alt_name_extension_critical"],
    "subject-directory-attributes-critical": ["pkix.subject_directory_attributes_extension_critical"],
    "certificate-policies-duplicate": ["pkix.duplicate_certificate_policy_oids"],
    "subject-country-invalid": ["cabf.invalid_country_code"],
    "subject-attribute-too-long": ["itu.invalid_asn1_syntax"],
    "validity-not-positive": ["pkix.certificate_negative_validity_period"],
    "generalizedtime-before-2050": ["pkix.wrong_time_useful_type"],
    "ec-curve-not-allowed": ["cabf.serverauth.prohibited_subject_public_key_algorithm_encoding"],
    "rsa-modulus-not-multiple-of-8": ["cabf.rsa_modulus_invalid_length"],
    "signature-algorithm-parameters-invalid": ["itu.invalid_asn1_syntax", "cabf.serverauth.prohibited_signature_algorithm_encoding"],
    "spki-algorithm-parameters-invalid": ["itu.invalid_asn1_syntax", "cabf.serverauth.prohibited_subject_public_key_algorithm_encoding"],
    "crl-number-missing": ["pkix.crl_number_missing"],
    "crl-number-critical": ["pkix.crl_number_extension_critical"],
    "crl-aki-missing": ["pkix.authority_key_identifier_missing"],
    "crl-next-update-before-this-update": ["pkix.crl_negative_validity_period"],
    "aia-ocsp-not-http": ["cabf.serverauth.aia_location_uri_not_http"],
    "aia-ca-issuers-not-http": ["cabf.serverauth.aia_location_uri_not_http"],
    "crl-distribution-point-not-http": ["cabf.serverauth.crldp_dpname_prohibited_uri_scheme"],
    "crl-distribution-point-reasons-only": ["pkix.distribution_point_does_not_contain_name_or_issuer"],
    "policy-cps-uri-not-http": ["cabf.cps_uri_is_not_http"],
    "policy-explicit-text-ia5": ["pkix.rfc6818_certificate_policies_invalid_explicit_text_encoding"],
    "policy-explicit-text-not-utf8": ["pkix.rfc5280_certificate_policies_invalid_explicit_text_encoding"],
    "policy-explicit-text-too-long": ["itu.invalid_asn1_syntax"],
    "name-constraints-empty": ["pkix.name_constraints_no_subtrees"],
    "name-constraints-minimum-maximum": ["pkix.name_constraints_maximum_specified"],
    "extension-value-empty": ["itu.invalid_asn1_syntax"],
    "unique-identifier-present": ["pkix.subject_unique_id_present"],
    "subject-attribute-wrong-string-type": ["itu.invalid_asn1_syntax"],
    "directory-string-legacy-type": ["cabf.serverauth.attribute_value_invalid_encoding_type"],
    "printable-string-invalid": ["itu.invalid_asn1_syntax"],
    "utctime-without-seconds": ["pkix.utctime_incorrect_syntax"],
    "utctime-not-zulu": ["pkix.utctime_incorrect_syntax"],
    "generalizedtime-fraction": ["pkix.generalizedtime_incorrect_syntax"],
    "eku-any-in-subscriber": ["cabf.serverauth.subscriber.anyeku_eku_present"],
    "rsa-key-usage-invalid": ["pkix.key_usage_value_prohibited_for_rsa"],
    "crl-number-too-long": ["pkix.crl_number_out_of_range"],
    "crl-number-negative": ["itu.invalid_asn1_syntax"],
    "crl-aki-key-id-missing": ["pkix.authority_key_identifier_keyid_missing"],
    "crl-extensions-before-v2": ["pkix.crl_version_missing"],
}

# Why they differ, where they do.
WHY = {
    "expired": "pkilint lints a document's form, not whether it is valid now",
    "crl-next-update-passed": "pkilint lints a document's form, not whether it is current",
    "leaf-is-ca": "a certscope heuristic over the run (CA:TRUE, end-entity names or purposes, issued nothing); pkilint judges the certificate as a CA",
    "pathlen-without-ca": "pkilint stops at the encoding (cA FALSE written out, which DER forbids: `itu.invalid_asn1_syntax`) before its rule",
    "csr-bad-signature": "pkilint has no CSR linter",
    "extensions-before-v3": "pkilint reports every version but 3, so the v1 clean fixture too; certscope accepts v1/v2 without extensions (RFC 5280 §4.1.2.1)",
    "ca-subject-empty": "pkilint's PKIX linter has no rule for an empty CA subject; its CA/B linter asks for commonName and organizationName instead",
    "crl-entry-unknown-critical-extension": "pkilint reports nothing for an unrecognised critical CRL entry extension",
    "validity-too-long": "pkilint reports nothing for 398 days from 2026-03-15 (Ballot SC-081's 200-day step)",
    "subject-empty-without-san": "pkilint reports nothing for an empty subject without subjectAltName on this clientAuth certificate",
    "policy-constraints-not-critical": "pkilint reports nothing for a non-critical policyConstraints",
    "policy-mappings-not-critical": "pkilint reports nothing for a non-critical policyMappings (a SHOULD)",
    "inhibit-any-policy-not-critical": "pkilint reports nothing for a non-critical inhibitAnyPolicy",
    "freshest-crl-critical": "pkilint reports nothing for a critical freshestCRL",
    "crl-idp-not-critical": "pkilint reports nothing for a non-critical issuingDistributionPoint",
    "crl-delta-not-critical": "pkilint reports nothing for a non-critical deltaCRLIndicator",
    "crl-entry-reason-unspecified": "pkilint's PKIX CRL profile reports nothing for reasonCode unspecified",
    "policy-mapping-any-policy": "pkilint reports nothing for a policyMappings entry from anyPolicy",
    "policy-constraints-empty": "pkilint reports nothing for an empty policyConstraints",
    "key-usage-encipher-only-without-agreement": "pkilint reports nothing for encipherOnly without keyAgreement",
    "crl-entry-remove-from-crl-not-delta": "pkilint's PKIX CRL profile reports nothing for removeFromCRL in a full CRL",
}


def codes(linter, args, path):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            linter.main(["lint", *args, "-f", "JSON", "-s", "NOTICE", path])
        except SystemExit:
            pass
        except Exception:  # a linter that cannot handle the document says nothing
            return set()
    try:
        results = json.loads(out.getvalue())["results"]
    except (ValueError, KeyError):
        text = out.getvalue().strip()
        return {"(did not decode)"} if not text else set()
    return {
        f["code"]
        for r in results
        for f in r["finding_descriptions"]
        if f["severity"] in ("FATAL", "ERROR", "WARNING", "NOTICE")
    }


def pkilint_codes(path, tls):
    if b"CERTIFICATE REQUEST" in open(path, "rb").read():
        return set()
    if path.endswith(".crl"):
        return codes(lint_crl, ["-t", "CRL", "-p", "PKIX"], path)
    found = codes(lint_pkix_cert, [], path)
    if tls:
        found |= codes(lint_cabf_serverauth_cert, ["-d"], path)
    return found


def row(r):
    lint, trips, clean = r
    # Certificates also go through the CA/B serverauth linter (it detects their type).
    tls = not trips.endswith(".crl")
    on_trips, on_clean = pkilint_codes(trips, tls), pkilint_codes(clean, tls)
    same = [c for c in SAME.get(lint, []) if c in on_trips and c not in on_clean]
    agree = "yes" if same else "no"
    shown = ", ".join(f"`{c}`" for c in same) or "—"
    why = "" if same else WHY.get(lint, "(not explained: update scripts/pkilint-crosscheck.py)")
    short = [p.removeprefix("fixtures/") for p in (trips, clean)]
    return f"| `{lint}` | {short[0]} | {short[1]} | {shown} | {agree} | {why} |"


def main():
    rows = []
    for line in open("fixtures/lint3/pairs.tsv", encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        lint, trips, _also, clean = line.rstrip("\n").split("\t")
        rows.append((lint, "fixtures/" + trips, "fixtures/" + clean))
    print("| certscope lint | tripping fixture | clean fixture | pkilint code for the same rule | agree | why not |")
    print("|---|---|---|---|---|---|")
    with multiprocessing.Pool(2) as pool:
        for line in pool.map(row, rows):
            print(line)


if __name__ == "__main__":
    sys.exit(main())
