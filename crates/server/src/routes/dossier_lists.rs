//! Lists of dossiers for formation and CFA staff (and each party's own): filters, search,
//! sorting, pages, counts for a dashboard, and a CSV export of the filtered list.

use std::collections::{BTreeMap, HashMap};

use actix_web::{HttpResponse, get, http::header, web};
use api_types::{
    Problem,
    dossiers::{DossierCountsBody, DossierListBody, DossierSummaryBody, ListQuery},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use db::queries::dossiers::{Filter, ListRow, Position, Sort, SortValue, Start};
use domain::{Status, access::DossierScope};
use futures_util::StreamExt;

use crate::{
    auth::Caller,
    error::ApiError,
    routes::{bad_query, bounded},
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
    start: Start,
}

/// The deepest row a `page` reaches; past it, lists go on with `cursor` (an offset makes the
/// database read every row it skips: a page at 10 000 costs 400 first pages).
const MAX_LIST_OFFSET: u64 = 10_000;

async fn parse_list(
    state: &AppState,
    caller: &Caller,
    query: &ListQuery,
) -> Result<ListRequest, ApiError> {
    let filter = filter_of(state, caller, query).await?;
    let (sort, descending) = sort_of(query)?;
    let per_page = bounded("per_page", query.per_page, 50, (1, 200))?;
    let page = bounded("page", query.page, 1, (1, u64::MAX))?;
    let start = match query.cursor.as_deref() {
        Some(cursor) => Start::After(position_of(cursor, sort, descending)?),
        None => {
            let offset = (page - 1).saturating_mul(per_page);
            if offset > MAX_LIST_OFFSET {
                return Err(bad_query(format!(
                    "Une page ne peut commencer au-delà du {MAX_LIST_OFFSET}e dossier : poursuivez la liste avec `cursor` (le `next_cursor` de la page précédente)."
                )));
            }
            Start::Offset(offset)
        }
    };
    Ok(ListRequest {
        filter,
        sort,
        descending,
        page,
        per_page,
        start,
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

/// The cursor of the page after the row at `position`, in this sort: opaque to callers, it names
/// the sort, the direction, the last row's id and its sort value.
pub fn cursor_of(position: &Position, sort: Sort, descending: bool) -> String {
    let value = match &position.value {
        SortValue::Time(time) => time.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        SortValue::Date(date) => date.to_string(),
        SortValue::Text(text) => text.clone(),
    };
    let text = format!(
        "v1|{}|{}|{}|{value}",
        sort_key(sort),
        u8::from(descending),
        position.id
    );
    URL_SAFE_NO_PAD.encode(text)
}

/// Reads a cursor back; 400 when it is not one, or belongs to another sort.
fn position_of(cursor: &str, sort: Sort, descending: bool) -> Result<Position, ApiError> {
    let unreadable = || {
        bad_query(
            "Le paramètre `cursor` n'est pas un curseur de cette liste : reprenez le `next_cursor` d'une page.",
        )
    };
    let text = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(unreadable)?;
    let mut parts = text.splitn(5, '|');
    let (Some("v1"), Some(key), Some(direction), Some(id), Some(value)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(unreadable());
    };
    // What reaches the database is what a row holds: an id of hex digits and dashes, a value
    // without control characters (PostgreSQL refuses a NUL in a text).
    if id.is_empty()
        || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        || value.chars().any(char::is_control)
    {
        return Err(unreadable());
    }
    if key != sort_key(sort) || direction != if descending { "1" } else { "0" } {
        return Err(bad_query(
            "Ce curseur appartient à un autre tri : reprenez la liste à sa première page.",
        ));
    }
    let value = match sort {
        Sort::UpdatedAt | Sort::CreatedAt => SortValue::Time(
            chrono::DateTime::parse_from_rfc3339(value)
                .map_err(|_| unreadable())?
                .to_utc(),
        ),
        Sort::ContractStart => SortValue::Date(
            value
                .parse::<chrono::NaiveDate>()
                .map_err(|_| unreadable())?,
        ),
        Sort::Name | Sort::Status => SortValue::Text(value.to_owned()),
    };
    Ok(Position {
        value,
        id: id.to_owned(),
    })
}

fn sort_key(sort: Sort) -> &'static str {
    match sort {
        Sort::UpdatedAt => "updated_at",
        Sort::CreatedAt => "created_at",
        Sort::Name => "name",
        Sort::Status => "status",
        Sort::ContractStart => "contract_start",
    }
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
    let sort = [
        Sort::UpdatedAt,
        Sort::CreatedAt,
        Sort::Name,
        Sort::Status,
        Sort::ContractStart,
    ]
    .into_iter()
    .find(|sort| sort_key(*sort) == key)
    .ok_or_else(|| {
        bad_query(format!(
            "Tri inconnu : « {key} » (updated_at, created_at, name, status ou contract_start)."
        ))
    })?;
    Ok((sort, descending))
}

/// The titles of the formations and the codes of the variants, to name them in lists.
struct Names {
    formations: HashMap<String, String>,
    codes: HashMap<String, String>,
}

impl Names {
    async fn load(state: &AppState) -> Result<Self, ApiError> {
        let formations = db::queries::formations::list(&state.db, None).await?;
        let variants = db::queries::formations::variants(&state.db, None).await?;
        Ok(Self {
            formations: formations.into_iter().map(|f| (f.id, f.title)).collect(),
            codes: variants
                .into_iter()
                .map(|v| (v.id, v.access_code))
                .collect(),
        })
    }

    fn summary(&self, row: ListRow) -> DossierSummaryBody {
        DossierSummaryBody {
            status_label: row.status.label().to_owned(),
            status: row.status.key().to_owned(),
            complete: row.complete.unwrap_or(false),
            formation_title: self
                .formations
                .get(&row.formation_id)
                .cloned()
                .unwrap_or_default(),
            access_code: self.codes.get(&row.variant_id).cloned().unwrap_or_default(),
            formation_id: row.formation_id,
            apprentice_name: row.apprentice_name,
            apprentice_email: row.apprentice_email,
            employer_name: row.employer_name,
            siret: row.siret,
            contract_start: row.contract_start,
            contract_end: row.contract_end,
            id: row.id,
            updated_at: row.updated_at,
        }
    }
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
        start,
    } = parse_list(&state, &caller, &query).await?;
    // One row more than the page tells whether another page follows.
    let (mut rows, total) =
        db::queries::dossiers::list(&state.db, &filter, sort, descending, per_page + 1, &start)
            .await?;
    let more = rows.len() as u64 > per_page;
    rows.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|last| cursor_of(&last.position(sort), sort, descending));
    let names = Names::load(&state).await?;
    Ok(HttpResponse::Ok().json(DossierListBody {
        items: rows.into_iter().map(|row| names.summary(row)).collect(),
        total,
        page,
        per_page,
        next_cursor,
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
const MAX_EXPORT_ROWS: u64 = 1_000_000;
/// Rows read from the database at once while exporting.
const EXPORT_PAGE: u64 = 1_000;

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
    let names = std::sync::Arc::new(Names::load(&state).await?);
    let heading = "\u{feff}Dossier;Statut;Complet;Formation;Code;Alternant;Courriel;Employeur;SIRET;Début du contrat;Fin du contrat;Dernière modification\r\n";
    // Written a page of rows at a time, each page read after the last one's row: memory stays
    // that of one page whatever the export's size.
    let pages =
        futures_util::stream::unfold((Some(Start::Offset(0)), 0_u64), move |(start, written)| {
            let (state, filter, names) = (state.clone(), filter.clone(), names.clone());
            async move {
                let start = start?;
                let limit = EXPORT_PAGE.min(MAX_EXPORT_ROWS - written);
                let rows = match db::queries::dossiers::page(
                    &state.db, &filter, sort, descending, limit, &start,
                )
                .await
                {
                    Ok(rows) => rows,
                    Err(error) => {
                        let error = ApiError::from(error);
                        return Some((Err(error), (None, written)));
                    }
                };
                let written = written + rows.len() as u64;
                let next = Start::after(&rows, limit, sort).filter(|_| written < MAX_EXPORT_ROWS);
                let mut csv = String::with_capacity(rows.len() * 200);
                for row in rows {
                    csv_line(&mut csv, names.summary(row));
                }
                Some((Ok(web::Bytes::from(csv)), (next, written)))
            }
        });
    let body = futures_util::stream::once(async move {
        Ok::<_, ApiError>(web::Bytes::from_static(heading.as_bytes()))
    })
    .chain(pages);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"dossiers.csv\"",
        ))
        .streaming(body))
}

/// Appends a dossier's line to the export.
fn csv_line(csv: &mut String, row: DossierSummaryBody) {
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
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            csv.push(';');
        }
        csv.push_str(&csv_field(field));
    }
    csv.push_str("\r\n");
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
