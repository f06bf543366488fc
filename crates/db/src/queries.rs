//! The queries the server runs, grouped by table. Each takes a connection or a transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, ExprTrait,
    IntoActiveModel, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    RelationTrait, Statement,
    sea_query::{Alias, Expr},
};

use crate::{
    DbResult,
    entities::{
        api_token, company, dossier, dossier_change, dossier_transition, formation,
        formation_responsable, idempotency_key, invitation, login_failure, outbox as outbox_row,
        password_reset, refresh_token, user, variant,
    },
    insert_all, insert_one,
};

/// How many values go into one `IN (…)` list.
const IN_CHUNK: usize = 500;

/// Users (accounts).
pub mod users {
    use super::*;

    /// The user with this id.
    pub async fn by_id(conn: &impl ConnectionTrait, id: &str) -> DbResult<Option<user::Model>> {
        Ok(user::Entity::find_by_id(id.to_owned()).one(conn).await?)
    }

    /// The user with this (lower-cased) address.
    pub async fn by_email(
        conn: &impl ConnectionTrait,
        email: &str,
    ) -> DbResult<Option<user::Model>> {
        Ok(user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(conn)
            .await?)
    }

    /// The users with any of these addresses.
    pub async fn by_emails(
        conn: &impl ConnectionTrait,
        emails: &[String],
    ) -> DbResult<Vec<user::Model>> {
        let mut found = Vec::new();
        for chunk in emails.chunks(IN_CHUNK) {
            found.extend(
                user::Entity::find()
                    .filter(user::Column::Email.is_in(chunk.iter().cloned()))
                    .all(conn)
                    .await?,
            );
        }
        Ok(found)
    }

    /// The users with any of these ids.
    pub async fn by_ids(conn: &impl ConnectionTrait, ids: &[String]) -> DbResult<Vec<user::Model>> {
        let mut found = Vec::new();
        for chunk in ids.chunks(IN_CHUNK) {
            found.extend(
                user::Entity::find()
                    .filter(user::Column::Id.is_in(chunk.iter().cloned()))
                    .all(conn)
                    .await?,
            );
        }
        Ok(found)
    }

    /// Every user, by role then address, optionally of one role.
    pub async fn list(
        conn: &impl ConnectionTrait,
        role: Option<domain::Role>,
    ) -> DbResult<Vec<user::Model>> {
        let mut query = user::Entity::find()
            .order_by_asc(user::Column::Role)
            .order_by_asc(user::Column::Email);
        if let Some(role) = role {
            query = query.filter(user::Column::Role.eq(crate::Stored(role)));
        }
        Ok(query.all(conn).await?)
    }

    /// How many accounts exist.
    pub async fn count(conn: &impl ConnectionTrait) -> DbResult<u64> {
        Ok(user::Entity::find().count(conn).await?)
    }

    /// Adds accounts.
    pub async fn insert(conn: &impl ConnectionTrait, rows: Vec<user::Model>) -> DbResult<()> {
        insert_all::<user::Entity, _, _>(conn, rows).await
    }

    /// Records a successful login. Only this column changes, so that a password changed at the
    /// same moment is not written over.
    pub async fn record_login(
        conn: &impl ConnectionTrait,
        id: &str,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        user::Entity::update_many()
            .col_expr(user::Column::LastLoginAt, Expr::value(now))
            .filter(user::Column::Id.eq(id))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Stores a chosen password's hash and drops any generated one.
    pub async fn set_password(
        conn: &impl ConnectionTrait,
        id: &str,
        hash: &str,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .col_expr(
                user::Column::GeneratedPasswordHash,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                user::Column::GeneratedPasswordExpiresAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(id))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Gives an account a (possibly corrected) address and a new generated password.
    pub async fn set_generated_password(
        conn: &impl ConnectionTrait,
        id: &str,
        email: &str,
        hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        user::Entity::update_many()
            .col_expr(user::Column::Email, Expr::value(email))
            .col_expr(user::Column::GeneratedPasswordHash, Expr::value(hash))
            .col_expr(
                user::Column::GeneratedPasswordExpiresAt,
                Expr::value(expires_at),
            )
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(id))
            .exec(conn)
            .await?;
        Ok(())
    }
}

/// Formations, their responsables and variants.
pub mod formations {
    use super::*;

