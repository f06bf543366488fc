//! Dossiers: loading one the caller may see, and every write — content patches, economic
//! elements, workflow transitions, an invitation's address correction — through one pipeline
//! ([`write`]): the change is applied to the row, evaluated, listed, linked to its company, saved
//! under a version guard, recorded in the history with its transition, and its e-mails queued,
//! all in one transaction.

use api_types::FieldErrorBody;
use chrono::{DateTime, Utc};
use db::{
    DatabaseTransaction,
    entities::{dossier, dossier_transition, formation, variant},
    queries::{dossiers::Listing, history::NewChange, outbox::NewMail},
};
use domain::{
    Action, EvaluationSettings, FieldError, FormationDates, NiveauSaisie, Status,
    access::{self, DossierState, Parties},
    codes::CerfaVersion,
    evaluation::Evaluation,
    patch::Refusal,
};
use serde_json::Value as Json;

use domain::regulatory::RegulatoryData;

use crate::{error::ApiError, services::access::Subject, startup::AppState, storage::stored_key};

/// A dossier with the formation and variant it belongs to.
pub struct DossierContext {
    /// The dossier.
    pub dossier: dossier::Model,
    /// Its formation.
    pub formation: formation::Model,
    /// Its variant.
    pub variant: variant::Model,
    /// The regulatory data its evaluation reads.
    pub data: &'static RegulatoryData,
}

