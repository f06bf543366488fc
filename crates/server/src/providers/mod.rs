//! Signature providers: who makes a circuit's signatures hold. One interface,
//! [`SignatureProvider`], chosen by `signature.provider`: the platform itself (`builtin`, the
//! default: one-time codes, evidence page, PAdES seal) or DocuSign (`docusign`: envelopes,
//! embedded signing, Connect webhooks). Either way the platform keeps the circuit, mails each
//! signer their link to `{public_url}/signature/{token}` in their turn, and stores the signed
//! bytes itself (`services::signatures`); a provider starts and cancels the circuit on its side,
//! reports each signer's status, hands over the signed bytes, and authenticates its callbacks.

pub mod docusign;

use std::{future::Future, pin::Pin, sync::Arc};

use actix_web::http::header::HeaderMap;
use chrono::{DateTime, Utc};
use domain::{documents::DocumentKind, signature::SignerRole};

/// The answer of a provider's operation.
pub type ProviderFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, ProviderError>> + Send + 'a>>;

/// Why a provider's operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider cannot be reached or failed on its side: retry later.
    #[error("signature provider unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the request (configuration, consent, a circuit it does not know).
    #[error("signature provider refused: {0}")]
    Refused(String),
    /// A callback whose signature does not check out.
    #[error("callback not authentic")]
    Unauthentic,
    /// Making the platform's own signed copies failed.
    #[error("sealing failed: {0}")]
    Sealing(#[from] pdf::PdfError),
}

/// A document of a circuit.
#[derive(Debug, Clone)]
pub struct Document {
    /// Which.
    pub kind: DocumentKind,
    /// Its file name.
    pub name: String,
    /// The exact bytes validated.
    pub bytes: Vec<u8>,
}

/// A signer, as the platform knows them.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The signer's id in the circuit (DocuSign's `clientUserId`).
    pub id: String,
    /// Who.
    pub role: SignerRole,
    /// Their name.
    pub name: String,
    /// Their address.
    pub email: String,
    /// Their turn (1 first).
    pub order: u32,
    /// What they sign.
    pub documents: Vec<DocumentKind>,
}

/// A circuit to start on the provider's side.
#[derive(Debug, Clone)]
pub struct StartRequest {
    /// The subject the provider shows (an envelope's).
    pub subject: String,
    /// The documents.
    pub documents: Vec<Document>,
    /// The signers who sign online.
    pub signers: Vec<Signer>,
}

/// Where a signer stands on the provider's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteStatus {
    /// Not signed yet.
    Waiting,
    /// Signed, at that time.
    Signed(DateTime<Utc>),
    /// Declined, with their reason.
    Refused(String),
}

/// A circuit as the provider sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteCircuit {
    /// Each signer, by their id in the circuit.
    pub signers: Vec<(String, RemoteStatus)>,
    /// Whether the provider considers it complete (its signed bytes can be fetched).
    pub completed: bool,
    /// Voided on the provider's side, with the reason.
    pub voided: Option<String>,
}

/// What the last signature hands to the provider for it to produce the signed copies: each
/// document signed, its evidence, and the scans of its paper signatures.
#[derive(Debug, Clone)]
pub struct Completion {
    /// Per document: its bytes, the data of its « dossier de preuve », the scans.
    pub documents: Vec<(Document, serde_json::Value, Vec<Vec<u8>>)>,
    /// The evidence page's metadata.
    pub metadata: pdf::Metadata,
    /// When the circuit completes.
    pub at: DateTime<Utc>,
}

/// The signed copies, each document's, and the provider's certificate when it gives one.
#[derive(Debug, Clone)]
pub struct SignedDocuments {
    /// Per document, the signed PDF.
    pub documents: Vec<(DocumentKind, Vec<u8>)>,
    /// The provider's certificate of completion.
    pub certificate: Option<Vec<u8>>,
}

/// One way of making signatures hold.
pub trait SignatureProvider: Send + Sync {
    /// The provider's key, as circuits store it (`builtin`, `docusign`).
    fn key(&self) -> &'static str;

    /// Starts the circuit on the provider's side: its reference there (an envelope id), or
    /// `None` when the platform runs it alone.
    fn start<'a>(&'a self, request: &'a StartRequest) -> ProviderFuture<'a, Option<String>>;

    /// The circuit and its signers as the provider sees them now.
    fn status<'a>(&'a self, reference: &'a str) -> ProviderFuture<'a, RemoteCircuit>;

    /// Where `signer` signs, coming back to `return_url`: the provider's page, or `None` for
    /// the platform's own page (code and consent).
    fn signing_view<'a>(
        &'a self,
        reference: &'a str,
        signer: &'a Signer,
        return_url: &'a str,
    ) -> ProviderFuture<'a, Option<String>>;

    /// Cancels the circuit on the provider's side.
    fn cancel<'a>(&'a self, reference: Option<&'a str>, reason: &'a str) -> ProviderFuture<'a, ()>;

    /// The signed copies, once the circuit is complete.
    fn signed_documents<'a>(
        &'a self,
        reference: Option<&'a str>,
        completion: Completion,
    ) -> ProviderFuture<'a, SignedDocuments>;

    /// Authenticates a callback and answers the reference of the circuit it concerns (`None`:
    /// an event about nothing the platform follows).
    fn callback(&self, headers: &HeaderMap, body: &[u8]) -> Result<Option<String>, ProviderError>;
}

