//! Dossiers.

use super::*;
use crate::sealing::Seal;
use chrono::NaiveDate;
use sea_orm::{Condition, Select};

/// What lists filter, search and sort on, kept beside the content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// « NOM Prénom » of the apprentice.
    pub apprentice_name: Option<String>,
    /// The apprentice's address.
    pub apprentice_email: Option<String>,
    /// The employer's SIRET, when valid.
    pub siret: Option<String>,
    /// The employer's name.
    pub employer_name: Option<String>,
    /// First day of the contract.
    pub contract_start: Option<NaiveDate>,
    /// Last day of the contract.
    pub contract_end: Option<NaiveDate>,
    /// Whether the dossier is complete.
    pub complete: bool,
    /// Lower-cased names, addresses and SIRET, for searching.
    pub search_text: String,
}

impl Listing {
    /// Copies the listing into a row.
    pub fn apply(&self, row: &mut dossier::Model) {
        row.apprentice_name = self.apprentice_name.clone();
        row.apprentice_email = self.apprentice_email.clone();
        row.siret = self.siret.clone();
        row.employer_name = self.employer_name.clone();
        row.contract_start = self.contract_start;
        row.contract_end = self.contract_end;
        row.complete = Some(self.complete);
        row.search_text = Some(self.search_text.clone());
    }
}

fn set_listing(
    update: sea_orm::UpdateMany<dossier::Entity>,
    listing: &Listing,
) -> sea_orm::UpdateMany<dossier::Entity> {
    update
        .col_expr(
            dossier::Column::ApprenticeName,
            Expr::value(listing.apprentice_name.clone()),
        )
        .col_expr(
            dossier::Column::ApprenticeEmail,
            Expr::value(listing.apprentice_email.clone()),
        )
        .col_expr(dossier::Column::Siret, Expr::value(listing.siret.clone()))
        .col_expr(
            dossier::Column::EmployerName,
            Expr::value(listing.employer_name.clone()),
        )
        .col_expr(
            dossier::Column::ContractStart,
            Expr::value(listing.contract_start),
        )
        .col_expr(
            dossier::Column::ContractEnd,
            Expr::value(listing.contract_end),
        )
        .col_expr(
            dossier::Column::Complete,
            Expr::value(Some(listing.complete)),
        )
        .col_expr(
            dossier::Column::SearchText,
            Expr::value(Some(listing.search_text.clone())),
        )
}

/// Stores a recomputed listing (rows from before the listing columns existed).
pub async fn store_listing(
    conn: &impl ConnectionTrait,
    id: &str,
    listing: &Listing,
) -> DbResult<()> {
    set_listing(dossier::Entity::update_many(), listing)
        .filter(dossier::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Opens the content of rows read from the table.
fn opened(seal: &dyn Seal, mut rows: Vec<dossier::Model>) -> DbResult<Vec<dossier::Model>> {
    for row in &mut rows {
        seal.open(&row.id, &mut row.content)?;
    }
    Ok(rows)
}

/// A row as it is written: its content sealed.
fn sealed(seal: &dyn Seal, mut row: dossier::Model) -> DbResult<dossier::Model> {
    seal.seal(&row.id, &mut row.content)?;
    Ok(row)
}

/// Every dossier of a formation.
pub async fn of_formation(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
    formation_id: &str,
) -> DbResult<Vec<dossier::Model>> {
    let rows = dossier::Entity::find()
        .filter(dossier::Column::FormationId.eq(formation_id))
        .all(conn)
        .await?;
    opened(seal, rows)
}

/// Dossiers whose listing was never computed.
pub async fn without_listing(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
) -> DbResult<Vec<dossier::Model>> {
    let rows = dossier::Entity::find()
        .filter(dossier::Column::Complete.is_null())
        .all(conn)
        .await?;
    opened(seal, rows)
}

/// One batch of dossiers in id order, after `after` (none: from the first): for passes over
/// the whole table (sealing again under a new key, backups' checks).
pub async fn batch_after(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
    after: Option<&str>,
    limit: u64,
) -> DbResult<Vec<dossier::Model>> {
    let mut query = dossier::Entity::find().order_by_asc(dossier::Column::Id);
    if let Some(after) = after {
        query = query.filter(dossier::Column::Id.gt(after));
    }
    let rows = query.limit(limit).all(conn).await?;
    opened(seal, rows)
}

/// How a list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Last change (the default).
    #[default]
    UpdatedAt,
    /// Creation.
    CreatedAt,
    /// Apprentice's name.
    Name,
    /// Status.
    Status,
    /// Contract start.
    ContractStart,
}

/// Which dossiers a list holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only these formations (`None`: every formation).
    pub formation_ids: Option<Vec<String>>,
    /// Only dossiers where this user is the apprentice or the company contact.
    pub party: Option<String>,
    /// Only these statuses (empty: all).
    pub statuses: Vec<domain::Status>,
    /// Only complete (or incomplete) dossiers.
    pub complete: Option<bool>,
    /// Words that must all appear in the names, addresses or SIRET.
    pub search: Vec<String>,
}

