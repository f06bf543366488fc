//! Dossiers.

use super::*;
use crate::sealing::Seal;
use chrono::NaiveDate;
use sea_orm::Condition;

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
    /// Apprentice's name (none first).
    Name,
    /// Status.
    Status,
    /// Contract start (none last).
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

impl Filter {
    /// Whether the counters answer for this filter: they are kept per formation, status and
    /// completeness, not per party or word.
    fn counted(&self) -> bool {
        self.party.is_none() && self.search.is_empty()
    }
}

/// A dossier as lists show it: the listing columns, without the content (which lists never
/// read, and which would have to be opened row by row).
#[derive(Debug, Clone, PartialEq, sea_orm::FromQueryResult)]
#[allow(missing_docs)]
pub struct ListRow {
    pub id: String,
    pub formation_id: String,
    pub variant_id: String,
    pub status: crate::Stored<domain::Status>,
    pub complete: Option<bool>,
    pub apprentice_name: Option<String>,
    pub apprentice_email: Option<String>,
    pub employer_name: Option<String>,
    pub siret: Option<String>,
    pub contract_start: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A sort's value at a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    /// A timestamp.
    Time(DateTime<Utc>),
    /// A date.
    Date(NaiveDate),
    /// A text.
    Text(String),
}

/// Where a page ended, in a sort: the next page starts after it (a keyset cursor, which costs
/// the same however deep the page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The sort's value at the last row.
    pub value: SortValue,
    /// The last row's id, which orders rows of equal value.
    pub id: String,
}

/// The contract start sorted for a dossier without one: after every real date (the
/// `COALESCE` of the sort's index).
const NO_CONTRACT_START: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => NaiveDate::MAX,
};

impl ListRow {
    /// Where a page ending at this row ends, in `sort`.
    pub fn position(&self, sort: Sort) -> Position {
        let value = match sort {
            Sort::UpdatedAt => SortValue::Time(self.updated_at),
            Sort::CreatedAt => SortValue::Time(self.created_at),
            Sort::Name => SortValue::Text(self.apprentice_name.clone().unwrap_or_default()),
            Sort::Status => SortValue::Text(self.status.key()),
            Sort::ContractStart => {
                SortValue::Date(self.contract_start.unwrap_or(NO_CONTRACT_START))
            }
        };
        Position {
            value,
            id: self.id.clone(),
        }
    }
}

/// What a sort orders by: the columns the migration `dossier_lists_at_scale` indexes, with the
/// id after them (`sort_name` and `sort_start` are generated from the nullable name and start).
fn sort_expr(sort: Sort) -> Expr {
    match sort {
        Sort::UpdatedAt => Expr::col((dossier::Entity, dossier::Column::UpdatedAt)),
        Sort::CreatedAt => Expr::col((dossier::Entity, dossier::Column::CreatedAt)),
        Sort::Name => Expr::col((dossier::Entity, Alias::new("sort_name"))),
        Sort::Status => Expr::col((dossier::Entity, dossier::Column::Status)),
        Sort::ContractStart => Expr::col((dossier::Entity, Alias::new("sort_start"))),
    }
}

