//! Signature circuits (user guide A.13, DESIGN.md « Signature »): who signs which document, in
//! which order, which signer's turn it is, when a circuit is over, when a pending signer is
//! reminded, and what a one-time code and a signer's confirmation must be. The server stores the
//! circuit and runs its provider; every decision is here.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::documents::DocumentKind;

/// How long a signer's e-mailed link stays usable (a reminder renews it).
pub const LINK_DAYS: i64 = 30;
/// How long a one-time code stays usable after it is mailed.
pub const CODE_MINUTES: i64 = 10;
/// Wrong codes accepted for one code before it is spent and a new one must be asked for.
pub const CODE_ATTEMPTS: u32 = 5;
/// Codes a signer may ask for within [`CODE_WINDOW_MINUTES`]: a mailbox is not a target.
pub const CODES_PER_WINDOW: u32 = 5;
/// The window that [`CODES_PER_WINDOW`] counts in.
pub const CODE_WINDOW_MINUTES: i64 = 60;
/// The reminders' default schedule: days after a signer's turn came (cerfa.md has none; the
/// issue asks for 3 and 7).
pub const DEFAULT_REMINDER_DAYS: [u32; 2] = [3, 7];

/// Who signs, as the circuit names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    /// The employer (the company contact signs for it).
    Employeur,
    /// The apprentice or the professionalisation employee.
    Alternant,
    /// The legal representative of a minor non émancipé (no account on the platform).
    RepresentantLegal,
    /// The CFA.
    Cfa,
}

impl SignerRole {
    /// Every role, in the default order of signature.
    pub const ALL: [Self; 4] = [
        Self::Employeur,
        Self::Alternant,
        Self::RepresentantLegal,
        Self::Cfa,
    ];

    /// The role as the API spells it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Employeur => "employeur",
            Self::Alternant => "alternant",
            Self::RepresentantLegal => "representant_legal",
            Self::Cfa => "cfa",
        }
    }

    /// The role from its API spelling.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.key() == key)
    }

    /// The role in French, as e-mails and the evidence page print it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Employeur => "Employeur",
            Self::Alternant => "Alternant(e)",
            Self::RepresentantLegal => "Représentant(e) légal(e)",
            Self::Cfa => "CFA",
        }
    }
}

/// The documents a circuit may carry: the contract and the convention.
pub fn signable(kind: DocumentKind) -> bool {
    matches!(kind, DocumentKind::Cerfa | DocumentKind::Convention)
}

/// One signer of a plan: who, what, and when their turn comes (lower first; equal orders sign
/// in parallel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedSigner {
    /// Who.
    pub role: SignerRole,
    /// What they sign.
    pub documents: Vec<DocumentKind>,
    /// Their turn.
    pub order: u32,
}

/// Who signs what, in which order: the formation's choice, or the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignaturePlan {
    /// The signers, whether or not each is present in a given dossier.
    pub signers: Vec<PlannedSigner>,
    /// Days after a signer's turn came when they are reminded.
    pub reminder_days: Vec<u32>,
}

impl Default for SignaturePlan {
    /// The contract by the employer, the apprentice, the legal representative of a minor non
    /// émancipé, then the CFA; the convention by the employer and the CFA (issue 17): one after
    /// the other, reminders after 3 and 7 days.
    fn default() -> Self {
        use DocumentKind::{Cerfa, Convention};
        let signer = |role, documents: &[DocumentKind], order| PlannedSigner {
            role,
            documents: documents.to_vec(),
            order,
        };
        Self {
            signers: vec![
                signer(SignerRole::Employeur, &[Cerfa, Convention], 1),
                signer(SignerRole::Alternant, &[Cerfa], 2),
                signer(SignerRole::RepresentantLegal, &[Cerfa], 3),
                signer(SignerRole::Cfa, &[Cerfa, Convention], 4),
            ],
            reminder_days: DEFAULT_REMINDER_DAYS.to_vec(),
        }
    }
}

