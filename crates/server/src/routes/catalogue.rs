//! The field catalogue, for integrators mapping their data and for documentation.

use actix_web::{HttpResponse, get};
use api_types::dossiers::{CatalogueFieldBody, CodeBody};
use domain::{FIELDS, Kind, codes::CerfaVersion};

use crate::storage::stored_key;

/// The field catalogue.
///
/// Every field of every tab: its CERFA key (the path in a dossier's content), tab and section,
/// French label and help, type, the codes of its code list (CERFA 10103*14), who fills it, and
/// when it is shown and required, in words. The same catalogue drives the browser and the
/// server's rules.
#[utoipa::path(
    tag = "rules",
    responses((status = 200, description = "Every field, in the order of the tabs", body = Vec<CatalogueFieldBody>)),
    security(())
)]
#[get("/catalogue")]
pub async fn catalogue() -> HttpResponse {
    let version = CerfaVersion::default();
    let fields: Vec<CatalogueFieldBody> = FIELDS
        .iter()
        .map(|field| CatalogueFieldBody {
            key: field.key.to_owned(),
            tab: field.tab.key().to_owned(),
            also_on: field.also_on.map(|tab| tab.key().to_owned()),
            section: field.section.to_owned(),
            label: field.label.to_owned(),
            help: field.help.to_owned(),
            kind: serde_json::to_value(field.kind).unwrap_or_default(),
            codes: match field.kind {
                Kind::Code { list } => list
                    .entries(version)
                    .iter()
                    .map(|entry| CodeBody {
                        code: entry.code.to_owned(),
                        label: entry.label.to_owned(),
                    })
                    .collect(),
                _ => Vec::new(),
            },
            filled_by: field.filled_by.iter().map(stored_key).collect(),
            shown_when: field.shown.describe().to_owned(),
            required_when: field.required.map(|c| c.describe().to_owned()),
            on_cerfa: field.on_cerfa,
        })
        .collect();
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .json(fields)
}
