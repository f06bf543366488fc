//! Opuntia's HTTP server: the REST API, authentication, e-mail and OpenAPI. `main.rs` is thin;
//! [`startup::Application`] is what it runs and what the tests start.

pub mod auth;
pub mod clock;
pub mod config;
pub mod error;
pub mod frontend;
pub mod headers;
pub mod idempotency;
pub mod mail;
pub mod maintenance;
pub mod metrics;
pub mod openapi;
pub mod pdf_gate;
pub mod providers;
pub mod read_cache;
pub mod routes;
pub mod sealing;
pub mod seed;
pub mod services;
pub mod startup;
pub mod storage;
pub mod telemetry;
pub mod zip;
