//! The dossier's history keeps the apprentice's NIR masked (`1 04 03 •• ••• ••• 33`), as every
//! party reads it and it is not encrypted: changes recorded before that rule are masked here.
//! The mask is written out in this migration (not taken from the domain) so that what it does
//! never changes.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, JsonValue, Statement},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The NIR masked, or a plain mask when the text is no NIR.
fn masked(text: &str) -> String {
    let digits: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 15 {
        return "•••".into();
    }
    let part = |range: std::ops::Range<usize>| digits[range].iter().collect::<String>();
    format!(
        "{} {} {} •• ••• ••• {}",
        part(0..1),
        part(1..3),
        part(3..5),
        part(13..15)
    )
}

fn mask_value(value: Option<JsonValue>) -> Option<JsonValue> {
    match value {
        Some(JsonValue::String(text)) if !text.contains('•') => {
            Some(JsonValue::String(masked(&text)))
        }
        other => other,
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let rows = db
            .query_all_raw(Statement::from_string(
                manager.get_database_backend(),
                "SELECT id, old_value, new_value FROM dossier_changes WHERE field = 'apprenti.nir'",
            ))
            .await?;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let old: Option<JsonValue> = row.try_get("", "old_value")?;
            let new: Option<JsonValue> = row.try_get("", "new_value")?;
            manager
                .exec_stmt(
                    Query::update()
                        .table(DossierChanges::Table)
                        .value(DossierChanges::OldValue, mask_value(old))
                        .value(DossierChanges::NewValue, mask_value(new))
                        .and_where(Expr::col(DossierChanges::Id).eq(id))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // What was masked is gone: nothing to bring back.
        Ok(())
    }
}

#[derive(DeriveIden)]
enum DossierChanges {
    Table,
    Id,
    OldValue,
    NewValue,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_nir_keeps_its_sex_birth_and_key_only() {
        assert_eq!(masked("1 04 03 75 123 456 33"), "1 04 03 •• ••• ••• 33");
        assert_eq!(masked("104037512345633"), "1 04 03 •• ••• ••• 33");
        assert_eq!(masked("n'importe quoi"), "•••");
        let already = Some(JsonValue::String("1 04 03 •• ••• ••• 33".into()));
        assert_eq!(mask_value(already.clone()), already);
        assert_eq!(mask_value(None), None);
    }
}