/// The platform signs on its own (simple electronic signature with a one-time code): nothing
/// to start, view, cancel or hear from elsewhere; at the end, each document gets its evidence
/// page and the scans of its paper signatures appended, and the platform's PAdES seal.
pub struct Builtin {
    templates: Arc<pdf::Templates>,
    key: Arc<pdf::SealKey>,
}

impl Builtin {
    /// The built-in provider, sealing with `key`.
    pub fn new(templates: Arc<pdf::Templates>, key: Arc<pdf::SealKey>) -> Self {
        Self { templates, key }
    }
}

/// The key of the built-in provider.
pub const BUILTIN: &str = "builtin";

impl SignatureProvider for Builtin {
    fn key(&self) -> &'static str {
        BUILTIN
    }

    fn start<'a>(&'a self, _request: &'a StartRequest) -> ProviderFuture<'a, Option<String>> {
        Box::pin(async { Ok(None) })
    }

    fn status<'a>(&'a self, _reference: &'a str) -> ProviderFuture<'a, RemoteCircuit> {
        Box::pin(async {
            Err(ProviderError::Refused(
                "the built-in provider records each signature as it happens".into(),
            ))
        })
    }

    fn signing_view<'a>(
        &'a self,
        _reference: &'a str,
        _signer: &'a Signer,
        _return_url: &'a str,
    ) -> ProviderFuture<'a, Option<String>> {
        Box::pin(async { Ok(None) })
    }

    fn cancel<'a>(
        &'a self,
        _reference: Option<&'a str>,
        _reason: &'a str,
    ) -> ProviderFuture<'a, ()> {
        // The links die with the circuit's row: nothing lives elsewhere.
        Box::pin(async { Ok(()) })
    }

    fn signed_documents<'a>(
        &'a self,
        _reference: Option<&'a str>,
        completion: Completion,
    ) -> ProviderFuture<'a, SignedDocuments> {
        let (templates, key) = (self.templates.clone(), self.key.clone());
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut documents = Vec::new();
                for (document, evidence, scans) in &completion.documents {
                    let page =
                        templates.render(pdf::Kind::Preuve, evidence, &completion.metadata)?;
                    let mut combined = pdf::append_pages(&document.bytes, &page)?;
                    for scan in scans {
                        combined = pdf::append_pages(&combined, scan)?;
                    }
                    let sealed = pdf::seal(
                        &combined,
                        &key,
                        "Signé par toutes les parties",
                        completion.at,
                    )?;
                    documents.push((document.kind, sealed));
                }
                Ok(SignedDocuments {
                    documents,
                    certificate: None,
                })
            })
            .await
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?
        })
    }

    fn callback(
        &self,
        _headers: &HeaderMap,
        _body: &[u8],
    ) -> Result<Option<String>, ProviderError> {
        Err(ProviderError::Unauthentic)
    }
}

/// The providers a server runs: the platform's own, and DocuSign when configured.
pub struct Providers {
    builtin: Builtin,
    docusign: Option<docusign::DocuSign>,
}

impl Providers {
    /// The providers the settings name; a DocuSign account whose settings are incomplete or
    /// whose key is unreadable stops the start-up.
    pub fn from_settings(
        settings: &crate::config::Settings,
        templates: &Arc<pdf::Templates>,
        key: &Arc<pdf::SealKey>,
    ) -> Result<Self, String> {
        let docusign = (settings.signature.provider == docusign::DOCUSIGN)
            .then(|| docusign::DocuSign::new(settings.signature.docusign.clone()))
            .transpose()?;
        Ok(Self {
            builtin: Builtin::new(templates.clone(), key.clone()),
            docusign,
        })
    }

    /// The provider of new circuits whose signers all sign online.
    pub fn default_provider(&self) -> &dyn SignatureProvider {
        match &self.docusign {
            Some(docusign) => docusign,
            None => &self.builtin,
        }
    }

    /// The provider of a circuit, by the key it stored (`paper` circuits are the platform's);
    /// `None` for DocuSign once it is no longer configured.
    pub fn of(&self, key: &str) -> Option<&dyn SignatureProvider> {
        match key {
            docusign::DOCUSIGN => self.docusign.as_ref().map(|d| d as &dyn SignatureProvider),
            _ => Some(&self.builtin),
        }
    }

    /// DocuSign, when configured: its webhooks are heard.
    pub fn docusign(&self) -> Option<&docusign::DocuSign> {
        self.docusign.as_ref()
    }
}
