//! The documents of a filtered list as one ZIP, streamed: a page of dossiers at a time, one
//! document at a time, so that memory stays flat whatever the batch's size. A dossier whose
//! document cannot exist yet is left out and named, with why, in `LISEZ-MOI.txt`.

use std::collections::VecDeque;

use actix_web::web::{self, Bytes};
use db::queries::dossiers::{Filter, ListRow, Sort, Start};
use domain::documents::DocumentKind;
use futures_util::Stream;

use crate::{
    error::ApiError,
    services::{documents::file_of, dossiers::DossierContext},
    startup::AppState,
    zip::ZipStream,
};

/// The most dossiers one batch takes.
pub const MAX_BATCH: u64 = 5_000;
/// Dossiers read from the database at once.
const PAGE: u64 = 50;

/// A batch being written.
struct Batch {
    state: web::Data<AppState>,
    filter: Filter,
    sort: Sort,
    descending: bool,
    kind: DocumentKind,
    total: u64,
    /// Where the next page of the list starts; `None` once the list is read.
    next: Option<Start>,
    page: VecDeque<ListRow>,
    zip: Option<ZipStream>,
    left_out: Vec<String>,
}

fn person(row: &ListRow) -> String {
    row.apprentice_name
        .clone()
        .unwrap_or_else(|| format!("Dossier {}", row.id))
}

impl Batch {
    /// The next bytes of the archive: an entry, or the end; `None` once sent.
    async fn next_bytes(&mut self) -> Option<Result<Bytes, ApiError>> {
        loop {
            let zip = self.zip.as_mut()?;
            if let (true, Some(start)) = (self.page.is_empty(), &self.next) {
                let page = db::queries::dossiers::page(
                    &self.state.db,
                    &self.filter,
                    self.sort,
                    self.descending,
                    PAGE,
                    start,
                )
                .await;
                match page {
                    Ok(rows) => {
                        self.next = Start::after(&rows, PAGE, self.sort);
                        self.page.extend(rows);
                    }
                    Err(error) => return Some(Err(error.into())),
                }
            }
            let Some(row) = self.page.pop_front() else {
                let mut zip = self.zip.take()?;
                let mut bytes = match zip.add("LISEZ-MOI.txt", self.readme(zip.len()).as_bytes()) {
                    Ok(bytes) => bytes,
                    Err(error) => return Some(Err(ApiError::internal(error))),
                };
                bytes.extend(zip.finish());
                return Some(Ok(Bytes::from(bytes)));
            };
            let formation =
                db::queries::dossiers::with_formation(&self.state.db, &self.state.seal, &row.id)
                    .await;
            let context = match formation {
                Ok(Some((dossier, formation, variant))) => DossierContext {
                    dossier,
                    formation,
                    variant,
                    data: self.state.regulatory,
                },
                Ok(None) => continue,
                Err(error) => return Some(Err(error.into())),
            };
            match file_of(&self.state, &context, self.kind).await {
                Ok(file) => {
                    let stem = file.file_names.0.trim_end_matches(".pdf");
                    let short_id: String = context.dossier.id.chars().take(8).collect();
                    let name = format!("{stem}-{short_id}.pdf");
                    return Some(
                        zip.add(&name, &file.bytes)
                            .map(Bytes::from)
                            .map_err(ApiError::internal),
                    );
                }
                Err(ApiError::Conflict { detail, .. }) => {
                    self.left_out
                        .push(format!("- {} ({}) : {detail}", person(&row), row.id));
                }
                Err(error) => return Some(Err(error)),
            }
        }
    }

    fn readme(&self, added: usize) -> String {
        let mut text = format!(
            "Lot de documents « {} » : {added} fichier(s) pour {} dossier(s) de la liste.\r\n",
            self.kind.key(),
            self.total
        );
        if self.left_out.is_empty() {
            text.push_str("Aucun dossier n'a été laissé de côté.\r\n");
        } else {
            text.push_str("\r\nDossiers laissés de côté, et pourquoi :\r\n");
            for line in &self.left_out {
                text.push_str(line);
                text.push_str("\r\n");
            }
        }
        text
    }
}

/// The ZIP of the documents of `kind` of the dossiers the filter selects (at most
/// [`MAX_BATCH`]; 400 `invalid_query` past it) and how many dossiers that is.
pub async fn zip_of(
    state: web::Data<AppState>,
    (filter, sort, descending): (Filter, Sort, bool),
    kind: DocumentKind,
) -> Result<(u64, impl Stream<Item = Result<Bytes, ApiError>>), ApiError> {
    let total = db::queries::dossiers::count(&state.db, &filter).await?;
    if total > MAX_BATCH {
        return Err(ApiError::BadRequest {
            code: api_types::codes::INVALID_QUERY,
            detail: format!(
                "La liste compte {total} dossiers : filtrez-la pour en garder {MAX_BATCH} au plus par lot."
            ),
        });
    }
    let at = state.clock.now().naive_utc();
    let batch = Batch {
        state,
        filter,
        sort,
        descending,
        kind,
        total,
        next: Some(Start::Offset(0)),
        page: VecDeque::new(),
        zip: Some(ZipStream::new(at)),
        left_out: Vec::new(),
    };
    let stream = futures_util::stream::unfold(batch, |mut batch| async move {
        let next = batch.next_bytes().await?;
        if next.is_err() {
            // The archive cannot be whole: end it there; the client sees a broken download.
            batch.zip = None;
        }
        Some((next, batch))
    });
    Ok((total, stream))
}
