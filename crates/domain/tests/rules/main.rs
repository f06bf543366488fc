//! The domain's rules, checked against real examples, the user guides and the official tables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod catalogue;
mod evaluation;
mod helpers;
mod remuneration;
mod validators;
mod workflow;
