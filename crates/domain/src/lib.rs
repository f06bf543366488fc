//! Opuntia's rules, shared by the server and the browser (compiled to WebAssembly): no IO, no
//! async, nothing but decisions.
//!
//! - [`catalogue`]: every field of every tab, with its CERFA key, label, help, type and rules;
//! - validators as newtypes ([`Siret`], [`Nir`], [`Email`], …) and [`AccessCode`];
//! - [`codes`]: the CERFA code lists, keyed by CERFA version;
//! - [`evaluate`]: content + settings → green fields, tab check marks, completeness, legal
//!   warnings and the minimum remuneration;
//! - [`access`]: who sees which dossier, writes which field, takes which action;
//! - [`workflow`]: statuses and the transitions between them;
//! - [`documents`]: which documents can exist now, and why not;
//! - [`economics`]: the economic elements the CFA validates before the convention;
//! - [`signature`]: who signs what and when, one-time codes, reminders;
//! - [`patch`]: a JSON merge patch of the content, reviewed field by field before it is saved.
#![warn(missing_docs)]

pub mod access;
mod access_code;
pub mod annexes;
pub mod catalogue;
pub mod codes;
mod contact;
pub mod dates;
pub mod documents;
pub mod economics;
mod error;
pub mod evaluation;
mod identifiers;
pub mod patch;
pub mod print;
pub mod regulatory;
pub mod remuneration;
mod rules;
pub mod settings;
pub mod signature;
mod snapshot;
mod text;
pub mod training_site;
pub mod values;
pub mod workflow;

pub use access_code::AccessCode;
pub use catalogue::{FIELDS, FieldDef, FieldId, Kind};
pub use contact::{Departement, Email, PersonName, Phone, PostalCode};
pub use error::FieldError;
pub use evaluation::{Evaluation, FieldStatus, Issue, evaluate};
pub use identifiers::{
    CodeDiplome, Idcc, Ine, IneKind, Naf, Nir, NirSex, Rncp, Siren, Siret, Uai, is_masked_nir,
};
pub use rules::CONTRACT_ENDED;
pub use settings::{
    ContractType, EvaluationSettings, FormationDates, MissionMode, NiveauSaisie, Role, Tab,
};
pub use text::{escapes_control_character, has_control_characters};
pub use workflow::{Action, Actor, Status};