/// How a word of a search is looked up, by what it looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word<'a> {
    /// An e-mail address, whole or by its start (`lea.martin@`, `lea.martin@exemple.fr`): the
    /// apprentice's address begins with it, through the b-tree on the address. Found anywhere
    /// in the text by trigrams it read every row of a common domain (migration
    /// `m20261203_000014`).
    AddressStart(&'a str),
    /// A SIRET typed whole (14 digits): the employer's, through the (SIRET, last change)
    /// index, which also lists its dossiers by last change.
    Siret(&'a str),
    /// A SIREN or the start of a SIRET (9 to 13 digits): the employer's SIRET begins with it.
    SiretStart(&'a str),
    /// Anything else, found anywhere in the names, addresses, SIRET and employer's name.
    Text(&'a str),
}

impl<'a> Word<'a> {
    fn of(word: &'a str) -> Self {
        let digits = word.bytes().all(|b| b.is_ascii_digit());
        match word.find('@') {
            // A word starting with `@` is a domain, found anywhere in the addresses.
            Some(at) if at > 0 => Word::AddressStart(word),
            _ if digits && word.len() == 14 => Word::Siret(word),
            _ if digits && (9..14).contains(&word.len()) => Word::SiretStart(word),
            _ => Word::Text(word),
        }
    }
}

/// A listing column compared in byte order: on PostgreSQL in the `"C"` collation of its index
/// (migration `m20261203_000014`), SQLite's own order being already bytes.
fn bytewise(column: dossier::Column, backend: DbBackend) -> Expr {
    let name = sea_orm::IdenStatic::as_str(&column);
    if backend == DbBackend::Postgres {
        Expr::cust(format!(r#""dossiers"."{name}" COLLATE "C""#))
    } else {
        Expr::col((dossier::Entity, column))
    }
}

/// The values of `column` that begin with `start`: a range an index seeks (`LIKE 'start%'`
/// only does so under conditions neither backend meets for a bound value).
fn starts_with(column: dossier::Column, start: &str, backend: DbBackend) -> Condition {
    Condition::all()
        .add(bytewise(column, backend).gte(start))
        .add(bytewise(column, backend).lt(format!("{start}{}", char::MAX)))
}

/// The condition of the words of a search, each looked up as [`Word::of`] reads it. A word of
/// text: on PostgreSQL `LIKE`, which its trigram index answers; on SQLite the FTS5 trigram
/// index for words of three characters or more (it has no shorter trigram), or `LIKE` on the
/// rows still waiting to be indexed (see [`index_waiting`]); `LIKE` over the rows for shorter
/// words.
fn search_condition(words: &[String], backend: DbBackend) -> Condition {
    let like = |word: &str| {
        let escaped = word
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        Expr::col((dossier::Entity, dossier::Column::SearchText))
            .like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\'))
    };
    let mut condition = Condition::all();
    let mut indexed = Vec::new();
    let mut waiting = Condition::all().add(Expr::cust(
        r#""dossiers"."search_key" IN (SELECT search_key FROM dossier_search_waiting)"#,
    ));
    for word in words {
        match Word::of(word) {
            Word::AddressStart(start) => {
                condition = condition.add(starts_with(
                    dossier::Column::ApprenticeEmail,
                    start,
                    backend,
                ));
            }
            Word::Siret(siret) => {
                condition = condition.add(bytewise(dossier::Column::Siret, backend).eq(siret));
            }
            Word::SiretStart(start) => {
                condition = condition.add(starts_with(dossier::Column::Siret, start, backend));
            }
            Word::Text(word) if backend == DbBackend::Sqlite && word.chars().count() >= 3 => {
                // A quoted phrase: FTS5 reads nothing in it as an operator.
                indexed.push(format!("\"{}\"", word.replace('"', "\"\"")));
                waiting = waiting.add(like(word));
            }
            Word::Text(word) => condition = condition.add(like(word)),
        }
    }
    if !indexed.is_empty() {
        // Two index lookups, united (SQLite's « MULTI-INDEX OR » on `search_key`).
        condition = condition.add(
            Condition::any()
                .add(Expr::cust_with_values(
                    r#""dossiers"."search_key" IN (SELECT rowid FROM dossier_search WHERE dossier_search MATCH ?)"#,
                    [indexed.join(" AND ")],
                ))
                .add(waiting),
        );
    }
    condition
}

/// Moves up to `limit` dossiers waiting for SQLite's search index into it, the oldest waiting
/// first; returns how many left the waiting list (fewer than `limit`: none is left). New
/// dossiers wait there so that writing them does not pay for their trigrams (migration
/// `m20261203_000013`); call it in a write transaction. PostgreSQL has no waiting list: 0.
pub async fn index_waiting(conn: &impl ConnectionTrait, limit: u64) -> DbResult<u64> {
    if conn.get_database_backend() != DbBackend::Sqlite {
        return Ok(0);
    }
    let slice = "SELECT search_key FROM dossier_search_waiting ORDER BY search_key LIMIT ?";
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        format!(
            "INSERT INTO dossier_search (rowid, search_text)
             SELECT search_key, search_text FROM dossiers
             WHERE search_key IN ({slice}) AND search_text IS NOT NULL"
        ),
        [limit.into()],
    ))
    .await?;
    let moved = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!("DELETE FROM dossier_search_waiting WHERE search_key IN ({slice})"),
            [limit.into()],
        ))
        .await?;
    Ok(moved.rows_affected())
}

/// Whether dossiers wait for SQLite's search index.
pub async fn search_waiting(conn: &impl ConnectionTrait) -> DbResult<bool> {
    if conn.get_database_backend() != DbBackend::Sqlite {
        return Ok(false);
    }
    let row = conn
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT EXISTS (SELECT 1 FROM dossier_search_waiting) AS waiting",
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get::<bool>("", "waiting"))
        .transpose()?
        .unwrap_or(false))
}

