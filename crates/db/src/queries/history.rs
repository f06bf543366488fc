//! The dossier's trail of field changes.

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
