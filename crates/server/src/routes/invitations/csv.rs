//! A bulk invitation sent as CSV: read by [`api_types::bulk_csv`], refusals answered here.

use api_types::{
    bulk_csv::{self, CsvError},
    invitations::InvitationRequest,
};

use super::MAX_BULK_ROWS;
use crate::error::ApiError;

/// The rows of a CSV body (at most one past [`MAX_BULK_ROWS`]), or a 400 saying why not.
pub(super) fn parse_csv(body: &[u8]) -> Result<Vec<InvitationRequest>, ApiError> {
    bulk_csv::parse(body, MAX_BULK_ROWS).map_err(|error| match error {
        CsvError::Encoding => ApiError::BadRequest {
            code: api_types::codes::CSV_ENCODING,
            detail: "Le fichier CSV doit être encodé en UTF-8 (dans le tableur : « CSV UTF-8 »)."
                .into(),
        },
        CsvError::MissingColumns(missing) => ApiError::BadRequest {
            code: api_types::codes::CSV_HEADER,
            detail: format!(
                "La première ligne du CSV doit nommer les colonnes email, first_name, last_name et access_code (ou courriel, prénom, nom et code) ; il manque : {}.",
                missing.join(", ")
            ),
        },
        CsvError::Malformed(reason) => ApiError::BadRequest {
            code: api_types::codes::MALFORMED_CSV,
            detail: format!("Fichier CSV illisible : {reason}."),
        },
    })
}