fn filtered(filter: &Filter) -> Select<dossier::Entity> {
    let mut condition = Condition::all();
    if let Some(ids) = &filter.formation_ids {
        condition = condition.add(dossier::Column::FormationId.is_in(ids.iter().cloned()));
    }
    if let Some(user) = &filter.party {
        condition = condition.add(
            Condition::any()
                .add(dossier::Column::ApprenticeId.eq(user.as_str()))
                .add(dossier::Column::EmployerId.eq(user.as_str())),
        );
    }
    if !filter.statuses.is_empty() {
        condition = condition
            .add(dossier::Column::Status.is_in(filter.statuses.iter().map(|s| crate::Stored(*s))));
    }
    if let Some(complete) = filter.complete {
        condition = condition.add(dossier::Column::Complete.eq(complete));
    }
    for word in &filter.search {
        let escaped = word
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        condition = condition.add(
            Expr::col(dossier::Column::SearchText)
                .like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    dossier::Entity::find().filter(condition)
}

/// One page of the dossiers matching `filter`, and how many match in all.
pub async fn list(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
    filter: &Filter,
    sort: Sort,
    descending: bool,
    limit: u64,
    offset: u64,
) -> DbResult<(Vec<dossier::Model>, u64)> {
    let total = filtered(filter).count(conn).await?;
    let order = if descending { Order::Desc } else { Order::Asc };
    let column = match sort {
        Sort::UpdatedAt => dossier::Column::UpdatedAt,
        Sort::CreatedAt => dossier::Column::CreatedAt,
        Sort::Name => dossier::Column::ApprenticeName,
        Sort::Status => dossier::Column::Status,
        Sort::ContractStart => dossier::Column::ContractStart,
    };
    let rows = filtered(filter)
        .order_by(column, order)
        .order_by(dossier::Column::Id, Order::Asc)
        .limit(limit)
        .offset(offset)
        .all(conn)
        .await?;
    Ok((opened(seal, rows)?, total))
}

/// How many dossiers matching `filter` are in each `(status, complete)`.
pub async fn counts(
    conn: &impl ConnectionTrait,
    filter: &Filter,
) -> DbResult<Vec<(crate::Stored<domain::Status>, Option<bool>, i64)>> {
    Ok(filtered(filter)
        .select_only()
        .column(dossier::Column::Status)
        .column(dossier::Column::Complete)
        .column_as(dossier::Column::Id.count(), "count")
        .group_by(dossier::Column::Status)
        .group_by(dossier::Column::Complete)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Adds dossiers.
pub async fn insert(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
    rows: Vec<dossier::Model>,
) -> DbResult<()> {
    let rows = rows
        .into_iter()
        .map(|row| sealed(seal, row))
        .collect::<DbResult<Vec<_>>>()?;
    insert_all::<dossier::Entity, _, _>(conn, rows).await
}

/// What decides whether a cached answer about a dossier is still right: its version, the
/// parties, and when its formation and variant last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The dossier.
    pub id: String,
    /// Its version.
    pub version: i64,
    /// Its apprentice.
    pub apprentice_id: String,
    /// Its company contact.
    pub employer_id: Option<String>,
    /// Its formation.
    pub formation_id: String,
    /// When the formation last changed.
    pub formation_updated_at: DateTime<Utc>,
    /// When the variant last changed.
    pub variant_updated_at: DateTime<Utc>,
}

/// The stamp of a dossier, without its content: a small query.
pub async fn stamp(conn: &impl ConnectionTrait, id: &str) -> DbResult<Option<Stamp>> {
    type Row = (
        String,
        i64,
        String,
        Option<String>,
        String,
        DateTime<Utc>,
        DateTime<Utc>,
    );
    let row: Option<Row> = dossier::Entity::find_by_id(id.to_owned())
        .select_only()
        .column(dossier::Column::Id)
        .column(dossier::Column::Version)
        .column(dossier::Column::ApprenticeId)
        .column(dossier::Column::EmployerId)
        .column(dossier::Column::FormationId)
        .column_as(formation::Column::UpdatedAt, "formation_updated_at")
        .column_as(variant::Column::UpdatedAt, "variant_updated_at")
        .join(
            sea_orm::JoinType::InnerJoin,
            dossier::Relation::Formation.def(),
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            dossier::Relation::Variant.def(),
        )
        .into_tuple()
        .one(conn)
        .await?;
    Ok(row.map(
        |(
            id,
            version,
            apprentice_id,
            employer_id,
            formation_id,
            formation_updated_at,
            variant_updated_at,
        )| Stamp {
            id,
            version,
            apprentice_id,
            employer_id,
            formation_id,
            formation_updated_at,
            variant_updated_at,
        },
    ))
}

/// The dossier with this id, its formation and its variant, in one query (every dossier
/// request needs the three).
pub async fn with_formation(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
    id: &str,
) -> DbResult<Option<(dossier::Model, formation::Model, variant::Model)>> {
    let found = dossier::Entity::find_by_id(id.to_owned())
        .find_also_related(formation::Entity)
        .find_also_related(variant::Entity)
        .one(conn)
        .await?;
    let Some((mut dossier, Some(formation), Some(variant))) = found else {
        return Ok(None);
    };
    seal.open(&dossier.id, &mut dossier.content)?;
    Ok(Some((dossier, formation, variant)))
}

/// The dossier with this id.
pub async fn by_id(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
    id: &str,
) -> DbResult<Option<dossier::Model>> {
    let found = dossier::Entity::find_by_id(id.to_owned()).one(conn).await?;
    Ok(opened(seal, found.into_iter().collect())?.pop())
}

/// Ids of the dossiers where the user is the apprentice or the company contact.
pub async fn ids_of_party(conn: &impl ConnectionTrait, user_id: &str) -> DbResult<Vec<String>> {
    Ok(dossier::Entity::find()
        .select_only()
        .column(dossier::Column::Id)
        .filter(
            dossier::Column::ApprenticeId
                .eq(user_id)
                .or(dossier::Column::EmployerId.eq(user_id)),
        )
        .order_by_asc(dossier::Column::CreatedAt)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Ids of the dossiers of these formations.
pub async fn ids_in_formations(
    conn: &impl ConnectionTrait,
    formation_ids: &[String],
) -> DbResult<Vec<String>> {
    Ok(dossier::Entity::find()
        .select_only()
        .column(dossier::Column::Id)
        .filter(dossier::Column::FormationId.is_in(formation_ids.iter().cloned()))
        .order_by_asc(dossier::Column::CreatedAt)
        .into_tuple()
        .all(conn)
        .await?)
}

/// `(apprentice_id, formation_id, dossier_id)` of the dossiers of these apprentices.
pub async fn of_apprentices(
    conn: &impl ConnectionTrait,
    apprentice_ids: &[String],
) -> DbResult<Vec<(String, String, String)>> {
    let mut found = Vec::new();
    for chunk in apprentice_ids.chunks(IN_CHUNK) {
        let rows: Vec<(String, String, String)> = dossier::Entity::find()
            .select_only()
            .column(dossier::Column::ApprenticeId)
            .column(dossier::Column::FormationId)
            .column(dossier::Column::Id)
            .filter(dossier::Column::ApprenticeId.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(conn)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Writes a dossier row back as it is (statuses change through the workflow; this is for
/// arranging tests and repairs).
pub async fn save(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
    row: dossier::Model,
) -> DbResult<()> {
    dossier::Entity::update(sealed(seal, row)?.into_active_model().reset_all())
        .exec(conn)
        .await?;
    Ok(())
}

/// Writes `row` — the dossier as a change left it, at its next version — provided the
/// stored dossier is still at `expected_version`; false when someone changed it meanwhile
/// (nothing written). Every write of a dossier after its creation goes through here, so
/// that none can overwrite another's unseen.
pub async fn save_guarded(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
    row: &dossier::Model,
    expected_version: i64,
) -> DbResult<bool> {
    Ok(dossier::Entity::update_many()
        .set(sealed(seal, row.clone())?.into_active_model().reset_all())
        .filter(dossier::Column::Id.eq(row.id.as_str()))
        .filter(dossier::Column::Version.eq(expected_version))
        .exec(conn)
        .await?
        .rows_affected
        == 1)
}