/// What lists show and search of a dossier, from its content.
pub fn listing_of(content: &serde_json::Value, complete: bool) -> Listing {
    let text = |key: &str| {
        domain::evaluation::lookup(content, key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let date = |key: &str| text(key).and_then(|d| domain::values::parse_date(&d).ok());
    let name = match (text("apprenti.nom"), text("apprenti.prenom")) {
        (Some(last), Some(first)) => Some(format!("{} {first}", last.to_uppercase())),
        (Some(last), None) => Some(last.to_uppercase()),
        (None, first) => first,
    };
    let email = text("apprenti.courriel").map(|e| e.to_lowercase());
    let siret = text("employeur.siret")
        .and_then(|s| domain::Siret::parse(&s).ok())
        .map(|s| s.as_ref().to_owned());
    let employer = text("employeur.denomination");
    let search_text = [&name, &email, &siret, &employer]
        .into_iter()
        .flatten()
        .map(|part| part.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    Listing {
        apprentice_name: name,
        apprentice_email: email,
        siret,
        employer_name: employer,
        contract_start: date("contrat.dateDebutContrat"),
        contract_end: date("contrat.dateFinContrat"),
        complete,
        search_text,
    }
}

/// Computes the listing of dossiers stored before it existed; answers how many.
pub async fn backfill_listings(
    db: &db::DatabaseConnection,
    seal: &dyn db::sealing::Seal,
    data: &'static RegulatoryData,
    today: chrono::NaiveDate,
) -> Result<usize, db::DbError> {
    let rows = db::queries::dossiers::without_listing(db, seal).await?;
    refresh_listings(db, rows, data, today, false).await
}

/// Where the platform keeps the hash of the rules and data the stored listings were computed
/// with.
const EVALUATION_INPUTS: &str = "listings.evaluation_inputs";

/// Dossiers read and listed again per transaction when the rules or data changed.
const REFRESH_BATCH: u64 = 1000;

/// Recomputes every dossier's « complet » when the rules' revision or the regulatory data in
/// force differ from those the stored listings were computed with (a SMIC revaluation, a CFA's
/// IDCC list, a release whose rules changed), then remembers the new ones. Answers how many
/// listings changed, `None` when nothing had to be recomputed.
pub async fn refresh_listings_if_rules_changed(
    db: &db::DatabaseConnection,
    seal: &dyn db::sealing::Seal,
    data: &'static RegulatoryData,
    today: chrono::NaiveDate,
) -> Result<Option<usize>, db::DbError> {
    let inputs = crate::services::documents::sha256_hex(data.evaluation_inputs().as_bytes());
    if db::queries::platform::get(db, EVALUATION_INPUTS)
        .await?
        .as_deref()
        == Some(&inputs)
    {
        return Ok(None);
    }
    let mut changed = 0;
    let mut after: Option<String> = None;
    loop {
        let rows =
            db::queries::dossiers::batch_after(db, seal, after.as_deref(), REFRESH_BATCH).await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = Some(last.id.clone());
        let txn = db::TransactionTrait::begin(db).await?;
        changed += refresh_listings(&txn, rows, data, today, true).await?;
        txn.commit().await?;
    }
    db::queries::platform::set(db, EVALUATION_INPUTS, &inputs).await?;
    Ok(Some(changed))
}

/// Recomputes the listing of `rows` (after their formation's settings changed, completeness
/// may have too); with `only_changed`, writes only those whose completeness moved. Answers how
/// many were written.
pub async fn refresh_listings(
    db: &impl db::ConnectionTrait,
    rows: Vec<dossier::Model>,
    data: &'static RegulatoryData,
    today: chrono::NaiveDate,
    only_changed: bool,
) -> Result<usize, db::DbError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let formations = db::queries::formations::list(db, None).await?;
    let variants = db::queries::formations::variants(db, None).await?;
    let mut done = 0;
    for dossier in rows {
        let (Some(formation), Some(variant)) = (
            formations.iter().find(|f| f.id == dossier.formation_id),
            variants.iter().find(|v| v.id == dossier.variant_id),
        ) else {
            continue;
        };
        let context = DossierContext {
            dossier,
            formation: formation.clone(),
            variant: variant.clone(),
            data,
        };
        let settings = context.evaluation_settings(today);
        let complete = domain::evaluate(&context.dossier.content, &settings).complete;
        if only_changed && context.dossier.complete == Some(complete) {
            continue;
        }
        let listing = listing_of(&context.dossier.content, complete);
        db::queries::dossiers::store_listing(db, &context.dossier.id, &listing).await?;
        done += 1;
    }
    Ok(done)
}

/// The answer for a dossier that is unknown or not the caller's: the same, so that ids reveal
/// nothing.
pub fn not_found() -> ApiError {
    ApiError::NotFound {
        code: api_types::codes::DOSSIER_NOT_FOUND,
        detail: "Dossier introuvable.".into(),
    }
}

/// The dossier with its formation and variant, for the platform's own work (a signer's link
/// names its dossier; no user is behind it): 404 when it does not exist.
pub async fn load(state: &AppState, id: &str) -> Result<DossierContext, ApiError> {
    let (dossier, formation, variant) =
        db::queries::dossiers::with_formation(&state.db, &state.seal, id)
            .await?
            .ok_or_else(not_found)?;
    Ok(DossierContext {
        dossier,
        formation,
        variant,
        data: state.regulatory,
    })
}

/// The dossier if `subject` sees it (`domain::access::sees_dossier`); unknown and foreign
/// dossiers get the same 404.
pub async fn load_visible(
    state: &AppState,
    subject: &Subject,
    id: &str,
) -> Result<DossierContext, ApiError> {
    let context = load(state, id).await?;
    if !subject.sees_dossier(context.parties()) {
        return Err(not_found());
    }
    Ok(context)
}

impl DossierContext {
    /// The dossier's status.
    pub fn status(&self) -> Status {
        *self.dossier.status
    }

    /// What the evaluation depends on besides the content. The variant's own dates come first:
    /// a 2nd-year variant's contracts start a year after the formation's first day.
    pub fn evaluation_settings(&self, today: chrono::NaiveDate) -> EvaluationSettings {
        EvaluationSettings {
            niveau_saisie: *self.dossier.niveau_saisie,
            contract_type: *self.dossier.contract_type,
            mission: *self.formation.mission,
            formation: FormationDates {
                start: Some(self.variant.start_date.unwrap_or(self.formation.start_date)),
                end: Some(self.variant.end_date.unwrap_or(self.formation.end_date)),
            },
            cerfa_version: CerfaVersion::default(),
            today,
            data: self.data,
        }
    }

    /// Who the dossier belongs to, as `domain::access` asks.
    pub fn parties(&self) -> Parties<'_> {
        Parties {
            apprentice_id: &self.dossier.apprentice_id,
            employer_id: self.dossier.employer_id.as_deref(),
            formation_id: &self.dossier.formation_id,
        }
    }

    /// What of the dossier decides who writes which field.
    pub fn access_state(&self) -> DossierState {
        DossierState {
            status: self.status(),
            company_contact_joined: self.dossier.employer_id.is_some(),
        }
    }
}

/// What a write's `If-Match` names (RFC 9110 §13.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// No `If-Match`.
    Absent,
    /// `If-Match: *`: any current version.
    Any,
    /// The entity tags listed, as sent (`"v3"`, `W/"v3"`, anything else).
    Tags(Vec<String>),
}

