//! Reading a bulk invitation sent as CSV: a header row in English or French, `,`, `;` or tab.

use api_types::invitations::InvitationRequest;

use super::MAX_BULK_ROWS;
use crate::error::ApiError;

/// The CSV column a header names, in English or in French.
fn column_of(header: &str) -> Option<usize> {
    let normalised: String = header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' => 'e',
            ' ' | '-' => '_',
            c => c,
        })
        .collect();
    match normalised.as_str() {
        "email" | "e_mail" | "courriel" | "mail" | "adresse_e_mail" => Some(0),
        "first_name" | "firstname" | "prenom" => Some(1),
        "last_name" | "lastname" | "nom" | "nom_de_naissance" => Some(2),
        "access_code" | "code" | "code_acces" | "code_d'acces" | "code_d’acces" => Some(3),
        _ => None,
    }
}

/// Reads CSV with a header row; `,`, `;` (French spreadsheets) or tab separated.
pub(super) fn parse_csv(body: &[u8]) -> Result<Vec<InvitationRequest>, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| ApiError::BadRequest {
        code: api_types::codes::CSV_ENCODING,
        detail: "Le fichier CSV doit être encodé en UTF-8 (dans le tableur : « CSV UTF-8 »)."
            .into(),
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| ApiError::BadRequest {
        code: api_types::codes::MALFORMED_CSV,
        detail: format!("Fichier CSV illisible : {e}."),
    })?;
    let columns: Vec<Option<usize>> = headers.iter().map(column_of).collect();
    let missing: Vec<&str> = ["email", "first_name", "last_name", "access_code"]
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !columns.contains(&Some(*i)))
        .map(|(_, name)| name)
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::BadRequest {
            code: api_types::codes::CSV_HEADER,
            detail: format!(
                "La première ligne du CSV doit nommer les colonnes email, first_name, last_name et access_code (ou courriel, prénom, nom et code) ; il manque : {}.",
                missing.join(", ")
            ),
        });
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ApiError::BadRequest {
            code: api_types::codes::MALFORMED_CSV,
            detail: format!("Fichier CSV illisible : {e}."),
        })?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let mut fields: [String; 4] = Default::default();
        for (value, column) in record.iter().zip(&columns) {
            if let Some(column) = column {
                fields[*column] = value.to_owned();
            }
        }
        let [email, first_name, last_name, access_code] = fields;
        rows.push(InvitationRequest {
            email,
            first_name,
            last_name,
            access_code,
        });
        if rows.len() > MAX_BULK_ROWS {
            break;
        }
    }
    Ok(rows)
}