/// The signatures each document needs whatever the formation chooses (cerfa.md §1.3.6): the
/// contract is signed by the employer, the apprentice, the legal representative of a minor non
/// émancipé and visaed by the CFA; the convention binds the employer and the CFA.
pub const REQUIRED_SIGNERS: [(DocumentKind, &[SignerRole]); 2] = [
    (
        DocumentKind::Cerfa,
        &[
            SignerRole::Employeur,
            SignerRole::Alternant,
            SignerRole::RepresentantLegal,
            SignerRole::Cfa,
        ],
    ),
    (
        DocumentKind::Convention,
        &[SignerRole::Employeur, SignerRole::Cfa],
    ),
];

/// The last turn a plan may give: one per signer is already more than any circuit needs.
pub const MAX_ORDER: u32 = 9;
/// The most reminders a plan may schedule.
pub const MAX_REMINDERS: usize = 5;
/// The latest reminder, in days after a signer's turn came (their link lives [`LINK_DAYS`]).
pub const MAX_REMINDER_DAY: u32 = 28;

/// Why a plan cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A role appears twice.
    #[error("Le signataire « {} » figure deux fois dans le circuit.", .0.label())]
    DuplicateRole(SignerRole),
    /// A signer signs nothing, or a document that is not signed.
    #[error("Le signataire « {} » doit signer le CERFA, la convention, ou les deux.", .0.label())]
    NothingToSign(SignerRole),
    /// A signature the law requires is missing.
    #[error("{} doit être signé(e) par : {}.", document_name(*.0), .1.label())]
    Missing(DocumentKind, SignerRole),
    /// A turn of 0 or beyond [`MAX_ORDER`].
    #[error("L'ordre de signature de « {} » doit être compris entre 1 et {MAX_ORDER}.", .0.label())]
    OrderOutOfRange(SignerRole),
    /// A reminder day out of range, or too many reminders.
    #[error(
        "Les relances ont lieu entre 1 et {MAX_REMINDER_DAY} jours après l'envoi, {MAX_REMINDERS} au plus."
    )]
    RemindersOutOfRange,
}

fn document_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Convention => "La convention de formation",
        _ => "Le contrat (CERFA)",
    }
}

impl SignaturePlan {
    /// The plan, checked and put in order: each role once, each signer signs the contract or the
    /// convention, every signature of [`REQUIRED_SIGNERS`] present, turns from 1 to
    /// [`MAX_ORDER`], reminders within the link's life; signers sorted by turn, reminders by day.
    pub fn normalized(mut self) -> Result<Self, PlanError> {
        for (i, signer) in self.signers.iter().enumerate() {
            if self.signers[..i].iter().any(|s| s.role == signer.role) {
                return Err(PlanError::DuplicateRole(signer.role));
            }
            if signer.documents.is_empty() || !signer.documents.iter().all(|d| signable(*d)) {
                return Err(PlanError::NothingToSign(signer.role));
            }
            if !(1..=MAX_ORDER).contains(&signer.order) {
                return Err(PlanError::OrderOutOfRange(signer.role));
            }
        }
        for (kind, roles) in REQUIRED_SIGNERS {
            for role in roles {
                let signs = |s: &PlannedSigner| s.role == *role && s.documents.contains(&kind);
                if !self.signers.iter().any(signs) {
                    return Err(PlanError::Missing(kind, *role));
                }
            }
        }
        self.reminder_days.sort_unstable();
        self.reminder_days.dedup();
        if self.reminder_days.len() > MAX_REMINDERS
            || self
                .reminder_days
                .iter()
                .any(|d| !(1..=MAX_REMINDER_DAY).contains(d))
        {
            return Err(PlanError::RemindersOutOfRange);
        }
        for signer in &mut self.signers {
            signer.documents.sort_by_key(|d| *d as u8);
            signer.documents.dedup();
        }
        self.signers.sort_by_key(|s| (s.order, s.role));
        Ok(self)
    }

