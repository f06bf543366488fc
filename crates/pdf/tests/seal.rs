//! The signed document's last steps: the evidence page appended without touching the signed
//! bytes, and the platform's PAdES seal, checked by this crate and by poppler's `pdfsig` and
//! `qpdf --check` (Debian's poppler-utils and qpdf; the test command installs them).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use chrono::{DateTime, Utc};
use pdf::{Kind, Metadata, SealKey, Templates};
use sha2::{Digest, Sha256};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn render(kind: Kind) -> Vec<u8> {
    Templates::builtin()
        .render(
            kind,
            &kind.sample_data(),
            &Metadata {
                title: "Contrat d'apprentissage — Léa MARTIN".into(),
                author: "CFA de démonstration".into(),
                made_at: at("2027-09-02T09:00:00Z"),
            },
        )
        .unwrap()
}

fn key() -> SealKey {
    SealKey::self_signed(
        "CFA de démonstration",
        [7; 32],
        at("2026-12-01T10:00:00Z"),
        "mot de passe",
    )
    .unwrap()
}

/// What a command-line tool says of `pdf`, written to a temporary file (pdftotext writes to its
/// standard output when `-` follows the file).
fn tool(program: &str, args: &[&str], pdf: &[u8]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new(program)
        .args(args)
        .arg(&path)
        .args((program == "pdftotext").then_some("-"))
        .output()
        .unwrap_or_else(|e| panic!("{program} (Debian poppler-utils / qpdf): {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn pages(pdf: &[u8]) -> usize {
    let (_, info) = tool("pdfinfo", &[], pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn the_evidence_page_follows_the_document_whose_bytes_stay_the_head_of_the_file() {
    let contract = render(Kind::Cerfa);
    let evidence = render(Kind::Preuve);

    let combined = pdf::append_pages(&contract, &evidence).unwrap();

    assert_eq!(&combined[..contract.len()], &contract[..]);
    assert_eq!(
        Sha256::digest(&combined[..contract.len()]),
        Sha256::digest(&contract)
    );
    assert_eq!(pages(&combined), pages(&contract) + 1);
    let (ok, check) = tool("qpdf", &["--check"], &combined);
    assert!(ok, "{check}");
    let (_, text) = tool("pdftotext", &["-layout"], &combined);
    assert!(text.contains("DOSSIER DE PREUVE DES SIGNATURES"), "{text}");
    assert!(text.contains("CONTRAT D"), "{text}");
}

#[test]
fn a_sealed_document_is_valid_for_pdfsig_and_for_this_crate() {
    let combined = pdf::append_pages(&render(Kind::Cerfa), &render(Kind::Preuve)).unwrap();

    let sealed = pdf::seal(
        &combined,
        &key(),
        "Signé par toutes les parties",
        at("2027-09-03T17:02:00Z"),
    )
    .unwrap();

    assert_eq!(&sealed[..combined.len()], &combined[..]);
    let report = pdf::verify(&sealed).unwrap();
    assert_eq!(report.signatures, 1);
    assert!(report.valid && report.intact, "{report:?}");
    assert!(report.signer.unwrap().contains("Sceau Opuntia"));
    let (_, pdfsig) = tool("pdfsig", &[], &sealed);
    assert!(pdfsig.contains("Signature is Valid"), "{pdfsig}");
    assert!(pdfsig.contains("ETSI.CAdES.detached"), "{pdfsig}");
    let (ok, check) = tool("qpdf", &["--check"], &sealed);
    assert!(ok, "{check}");
}

#[test]
fn a_byte_changed_after_sealing_is_caught() {
    let sealed = pdf::seal(
        &render(Kind::Convention),
        &key(),
        "Signé",
        at("2027-09-03T17:02:00Z"),
    )
    .unwrap();
    let mut forged = sealed.clone();
    // A digit of the page's content, inside the signed range.
    let at_text = forged.windows(7).position(|w| w == b"/Length").unwrap() + 8;
    forged[at_text] = if forged[at_text] == b'1' { b'2' } else { b'1' };

    let (_, pdfsig) = tool("pdfsig", &[], &forged);
    let report = pdf::verify(&forged);

    assert!(!pdfsig.contains("Signature is Valid"), "{pdfsig}");
    assert!(report.is_err() || !report.unwrap().valid);
}

#[test]
fn a_document_appended_after_the_seal_breaks_it() {
    let sealed = pdf::seal(
        &render(Kind::Cerfa),
        &key(),
        "Signé",
        at("2027-09-03T17:02:00Z"),
    )
    .unwrap();

    let extended = pdf::append_pages(&sealed, &render(Kind::Programme)).unwrap();

    let report = pdf::verify(&extended).unwrap();
    assert!(
        report.valid,
        "the signature over its own bytes still verifies"
    );
    assert!(
        !report.intact,
        "but the document changed after it: {report:?}"
    );
}

#[test]
fn a_keystore_with_a_wrong_password_is_refused() {
    let good = key();

    let refused = SealKey::from_pkcs12(good.pkcs12().to_vec(), "autre".into());

    assert!(refused.is_err());
    assert!(SealKey::from_pkcs12(good.pkcs12().to_vec(), "mot de passe".into()).is_ok());
}
