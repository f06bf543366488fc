//! Invitations planned and made: each row of an invitation (one, or ten thousand in bulk) is
//! decided against the access codes, the formations the caller may invite into
//! (`domain::access` through [`Subject`]), the accounts that already exist and the rows before
//! it; then everything is written in one transaction — accounts, draft dossiers (made by
//! [`Opening::new_dossier`], as registrations and demo data make theirs), invitations, mails.

use std::collections::{HashMap, HashSet};

use api_types::{FieldErrorBody, invitations::InvitationRequest};
use chrono::{DateTime, Utc};
use db::{
    entities::{dossier, invitation, user},
    queries::outbox::NewMail,
};
use domain::{Email, PersonName, Role};

use crate::{
    auth::Caller,
    error::{ApiError, FieldChecks},
    mail::templates::{self, InvitationMail},
    services::{
        access::Subject,
        accounts::new_invited_user,
        openings::{CodeBook, Opening},
    },
    startup::AppState,
    storage::new_id,
};

/// Everything a batch of invitations writes, in one transaction.
#[derive(Default)]
pub struct Creation {
    /// New accounts.
    pub users: Vec<user::Model>,
    /// New dossiers.
    pub dossiers: Vec<dossier::Model>,
    /// New invitations.
    pub invitations: Vec<invitation::Model>,
    /// Their mails.
    pub mails: Vec<NewMail>,
}

/// Decides each row against the code book, the caller's formations, the accounts that already
/// exist and the rows before it.
pub struct Planner<'a> {
    state: &'a AppState,
    caller: &'a Caller,
    book: CodeBook,
    allowed: Option<HashSet<String>>,
    existing: HashMap<String, user::Model>,
    /// `(user_id, formation_id)` → dossier id.
    dossiers: HashMap<(String, String), String>,
    seen: HashMap<String, usize>,
    /// When the plan is made: every row's timestamps.
    pub now: DateTime<Utc>,
    /// The CFA's block of every new dossier, read once for all the rows.
    cfa: Option<serde_json::Value>,
    /// What the rows planned so far create.
    pub creation: Creation,
}

/// What planning one row decided.
pub enum Decision {
    /// An account or a dossier will be made.
    Created {
        /// The dossier the row leads to.
        dossier_id: String,
    },
    /// The apprentice already has a dossier in that formation: nothing to do.
    AlreadyInvited {
        /// Their dossier.
        dossier_id: String,
    },
    /// The row is refused, with each field at fault.
    Refused(Vec<FieldErrorBody>),
}

impl<'a> Planner<'a> {
    /// Loads what planning `rows` needs, within what `caller` may invite into.
    pub async fn new(
        state: &'a AppState,
        caller: &'a Caller,
        rows: &[InvitationRequest],
    ) -> Result<Self, ApiError> {
        let subject = Subject::resolve(state, caller).await?;
        let allowed = subject
            .formation_filter()?
            .map(|ids| ids.iter().cloned().collect());
        let emails: Vec<String> = rows
            .iter()
            .filter_map(|row| Email::parse(&row.email).ok())
            .map(|email| email.as_ref().to_owned())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let existing: HashMap<String, user::Model> =
            db::queries::users::by_emails(&state.db, &emails)
                .await?
                .into_iter()
                .map(|u| (u.email.clone(), u))
                .collect();
        let apprentice_ids: Vec<String> = existing.values().map(|u| u.id.clone()).collect();
        let dossiers = db::queries::dossiers::of_apprentices(&state.db, &apprentice_ids)
            .await?
            .into_iter()
            .map(|(user_id, formation_id, dossier_id)| ((user_id, formation_id), dossier_id))
            .collect();
        Ok(Self {
            state,
            caller,
            book: CodeBook::load(&state.db).await?,
            allowed,
            existing,
            dossiers,
            seen: HashMap::new(),
            now: state.clock.now(),
            cfa: state.settings.cfa_content(),
            creation: Creation::default(),
        })
    }

    /// The account (existing or planned) with this id.
    pub fn account(&self, user_id: &str) -> Option<&user::Model> {
        self.existing.values().find(|u| u.id == user_id)
    }

    /// The access code as stored, of the open variant a typed code names.
    pub fn stored_code(&self, typed: &str) -> Option<String> {
        self.book
            .open(typed)
            .ok()
            .map(|opening| opening.variant.access_code.clone())
    }