    /// The signers of a dossier: the plan's, minus the legal representative when the apprentice
    /// is not a minor non émancipé.
    pub fn for_dossier(&self, minor_not_emancipated: bool) -> Vec<PlannedSigner> {
        self.signers
            .iter()
            .filter(|s| s.role != SignerRole::RepresentantLegal || minor_not_emancipated)
            .cloned()
            .collect()
    }
}

/// How a signer signs: through the platform's link, or on paper with the CFA recording it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerChannel {
    /// An e-mailed link, a one-time code.
    Online,
    /// On paper: the CFA uploads the scan of what they signed.
    Paper,
}

impl SignerChannel {
    /// The channel as the API spells it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Paper => "paper",
        }
    }
}

/// Why the paper signers asked for at sending cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaperSignersError {
    /// Not a role of any circuit.
    #[error("« {0} » n'est pas un signataire : employeur, alternant, representant_legal ou cfa.")]
    UnknownRole(String),
    /// A role this dossier's circuit does not have (an adult apprentice's legal representative).
    #[error("Le signataire « {} » ne figure pas dans le circuit de ce dossier.", .0.label())]
    NotInCircuit(SignerRole),
}

/// Who signs on paper among `signers`, from the roles the CFA ticked at sending (user guide
/// A.13 leaves the channel to the CFA; Esup-Stage's users ask for the employer on paper with
/// the others online). Each role must be one of this circuit's.
pub fn paper_signers(
    requested: &[String],
    signers: &[PlannedSigner],
) -> Result<Vec<SignerRole>, PaperSignersError> {
    let mut roles = Vec::new();
    for key in requested {
        let role = SignerRole::from_key(key.trim())
            .ok_or_else(|| PaperSignersError::UnknownRole(key.clone()))?;
        if !signers.iter().any(|s| s.role == role) {
            return Err(PaperSignersError::NotInCircuit(role));
        }
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// Whether a signature on paper may be recorded for a signer in `status`: one who has not acted
/// yet, whether or not their turn came (a paper signature is often collected ahead), and
/// whatever their channel (a stalled online signer falls back to paper; their link dies).
pub fn may_record_paper(status: SignerStatus) -> bool {
    matches!(status, SignerStatus::Waiting | SignerStatus::Pending)
}

/// Where a signer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerStatus {
    /// Their turn has not come.
    Waiting,
    /// Their turn: the link is out.
    Pending,
    /// Signed (online, or on paper as the CFA recorded it).
    Signed,
    /// Refused, with a reason.
    Refused,
}

impl SignerStatus {
    /// The status as the API spells it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Pending => "pending",
            Self::Signed => "signed",
            Self::Refused => "refused",
        }
    }

    /// The status from its API spelling.
    pub fn from_key(key: &str) -> Option<Self> {
        [Self::Waiting, Self::Pending, Self::Signed, Self::Refused]
            .into_iter()
            .find(|s| s.key() == key)
    }

    /// In French, for Suivi.
    pub fn label(self) -> &'static str {
        match self {
            Self::Waiting => "En attente de son tour",
            Self::Pending => "Invité(e) à signer",
            Self::Signed => "A signé",
            Self::Refused => "A refusé",
        }
    }
}

/// Where a circuit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CircuitStatus {
    /// Signers at work.
    InProgress,
    /// Everyone signed.
    Completed,
    /// A signer refused: the dossier went back to « éléments économiques validés ».
    Refused,
    /// Voided by a reopening or a cancellation of the dossier, or by the CFA.
    Cancelled,
}