/// The rows `filter` selects, for a list in `sort` (none: for a count).
fn filtered<S: QueryFilter>(
    query: S,
    filter: &Filter,
    backend: DbBackend,
    sort: Option<Sort>,
) -> S {
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
        let statuses = filter.statuses.iter().map(|s| crate::Stored(*s));
        // SQLite would read a status queue through its index and sort every row of the queue
        // (it prefers an equality to an order, even knowing that a status holds half the
        // table); with `+`, which keeps a term off indexes, it walks the sort's index and
        // stops at the page's end. Its list by last change keeps the queue's own index, which
        // is in that order.
        let status = if backend == DbBackend::Sqlite && sort.is_some_and(|s| s != Sort::UpdatedAt) {
            Expr::cust(r#"+"dossiers"."status""#)
        } else {
            Expr::col((dossier::Entity, dossier::Column::Status))
        };
        condition = condition.add(status.is_in(statuses));
    }
    if let Some(complete) = filter.complete {
        condition = condition.add(dossier::Column::Complete.eq(complete));
    }
    if !filter.search.is_empty() {
        condition = condition.add(search_condition(&filter.search, backend));
    }
    query.filter(condition)
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// After this many rows (small offsets: the rows skipped are still read).
    Offset(u64),
    /// After this row (any depth, at the cost of the first page).
    After(Position),
}

impl Start {
    /// Where the page after `rows` starts when they filled a page of `limit` in `sort`; `None`
    /// when they did not: there is no row after them.
    pub fn after(rows: &[ListRow], limit: u64, sort: Sort) -> Option<Start> {
        rows.last()
            .filter(|_| rows.len() as u64 == limit)
            .map(|last| Start::After(last.position(sort)))
    }
}

/// One page of the dossiers matching `filter`, and how many match in all.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &Filter,
    sort: Sort,
    descending: bool,
    limit: u64,
    start: &Start,
) -> DbResult<(Vec<ListRow>, u64)> {
    let total = count(conn, filter).await?;
    let rows = page(conn, filter, sort, descending, limit, start).await?;
    Ok((rows, total))
}

/// One page of the dossiers matching `filter`, without their count (an export reads a list
/// page after page).
pub async fn page(
    conn: &impl ConnectionTrait,
    filter: &Filter,
    sort: Sort,
    descending: bool,
    limit: u64,
    start: &Start,
) -> DbResult<Vec<ListRow>> {
    let backend = conn.get_database_backend();
    let order = if descending { Order::Desc } else { Order::Asc };
    let id = Expr::col((dossier::Entity, dossier::Column::Id));
    let mut query = filtered(
        dossier::Entity::find().select_only().columns([
            dossier::Column::Id,
            dossier::Column::FormationId,
            dossier::Column::VariantId,
            dossier::Column::Status,
            dossier::Column::Complete,
            dossier::Column::ApprenticeName,
            dossier::Column::ApprenticeEmail,
            dossier::Column::EmployerName,
            dossier::Column::Siret,
            dossier::Column::ContractStart,
            dossier::Column::ContractEnd,
            dossier::Column::CreatedAt,
            dossier::Column::UpdatedAt,
        ]),
        filter,
        backend,
        Some(sort),
    )
    .order_by(sort_expr(sort), order.clone())
    .order_by(id.clone(), order)
    .limit(limit);
    match start {
        Start::Offset(offset) => query = query.offset(*offset),
        Start::After(position) => {
            let value = match &position.value {
                SortValue::Time(time) => Expr::val(*time),
                SortValue::Date(date) => Expr::val(*date),
                SortValue::Text(text) => Expr::val(text.as_str()),
            };
            let here = Expr::tuple([sort_expr(sort), id]);
            let last = Expr::tuple([value, Expr::val(position.id.as_str())]);
            query = query.filter(if descending {
                here.lt(last)
            } else {
                here.gt(last)
            });
        }
    }
    Ok(query.into_model::<ListRow>().all(conn).await?)
}

