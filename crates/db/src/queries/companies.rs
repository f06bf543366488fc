//! Companies, shared by SIRET between the dossiers of one employer.

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
