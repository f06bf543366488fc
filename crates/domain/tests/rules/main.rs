//! The domain's rules, checked against real examples, the user guides and the official tables.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// Amounts are written euros_cents (1801_80 = 1 801,80 €), as in the official tables.
#![allow(clippy::inconsistent_digit_grouping)]

mod access;
mod catalogue;
mod documents;
mod economics;
mod evaluation;
mod helpers;
mod legal_checks;
mod patch;
mod remuneration;
mod validators;
mod workflow;
