//! The queries the server runs, a file per table. Each takes a connection or a transaction.

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
        password_reset, platform_state, refresh_token, user, variant,
    },
    insert_all, insert_one,
};

/// How many values go into one `IN (…)` list.
const IN_CHUNK: usize = 500;

pub mod api_tokens;
pub mod companies;
pub mod documents;
pub mod dossiers;
pub mod formations;
pub mod history;
pub mod idempotency;
pub mod invitations;
pub mod login_failures;
pub mod outbox;
pub mod platform;
pub mod secrets;
pub mod signatures;
pub mod users;