    /// Every formation, or those with these ids, by title.
    pub async fn list(
        conn: &impl ConnectionTrait,
        only: Option<&[String]>,
    ) -> DbResult<Vec<formation::Model>> {
        let mut query = formation::Entity::find().order_by_asc(formation::Column::Title);
        if let Some(ids) = only {
            query = query.filter(formation::Column::Id.is_in(ids.iter().cloned()));
        }
        Ok(query.all(conn).await?)
    }

    /// The formation with this id.
    pub async fn by_id(
        conn: &impl ConnectionTrait,
        id: &str,
    ) -> DbResult<Option<formation::Model>> {
        Ok(formation::Entity::find_by_id(id.to_owned())
            .one(conn)
            .await?)
    }

    /// Adds a formation.
    pub async fn insert(conn: &impl ConnectionTrait, row: formation::Model) -> DbResult<()> {
        insert_one::<formation::Entity, _, _>(conn, row).await
    }

    /// Writes a changed formation back.
    pub async fn save(conn: &impl ConnectionTrait, row: formation::Model) -> DbResult<()> {
        formation::Entity::update(row.into_active_model().reset_all())
            .exec(conn)
            .await?;
        Ok(())
    }

    /// The ids of the formations a user is responsable of.
    pub async fn ids_of_responsable(
        conn: &impl ConnectionTrait,
        user_id: &str,
    ) -> DbResult<Vec<String>> {
        Ok(formation_responsable::Entity::find()
            .filter(formation_responsable::Column::UserId.eq(user_id))
            .all(conn)
            .await?
            .into_iter()
            .map(|row| row.formation_id)
            .collect())
    }

    /// `(formation_id, user_id)` of every responsable of these formations.
    pub async fn responsables_of(
        conn: &impl ConnectionTrait,
        formation_ids: &[String],
    ) -> DbResult<Vec<formation_responsable::Model>> {
        Ok(formation_responsable::Entity::find()
            .filter(formation_responsable::Column::FormationId.is_in(formation_ids.iter().cloned()))
            .all(conn)
            .await?)
    }

    /// Makes `user_ids` the responsables of a formation.
    pub async fn replace_responsables(
        conn: &impl ConnectionTrait,
        formation_id: &str,
        user_ids: &[String],
    ) -> DbResult<()> {
        formation_responsable::Entity::delete_many()
            .filter(formation_responsable::Column::FormationId.eq(formation_id))
            .exec(conn)
            .await?;
        let rows = user_ids
            .iter()
            .map(|user_id| formation_responsable::Model {
                formation_id: formation_id.to_owned(),
                user_id: user_id.clone(),
            })
            .collect();
        insert_all::<formation_responsable::Entity, _, _>(conn, rows).await
    }

    /// Every variant of these formations (every variant when `None`), by code.
    pub async fn variants(
        conn: &impl ConnectionTrait,
        formation_ids: Option<&[String]>,
    ) -> DbResult<Vec<variant::Model>> {
        let mut query = variant::Entity::find().order_by_asc(variant::Column::AccessCode);
        if let Some(ids) = formation_ids {
            query = query.filter(variant::Column::FormationId.is_in(ids.iter().cloned()));
        }
        Ok(query.all(conn).await?)
    }

    /// The variant with this normalised access code.
    pub async fn variant_by_code(
        conn: &impl ConnectionTrait,
        code: &str,
    ) -> DbResult<Option<variant::Model>> {
        Ok(variant::Entity::find()
            .filter(variant::Column::AccessCode.eq(code))
            .one(conn)
            .await?)
    }

