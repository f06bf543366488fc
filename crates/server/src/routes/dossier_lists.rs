//! Lists of dossiers for formation and CFA staff (and each party's own): filters, search,
//! sorting, pages, counts for a dashboard, and a CSV export of the filtered list.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, http::header, web};
use api_types::{
    Problem,
    dossiers::{DossierCountsBody, DossierListBody, DossierSummaryBody, ListQuery},
};
use db::{
    entities::{dossier, formation, variant},
    queries::dossiers::{Filter, Sort},
};
use domain::{Status, access::DossierScope};

use crate::{
    auth::Caller,
    error::ApiError,
    routes::{MAX_OFFSET, bad_query, bounded},
    services::access::Subject,
    startup::AppState,
};

/// A list query, parsed whole: every parameter is checked (bounded numbers, known statuses and
/// sorts) whichever of the list, the counts and the export reads it, so that none is taken
/// silently.
struct ListRequest {
    filter: Filter,
    sort: Sort,
    descending: bool,
    page: u64,
    per_page: u64,
}

async fn parse_list(
    state: &AppState,
    caller: &Caller,
    query: &ListQuery,
) -> Result<ListRequest, ApiError> {
    let filter = filter_of(state, caller, query).await?;
    let (sort, descending) = sort_of(query)?;
    let per_page = bounded("per_page", query.per_page, 50, (1, 200))?;
    let page = bounded("page", query.page, 1, (1, MAX_OFFSET / per_page + 1))?;
    Ok(ListRequest {
        filter,
        sort,
        descending,
        page,
        per_page,
    })
}

/// The dossiers a caller's list query selects, and their order: every page (the paging is
/// checked as for a list, then set aside).
pub(crate) async fn selection(
    state: &AppState,
    caller: &Caller,
    query: &ListQuery,
) -> Result<(Filter, Sort, bool), ApiError> {
    let ListRequest {
        filter,
        sort,
        descending,
        ..
    } = parse_list(state, caller, query).await?;
    Ok((filter, sort, descending))
}

/// The filter a caller's query asks for, within what the caller may see.
async fn filter_of(
    state: &AppState,
    caller: &Caller,
    query: &ListQuery,
) -> Result<Filter, ApiError> {
    let subject = Subject::resolve(state, caller).await?;
    let mut filter = Filter::default();
    match subject.dossier_scope() {
        DossierScope::All => {}
        DossierScope::Formations(ids) => filter.formation_ids = Some(ids.to_vec()),
        DossierScope::Party(user_id) => filter.party = Some(user_id.to_owned()),
    }
    if let Some(formation_id) = &query.formation_id {
        filter.formation_ids = Some(match filter.formation_ids {
            Some(ids) => ids.into_iter().filter(|id| id == formation_id).collect(),
            None => vec![formation_id.clone()],
        });
    }
    if let Some(statuses) = &query.status {
        for key in statuses.split(',').map(str::trim).filter(|k| !k.is_empty()) {
            let status = Status::from_key(key)
                .ok_or_else(|| bad_query(format!("Statut inconnu : « {key} ».")))?;
            filter.statuses.push(status);
        }
    }
    filter.complete = query.complete;
    filter.search = query
        .q
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    Ok(filter)
}

fn sort_of(query: &ListQuery) -> Result<(Sort, bool), ApiError> {
    let raw = query.sort.as_deref().unwrap_or("-updated_at");
    let (descending, key) = match raw.strip_prefix('-') {
        Some(key) => (true, key),
        None => (false, raw),
    };
    let sort = match key {
        "updated_at" => Sort::UpdatedAt,
        "created_at" => Sort::CreatedAt,
        "name" => Sort::Name,
        "status" => Sort::Status,
        "contract_start" => Sort::ContractStart,
        other => {
            return Err(bad_query(format!(
                "Tri inconnu : « {other} » (updated_at, created_at, name, status ou contract_start)."
            )));
        }
    };
    Ok((sort, descending))
}

/// Rows with their formation and variant, as lists show them.
async fn summaries(
    state: &AppState,
    rows: Vec<dossier::Model>,
) -> Result<Vec<DossierSummaryBody>, ApiError> {
    let formations: Vec<formation::Model> = db::queries::formations::list(&state.db, None).await?;
    let variants: Vec<variant::Model> = db::queries::formations::variants(&state.db, None).await?;
    Ok(rows
        .into_iter()
        .map(|row| DossierSummaryBody {
            status_label: row.status.label().to_owned(),
            status: row.status.key().to_owned(),
            complete: row.complete.unwrap_or(false),
            formation_title: formations
                .iter()
                .find(|f| f.id == row.formation_id)
                .map(|f| f.title.clone())
                .unwrap_or_default(),
            access_code: variants
                .iter()
                .find(|v| v.id == row.variant_id)
                .map(|v| v.access_code.clone())
                .unwrap_or_default(),
            formation_id: row.formation_id,
            apprentice_name: row.apprentice_name,
            apprentice_email: row.apprentice_email,
            employer_name: row.employer_name,
            siret: row.siret,
            contract_start: row.contract_start,
            contract_end: row.contract_end,
            id: row.id,
            updated_at: row.updated_at,
        })
        .collect())
}

