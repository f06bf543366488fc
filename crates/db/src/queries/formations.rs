//! Formations, their responsables and variants.

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
pub async fn by_id(conn: &impl ConnectionTrait, id: &str) -> DbResult<Option<formation::Model>> {
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

/// The annexes of a formation: its own (variant id empty) and its variants' overrides.
pub async fn annexes(
    conn: &impl ConnectionTrait,
    formation_id: &str,
) -> DbResult<Vec<crate::entities::formation_annex::Model>> {
    use crate::entities::formation_annex;
    Ok(formation_annex::Entity::find()
        .filter(formation_annex::Column::FormationId.eq(formation_id))
        .all(conn)
        .await?)
}

/// Writes an annex (replacing the one of the same formation, variant and kind), or removes it
/// when `row` is `None`.
pub async fn put_annex(
    conn: &impl ConnectionTrait,
    key: (&str, &str, &str),
    row: Option<crate::entities::formation_annex::Model>,
) -> DbResult<()> {
    use crate::entities::formation_annex;
    let (formation_id, variant_id, kind) = key;
    formation_annex::Entity::delete_many()
        .filter(formation_annex::Column::FormationId.eq(formation_id))
        .filter(formation_annex::Column::VariantId.eq(variant_id))
        .filter(formation_annex::Column::Kind.eq(kind))
        .exec(conn)
        .await?;
    if let Some(row) = row {
        insert_one::<formation_annex::Entity, _, _>(conn, row).await?;
    }
    Ok(())
}