    /// The variant with this id.
    pub async fn variant_by_id(
        conn: &impl ConnectionTrait,
        id: &str,
    ) -> DbResult<Option<variant::Model>> {
        Ok(variant::Entity::find_by_id(id.to_owned()).one(conn).await?)
    }

    /// Adds a variant.
    pub async fn insert_variant(conn: &impl ConnectionTrait, row: variant::Model) -> DbResult<()> {
        insert_one::<variant::Entity, _, _>(conn, row).await
    }

    /// Writes a changed variant back.
    pub async fn save_variant(conn: &impl ConnectionTrait, row: variant::Model) -> DbResult<()> {
        variant::Entity::update(row.into_active_model().reset_all())
            .exec(conn)
            .await?;
        Ok(())
    }
}

/// Dossiers.
pub mod dossiers {
    use super::*;
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

    /// Every dossier of a formation.
    pub async fn of_formation(
        conn: &impl ConnectionTrait,
        formation_id: &str,
    ) -> DbResult<Vec<dossier::Model>> {
        Ok(dossier::Entity::find()
            .filter(dossier::Column::FormationId.eq(formation_id))
            .all(conn)
            .await?)
    }

    /// Dossiers whose listing was never computed.
    pub async fn without_listing(conn: &impl ConnectionTrait) -> DbResult<Vec<dossier::Model>> {
        Ok(dossier::Entity::find()
            .filter(dossier::Column::Complete.is_null())
            .all(conn)
            .await?)
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
            condition = condition.add(
                dossier::Column::Status.is_in(filter.statuses.iter().map(|s| crate::Stored(*s))),
            );
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
        Ok((rows, total))
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
    pub async fn insert(conn: &impl ConnectionTrait, rows: Vec<dossier::Model>) -> DbResult<()> {
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
        id: &str,
    ) -> DbResult<Option<(dossier::Model, formation::Model, variant::Model)>> {
        let found = dossier::Entity::find_by_id(id.to_owned())
            .find_also_related(formation::Entity)
            .find_also_related(variant::Entity)
            .one(conn)
            .await?;
        Ok(found.and_then(|(dossier, formation, variant)| Some((dossier, formation?, variant?))))
    }

    /// The dossier with this id.
    pub async fn by_id(conn: &impl ConnectionTrait, id: &str) -> DbResult<Option<dossier::Model>> {
        Ok(dossier::Entity::find_by_id(id.to_owned()).one(conn).await?)
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
    pub async fn save(conn: &impl ConnectionTrait, row: dossier::Model) -> DbResult<()> {
        dossier::Entity::update(row.into_active_model().reset_all())
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
        row: &dossier::Model,
        expected_version: i64,
    ) -> DbResult<bool> {
        Ok(dossier::Entity::update_many()
            .set(row.clone().into_active_model().reset_all())
            .filter(dossier::Column::Id.eq(row.id.as_str()))
            .filter(dossier::Column::Version.eq(expected_version))
            .exec(conn)
            .await?
            .rows_affected
            == 1)
    }
}

/// Companies, shared by SIRET between the dossiers of one employer.
pub mod companies {
    use super::*;

    /// The company with this SIRET, created or renamed as needed; its id. A SIRET names one
    /// establishment for good, so the id is derived from it and concurrent first uses of a
    /// SIRET agree without a race.
    pub async fn upsert(
        conn: &impl ConnectionTrait,
        siret: &str,
        denomination: Option<&str>,
        now: DateTime<Utc>,
    ) -> DbResult<String> {
        use sea_orm::ActiveValue::Set;
        let id = format!("siret-{siret}");
        company::Entity::insert(company::ActiveModel {
            id: Set(id.clone()),
            siret: Set(siret.to_owned()),
            denomination: Set(denomination.map(str::to_owned)),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .on_conflict_do_nothing_on([company::Column::Siret])
        .exec_without_returning(conn)
        .await?;
        if let Some(denomination) = denomination {
            company::Entity::update_many()
                .col_expr(company::Column::Denomination, Expr::value(denomination))
                .col_expr(company::Column::UpdatedAt, Expr::value(now))
                .filter(company::Column::Siret.eq(siret))
                .filter(
                    company::Column::Denomination
                        .is_null()
                        .or(company::Column::Denomination.ne(denomination)),
                )
                .exec(conn)
                .await?;
        }
        Ok(id)
    }

    /// The company with this id.
    pub async fn by_id(conn: &impl ConnectionTrait, id: &str) -> DbResult<Option<company::Model>> {
        Ok(company::Entity::find_by_id(id.to_owned()).one(conn).await?)
    }
}

/// The dossier's trail of field changes.
pub mod history {
    use super::*;

    /// A field change to record.
    #[derive(Debug, Clone, PartialEq)]
    pub struct NewChange {
        /// The dossier.
        pub dossier_id: String,
        /// Who (`None`: the platform).
        pub user_id: Option<String>,
        /// When.
        pub at: DateTime<Utc>,
        /// The field's key.
        pub field: String,
        /// Before.
        pub old: Option<serde_json::Value>,
        /// After.
        pub new: Option<serde_json::Value>,
    }

    /// Records changes, in the caller's transaction.
    pub async fn record(conn: &impl ConnectionTrait, changes: Vec<NewChange>) -> DbResult<()> {
        use sea_orm::ActiveValue::{NotSet, Set};
        if changes.is_empty() {
            return Ok(());
        }
        let rows = changes
            .into_iter()
            .map(|change| dossier_change::ActiveModel {
                id: NotSet,
                dossier_id: Set(change.dossier_id),
                user_id: Set(change.user_id),
                at: Set(change.at),
                field: Set(change.field),
                old_value: Set(change.old),
                new_value: Set(change.new),
            });
        dossier_change::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
        Ok(())
    }

    /// Records a status transition, in the caller's transaction (the row's id is ignored).
    pub async fn record_transition(
        conn: &impl ConnectionTrait,
        row: dossier_transition::Model,
    ) -> DbResult<()> {
        use sea_orm::ActiveValue::{NotSet, Set};
        dossier_transition::Entity::insert(dossier_transition::ActiveModel {
            id: NotSet,
            dossier_id: Set(row.dossier_id),
            user_id: Set(row.user_id),
            at: Set(row.at),
            action: Set(row.action),
            from_status: Set(row.from_status),
            to_status: Set(row.to_status),
            comment: Set(row.comment),
        })
        .exec_without_returning(conn)
        .await?;
        Ok(())
    }

    /// A dossier's transitions, oldest first.
    pub async fn transitions_of(
        conn: &impl ConnectionTrait,
        dossier_id: &str,
    ) -> DbResult<Vec<dossier_transition::Model>> {
        Ok(dossier_transition::Entity::find()
            .filter(dossier_transition::Column::DossierId.eq(dossier_id))
            .order_by_asc(dossier_transition::Column::Id)
            .all(conn)
            .await?)
    }

    /// A dossier's changes, oldest first.
    pub async fn of_dossier(
        conn: &impl ConnectionTrait,
        dossier_id: &str,
    ) -> DbResult<Vec<dossier_change::Model>> {
        Ok(dossier_change::Entity::find()
            .filter(dossier_change::Column::DossierId.eq(dossier_id))
            .order_by_asc(dossier_change::Column::Id)
            .all(conn)
            .await?)
    }
}

/// Invitations.
pub mod invitations {
    use super::*;

    /// Adds invitations.
    pub async fn insert(conn: &impl ConnectionTrait, rows: Vec<invitation::Model>) -> DbResult<()> {
        insert_all::<invitation::Entity, _, _>(conn, rows).await
    }

    /// The invitation with this id.
    pub async fn by_id(
        conn: &impl ConnectionTrait,
        id: &str,
    ) -> DbResult<Option<invitation::Model>> {
        Ok(invitation::Entity::find_by_id(id.to_owned())
            .one(conn)
            .await?)
    }

    /// The invitations whose dossier belongs to these formations (all when `None`), newest
    /// first, with their dossier.
    pub async fn list(
        conn: &impl ConnectionTrait,
        formation_ids: Option<&[String]>,
        limit: u64,
        offset: u64,
    ) -> DbResult<Vec<(invitation::Model, dossier::Model)>> {
        // Two queries rather than a join: invitations and dossiers have no sea-orm relation.
        let mut dossier_query = dossier::Entity::find();
        if let Some(ids) = formation_ids {
            dossier_query =
                dossier_query.filter(dossier::Column::FormationId.is_in(ids.iter().cloned()));
        }
        let invitations = invitation::Entity::find()
            .filter(
                invitation::Column::DossierId.in_subquery(
                    dossier_query
                        .select_only()
                        .column(dossier::Column::Id)
                        .into_query(),
                ),
            )
            .order_by(invitation::Column::CreatedAt, Order::Desc)
            .order_by(invitation::Column::Id, Order::Asc)
            .limit(limit)
            .offset(offset)
            .all(conn)
            .await?;
        let dossier_ids: Vec<String> = invitations.iter().map(|i| i.dossier_id.clone()).collect();
        let mut dossiers = Vec::new();
        for chunk in dossier_ids.chunks(IN_CHUNK) {
            dossiers.extend(
                dossier::Entity::find()
                    .filter(dossier::Column::Id.is_in(chunk.iter().cloned()))
                    .all(conn)
                    .await?,
            );
        }
        Ok(invitations
            .into_iter()
            .filter_map(|invitation| {
                let dossier = dossiers
                    .iter()
                    .find(|d| d.id == invitation.dossier_id)?
                    .clone();
                Some((invitation, dossier))
            })
            .collect())
    }

    /// Records that the invitation mail went out again.
    pub async fn mark_sent(
        conn: &impl ConnectionTrait,
        id: &str,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        invitation::Entity::update_many()
            .col_expr(invitation::Column::LastSentAt, Expr::value(now))
            .filter(invitation::Column::Id.eq(id))
            .exec(conn)
            .await?;
        Ok(())
    }
}

/// Refresh tokens and password-reset tokens: single-purpose secrets stored as SHA-256 hashes.
pub mod secrets {
    use super::*;

    /// Adds a refresh token.
    pub async fn insert_refresh(
        conn: &impl ConnectionTrait,
        row: refresh_token::Model,
    ) -> DbResult<()> {
        insert_one::<refresh_token::Entity, _, _>(conn, row).await
    }

    /// The live (not revoked, not expired) refresh token with this hash.
    pub async fn live_refresh(
        conn: &impl ConnectionTrait,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> DbResult<Option<refresh_token::Model>> {
        Ok(refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(token_hash))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(now))
            .one(conn)
            .await?)
    }

    /// Revokes the refresh token with this hash, if live.
    pub async fn revoke_refresh(
        conn: &impl ConnectionTrait,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> DbResult<u64> {
        Ok(refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .filter(refresh_token::Column::TokenHash.eq(token_hash))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(conn)
            .await?
            .rows_affected)
    }

    /// Revokes every refresh token of a user (their password changed).
    pub async fn revoke_all_refresh(
        conn: &impl ConnectionTrait,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .filter(refresh_token::Column::UserId.eq(user_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Adds a password-reset token.
    pub async fn insert_reset(
        conn: &impl ConnectionTrait,
        row: password_reset::Model,
    ) -> DbResult<()> {
        insert_one::<password_reset::Entity, _, _>(conn, row).await
    }

    /// Marks the unused, unexpired reset token with this hash as used and returns it; `None`
    /// when there is no such token. Marking and checking are one statement, so a link clicked
    /// twice at once works once.
    pub async fn use_reset(
        conn: &impl ConnectionTrait,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> DbResult<Option<password_reset::Model>> {
        let used = password_reset::Entity::update_many()
            .col_expr(password_reset::Column::UsedAt, Expr::value(now))
            .filter(password_reset::Column::TokenHash.eq(token_hash))
            .filter(password_reset::Column::UsedAt.is_null())
            .filter(password_reset::Column::ExpiresAt.gt(now))
            .exec(conn)
            .await?
            .rows_affected;
        if used == 0 {
            return Ok(None);
        }
        Ok(password_reset::Entity::find()
            .filter(password_reset::Column::TokenHash.eq(token_hash))
            .one(conn)
            .await?)
    }
}

/// API tokens of integrations.
pub mod api_tokens {
    use super::*;

    /// Adds a token.
    pub async fn insert(conn: &impl ConnectionTrait, row: api_token::Model) -> DbResult<()> {
        insert_one::<api_token::Entity, _, _>(conn, row).await
    }

    /// A user's tokens, newest first.
    pub async fn of_user(
        conn: &impl ConnectionTrait,
        user_id: &str,
    ) -> DbResult<Vec<api_token::Model>> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(user_id))
            .order_by_desc(api_token::Column::CreatedAt)
            .all(conn)
            .await?)
    }

    /// The live token with this hash.
    pub async fn live_by_hash(
        conn: &impl ConnectionTrait,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> DbResult<Option<api_token::Model>> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .filter(api_token::Column::RevokedAt.is_null())
            .filter(
                api_token::Column::ExpiresAt
                    .is_null()
                    .or(api_token::Column::ExpiresAt.gt(now)),
            )
            .one(conn)
            .await?)
    }

    /// Records a use of the token.
    pub async fn touch(conn: &impl ConnectionTrait, id: &str, now: DateTime<Utc>) -> DbResult<()> {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(id))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Revokes one of a user's tokens; false when the user has no such live token.
    pub async fn revoke(
        conn: &impl ConnectionTrait,
        user_id: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        Ok(api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(id))
            .filter(api_token::Column::UserId.eq(user_id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(conn)
            .await?
            .rows_affected
            > 0)
    }
}

/// The e-mail outbox.
pub mod outbox {
    use super::*;

    /// A mail to queue.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct NewMail {
        /// Recipients' addresses.
        pub to: Vec<String>,
        /// Subject.
        pub subject: String,
        /// Plain-text part.
        pub text: String,
        /// HTML part.
        pub html: String,
    }

    fn row(mail: NewMail, now: DateTime<Utc>) -> outbox_row::ActiveModel {
        use sea_orm::ActiveValue::{NotSet, Set};
        outbox_row::ActiveModel {
            id: NotSet,
            recipients: Set(serde_json::json!(mail.to)),
            subject: Set(mail.subject),
            text_body: Set(mail.text),
            html_body: Set(mail.html),
            status: Set(STATUS_PENDING.to_owned()),
            attempts: Set(0),
            created_at: Set(now),
            next_attempt_at: Set(now),
            locked_until: Set(None),
            sent_at: Set(None),
            last_error: Set(None),
        }
    }

    /// Waiting for delivery.
    pub const STATUS_PENDING: &str = "pending";
    /// Delivered over SMTP.
    pub const STATUS_SENT: &str = "sent";
    /// Written to an `.eml` file (no SMTP configured).
    pub const STATUS_WRITTEN: &str = "written";
    /// Given up after the last attempt.
    pub const STATUS_FAILED: &str = "failed";

    /// Queues mails, in the caller's transaction.
    pub async fn queue(
        conn: &impl ConnectionTrait,
        mails: Vec<NewMail>,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        let mut rows: Vec<outbox_row::ActiveModel> =
            mails.into_iter().map(|mail| row(mail, now)).collect();
        while !rows.is_empty() {
            let rest = rows.split_off(rows.len().min(crate::INSERT_CHUNK));
            outbox_row::Entity::insert_many(std::mem::replace(&mut rows, rest))
                .exec_without_returning(conn)
                .await?;
        }
        Ok(())
    }

    /// Leases up to `limit` due mails until `lease_until`, so that no other worker (another
    /// server instance) sends them meanwhile. PostgreSQL skips rows another worker is leasing
    /// (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time, so the update is atomic.
    pub async fn claim_due(
        conn: &impl ConnectionTrait,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u64,
    ) -> DbResult<Vec<outbox_row::Model>> {
        let backend = conn.get_database_backend();
        let (placeholders, lock) = match backend {
            DbBackend::Postgres => (["$1", "$2", "$3", "$4"], " FOR UPDATE SKIP LOCKED"),
            _ => (["?", "?", "?", "?"], ""),
        };
        let [p_lease, p_now, p_now2, p_limit] = placeholders;
        let sql = format!(
            "UPDATE outbox SET locked_until = {p_lease} WHERE id IN (SELECT id FROM outbox \
             WHERE status = 'pending' AND next_attempt_at <= {p_now} \
             AND (locked_until IS NULL OR locked_until < {p_now2}) \
             ORDER BY id LIMIT {p_limit}{lock}) \
             RETURNING id"
        );
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [
                    lease_until.into(),
                    now.into(),
                    now.into(),
                    (limit as i64).into(),
                ],
            ))
            .await?;
        let ids: Vec<i64> = rows
            .iter()
            .filter_map(|row| row.try_get::<i64>("", "id").ok())
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(outbox_row::Entity::find()
            .filter(outbox_row::Column::Id.is_in(ids))
            .order_by_asc(outbox_row::Column::Id)
            .all(conn)
            .await?)
    }

    /// Records a delivery.
    pub async fn delivered(
        conn: &impl ConnectionTrait,
        id: i64,
        status: &str,
        attempts: i32,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        outbox_row::Entity::update_many()
            .col_expr(outbox_row::Column::Status, Expr::value(status))
            .col_expr(outbox_row::Column::Attempts, Expr::value(attempts))
            .col_expr(outbox_row::Column::SentAt, Expr::value(now))
            .col_expr(
                outbox_row::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                outbox_row::Column::LastError,
                Expr::value(Option::<String>::None),
            )
            .filter(outbox_row::Column::Id.eq(id))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Records a failed attempt: try again at `retry_at`, or give up (`retry_at` `None`).
    pub async fn attempt_failed(
        conn: &impl ConnectionTrait,
        id: i64,
        attempts: i32,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> DbResult<()> {
        let mut update = outbox_row::Entity::update_many()
            .col_expr(outbox_row::Column::Attempts, Expr::value(attempts))
            .col_expr(outbox_row::Column::LastError, Expr::value(error))
            .col_expr(
                outbox_row::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            );
        update = match retry_at {
            Some(at) => update.col_expr(outbox_row::Column::NextAttemptAt, Expr::value(at)),
            None => update.col_expr(outbox_row::Column::Status, Expr::value(STATUS_FAILED)),
        };
        update
            .filter(outbox_row::Column::Id.eq(id))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// The newest mails, optionally only those to an address.
    pub async fn recent(
        conn: &impl ConnectionTrait,
        to: Option<&str>,
        limit: u64,
    ) -> DbResult<Vec<outbox_row::Model>> {
        let mut query = outbox_row::Entity::find().order_by_desc(outbox_row::Column::Id);
        if let Some(to) = to {
            // Recipients are a JSON array of lower-cased addresses; match one quoted element.
            let pattern = format!("%\"{}\"%", to.replace('%', "").replace('_', "\\_"));
            query = query.filter(
                Expr::col(outbox_row::Column::Recipients)
                    .cast_as(Alias::new("text"))
                    .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
            );
        }
        Ok(query.limit(limit).all(conn).await?)
    }

    /// How many mails are in each status.
    pub async fn counts(conn: &impl ConnectionTrait) -> DbResult<Vec<(String, i64)>> {
        Ok(outbox_row::Entity::find()
            .select_only()
            .column(outbox_row::Column::Status)
            .column_as(outbox_row::Column::Id.count(), "count")
            .group_by(outbox_row::Column::Status)
            .into_tuple()
            .all(conn)
            .await?)
    }
}

/// Idempotency keys of retried requests.
pub mod idempotency {
    use super::*;

    /// The stored record of a key.
    pub async fn get(
        conn: &impl ConnectionTrait,
        user_id: &str,
        key: &str,
    ) -> DbResult<Option<idempotency_key::Model>> {
        Ok(
            idempotency_key::Entity::find_by_id((user_id.to_owned(), key.to_owned()))
                .one(conn)
                .await?,
        )
    }

    /// Claims a key before doing the work; a unique violation means someone else has it.
    pub async fn claim(
        conn: &impl ConnectionTrait,
        user_id: &str,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        insert_one::<idempotency_key::Entity, _, _>(
            conn,
            idempotency_key::Model {
                user_id: user_id.to_owned(),
                key: key.to_owned(),
                fingerprint: fingerprint.to_owned(),
                status_code: None,
                response: None,
                created_at: now,
            },
        )
        .await
    }

    /// Stores the answer given under a key, for replays.
    pub async fn complete(
        conn: &impl ConnectionTrait,
        user_id: &str,
        key: &str,
        status_code: u16,
        response: String,
    ) -> DbResult<()> {
        idempotency_key::Entity::update_many()
            .col_expr(
                idempotency_key::Column::StatusCode,
                Expr::value(i32::from(status_code)),
            )
            .col_expr(idempotency_key::Column::Response, Expr::value(response))
            .filter(idempotency_key::Column::UserId.eq(user_id))
            .filter(idempotency_key::Column::Key.eq(key))
            .exec(conn)
            .await?;
        Ok(())
    }
}

/// Throttling events: failed logins per account (`account:<email>`) and per client address
/// (`ip:<address>`), and password-reset mails per address (`reset:<email>`).
pub mod login_failures {
    use super::*;

    /// Records a failure for each subject (`account:<email>`, `ip:<address>`).
    pub async fn record(
        conn: &impl ConnectionTrait,
        subjects: &[String],
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        let rows = subjects
            .iter()
            .map(|subject| {
                use sea_orm::ActiveValue::{NotSet, Set};
                login_failure::ActiveModel {
                    id: NotSet,
                    subject: Set(subject.clone()),
                    at: Set(now),
                }
            })
            .collect::<Vec<_>>();
        login_failure::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
        Ok(())
    }

    /// Failures of a subject since `since`, and the oldest of them.
    pub async fn since(
        conn: &impl ConnectionTrait,
        subject: &str,
        since: DateTime<Utc>,
    ) -> DbResult<(u64, Option<DateTime<Utc>>)> {
        let query = login_failure::Entity::find()
            .filter(login_failure::Column::Subject.eq(subject))
            .filter(login_failure::Column::At.gt(since));
        let count = query.clone().count(conn).await?;
        let oldest = query
            .order_by_asc(login_failure::Column::At)
            .one(conn)
            .await?
            .map(|row| row.at);
        Ok((count, oldest))
    }

    /// Forgets a subject's failures (after a successful login) and every failure older than
    /// `before`.
    pub async fn clear(
        conn: &impl ConnectionTrait,
        subject: &str,
        before: DateTime<Utc>,
    ) -> DbResult<()> {
        login_failure::Entity::delete_many()
            .filter(
                login_failure::Column::Subject
                    .eq(subject)
                    .or(login_failure::Column::At.lt(before)),
            )
            .exec(conn)
            .await?;
        Ok(())
    }
}
