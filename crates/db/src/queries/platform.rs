//! What the platform remembers of itself between starts, one value per key.

use sea_orm::{ActiveValue::Set, sea_query::OnConflict};

use super::*;

/// The value kept under `key`, if any.
pub async fn get(conn: &impl ConnectionTrait, key: &str) -> DbResult<Option<String>> {
    Ok(platform_state::Entity::find_by_id(key.to_owned())
        .one(conn)
        .await?
        .map(|row| row.value))
}

/// Keeps `value` under `key`, replacing what was there.
pub async fn set(conn: &impl ConnectionTrait, key: &str, value: &str) -> DbResult<()> {
    platform_state::Entity::insert(platform_state::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
    })
    .on_conflict(
        OnConflict::column(platform_state::Column::Key)
            .update_column(platform_state::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}
