//! The server's integration suite: every test starts the real server on a free port with its
//! own fresh database, and runs twice — on a SQLite file, and on a PostgreSQL database made for
//! it and dropped after (when `OPUNTIA_TEST_POSTGRES_URL` names a server; `cargo xtask test`
//! sets it when PostgreSQL answers on 127.0.0.1:5432).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod access_matrix;
mod api_tokens;
mod auth;
mod documents;
mod docusign;
mod dossiers;
mod field_rights;
mod formations;
mod hardening;
mod headers;
mod hostile_pdfs;
mod invitations;
mod journeys;
mod lists;
mod mail;
mod operations;
mod personal_data;
mod races;
mod registrations;
mod regulatory;
mod signatures;
mod storage;
mod users;
mod workflow;
