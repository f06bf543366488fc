//! The regulatory data in force (issue 18): which tables, of which date, from where; and each
//! table as the file a CFA edits to override it (`[regulatory]` settings).

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use api_types::{
    Problem,
    regulatory::{DatasetBody, RegulatoryDataBody, SmicBody},
};
use domain::regulatory::{Header, RegulatoryData, euros_cell as euros};

use crate::{
    error::ApiError, routes::documents::holds, services::documents::sha256_hex, startup::AppState,
};

fn dataset(name: &str, header: &Header, same_as_embedded: bool, entries: usize) -> DatasetBody {
    DatasetBody {
        name: name.to_owned(),
        version: header.version,
        source: header.source.clone(),
        origin: if same_as_embedded { "embedded" } else { "file" }.to_owned(),
        entries,
    }
}

/// Which regulatory tables are in force.
///
/// The SMIC table (with Mayotte's), the IDCC list, the ceilings of the economic elements and
/// the CERFA code lists with their labels:
/// each with the date it is up to, its source, and whether it is this release's or a file named
/// in the settings; and the SMIC in force today with the days since its revaluation, so that a
/// CFA sees when one is missing. Public: these are published facts.
#[utoipa::path(
    tag = "rules",
    responses((status = 200, description = "The tables in force", body = RegulatoryDataBody)),
    security(())
)]
#[get("/regulatory-data")]
pub async fn regulatory_data(state: web::Data<AppState>) -> HttpResponse {
    let data = state.regulatory;
    let embedded = RegulatoryData::embedded();
    let today = state.clock.now().date_naive();
    let mut datasets = vec![dataset(
        "smic",
        data.smic.header(),
        data.smic == embedded.smic,
        data.smic.rows().len(),
    )];
    if let Some(list) = &data.idcc {
        datasets.push(dataset(
            "idcc",
            list.header(),
            Some(list) == embedded.idcc.as_ref(),
            list.len(),
        ));
    }
    datasets.push(dataset(
        "ceilings",
        data.ceilings.header(),
        data.ceilings == embedded.ceilings,
        6,
    ));
    let codes = domain::codes::in_force();
    datasets.push(dataset(
        "codes",
        codes.header(),
        codes == domain::codes::CodeLists::embedded(),
        codes.len(),
    ));
    let smic_in_force = data.smic.on(today).map(|smic| SmicBody {
        from: smic.from,
        hourly: euros(smic.hourly),
        monthly: euros(smic.monthly),
        monthly_mayotte: euros(smic.monthly_mayotte),
        days_in_force: (today - smic.from).num_days(),
    });
    HttpResponse::Ok().json(RegulatoryDataBody {
        datasets,
        smic_in_force,
    })
}

/// One regulatory table, as a file.
///
/// `smic`, `idcc`, `ceilings` or `codes`, in the `;`-separated form the `[regulatory]`
/// settings read (the README says how): download it, add a line, name the file in the settings.
/// The app reads the IDCC list from here, once, with its ETag, and any table a CFA replaced.
#[utoipa::path(
    tag = "rules",
    params(
        ("name" = String, Path, description = "`smic`, `idcc`, `ceilings` or `codes`"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag of a copy held: 304 when unchanged"),
    ),
    responses(
        (status = 200, description = "The table in force", content_type = "text/csv", body = String),
        (status = 304, description = "The copy held is the one in force"),
        (status = 404, description = "No such table", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/regulatory-data/{name}")]
pub async fn regulatory_file(
    state: web::Data<AppState>,
    request: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let data = state.regulatory;
    let text = match name.as_str() {
        "smic" => data.smic.to_csv(),
        "ceilings" => data.ceilings.to_csv(),
        "idcc" if data.idcc.is_some() => data.idcc.as_ref().map(|l| l.to_csv()).unwrap_or_default(),
        "codes" => domain::codes::in_force().to_csv().to_owned(),
        _ => {
            return Err(ApiError::NotFound {
                code: api_types::codes::NOT_FOUND,
                detail: "Table inconnue : smic, idcc, ceilings ou codes.".into(),
            });
        }
    };
    let etag = format!("\"{}\"", sha256_hex(text.as_bytes()));
    let mut answer = if holds(&request, &etag) {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(text)
    };
    if let Ok(value) = header::HeaderValue::from_str(&etag) {
        answer.headers_mut().insert(header::ETAG, value);
    }
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    Ok(answer)
}
