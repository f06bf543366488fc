//! One module per table, written to match `migrations/` column for column (a test in the server
//! suite reads and writes every table on both backends).
#![allow(missing_docs)]

pub mod api_token;
pub mod blob;
pub mod company;
pub mod dossier;
pub mod dossier_change;
pub mod dossier_document;
pub mod dossier_transition;
pub mod formation;
pub mod formation_annex;
pub mod formation_responsable;
pub mod idempotency_key;
pub mod invitation;
pub mod login_failure;
pub mod outbox;
pub mod password_reset;
pub mod platform_state;
pub mod refresh_token;
pub mod signature_circuit;
pub mod signature_signer;
pub mod user;
pub mod variant;
