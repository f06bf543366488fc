//! Calls to the API. Only [`client`] touches the network.

pub mod client;

use api_types::{Problem, account::LoginResponse};
use gloo_net::http::Method;

pub use client::{Body, Call, fetch, to_json};

/// `GET path` as `token`.
pub async fn get<T: serde::de::DeserializeOwned>(
    path: impl Into<String>,
    token: &str,
) -> Result<T, Problem> {
    fetch(Call::new(Method::GET, path, Some(token))).await
}

/// `POST /api/v1/auth/refresh`: a new access token from the refresh cookie.
pub async fn refresh() -> Result<LoginResponse, Problem> {
    fetch(Call::new(Method::POST, "/api/v1/auth/refresh", None)).await
}

/// The French text of a problem, for a message area.
pub fn explain(problem: &Problem) -> String {
    problem
        .detail
        .clone()
        .unwrap_or_else(|| problem.title.clone())
}

/// A text file from the API (the CSV export), as `token`.
pub async fn download(path: &str, token: &str) -> Result<String, Problem> {
    client::text(Call::new(Method::GET, path, Some(token))).await
}
