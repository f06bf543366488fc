//! The sequences behind the handlers, one module per aggregate. Handlers parse the request, call
//! a service and shape the answer; services load and authorise (through [`access`], which feeds
//! `domain::access`), ask `domain` to decide, and write through one pipeline per aggregate.
//! No module here imports a route module.

pub mod access;
pub mod accounts;
pub mod document_batches;
pub mod documents;
pub mod dossiers;
pub mod formations;
pub mod invitations;
pub mod openings;
pub mod search_index;
pub mod signatures;
pub mod workflow;
