//! Many rows into PostgreSQL as one JSON parameter: `INSERT … SELECT … FROM
//! jsonb_populate_recordset(NULL::table, $1)`.
//!
//! A multi-row `INSERT … VALUES` of 1 000 dossiers binds 23 000 parameters: sea-query writes a
//! placeholder and clones a value for each, sqlx encodes each, PostgreSQL parses and plans a
//! statement of 23 000 parameters. One JSON text per chunk is one parameter, written straight
//! from the values, which PostgreSQL reads into rows of the table's own type.

use chrono::SecondsFormat;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, DbBackend, EntityName, EntityTrait, IdenStatic,
    Iterable, Statement, Value,
};
use serde_json::Value as Json;

use crate::DbResult;

/// A column's value as JSON, or `None` when it has no faithful JSON form here (bytes, a type
/// this module does not know): the caller then inserts the rows as `VALUES`.
fn json_of(value: Value) -> Option<Json> {
    Some(match value {
        Value::Bool(v) => v.map_or(Json::Null, Json::Bool),
        Value::TinyInt(v) => v.map_or(Json::Null, Json::from),
        Value::SmallInt(v) => v.map_or(Json::Null, Json::from),
        Value::Int(v) => v.map_or(Json::Null, Json::from),
        Value::BigInt(v) => v.map_or(Json::Null, Json::from),
        Value::TinyUnsigned(v) => v.map_or(Json::Null, Json::from),
        Value::SmallUnsigned(v) => v.map_or(Json::Null, Json::from),
        Value::Unsigned(v) => v.map_or(Json::Null, Json::from),
        Value::String(v) => v.map_or(Json::Null, Json::String),
        Value::Json(v) => v.map_or(Json::Null, |json| *json),
        // Microseconds, truncated, as sqlx encodes a timestamp for PostgreSQL.
        Value::ChronoDateTimeUtc(v) => v.map_or(Json::Null, |t| {
            Json::String(t.to_rfc3339_opts(SecondsFormat::Micros, true))
        }),
        Value::ChronoDate(v) => v.map_or(Json::Null, |d| {
            Json::String(d.format("%Y-%m-%d").to_string())
        }),
        _ => return None,
    })
}

/// The rows as one JSON array of objects keyed by column, and the columns it holds (those the
/// first row sets; a column it leaves unset takes its default). `None` where a value has no
/// JSON form here or a row sets other columns than the first.
fn as_json<A: ActiveModelTrait>(rows: &[A]) -> Option<(Vec<&'static str>, String)> {
    let first = rows.first()?;
    let columns: Vec<<A::Entity as EntityTrait>::Column> =
        <<A::Entity as EntityTrait>::Column as Iterable>::iter()
            .filter(|column| !matches!(first.get(*column), ActiveValue::NotSet))
            .collect();
    let names: Vec<&'static str> = columns.iter().map(|c| IdenStatic::as_str(c)).collect();
    let mut text = Vec::with_capacity(rows.len() * 256);
    text.push(b'[');
    for (n, row) in rows.iter().enumerate() {
        if n > 0 {
            text.push(b',');
        }
        text.push(b'{');
        for (i, (column, name)) in columns.iter().zip(&names).enumerate() {
            let value = match row.get(*column) {
                ActiveValue::Set(value) | ActiveValue::Unchanged(value) => value,
                ActiveValue::NotSet => return None,
            };
            if i > 0 {
                text.push(b',');
            }
            // Column names are plain identifiers: quoted as they are.
            text.push(b'"');
            text.extend_from_slice(name.as_bytes());
            text.extend_from_slice(b"\":");
            serde_json::to_writer(&mut text, &json_of(value)?).ok()?;
        }
        text.push(b'}');
    }
    text.push(b']');
    Some((names, String::from_utf8(text).ok()?))
}

/// Inserts `rows` through one JSON parameter on PostgreSQL; answers `false`, having written
/// nothing, where [`as_json`] cannot carry them.
pub(crate) async fn insert<A, C>(conn: &C, rows: &[A]) -> DbResult<bool>
where
    A: ActiveModelTrait,
    C: ConnectionTrait,
{
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(false);
    }
    let Some((names, json)) = as_json(rows) else {
        return Ok(false);
    };
    let table = A::Entity::default().table_name().to_owned();
    let columns = names
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ");
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "INSERT INTO \"{table}\" ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::\"{table}\", $1::jsonb)"
        ),
        [Value::from(json)],
    ))
    .await?;
    Ok(true)
}
