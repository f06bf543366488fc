//! « Suivi – Info »: where a dossier stands, how it got there, what can be done, which documents
//! exist, and whom to call.

use actix_web::{HttpResponse, get, web};
use api_types::{
    Problem,
    dossiers::{ActionBody, DocumentBody, DossierContactBody, SuiviBody, TransitionBody},
    formations::FormationContactsBody,
};
use domain::{Action, ContractType, access, documents::availabilities};

use crate::{
    auth::Caller,
    error::ApiError,
    routes::dossiers::authors,
    services::{access::Subject, dossiers::load_visible},
    startup::AppState,
};

/// The contacts of a dossier of `contract_type` (user guide A.15): the CFA's for that kind of
/// contract, then the school's.
fn contacts(
    contacts: &FormationContactsBody,
    contract_type: ContractType,
) -> Vec<DossierContactBody> {
    let cfa = match contract_type {
        ContractType::Apprentissage => (
            "Contact CFA – contrats d'apprentissage",
            &contacts.apprentissage,
        ),
        ContractType::Professionnalisation => (
            "Contact CFA – contrats de professionnalisation",
            &contacts.professionnalisation,
        ),
    };
    [cfa, ("Contact de l'école", &contacts.school)]
        .into_iter()
        .filter_map(|(role, contact)| {
            contact.as_ref().map(|c| DossierContactBody {
                role: role.to_owned(),
                name: c.name.clone(),
                email: c.email.clone(),
                phone: c.phone.clone(),
            })
        })
        .collect()
}

/// « Suivi – Info » of a dossier.
///
/// The status and its timeline (who moved it, when, with which comment), the comment of a
/// return for correction, whether « Demande de validation » is possible and what is missing
/// otherwise, the actions the caller is offered, the documents with their availability (and
/// the reason when one cannot exist yet), and the contacts for the dossier's contract type.
#[utoipa::path(
    tag = "dossiers",
    params(("id" = String, Path, description = "The dossier's id")),
    responses(
        (status = 200, description = "« Suivi – Info »", body = SuiviBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers/{id}/suivi")]
pub async fn suivi(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let subject = Subject::resolve(&state, &caller).await?;
    let context = load_visible(&state, &subject, &id).await?;
    let status = context.status();
    let settings = context.evaluation_settings(state.clock.now().date_naive());
    let evaluation = domain::evaluate(&context.dossier.content, &settings);
    let transitions = db::queries::history::transitions_of(&state.db, &context.dossier.id).await?;
    let authors = authors(
        &state,
        transitions
            .iter()
            .filter_map(|t| t.user_id.clone())
            .collect(),
    )
    .await?;
    let timeline: Vec<TransitionBody> = transitions
        .iter()
        .map(|t| TransitionBody {
            at: t.at,
            action: t.action.key().to_owned(),
            action_label: t.action.label().to_owned(),
            from: t.from_status.key().to_owned(),
            to: t.to_status.key().to_owned(),
            author: t.user_id.as_ref().and_then(|id| authors.get(id).cloned()),
            comment: t.comment.clone(),
        })
        .collect();
    let return_comment = (status == domain::Status::Returned)
        .then(|| {
            transitions
                .iter()
                .rev()
                .find(|t| *t.action == Action::Return)
                .and_then(|t| t.comment.clone())
        })
        .flatten();
    let facts = crate::services::documents::facts(&state, &context).await?;
    let formation_contacts: FormationContactsBody =
        serde_json::from_value(context.formation.contacts.clone()).unwrap_or_default();
    Ok(HttpResponse::Ok().json(SuiviBody {
        status: status.key().to_owned(),
        status_label: status.label().to_owned(),
        complete: evaluation.complete,
        incomplete_tabs: evaluation
            .incomplete_tabs()
            .into_iter()
            .map(|tab| tab.label().to_owned())
            .collect(),
        return_comment,
        timeline,
        actions: access::actions(caller.role, status)
            .into_iter()
            .map(|action| ActionBody {
                key: action.key().to_owned(),
                label: action.label().to_owned(),
                needs_comment: action.needs_reason(),
            })
            .collect(),
        documents: availabilities(&facts)
            .into_iter()
            .map(|document| DocumentBody {
                kind: document.kind.key().to_owned(),
                label: document.label.to_owned(),
                available: document.available,
                reason: document.reason.map(str::to_owned),
            })
            .collect(),
        contacts: contacts(&formation_contacts, settings.contract_type),
    }))
}