impl IfMatch {
    /// Whether the header matches the dossier at `version`: `*`, or a strong tag equal to its
    /// ETag (a weak `W/"…"` or an unreadable tag never matches).
    pub fn matches(&self, version: i64) -> bool {
        match self {
            Self::Absent => false,
            Self::Any => true,
            Self::Tags(tags) => {
                let current = crate::error::etag(version);
                tags.contains(&current)
            }
        }
    }

    /// Refuses a write: 428 without `If-Match`, 412 naming the current version when it does not
    /// match.
    pub fn require(&self, version: i64) -> Result<(), ApiError> {
        match self {
            Self::Absent => Err(ApiError::PreconditionRequired),
            _ if self.matches(version) => Ok(()),
            _ => Err(ApiError::StaleVersion(version)),
        }
    }

    /// Like [`IfMatch::require`], for the writes where the header is optional (workflow
    /// actions): an absent header lets the action be judged on the dossier as it is now.
    pub fn check_if_sent(&self, version: i64) -> Result<(), ApiError> {
        match self {
            Self::Absent => Ok(()),
            _ => self.require(version),
        }
    }
}

/// A status change that goes with a write.
#[derive(Debug, Clone)]
pub struct Moved {
    /// The action taken.
    pub action: Action,
    /// The status before.
    pub from: Status,
    /// The status after.
    pub to: Status,
    /// The comment or reason given.
    pub comment: Option<String>,
}

/// What a write changes; what it leaves `None` stays as it is.
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// The new content.
    pub content: Option<Json>,
    /// The new niveau de saisie.
    pub niveau_saisie: Option<NiveauSaisie>,
    /// The new economic elements.
    pub economics: Option<Json>,
    /// Each changed field or member, old → new, for the history.
    pub history: Vec<(String, Option<Json>, Option<Json>)>,
    /// The transition, if the write moves the dossier.
    pub moved: Option<Moved>,
}

/// A dossier as a write left it, with its evaluation.
pub struct Written {
    /// The dossier, at its new version.
    pub context: DossierContext,
    /// What it was evaluated under.
    pub settings: EvaluationSettings,
    /// Its evaluation.
    pub evaluation: Evaluation,
}

/// The dossier as it is, evaluated: what a write that changed nothing answers.
pub fn unchanged(context: DossierContext, today: chrono::NaiveDate) -> Written {
    let settings = context.evaluation_settings(today);
    let evaluation = domain::evaluate(&context.dossier.content, &settings);
    Written {
        context,
        settings,
        evaluation,
    }
}

/// The 412 of a write whose version-guarded save found the dossier changed meanwhile, naming
/// the version that won.
async fn lost_race(state: &AppState, id: &str) -> ApiError {
    match db::queries::dossiers::by_id(&state.db, &state.seal, id).await {
        Ok(Some(latest)) => ApiError::StaleVersion(latest.version),
        Ok(None) => not_found(),
        Err(error) => error.into(),
    }
}

/// Writes `change` to the dossier of `context` as its next version, by `author` (a user id;
/// `None` for the platform), in one transaction: apply → evaluate → listing → company → `effects`
/// (what goes with the change: accounts, invitations; they may link the company contact on the
/// row) → version-guarded save (412 when someone wrote first) → history and transition → mails.
pub async fn write<F>(
    state: &AppState,
    mut context: DossierContext,
    author: Option<&str>,
    change: Change,
    effects: F,
) -> Result<Written, ApiError>
where
    F: AsyncFnOnce(&DatabaseTransaction, &mut DossierContext) -> Result<Vec<NewMail>, ApiError>,
{
    let now = state.clock.now();
    let expected_version = context.dossier.version;
    // What decides whether the company changes.
    let (siret_before, employer_before, company_before) = (
        context.dossier.siret.clone(),
        context.dossier.employer_name.clone(),
        context.dossier.company_id.clone(),
    );
    let row = &mut context.dossier;
    if let Some(content) = change.content {
        row.content = content;
    }
    if let Some(niveau) = change.niveau_saisie {
        row.niveau_saisie = niveau.into();
    }
    if let Some(economics) = change.economics {
        row.economics = Some(economics);
    }
    if let Some(moved) = &change.moved {
        row.status = moved.to.into();
    }
    row.version = expected_version + 1;
    row.updated_at = now;
    let settings = context.evaluation_settings(now.date_naive());
    let evaluation = domain::evaluate(&context.dossier.content, &settings);
    let listing = listing_of(&context.dossier.content, evaluation.complete);
    listing.apply(&mut context.dossier);

    let (_queued, txn) = state.begin_write().await?;
    // The company changes only with the SIRET or the employer's name.
    let row = &mut context.dossier;
    row.company_id = match &listing.siret {
        Some(_) if listing.siret == siret_before && listing.employer_name == employer_before => {
            company_before
        }
        Some(siret) => Some(
            db::queries::companies::upsert(&txn, siret, listing.employer_name.as_deref(), now)
                .await?,
        ),
        None => None,
    };
    let mails = effects(&txn, &mut context).await?;
    let row = &context.dossier;
    if !db::queries::dossiers::save_guarded(&txn, &state.seal, row, expected_version).await? {
        drop(txn);
        return Err(lost_race(state, &row.id).await);
    }
    if let Some(moved) = &change.moved {
        crate::services::documents::follow_move(state, &txn, &context, moved, author).await?;
        crate::services::signatures::follow_move(state, &txn, &context, moved).await?;
    }
    let row = &context.dossier;
    record(&txn, row, author, now, change.history, change.moved).await?;
    let queued_mail = !mails.is_empty();
    state.outbox.queue(&txn, mails, now).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    if queued_mail {
        state.outbox.wake();
    }
    Ok(Written {
        context,
        settings,
        evaluation,
    })
}

