//! State that changes through actions and pure reducers, testable without a browser.

pub mod dossier;
pub mod regulatory;
pub mod session;
