//! Who may do what: the one rule that every path of the server (reads, lists, counts, exports,
//! Suivi, history, writes, invitations, documents) and the browser (to grey out what cannot be
//! edited) ask. Nothing else decides access.
//!
//! The answers depend on the [`Viewer`] (role, user id, the formations a responsable manages),
//! the dossier's [`Parties`] and its [`DossierState`] — never on where the request came from.

use crate::{
    Role, Status, Tab,
    catalogue::FieldDef,
    workflow::{Action, Actor, TransitionContext, ValidationMode, transition},
};

/// The person asking, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer<'a> {
    /// Their account.
    pub user_id: &'a str,
    /// Their role.
    pub role: Role,
    /// The formations they are responsable of (only read for [`Role::Formation`]).
    pub managed_formations: &'a [String],
}

/// Who a dossier belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parties<'a> {
    /// The apprentice's account.
    pub apprentice_id: &'a str,
    /// The company contact's account, once one has joined.
    pub employer_id: Option<&'a str>,
    /// The formation the dossier belongs to.
    pub formation_id: &'a str,
}

/// What of a dossier's state decides who writes which field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DossierState {
    /// Where the dossier is in its life.
    pub status: Status,
    /// Whether a company contact has joined the dossier (user guides A.8, B.12: until then the
    /// apprentice fills what the company would).
    pub company_contact_joined: bool,
}

/// Which dossiers a viewer sees — what lists, counts, exports and `me` filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DossierScope<'a> {
    /// Every dossier (CFA staff).
    All,
    /// The dossiers of these formations (a responsable de formation).
    Formations(&'a [String]),
    /// The dossiers this account is a party of (the apprentice, the company contact).
    Party(&'a str),
}

/// Which formations a viewer sees and invites into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormationScope<'a> {
    /// Every formation (CFA staff).
    All,
    /// These formations (a responsable de formation).
    Only(&'a [String]),
    /// None (apprentices and company contacts).
    None,
}

impl FormationScope<'_> {
    /// Whether the formation is in the scope.
    pub fn contains(self, formation_id: &str) -> bool {
        match self {
            Self::All => true,
            Self::Only(ids) => ids.iter().any(|id| id == formation_id),
            Self::None => false,
        }
    }
}

/// The dossiers `viewer` sees.
pub fn dossier_scope<'a>(viewer: Viewer<'a>) -> DossierScope<'a> {
    match viewer.role {
        Role::Cfa => DossierScope::All,
        Role::Formation => DossierScope::Formations(viewer.managed_formations),
        Role::Alternant | Role::Employeur => DossierScope::Party(viewer.user_id),
    }
}

/// Whether `viewer` sees the dossier of `parties`: a party of it, a responsable of its
/// formation, or CFA staff.
pub fn sees_dossier(viewer: Viewer<'_>, parties: Parties<'_>) -> bool {
    match dossier_scope(viewer) {
        DossierScope::All => true,
        DossierScope::Formations(ids) => ids.iter().any(|id| id == parties.formation_id),
        DossierScope::Party(user_id) => match viewer.role {
            Role::Alternant => parties.apprentice_id == user_id,
            _ => parties.employer_id == Some(user_id),
        },
    }
}

/// The formations `viewer` sees, manages and invites into.
pub fn formation_scope<'a>(viewer: Viewer<'a>) -> FormationScope<'a> {
    match viewer.role {
        Role::Cfa => FormationScope::All,
        Role::Formation => FormationScope::Only(viewer.managed_formations),
        Role::Alternant | Role::Employeur => FormationScope::None,
    }
}

/// Whether `role` may change a formation's settings, variants and access codes: CFA staff only
/// (a responsable reads their formations and invites into them).
pub fn manages_formations(role: Role) -> bool {
    role == Role::Cfa
}

/// Whether `role` may invite apprentices (into the formations of its [`formation_scope`]).
pub fn invites(role: Role) -> bool {
    matches!(role, Role::Formation | Role::Cfa)
}

/// Whether `role` may hold API tokens to script the platform (staff only).
pub fn holds_api_tokens(role: Role) -> bool {
    matches!(role, Role::Formation | Role::Cfa)
}

/// Whether `role` may list and create accounts.
pub fn manages_accounts(role: Role) -> bool {
    role == Role::Cfa
}

/// Whether the dossier's status lets `role` write anything at all. Draft: the apprentice and the
/// CFA (Données de base). In progress or returned: every party. While validation is requested:
/// staff only (the responsable corrects the CFA's part, the CFA anything). Frozen and cancelled
/// dossiers refuse every write.
fn status_open_to(role: Role, status: Status) -> bool {
    use Status::*;
    match status {
        Draft => matches!(role, Role::Alternant | Role::Cfa),
        InProgress | Returned => true,
        ValidationRequested => matches!(role, Role::Formation | Role::Cfa),
        Validated | EconomicsValidated | InSignature | Signed | Cancelled => false,
    }
}

