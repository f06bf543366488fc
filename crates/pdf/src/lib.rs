//! Opuntia's documents — the CERFA, the convention de formation, the calendrier, the programme —
//! rendered from typst templates to PDF/A-2b. Pure: a template, the document's data as JSON and
//! the moment of rendering in, the PDF's bytes out; no file, no clock, no network.
//!
//! The templates (`templates/*.typ`) are compiled into the binary; a CFA may replace any of them
//! ([`Templates::with_override`], which renders the replacement once with sample data and refuses
//! it with typst's own message when it fails — at start-up, never at download time). The data
//! reaches a template as the virtual file `data.json` (`#let data = json("data.json")`): values
//! print as text, never as markup. The fonts are Liberation Sans (Arial's metrics), read from
//! Debian's `fonts-liberation` when the crate is built and embedded in the binary.
//!
//! A document signed on the platform ends as the document, its « dossier de preuve » page added
//! by [`append_pages`] (an incremental update: the bytes signed stay the file's first bytes), and
//! the platform's PAdES seal ([`seal`], [`verify`]).

mod append;
pub mod gate;
#[cfg(feature = "render")]
mod render;
#[cfg(feature = "render")]
mod seal;

pub use append::append_pages;
#[cfg(feature = "render")]
pub use render::*;
#[cfg(feature = "render")]
pub use seal::{SealKey, SealReport, seal, verify};

/// Why a document could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// The template failed on these data: typst's messages.
    #[error("template {kind}: {messages}")]
    Template {
        /// The template's kind key.
        kind: &'static str,
        /// typst's errors, one per line, with the line of the template where known.
        messages: String,
    },
    /// The data could not be written as JSON.
    #[error("data: {0}")]
    Data(String),
    /// A PDF to extend could not be read or written.
    #[error("pdf: {0}")]
    Pdf(String),
    /// The seal could not be made or read (keystore, password, CMS).
    #[error("seal: {0}")]
    Seal(String),
}
