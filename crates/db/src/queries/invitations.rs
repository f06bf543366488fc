//! Invitations.

use super::*;

/// Adds invitations.
pub async fn insert(conn: &impl ConnectionTrait, rows: Vec<invitation::Model>) -> DbResult<()> {
    insert_all::<invitation::Entity, _, _>(conn, rows).await
}

/// The invitation with this id.
pub async fn by_id(conn: &impl ConnectionTrait, id: &str) -> DbResult<Option<invitation::Model>> {
    Ok(invitation::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?)
}

/// The invitations whose dossier belongs to these formations (all when `None`), newest
/// first, with their dossier.
pub async fn list(
    conn: &impl ConnectionTrait,
    seal: &dyn crate::sealing::Seal,
    formation_ids: Option<&[String]>,
    dossier_id: Option<&str>,
    limit: u64,
    offset: u64,
) -> DbResult<Vec<(invitation::Model, dossier::Model)>> {
    // Two queries rather than a join: invitations and dossiers have no sea-orm relation.
    let mut dossier_query = dossier::Entity::find();
    if let Some(ids) = formation_ids {
        dossier_query =
            dossier_query.filter(dossier::Column::FormationId.is_in(ids.iter().cloned()));
    }
    let mut invitations = invitation::Entity::find();
    if let Some(id) = dossier_id {
        invitations = invitations.filter(invitation::Column::DossierId.eq(id));
    }
    let invitations = invitations
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
        for mut dossier in dossier::Entity::find()
            .filter(dossier::Column::Id.is_in(chunk.iter().cloned()))
            .all(conn)
            .await?
        {
            seal.open(&dossier.id, &mut dossier.content)?;
            dossiers.push(dossier);
        }
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
pub async fn mark_sent(conn: &impl ConnectionTrait, id: &str, now: DateTime<Utc>) -> DbResult<()> {
    invitation::Entity::update_many()
        .col_expr(invitation::Column::LastSentAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