impl CircuitStatus {
    /// The status as the API spells it.
    pub fn key(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Refused => "refused",
            Self::Cancelled => "cancelled",
        }
    }

    /// In French, for Suivi.
    pub fn label(self) -> &'static str {
        match self {
            Self::InProgress => "Signature en cours",
            Self::Completed => "Signé par toutes les parties",
            Self::Refused => "Signature refusée",
            Self::Cancelled => "Circuit interrompu",
        }
    }

    /// The status from its API spelling.
    pub fn from_key(key: &str) -> Option<Self> {
        [
            Self::InProgress,
            Self::Completed,
            Self::Refused,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// The signers' statuses once the signed and refused ones are known: the lowest order not yet
/// signed is pending, higher orders wait. `turns` holds each signer's order and whether they
/// signed or refused (`None` while they have not acted); the answer is in the same order.
pub fn statuses(turns: &[(u32, Option<SignerStatus>)]) -> Vec<SignerStatus> {
    let current = turns
        .iter()
        .filter(|(_, done)| done.is_none())
        .map(|(order, _)| *order)
        .min();
    turns
        .iter()
        .map(|(order, done)| match done {
            Some(done) => *done,
            None if Some(*order) == current => SignerStatus::Pending,
            None => SignerStatus::Waiting,
        })
        .collect()
}

/// The circuit's status from its signers': refused when one refused, completed when all signed.
pub fn circuit_status(signers: &[SignerStatus]) -> CircuitStatus {
    if signers.contains(&SignerStatus::Refused) {
        CircuitStatus::Refused
    } else if !signers.is_empty() && signers.iter().all(|s| *s == SignerStatus::Signed) {
        CircuitStatus::Completed
    } else {
        CircuitStatus::InProgress
    }
}

/// Whether a pending signer whose turn came at `turn_since` and who was reminded
/// `reminders_sent` times is due for the next reminder at `now`.
pub fn reminder_due(
    turn_since: DateTime<Utc>,
    reminders_sent: u32,
    reminder_days: &[u32],
    now: DateTime<Utc>,
) -> bool {
    let mut days: Vec<u32> = reminder_days.to_vec();
    days.sort_unstable();
    days.get(reminders_sent as usize)
        .is_some_and(|d| now >= turn_since + Duration::days(i64::from(*d)))
}

/// A six-digit one-time code, as typed by the signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl OneTimeCode {
    /// The code from what was typed: six digits, spaces ignored.
    pub fn parse(typed: &str) -> Option<Self> {
        let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(Self(digits))
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a code is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// No code was asked for, or it was spent.
    #[error("Demandez d'abord un code : il vous sera envoyé par courriel.")]
    NoCode,
    /// The code is older than [`CODE_MINUTES`].
    #[error("Ce code a expiré : demandez-en un nouveau.")]
    Expired,
    /// Too many wrong codes: this one is spent.
    #[error("Trop d'essais avec ce code : demandez-en un nouveau.")]
    TooManyAttempts,
    /// Wrong code; `left` attempts remain.
    #[error("Code incorrect : il vous reste {left} essai(s).")]
    Wrong {
        /// Attempts left before the code is spent.
        left: u32,
    },
}

/// The code a signer asked for, as stored: when it was sent, how many wrong attempts it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuedCode {
    /// When it was mailed.
    pub sent_at: DateTime<Utc>,
    /// Wrong codes typed since.
    pub attempts: u32,
}

/// Whether the typed code is accepted, given the code issued and whether its digits match
/// (the server compares the digests in constant time).
pub fn check_code(
    issued: Option<IssuedCode>,
    matches: bool,
    now: DateTime<Utc>,
) -> Result<(), CodeError> {
    let issued = issued.ok_or(CodeError::NoCode)?;
    if issued.attempts >= CODE_ATTEMPTS {
        return Err(CodeError::TooManyAttempts);
    }
    if now > issued.sent_at + Duration::minutes(CODE_MINUTES) {
        return Err(CodeError::Expired);
    }
    if matches {
        Ok(())
    } else {
        let left = CODE_ATTEMPTS - issued.attempts - 1;
        if left == 0 {
            Err(CodeError::TooManyAttempts)
        } else {
            Err(CodeError::Wrong { left })
        }
    }
}

/// Whether a signer who asked for codes at `recent` (any order) may ask for another at `now`.
pub fn may_send_code(recent: &[DateTime<Utc>], now: DateTime<Utc>) -> bool {
    let since = now - Duration::minutes(CODE_WINDOW_MINUTES);
    recent.iter().filter(|t| **t > since).count() < CODES_PER_WINDOW as usize
}

/// Why a signer's confirmation is refused before the code is even looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmationError {
    /// The consent box is not ticked.
    #[error("Cochez la case par laquelle vous consentez à signer électroniquement ces documents.")]
    NoConsent,
    /// The typed name is blank or too long.
    #[error("Saisissez vos nom et prénom (200 caractères au plus).")]
    Name,
    /// The code is not six digits.
    #[error("Le code reçu par courriel comporte six chiffres.")]
    CodeFormat,
}