    /// Decides one row (numbered from 1), adding what it creates to the plan.
    pub fn plan(&mut self, row_number: usize, row: &InvitationRequest) -> Decision {
        let mut checks = FieldChecks::new();
        let email = checks.parse("email", Email::parse(&row.email));
        let first_name = checks.parse("first_name", PersonName::parse(&row.first_name));
        let last_name = checks.parse("last_name", PersonName::parse(&row.last_name));
        let opening = match self.book.open(&row.access_code) {
            Ok(opening) => Some(opening.clone()),
            Err(refusal) => {
                checks.push("access_code", refusal.code(), refusal.message());
                None
            }
        };
        if let Some(opening) = &opening
            && self
                .allowed
                .as_ref()
                .is_some_and(|ids| !ids.contains(&opening.formation.id))
        {
            checks.push(
                "access_code",
                "forbidden_formation",
                "Vous n'êtes pas responsable de cette formation : vous ne pouvez pas y inviter.",
            );
        }
        if let Some(email) = &email
            && let Some(first_row) = self.seen.get(email.as_ref())
        {
            checks.push(
                "email",
                "duplicate_in_request",
                format!("Cette adresse figure déjà à la ligne {first_row} de cet envoi."),
            );
        }
        let (Some(email), Some(first_name), Some(last_name), Some(opening), true) =
            (email, first_name, last_name, opening, checks.is_empty())
        else {
            return Decision::Refused(checks.into_errors());
        };
        self.seen.insert(email.as_ref().to_owned(), row_number);

        let now = self.now;
        match self.existing.get(email.as_ref()).cloned() {
            Some(existing) if *existing.role != Role::Alternant => {
                checks.push(
                    "email",
                    api_types::codes::EMAIL_IN_USE,
                    "Cette adresse est celle d'un compte qui n'est pas un alternant : l'alternant doit être invité avec sa propre adresse.",
                );
                Decision::Refused(checks.into_errors())
            }
            Some(existing) => {
                let key = (existing.id.clone(), opening.formation.id.clone());
                if let Some(dossier_id) = self.dossiers.get(&key) {
                    return Decision::AlreadyInvited {
                        dossier_id: dossier_id.clone(),
                    };
                }
                let dossier = opening.new_dossier(&existing, self.cfa.as_ref(), now);
                self.dossiers.insert(key, dossier.id.clone());
                self.creation.mails.push(templates::new_dossier(
                    &existing.email,
                    &existing.first_name,
                    &opening.purpose(),
                    &self.state.login_url(),
                ));
                Decision::Created {
                    dossier_id: self.add(&existing, dossier),
                }
            }
            None => {
                let expires = now + self.state.generated_password_lifetime();
                let (account, password) = new_invited_user(
                    &email,
                    &first_name,
                    &last_name,
                    Role::Alternant,
                    now,
                    expires,
                );
                let dossier = opening.new_dossier(&account, self.cfa.as_ref(), now);
                self.creation
                    .mails
                    .push(invitation_mail(self.state, &account, &opening, &password));
                self.dossiers.insert(
                    (account.id.clone(), opening.formation.id.clone()),
                    dossier.id.clone(),
                );
                self.existing.insert(account.email.clone(), account.clone());
                self.creation.users.push(account.clone());
                Decision::Created {
                    dossier_id: self.add(&account, dossier),
                }
            }
        }
    }

    fn add(&mut self, account: &user::Model, dossier: dossier::Model) -> String {
        let dossier_id = dossier.id.clone();
        self.creation.invitations.push(invitation::Model {
            id: new_id(),
            user_id: account.id.clone(),
            dossier_id: dossier_id.clone(),
            invited_by: Some(self.caller.user_id.clone()),
            created_at: self.now,
            last_sent_at: self.now,
        });
        self.creation.dossiers.push(dossier);
        dossier_id
    }
}

/// The « Bienvenue » mail of an invited account with its generated password.
pub fn invitation_mail(
    state: &AppState,
    account: &user::Model,
    opening: &Opening,
    password: &str,
) -> NewMail {
    templates::invitation(InvitationMail {
        to: &account.email,
        first_name: &account.first_name,
        purpose: opening.purpose(),
        password,
        valid_minutes: state.settings.auth.generated_password_minutes,
        login_url: &state.login_url(),
    })
}

/// Rows planned and written at a time by [`invite_in_slices`].
pub const SLICE_ROWS: usize = 1_000;

/// Decides every row and writes what they create in the caller's transaction, a slice of
/// [`SLICE_ROWS`] rows at a time: what a slice builds (accounts, dossiers, rendered mails, about
/// 8 KB a row) is written and dropped before the next slice is planned, so that a 10 000-row
/// call holds a tenth of its creation at once instead of all of it (heaptrack: 84 MB). Later
/// rows still see the earlier ones (an address repeated, a dossier already made): the planner
/// keeps what it decided, only the creation is handed over. Returns each row's decision, in
/// order.
pub async fn invite_in_slices(
    state: &AppState,
    txn: &db::DatabaseTransaction,
    planner: &mut Planner<'_>,
    rows: &[InvitationRequest],
) -> Result<Vec<Decision>, ApiError> {
    let mut decisions = Vec::with_capacity(rows.len());
    for (slice_index, slice) in rows.chunks(SLICE_ROWS).enumerate() {
        let first_row = slice_index * SLICE_ROWS + 1;
        let started = std::time::Instant::now();
        decisions.extend(
            slice
                .iter()
                .enumerate()
                .map(|(i, row)| planner.plan(first_row + i, row)),
        );
        let planned = started.elapsed();
        persist(state, txn, std::mem::take(&mut planner.creation)).await?;
        tracing::debug!(
            first_row,
            planned_us = planned.as_micros() as u64,
            written_us = (started.elapsed() - planned).as_micros() as u64,
            "bulk invitation slice"
        );
    }
    Ok(decisions)
}

/// Writes what the planner decided, in the caller's transaction.
pub async fn persist(
    state: &AppState,
    txn: &db::DatabaseTransaction,
    creation: Creation,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    match db::queries::users::insert(txn, creation.users).await {
        Err(db::DbError::Unique(_)) => {
            return Err(ApiError::Conflict {
                code: api_types::codes::CONCURRENT_INVITATION,
                detail: "Une autre invitation vers la même adresse a eu lieu en même temps : renvoyez la requête, les lignes déjà faites seront signalées « already_invited ».".into(),
            });
        }
        other => other?,
    }
    db::queries::dossiers::insert(txn, &state.seal, creation.dossiers).await?;
    db::queries::invitations::insert(txn, creation.invitations).await?;
    state.outbox.queue(txn, creation.mails, now).await?;
    Ok(())
}