/// `subject`'s edit of the dossier, written when it changes a field (its history is not empty),
/// else the dossier as it is: a patch that changes nothing makes no new version.
async fn write_if_changed(
    state: &AppState,
    context: DossierContext,
    subject: &Subject,
    change: Change,
    today: chrono::NaiveDate,
) -> Result<Written, ApiError> {
    if change.history.is_empty() {
        return Ok(unchanged(context, today));
    }
    write(
        state,
        context,
        Some(&subject.caller.user_id),
        change,
        no_effects,
    )
    .await
}

/// What a write that only changes the dossier adds: nothing.
async fn no_effects(
    _: &DatabaseTransaction,
    _: &mut DossierContext,
) -> Result<Vec<NewMail>, ApiError> {
    Ok(Vec::new())
}

async fn record(
    txn: &DatabaseTransaction,
    row: &dossier::Model,
    author: Option<&str>,
    at: DateTime<Utc>,
    history: Vec<(String, Option<Json>, Option<Json>)>,
    moved: Option<Moved>,
) -> Result<(), ApiError> {
    let user_id = author.map(str::to_owned);
    let changes: Vec<NewChange> = history
        .into_iter()
        .map(|(field, old, new)| NewChange {
            dossier_id: row.id.clone(),
            user_id: user_id.clone(),
            at,
            old: domain::patch::Change::kept_in_history(&field, old),
            new: domain::patch::Change::kept_in_history(&field, new),
            field,
        })
        .collect();
    db::queries::history::record(txn, changes).await?;
    if let Some(moved) = moved {
        db::queries::history::record_transition(
            txn,
            dossier_transition::Model {
                id: 0,
                dossier_id: row.id.clone(),
                user_id,
                at,
                action: moved.action.into(),
                from_status: moved.from.into(),
                to_status: moved.to.into(),
                comment: moved.comment,
            },
        )
        .await?;
    }
    Ok(())
}

/// A content patch (a JSON merge patch) and perhaps a new niveau de saisie, by `subject` under
/// `if_match`: refused whole when the dossier is frozen (409), when a field is unknown or
/// invalid (422) or not the subject's to write (403, `domain::access`).
pub async fn patch_content(
    state: &AppState,
    subject: &Subject,
    id: &str,
    if_match: &IfMatch,
    patch: Option<&Json>,
    niveau_saisie: Option<NiveauSaisie>,
) -> Result<Written, ApiError> {
    let context = load_visible(state, subject, id).await?;
    if_match.require(context.dossier.version)?;
    let access_state = context.access_state();
    if access_state.status.is_frozen() {
        return Err(ApiError::Frozen(access_state.status.label().to_owned()));
    }
    let today = state.clock.now().date_naive();
    let settings = context.evaluation_settings(today);
    let empty = Json::Object(Default::default());
    let (content, changes) = domain::patch::review(
        &context.dossier.content,
        patch.unwrap_or(&empty),
        subject.role(),
        access_state,
        settings.cerfa_version,
    )
    .map_err(patch_refusal)?;
    let mut history: Vec<(String, Option<Json>, Option<Json>)> = changes
        .into_iter()
        .map(|change| (change.key.to_owned(), change.old, change.new))
        .collect();
    let niveau = niveau_saisie.filter(|&niveau| niveau != settings.niveau_saisie);
    if let Some(niveau) = niveau {
        if !access::may_change_niveau_saisie(subject.role(), access_state.status) {
            return Err(ApiError::FieldsForbidden(vec![FieldErrorBody {
                field: "niveau_saisie".into(),
                code: api_types::codes::FIELD_FORBIDDEN.into(),
                message:
                    "Votre rôle ne permet pas de changer le niveau de saisie à ce stade du dossier."
                        .into(),
            }]));
        }
        history.push((
            "niveau_saisie".into(),
            Some(stored_key(&settings.niveau_saisie).into()),
            Some(stored_key(&niveau).into()),
        ));
    }
    let change = Change {
        content: Some(content),
        niveau_saisie: niveau,
        history,
        ..Change::default()
    };
    write_if_changed(state, context, subject, change, today).await
}

