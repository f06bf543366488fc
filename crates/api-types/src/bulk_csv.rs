//! Reading a bulk invitation sent as CSV: a header row in English or French, `,`, `;` or tab.
//! Pure (bytes in, rows out), so that it can be fuzzed; the server maps [`CsvError`] to its
//! problem+json answers.

use crate::invitations::InvitationRequest;

/// Why a CSV file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvError {
    /// Not UTF-8.
    Encoding,
    /// The header row lacks these columns.
    MissingColumns(Vec<&'static str>),
    /// The CSV itself is broken, with the reader's reason.
    Malformed(String),
}

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

/// Reads CSV with a header row; `,`, `;` (French spreadsheets) or tab separated. Stops after
/// `max_rows + 1` rows, so that the caller can tell a file over its limit without reading it all.
pub fn parse(body: &[u8], max_rows: usize) -> Result<Vec<InvitationRequest>, CsvError> {
    let text = std::str::from_utf8(body).map_err(|_| CsvError::Encoding)?;
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = crate::invitations::csv_delimiter(first_line);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| CsvError::Malformed(e.to_string()))?;
    let columns: Vec<Option<usize>> = headers.iter().map(column_of).collect();
    let missing: Vec<&str> = ["email", "first_name", "last_name", "access_code"]
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !columns.contains(&Some(*i)))
        .map(|(_, name)| name)
        .collect();
    if !missing.is_empty() {
        return Err(CsvError::MissingColumns(missing));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CsvError::Malformed(e.to_string()))?;
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
        if rows.len() > max_rows {
            break;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use proptest::prelude::*;

    use super::*;

    /// A cell as a spreadsheet writes it: any text without surrounding blanks.
    fn cell() -> impl Strategy<Value = String> {
        "[^\\x00-\\x1f]{0,24}".prop_map(|text| text.trim().to_owned())
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_or_refused_and_rows_stop_past_the_limit(body in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Ok(rows) = parse(&body, 5) {
                prop_assert!(rows.len() <= 6);
            }
        }

        #[test]
        fn rows_written_by_a_csv_writer_read_back_unchanged(
            rows in proptest::collection::vec((cell(), cell(), cell(), cell()), 1..20),
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
            french in any::<bool>(),
        ) {
            let mut writer = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
            let header = if french {
                ["courriel", "prénom", "nom", "code"]
            } else {
                ["email", "first_name", "last_name", "access_code"]
            };
            writer.write_record(header).unwrap();
            for (email, first, last, code) in &rows {
                writer.write_record([email, first, last, code]).unwrap();
            }
            let body = writer.into_inner().unwrap();

            let read = parse(&body, 100).unwrap();

            let expected: Vec<_> = rows
                .iter()
                .filter(|(a, b, c, d)| ![a, b, c, d].iter().all(|cell| cell.is_empty()))
                .collect();
            prop_assert_eq!(read.len(), expected.len());
            for (row, (email, first, last, code)) in read.iter().zip(expected) {
                prop_assert_eq!(&row.email, email);
                prop_assert_eq!(&row.first_name, first);
                prop_assert_eq!(&row.last_name, last);
                prop_assert_eq!(&row.access_code, code);
            }
        }
    }
}
