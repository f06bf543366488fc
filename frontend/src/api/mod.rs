//! Calls to the API. Only [`client`] touches the network.

pub mod client;
pub mod endpoints;

use api_types::Problem;

pub use client::to_json;
pub use endpoints::*;

/// The French text of a problem, for a message area.
pub fn explain(problem: &Problem) -> String {
    problem
        .detail
        .clone()
        .unwrap_or_else(|| problem.title.clone())
}