/// List dossiers.
///
/// CFA staff see every dossier, a responsable de formation those of their formations, an
/// apprentice or a company contact their own. Filter by formation, status (comma-separated),
/// completeness and words (`q`: the apprentice's name or address, the employer's name or
/// SIRET); sort and page.
#[utoipa::path(
    tag = "dossiers",
    params(ListQuery),
    responses(
        (status = 200, description = "One page of the list", body = DossierListBody),
        (status = 400, description = "`invalid_query`: unknown status or sort", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers")]
pub async fn list_dossiers(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let ListRequest {
        filter,
        sort,
        descending,
        page,
        per_page,
    } = parse_list(&state, &caller, &query).await?;
    let (rows, total) = db::queries::dossiers::list(
        &state.db,
        &state.seal,
        &filter,
        sort,
        descending,
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(DossierListBody {
        items: summaries(&state, rows).await?,
        total,
        page,
        per_page,
    }))
}

/// Count dossiers per status.
///
/// The dashboard's numbers, with the same scope and filters as the list (page and sort aside):
/// how many dossiers in each status, how many complete and incomplete.
#[utoipa::path(
    tag = "dossiers",
    params(ListQuery),
    responses(
        (status = 200, description = "The counts", body = DossierCountsBody),
        (status = 400, description = "`invalid_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers/counts")]
pub async fn count_dossiers(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = parse_list(&state, &caller, &query).await?.filter;
    let rows = db::queries::dossiers::counts(&state.db, &filter).await?;
    let mut by_status: BTreeMap<String, u64> = Status::ALL
        .iter()
        .map(|s| (s.key().to_owned(), 0))
        .collect();
    let (mut total, mut complete) = (0, 0);
    for (status, is_complete, count) in rows {
        let count = u64::try_from(count).unwrap_or_default();
        *by_status.entry(status.key().to_owned()).or_default() += count;
        total += count;
        if is_complete == Some(true) {
            complete += count;
        }
    }
    Ok(HttpResponse::Ok().json(DossierCountsBody {
        total,
        by_status,
        complete,
        incomplete: total - complete,
    }))
}

/// The largest CSV export.
const MAX_EXPORT_ROWS: u64 = 100_000;

/// A cell as a spreadsheet reads it without acting on it: a value starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return would be taken for a formula (CSV injection, OWASP's rule), so
/// it gets a leading `'`; separators, quotes and line breaks are quoted.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([';', '"', '\n', '\r', '\t']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Export the list as CSV.
///
/// The filtered, sorted list (every page, up to 100 000 dossiers) as a `;`-separated UTF-8 file
/// with French headers, which spreadsheets open directly.
#[utoipa::path(
    tag = "dossiers",
    params(ListQuery),
    responses(
        (status = 200, description = "The CSV file, as an attachment", body = String, content_type = "text/csv"),
        (status = 400, description = "`invalid_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers/export")]
pub async fn export_dossiers(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let ListRequest {
        filter,
        sort,
        descending,
        ..
    } = parse_list(&state, &caller, &query).await?;
    let (rows, _) = db::queries::dossiers::list(
        &state.db,
        &state.seal,
        &filter,
        sort,
        descending,
        MAX_EXPORT_ROWS,
        0,
    )
    .await?;
    let mut csv = String::from(
        "\u{feff}Dossier;Statut;Complet;Formation;Code;Alternant;Courriel;Employeur;SIRET;Début du contrat;Fin du contrat;Dernière modification\r\n",
    );
    for row in summaries(&state, rows).await? {
        let date = |d: Option<chrono::NaiveDate>| {
            d.map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default()
        };
        let fields = [
            row.id,
            row.status_label,
            if row.complete { "oui" } else { "non" }.to_owned(),
            row.formation_title,
            row.access_code,
            row.apprentice_name.unwrap_or_default(),
            row.apprentice_email.unwrap_or_default(),
            row.employer_name.unwrap_or_default(),
            row.siret.unwrap_or_default(),
            date(row.contract_start),
            date(row.contract_end),
            row.updated_at.format("%d/%m/%Y %H:%M").to_string(),
        ];
        csv.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(";"),
        );
        csv.push_str("\r\n");
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"dossiers.csv\"",
        ))
        .body(csv))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_neutralised() {
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x.example\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\")\""
        );
        for formula in ["+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                csv_field(formula).trim_start_matches('"').starts_with('\''),
                "{formula:?}"
            );
        }
        assert_eq!(csv_field("ACME; Provence"), "\"ACME; Provence\"");
        assert_eq!(csv_field("01/09/2026"), "01/09/2026");
    }
}
