//! The platform's seal: a PAdES B-B signature (ETSI EN 319 142-1, `ETSI.CAdES.detached`) added
//! to a finished PDF as an incremental update, with an ECDSA P-256 key, so that anyone can check
//! years later, without Opuntia, that the file is the one the platform closed (`pdfsig` from
//! poppler, Adobe Reader). The CMS and the update are `pdf_signer`'s (GPL-3.0-or-later, over
//! RustCrypto's `cms`; chosen over `underskrift` because it signs without an async runtime and
//! without the TSA, OCSP and HTTP crates that a B-B seal never uses).

use chrono::{DateTime, Utc};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::EncodePrivateKey;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::{Encode, asn1::GeneralizedTime};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

use crate::PdfError;

/// The key and certificate that seal documents, as a PKCS#12 keystore and its password.
#[derive(Clone)]
pub struct SealKey {
    pkcs12: Vec<u8>,
    password: String,
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(<PKCS#12>)")
    }
}

/// What a seal says of a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealReport {
    /// How many signatures the file carries.
    pub signatures: usize,
    /// Whether every signature is cryptographically valid over the bytes it covers.
    pub valid: bool,
    /// Whether nothing but validation material was added after the last signature.
    pub intact: bool,
    /// The last signer's certificate subject.
    pub signer: Option<String>,
}

fn failed(what: impl std::fmt::Display) -> PdfError {
    PdfError::Seal(what.to_string())
}

impl SealKey {
    /// A keystore as a CFA's certificate authority delivers it; checked by sealing a small PDF,
    /// so that a wrong password or an unusable key is refused at start-up.
    pub fn from_pkcs12(pkcs12: Vec<u8>, password: String) -> Result<Self, PdfError> {
        let key = Self { pkcs12, password };
        let probe = probe_pdf()?;
        seal(&probe, &key, "Essai", DateTime::<Utc>::UNIX_EPOCH)?;
        Ok(key)
    }

    /// A self-signed ECDSA P-256 key and certificate for `organisation`, valid ten years from
    /// `now`: what development mode seals with. `secret` is the private scalar (32 random bytes
    /// from the caller, which keeps this crate free of randomness).
    pub fn self_signed(
        organisation: &str,
        secret: [u8; 32],
        now: DateTime<Utc>,
        password: &str,
    ) -> Result<Self, PdfError> {
        let signing_key = SigningKey::from_bytes(&secret.into()).map_err(failed)?;
        let clean: String = organisation
            .chars()
            .filter(|c| c.is_alphanumeric() || " -'".contains(*c))
            .collect();
        let subject: Name = format!("CN=Sceau Opuntia - {clean},O={clean},C=FR")
            .parse()
            .map_err(failed)?;
        let spki =
            SubjectPublicKeyInfoOwned::from_key(*signing_key.verifying_key()).map_err(failed)?;
        let at = |t: DateTime<Utc>| -> Result<Time, PdfError> {
            let seconds = u64::try_from(t.timestamp()).map_err(failed)?;
            GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(seconds))
                .map(Time::GeneralTime)
                .map_err(failed)
        };
        let validity = Validity {
            not_before: at(now)?,
            not_after: at(now + chrono::Duration::days(3653))?,
        };
        let serial = SerialNumber::new(&secret[..16]).map_err(failed)?;
        let certificate =
            CertificateBuilder::new(Profile::Root, serial, validity, subject, spki, &signing_key)
                .map_err(failed)?
                .build::<DerSignature>()
                .map_err(failed)?;
        let key_der = signing_key.to_pkcs8_der().map_err(failed)?;
        let certificate_der = certificate.to_der().map_err(failed)?;
        let chain = p12_keystore::PrivateKeyChain::new(
            key_der.as_bytes(),
            b"opuntia-seal",
            vec![p12_keystore::Certificate::from_der(&certificate_der).map_err(failed)?],
        );
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry(
            "opuntia-seal",
            p12_keystore::KeyStoreEntry::PrivateKeyChain(chain),
        );
        let pkcs12 = store.writer(password).write().map_err(failed)?;
        Ok(Self {
            pkcs12,
            password: password.to_owned(),
        })
    }

    /// The keystore's bytes, to keep it.
    pub fn pkcs12(&self) -> &[u8] {
        &self.pkcs12
    }
}

/// A one-page PDF with nothing on it, to try a key on.
fn probe_pdf() -> Result<Vec<u8>, PdfError> {
    crate::gate::blank_page().map_err(failed)
}

/// `pdf` sealed by `key`: the same bytes followed by a signature field and its CMS, signed at
/// `at` for `reason`.
pub fn seal(
    pdf: &[u8],
    key: &SealKey,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<Vec<u8>, PdfError> {
    let options = pdf_signer::SignOptions {
        // An ECDSA P-256 CMS with one certificate takes about 1 KB; room for a CA's chain.
        signature_capacity: 16_384,
        reason: Some(reason.to_owned()),
        name: Some("Opuntia".to_owned()),
        signing_time: Some(at.format("D:%Y%m%d%H%M%SZ").to_string()),
        pades_level: pdf_signer::PadesLevel::Bb,
        ..pdf_signer::SignOptions::default()
    };
    pdf_signer::sign_pdf_bytes(pdf, &key.pkcs12, &key.password, &options).map_err(failed)
}

/// What the signatures of `pdf` say: whether each is valid and nothing changed after the last.
pub fn verify(pdf: &[u8]) -> Result<SealReport, PdfError> {
    let report = pdf_signer::verify_pdf_bytes(pdf).map_err(failed)?;
    Ok(SealReport {
        signatures: report.signatures.len(),
        valid: !report.signatures.is_empty() && report.signatures.iter().all(|s| s.valid),
        intact: report.document_intact,
        signer: report.signatures.last().and_then(|s| s.signer.clone()),
    })
}