/// How many dossiers match `filter`: from the counters when they answer, else counted.
pub async fn count(conn: &impl ConnectionTrait, filter: &Filter) -> DbResult<u64> {
    if filter.counted() {
        let total = counts(conn, filter)
            .await?
            .iter()
            .map(|(_, _, n)| *n)
            .sum::<i64>();
        return Ok(u64::try_from(total).unwrap_or_default());
    }
    let backend = conn.get_database_backend();
    Ok(filtered(dossier::Entity::find(), filter, backend, None)
        .count(conn)
        .await?)
}

/// How many dossiers matching `filter` are in each `(status, complete)`: the counters' rows
/// when they answer (a few per formation), else a count of the matching rows.
pub async fn counts(
    conn: &impl ConnectionTrait,
    filter: &Filter,
) -> DbResult<Vec<(crate::Stored<domain::Status>, Option<bool>, i64)>> {
    if filter.counted() {
        let mut query = sea_orm::sea_query::Query::select();
        query
            .column(Alias::new("status"))
            .column(Alias::new("complete"))
            .expr(Expr::cust(r#"CAST(SUM("count") AS BIGINT)"#))
            .from(Alias::new("dossier_counts"))
            .group_by_columns([Alias::new("status"), Alias::new("complete")]);
        if let Some(ids) = &filter.formation_ids {
            query.and_where(Expr::col(Alias::new("formation_id")).is_in(ids.iter().cloned()));
        }
        if !filter.statuses.is_empty() {
            query.and_where(
                Expr::col(Alias::new("status"))
                    .is_in(filter.statuses.iter().map(|s| s.key().to_owned())),
            );
        }
        if let Some(complete) = filter.complete {
            query.and_where(Expr::col(Alias::new("complete")).eq(complete));
        }
        let backend = conn.get_database_backend();
        let mut found = Vec::new();
        for row in conn.query_all_raw(backend.build(&query)).await? {
            let (status, complete, count): (crate::Stored<domain::Status>, Option<bool>, i64) =
                sea_orm::TryGetableMany::try_get_many_by_index(&row)
                    .map_err(sea_orm::DbErr::from)?;
            found.push((status, complete, count));
        }
        return Ok(found);
    }
    let backend = conn.get_database_backend();
    Ok(filtered(dossier::Entity::find(), filter, backend, None)
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

/// How many dossiers there are.
pub async fn count_all(conn: &impl ConnectionTrait) -> DbResult<u64> {
    count(conn, &Filter::default()).await
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

#[cfg(test)]
mod tests {
    use super::Word;

    #[test]
    fn a_word_is_looked_up_by_what_it_looks_like() {
        assert_eq!(Word::of("lea.martin@"), Word::AddressStart("lea.martin@"));
        assert_eq!(Word::of("l@x.fr"), Word::AddressStart("l@x.fr"));
        assert_eq!(Word::of("@exemple.fr"), Word::Text("@exemple.fr"));
        assert_eq!(Word::of("@"), Word::Text("@"));
        assert_eq!(Word::of("73282932000074"), Word::Siret("73282932000074"));
        assert_eq!(Word::of("732829320"), Word::SiretStart("732829320"));
        assert_eq!(Word::of("7328293200007"), Word::SiretStart("7328293200007"));
        assert_eq!(Word::of("73282932"), Word::Text("73282932"));
        assert_eq!(Word::of("732829320000745"), Word::Text("732829320000745"));
        assert_eq!(Word::of("7328 2932"), Word::Text("7328 2932"));
        assert_eq!(Word::of("martin"), Word::Text("martin"));
        // Digits that are not ASCII are no SIRET.
        assert_eq!(Word::of("٧٣٢٨٢٩٣٢٠"), Word::Text("٧٣٢٨٢٩٣٢٠"));
    }
}