/// A refused patch as the API answers it.
fn patch_refusal(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::NotAnObject => ApiError::BadRequest {
            code: api_types::codes::INVALID_BODY,
            detail: "« content » doit être un objet JSON (un merge patch, RFC 7396).".into(),
        },
        Refusal::UnknownFields(paths) => ApiError::Validation(
            paths
                .into_iter()
                .map(|path| FieldErrorBody {
                    message: format!("« {path} » n'est pas un champ du dossier."),
                    field: path,
                    code: api_types::codes::UNKNOWN_FIELD.into(),
                })
                .collect(),
        ),
        Refusal::Forbidden(keys) => ApiError::FieldsForbidden(
            keys.into_iter()
                .map(|key| FieldErrorBody {
                    field: key.to_owned(),
                    code: api_types::codes::FIELD_FORBIDDEN.into(),
                    message: "Votre rôle ne permet pas de modifier ce champ à ce stade du dossier."
                        .into(),
                })
                .collect(),
        ),
        Refusal::Invalid(errors) => ApiError::Validation(
            errors
                .iter()
                .map(|(key, error): &(&str, FieldError)| FieldErrorBody::from_error(key, error))
                .collect(),
        ),
    }
}

impl DossierContext {
    /// The stored economic elements read against the dossier as it is now: `None` before the
    /// CFA entered any.
    pub fn economics(
        &self,
        settings: &EvaluationSettings,
    ) -> Option<Result<domain::economics::Economics, Vec<domain::evaluation::Issue>>> {
        let stored = self.dossier.economics.as_ref()?;
        Some(domain::economics::review(
            stored,
            &domain::economics::EconomicFacts::of(&self.dossier.content, settings),
        ))
    }
}

/// The economic elements entered by `subject` under `if_match`: CFA staff, until the economic
/// validation (`domain::access::may_edit_economics`); refused whole with each member's reason.
pub async fn put_economics(
    state: &AppState,
    subject: &Subject,
    id: &str,
    if_match: &IfMatch,
    input: &Json,
) -> Result<Written, ApiError> {
    let context = load_visible(state, subject, id).await?;
    if !access::enters_economics(subject.role()) {
        return Err(ApiError::Forbidden);
    }
    if_match.require(context.dossier.version)?;
    let status = context.status();
    if !access::may_edit_economics(subject.role(), status) {
        return Err(if status.is_frozen() {
            ApiError::Frozen(status.label().to_owned())
        } else {
            ApiError::Conflict {
                code: api_types::codes::DOSSIER_CANCELLED,
                detail: "Le dossier est annulé : plus rien ne peut y être saisi.".into(),
            }
        });
    }
    let today = state.clock.now().date_naive();
    let settings = context.evaluation_settings(today);
    let facts = domain::economics::EconomicFacts::of(&context.dossier.content, &settings);
    let economics = domain::economics::review(input, &facts).map_err(|issues| {
        ApiError::Validation(issues.iter().map(FieldErrorBody::from).collect())
    })?;
    let stored = economics.to_json();
    let history = economics_changes(context.dossier.economics.as_ref(), &stored);
    let change = Change {
        economics: Some(stored),
        history,
        ..Change::default()
    };
    write_if_changed(state, context, subject, change, today).await
}

/// One history entry per member that changed.
fn economics_changes(old: Option<&Json>, new: &Json) -> Vec<(String, Option<Json>, Option<Json>)> {
    let member = |doc: Option<&Json>, key: &str| {
        doc.and_then(|d| d.get(key))
            .filter(|v| !v.is_null())
            .cloned()
    };
    domain::economics::KEYS
        .iter()
        .filter_map(|key| {
            let (before, after) = (member(old, key), member(Some(new), key));
            (before != after).then(|| (format!("economics.{key}"), before, after))
        })
        .collect()
}
