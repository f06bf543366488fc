//! The signed-in user.

use actix_web::{HttpResponse, get, web};
use api_types::{
    Problem,
    account::{DossierScope, MeBody},
};
use domain::access::DossierScope as Scope;

use crate::{
    auth::Caller, error::ApiError, routes::users::user_body, services::access::Subject,
    startup::AppState,
};

/// Who am I, and which dossiers may I open?
///
/// Apprentices and company contacts get the dossiers they are party to; responsables de
/// formation those of their formations; CFA staff may open every dossier (`dossier_scope: all`,
/// ids left out: use the dossier list).
#[utoipa::path(
    tag = "accounts",
    responses(
        (status = 200, description = "The user and their dossiers", body = MeBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let user = db::queries::users::by_id(&state.db, &caller.user_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let subject = Subject::resolve(&state, &caller).await?;
    let (dossier_scope, dossier_ids, formation_ids) = match subject.dossier_scope() {
        Scope::Party(user_id) => (
            DossierScope::Own,
            db::queries::dossiers::ids_of_party(&state.db, user_id).await?,
            Vec::new(),
        ),
        Scope::Formations(formations) => (
            DossierScope::Formations,
            db::queries::dossiers::ids_in_formations(&state.db, formations).await?,
            formations.to_vec(),
        ),
        Scope::All => (DossierScope::All, Vec::new(), Vec::new()),
    };
    Ok(HttpResponse::Ok().json(MeBody {
        user: user_body(&user)?,
        dossier_scope,
        dossier_ids,
        formation_ids,
    }))
}