/// Whether `role` may write `field` of a dossier in `state`.
///
/// The catalogue's `filled_by` says who fills each field; the status says whether anyone may
/// write now (a draft opens only Données de base). CFA staff may correct any field. Until a
/// company contact joins, the apprentice fills what the company would (user guides A.8, B.12).
pub fn may_write_field(role: Role, field: &FieldDef, state: DossierState) -> bool {
    if !status_open_to(role, state.status) {
        return false;
    }
    if state.status == Status::Draft && field.tab != Tab::Base {
        return false;
    }
    let stands_in_for_company = role == Role::Alternant
        && !state.company_contact_joined
        && field.filled_by.contains(&Role::Employeur);
    role == Role::Cfa || field.filled_by.contains(&role) || stands_in_for_company
}

/// The tabs where `role` may write at least one field of a dossier in `state`.
pub fn writable_tabs(role: Role, state: DossierState) -> Vec<Tab> {
    Tab::ALL
        .into_iter()
        .filter(|&tab| {
            crate::FIELDS
                .iter()
                .any(|field| field.tab == tab && may_write_field(role, field, state))
        })
        .collect()
}

/// Whether `role` may change the niveau de saisie in `status`: it is chosen on Données de base by
/// the apprentice (user guide B.9) or the CFA, never by the company contact or the responsable.
pub fn may_change_niveau_saisie(role: Role, status: Status) -> bool {
    matches!(role, Role::Alternant | Role::Cfa) && status_open_to(role, status)
}

/// The actions `role` sees as buttons in `status` (whether they succeed still depends on the
/// dossier's completeness and a reason: [`transition`] decides).
pub fn actions(role: Role, status: Status) -> Vec<Action> {
    let ctx = TransitionContext {
        complete: true,
        base_complete: true,
        validation_mode: ValidationMode::Manual,
        has_reason: true,
        economics_ready: true,
        contract_ended: false,
    };
    Action::ALL
        .into_iter()
        .filter(|&action| transition(status, action, Actor::User(role), &ctx).is_ok())
        .collect()
}

/// Whether `role` reads the apprentice's social security number in full (on dossiers it sees):
/// the apprentice, whose own it is, and CFA staff, who declare the contract. The company
/// contact and the responsable de formation see it masked ([`crate::Nir::masked`]): they check
/// that it is there, they have no use for the number itself.
pub fn sees_full_nir(role: Role) -> bool {
    matches!(role, Role::Alternant | Role::Cfa)
}

/// The content as `role` reads it: the NIR masked for those who may not read it in full.
pub fn content_seen_by(
    role: Role,
    mut content: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    if !sees_full_nir(role)
        && let Some(nir) = content
            .get_mut("apprenti")
            .and_then(|apprenti| apprenti.get_mut("nir"))
        && let Some(parsed) = nir.as_str().and_then(|text| crate::Nir::parse(text).ok())
    {
        *nir = serde_json::Value::String(parsed.masked());
    }
    content
}

/// Whether `role` reads the economic elements (financing is the CFA's and the formation's
/// business, not the parties').
pub fn sees_economics(role: Role) -> bool {
    matches!(role, Role::Formation | Role::Cfa)
}

/// Whether the CERFA made outside the platform (saisie simple) may be deposited in `status`: by
/// any party of the dossier (who made it, or who received it), until the validation freezes the
/// dossier — what is validated is what is signed.
pub fn may_deposit_cerfa(status: Status) -> bool {
    !status.is_frozen() && status != Status::Cancelled
}

/// Whether `role` downloads the documents of a whole list as one archive: CFA staff and the
/// responsables de formation, over the dossiers they see.
pub fn downloads_document_batches(role: Role) -> bool {
    matches!(role, Role::Cfa | Role::Formation)
}

/// Whether `role` runs signature circuits beyond sending them: records a signature made on
/// paper and uploads its scan. CFA staff only, like the sending (`Action::SendForSignature`).
pub fn records_paper_signatures(role: Role) -> bool {
    role == Role::Cfa
}

/// Whether `role` enters economic elements at all: CFA staff only.
pub fn enters_economics(role: Role) -> bool {
    role == Role::Cfa
}

/// Whether `role` may enter the economic elements in `status`: CFA staff, from the start (they
/// often know the financing before the parties finish) until the elements are validated; a
/// reopened dossier's may be corrected again.
pub fn may_edit_economics(role: Role, status: Status) -> bool {
    use Status::*;
    enters_economics(role)
        && matches!(
            status,
            Draft | InProgress | ValidationRequested | Returned | Validated
        )
}