/// A signer's confirmation, checked: consent given, name typed, code well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// The name as typed, trimmed.
    pub typed_name: String,
    /// The code.
    pub code: OneTimeCode,
}

impl Confirmation {
    /// The confirmation from the signer's form.
    pub fn parse(code: &str, name: &str, consent: bool) -> Result<Self, ConfirmationError> {
        if !consent {
            return Err(ConfirmationError::NoConsent);
        }
        let typed_name = name.trim();
        if typed_name.is_empty()
            || typed_name.chars().count() > 200
            || crate::has_control_characters(typed_name)
        {
            return Err(ConfirmationError::Name);
        }
        let code = OneTimeCode::parse(code).ok_or(ConfirmationError::CodeFormat)?;
        Ok(Self {
            typed_name: typed_name.to_owned(),
            code,
        })
    }
}

/// Why a refusal is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Indiquez le motif de votre refus (2 000 caractères au plus) : il est transmis au CFA.")]
pub struct RefusalReasonError;

/// A refusal's reason: not blank, at most 2 000 characters.
pub fn refusal_reason(reason: &str) -> Result<String, RefusalReasonError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        Err(RefusalReasonError)
    } else {
        Ok(reason.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 9, day, hour, minute, 0).unwrap()
    }

    #[test]
    fn the_default_plan_is_valid_and_follows_the_issue_order() {
        let plan = SignaturePlan::default();
        assert_eq!(plan.clone().normalized(), Ok(plan.clone()));
        let roles: Vec<_> = plan.signers.iter().map(|s| s.role).collect();
        assert_eq!(roles, SignerRole::ALL);
        assert_eq!(
            plan.signers[0].documents,
            [DocumentKind::Cerfa, DocumentKind::Convention]
        );
        assert_eq!(plan.signers[1].documents, [DocumentKind::Cerfa]);
        assert_eq!(plan.reminder_days, [3, 7]);
    }

    #[test]
    fn the_legal_representative_signs_only_for_a_minor_non_emancipe() {
        let plan = SignaturePlan::default();
        assert_eq!(plan.for_dossier(true).len(), 4);
        let adult = plan.for_dossier(false);
        assert_eq!(adult.len(), 3);
        assert!(
            adult
                .iter()
                .all(|s| s.role != SignerRole::RepresentantLegal)
        );
    }

    #[test]
    fn a_plan_without_the_cfa_on_the_convention_is_refused() {
        let mut plan = SignaturePlan::default();
        plan.signers[3].documents = vec![DocumentKind::Cerfa];
        assert_eq!(
            plan.normalized(),
            Err(PlanError::Missing(
                DocumentKind::Convention,
                SignerRole::Cfa
            ))
        );
    }

    #[test]
    fn a_plan_without_the_legal_representative_is_refused_though_adults_need_none() {
        let mut plan = SignaturePlan::default();
        plan.signers.remove(2);
        let error = plan.normalized().unwrap_err();
        assert_eq!(
            error,
            PlanError::Missing(DocumentKind::Cerfa, SignerRole::RepresentantLegal)
        );
        assert_eq!(
            error.to_string(),
            "Le contrat (CERFA) doit être signé(e) par : Représentant(e) légal(e)."
        );
    }

    #[test]
    fn a_plan_with_a_role_twice_or_a_calendar_to_sign_is_refused() {
        let mut plan = SignaturePlan::default();
        plan.signers[1].role = SignerRole::Employeur;
        assert_eq!(
            plan.normalized(),
            Err(PlanError::DuplicateRole(SignerRole::Employeur))
        );
        let mut plan = SignaturePlan::default();
        plan.signers[0].documents = vec![DocumentKind::Calendrier];
        assert_eq!(
            plan.normalized(),
            Err(PlanError::NothingToSign(SignerRole::Employeur))
        );
    }

    #[test]
    fn turns_run_from_one_to_nine_and_reminders_from_one_to_twenty_eight_days_five_at_most() {
        let mut plan = SignaturePlan::default();
        plan.signers[2].order = 0;
        assert_eq!(
            plan.normalized(),
            Err(PlanError::OrderOutOfRange(SignerRole::RepresentantLegal))
        );
        let mut plan = SignaturePlan::default();
        plan.signers[0].order = 10;
        assert!(plan.normalized().is_err());
        for days in [vec![0], vec![29], vec![1, 2, 3, 4, 5, 6]] {
            let plan = SignaturePlan {
                reminder_days: days,
                ..SignaturePlan::default()
            };
            assert_eq!(plan.normalized(), Err(PlanError::RemindersOutOfRange));
        }
    }

    #[test]
    fn a_plan_is_put_in_turn_order_with_its_reminders_sorted_once_each() {
        let mut plan = SignaturePlan::default();
        // The CFA signs first, the apprentice also signs the convention, in parallel with the
        // employer.
        plan.signers[3].order = 1;
        plan.signers[0].order = 2;
        plan.signers[1].order = 2;
        plan.signers[1].documents = vec![DocumentKind::Convention, DocumentKind::Cerfa];
        plan.reminder_days = vec![10, 2, 10];
        let plan = plan.normalized().unwrap();
        let turns: Vec<_> = plan.signers.iter().map(|s| (s.role, s.order)).collect();
        assert_eq!(
            turns,
            [
                (SignerRole::Cfa, 1),
                (SignerRole::Employeur, 2),
                (SignerRole::Alternant, 2),
                (SignerRole::RepresentantLegal, 3),
            ]
        );
        assert_eq!(
            plan.signers[2].documents,
            [DocumentKind::Cerfa, DocumentKind::Convention]
        );
        assert_eq!(plan.reminder_days, [2, 10]);
    }

    #[test]
    fn only_the_lowest_order_not_yet_signed_is_pending() {
        use SignerStatus::*;
        assert_eq!(
            statuses(&[(1, None), (2, None), (2, None), (3, None)]),
            [Pending, Waiting, Waiting, Waiting]
        );
        assert_eq!(
            statuses(&[(1, Some(Signed)), (2, None), (2, None), (3, None)]),
            [Signed, Pending, Pending, Waiting]
        );
        assert_eq!(
            statuses(&[(1, Some(Signed)), (2, Some(Signed)), (2, None), (3, None)]),
            [Signed, Signed, Pending, Waiting]
        );
    }

    #[test]
    fn a_circuit_ends_with_the_last_signature_or_the_first_refusal() {
        use SignerStatus::*;
        assert_eq!(
            circuit_status(&[Signed, Pending]),
            CircuitStatus::InProgress
        );
        assert_eq!(circuit_status(&[Signed, Signed]), CircuitStatus::Completed);
        assert_eq!(
            circuit_status(&[Signed, Refused, Waiting]),
            CircuitStatus::Refused
        );
        assert_eq!(circuit_status(&[]), CircuitStatus::InProgress);
    }

    #[test]
    fn reminders_follow_the_schedule_once_each() {
        let turn = at(1, 9, 0);
        assert!(!reminder_due(turn, 0, &[3, 7], at(4, 8, 59)));
        assert!(reminder_due(turn, 0, &[3, 7], at(4, 9, 0)));
        assert!(!reminder_due(turn, 1, &[7, 3], at(7, 9, 0)));
        assert!(reminder_due(turn, 1, &[7, 3], at(8, 9, 0)));
        assert!(!reminder_due(turn, 2, &[3, 7], at(30, 9, 0)));
    }

    #[test]
    fn a_code_is_six_digits_and_spaces_are_forgiven() {
        assert_eq!(OneTimeCode::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert!(OneTimeCode::parse("12345").is_none());
        assert!(OneTimeCode::parse("1234567").is_none());
        assert!(OneTimeCode::parse("12345a").is_none());
        assert!(OneTimeCode::parse("１２３４５６").is_none());
    }

    #[test]
    fn a_code_expires_after_ten_minutes() {
        let issued = Some(IssuedCode {
            sent_at: at(1, 9, 0),
            attempts: 0,
        });
        assert_eq!(check_code(issued, true, at(1, 9, 10)), Ok(()));
        assert_eq!(
            check_code(issued, true, at(1, 9, 11)),
            Err(CodeError::Expired)
        );
        assert_eq!(check_code(None, true, at(1, 9, 1)), Err(CodeError::NoCode));
    }

    #[test]
    fn a_code_is_spent_after_five_wrong_attempts() {
        let with = |attempts| {
            Some(IssuedCode {
                sent_at: at(1, 9, 0),
                attempts,
            })
        };
        assert_eq!(
            check_code(with(0), false, at(1, 9, 1)),
            Err(CodeError::Wrong { left: 4 })
        );
        assert_eq!(
            check_code(with(4), false, at(1, 9, 1)),
            Err(CodeError::TooManyAttempts)
        );
        assert_eq!(
            check_code(with(5), true, at(1, 9, 1)),
            Err(CodeError::TooManyAttempts)
        );
    }

    #[test]
    fn five_codes_an_hour_at_most() {
        let now = at(1, 10, 0);
        let four: Vec<_> = (0..4).map(|i| at(1, 9, 10 + i)).collect();
        assert!(may_send_code(&four, now));
        let mut five = four.clone();
        five.push(at(1, 9, 30));
        assert!(!may_send_code(&five, now));
        let old: Vec<_> = (0..5).map(|i| at(1, 8, 10 + i)).collect();
        assert!(may_send_code(&old, now));
    }

    #[test]
    fn a_confirmation_needs_consent_a_name_and_a_well_formed_code() {
        assert_eq!(
            Confirmation::parse("123456", "Léa Martin", false),
            Err(ConfirmationError::NoConsent)
        );
        assert_eq!(
            Confirmation::parse("123456", "  ", true),
            Err(ConfirmationError::Name)
        );
        assert_eq!(
            Confirmation::parse("12345", "Léa Martin", true),
            Err(ConfirmationError::CodeFormat)
        );
        let ok = Confirmation::parse("123456", " Léa Martin ", true).unwrap();
        assert_eq!(ok.typed_name, "Léa Martin");
    }

    #[test]
    fn paper_signers_are_roles_of_this_circuit_each_once() {
        let adult = SignaturePlan::default().for_dossier(false);
        let asked = |roles: &[&str]| {
            paper_signers(
                &roles.iter().map(|r| (*r).to_owned()).collect::<Vec<_>>(),
                &adult,
            )
        };
        assert_eq!(
            asked(&["employeur", " employeur"]),
            Ok(vec![SignerRole::Employeur])
        );
        assert_eq!(asked(&[]), Ok(vec![]));
        assert_eq!(
            asked(&["patron"]),
            Err(PaperSignersError::UnknownRole("patron".into()))
        );
        assert_eq!(
            asked(&["representant_legal"]),
            Err(PaperSignersError::NotInCircuit(
                SignerRole::RepresentantLegal
            ))
        );
    }

    #[test]
    fn a_paper_signature_is_recorded_only_for_a_signer_who_has_not_acted() {
        assert!(may_record_paper(SignerStatus::Waiting));
        assert!(may_record_paper(SignerStatus::Pending));
        assert!(!may_record_paper(SignerStatus::Signed));
        assert!(!may_record_paper(SignerStatus::Refused));
    }

    #[test]
    fn a_refusal_needs_a_reason() {
        assert_eq!(refusal_reason("  "), Err(RefusalReasonError));
        assert_eq!(
            refusal_reason(" Salaire erroné ").unwrap(),
            "Salaire erroné"
        );
        assert_eq!(refusal_reason(&"x".repeat(2001)), Err(RefusalReasonError));
    }
}
