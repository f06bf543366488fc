//! Formations, their variants and access codes, and self-registration.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{ContractType, MissionMode, workflow::ValidationMode};
use serde::{Deserialize, Serialize};

use crate::account::UserBody;

/// Someone the apprentice or the employer can call (user guide A.15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactBody {
    /// Name, as shown.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number, if given.
    #[serde(default)]
    pub phone: Option<String>,
}

/// A formation's contacts: the CFA's for each kind of contract, and the school's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormationContactsBody {
    /// The CFA's contact for contrats d'apprentissage.
    #[serde(default)]
    pub apprentissage: Option<ContactBody>,
    /// The CFA's contact for contrats de professionnalisation.
    #[serde(default)]
    pub professionnalisation: Option<ContactBody>,
    /// The school's contact.
    #[serde(default)]
    pub school: Option<ContactBody>,
}

/// `POST /api/v1/formations` and `PUT /api/v1/formations/{id}`: a formation's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "title": "Diplôme d'ingénieur Polytech Marseille – Informatique",
    "school": "Polytech Marseille",
    "diploma_code": "17031001",
    "rncp": "RNCP35432",
    "start_date": "2026-09-01",
    "end_date": "2029-08-31",
    "hours": 1800,
    "contract_types": ["apprentissage"],
    "validation_mode": "manual",
    "mission": "optional",
    "responsable_ids": [],
    "contacts": {"apprentissage": {"name": "Service apprentissage", "email": "apprentissage@cfa.example.fr", "phone": "04 91 00 00 00"}}
})))]
pub struct FormationRequest {
    /// The formation's title, as apprentices see it.
    pub title: String,
    /// The school or university that teaches it.
    pub school: String,
    /// The diploma's code (8 characters, « code diplôme » of the CERFA).
    pub diploma_code: String,
    /// The RNCP registration (`RNCP` + digits).
    pub rncp: String,
    /// First day of training.
    #[serde(with = "crate::wire_time::date")]
    pub start_date: NaiveDate,
    /// Planned end of the exams.
    #[serde(with = "crate::wire_time::date")]
    pub end_date: NaiveDate,
    /// Training hours at the CFA.
    pub hours: u32,
    /// The kinds of contract the formation takes; at least one.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::schema::ContractTypeSchema>))]
    pub contract_types: Vec<ContractType>,
    /// What « Demande de validation » does.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::ValidationModeSchema))]
    pub validation_mode: ValidationMode,
    /// Whether « La mission » is hidden, optional or required.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::MissionModeSchema))]
    pub mission: MissionMode,
    /// Users of role `formation` who validate its dossiers and may invite apprentices.
    #[serde(default)]
    pub responsable_ids: Vec<String>,
    /// The contacts shown in « Suivi – Info ».
    #[serde(default)]
    pub contacts: FormationContactsBody,
    /// Who signs the contract and the convention, in which turn, and when pending signers are
    /// reminded; `null` or absent: the platform's default (employer, apprentice, legal
    /// representative of a minor non émancipé, then the CFA; reminders after 3 and 7 days). A
    /// circuit keeps the plan it was sent with.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::SignaturePlanSchema>))]
    pub signature_plan: Option<domain::signature::SignaturePlan>,
    /// The main place of training, which the formation's new dossiers start with: the CERFA's
    /// `etablissementFormation` block, keyed as in a dossier's content. `{"memeResponsable":
    /// true}`: the CFA responsable teaches; `{"memeResponsable": false, "denomination", "uaiCfa",
    /// "siret", "adresse": {"numero", "repetitionVoie", "voie", "complement", "codePostal",
    /// "commune"}}`: another establishment, each field checked as a dossier checks it (422 on
    /// `training_site.<key>`). `null` or absent: each dossier answers.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>, example = json!({"memeResponsable": false, "denomination": "Faculté des sciences", "uaiCfa": "0131842G", "siret": "13001533200013", "adresse": {"numero": "52", "voie": "Avenue Escadrille Normandie-Niemen", "codePostal": "13013", "commune": "Marseille"}})))]
    pub training_site: Option<serde_json::Value>,
}

/// A variant of a formation (a year, a track) with its own access code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VariantBody {
    /// Identifier.
    pub id: String,
    /// The formation it belongs to.
    pub formation_id: String,
    /// Normalised access code (`F724`, `F724-2`).
    pub access_code: String,
    /// What the variant is (« 2e année »).
    pub label: String,
    /// Its own first day, when it differs from the formation's.
    #[serde(default, with = "crate::wire_time::opt_date")]
    pub start_date: Option<NaiveDate>,
    /// Its own end, when it differs from the formation's.
    #[serde(default, with = "crate::wire_time::opt_date")]
    pub end_date: Option<NaiveDate>,
    /// Whether registration and invitations with its code are accepted.
    pub open: bool,
}

/// `POST /api/v1/formations/{id}/variants`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"access_code": "F724-2", "label": "2e année", "start_date": "2027-09-01"})))]
pub struct VariantRequest {
    /// The access code (`F` + 2 or 3 digits, optionally `-` and a digit); any dash is accepted.
    pub access_code: String,
    /// What the variant is.
    pub label: String,
    /// Its own first day, if it differs from the formation's.
    #[serde(default)]
    #[serde(with = "crate::wire_time::opt_date")]
    pub start_date: Option<NaiveDate>,
    /// Its own end, if it differs from the formation's.
    #[serde(default)]
    #[serde(with = "crate::wire_time::opt_date")]
    pub end_date: Option<NaiveDate>,
    /// Open at once (default) or not yet.
    #[serde(default = "default_open")]
    pub open: bool,
}

fn default_open() -> bool {
    true
}

/// `PATCH /api/v1/formations/{id}/variants/{variant_id}`: only the members sent change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"open": false})))]
#[serde(deny_unknown_fields)]
pub struct VariantPatch {
    /// A new label.
    #[serde(default)]
    pub label: Option<String>,
    /// A new own first day.
    #[serde(default)]
    #[serde(with = "crate::wire_time::opt_date")]
    pub start_date: Option<NaiveDate>,
    /// A new own end.
    #[serde(default)]
    #[serde(with = "crate::wire_time::opt_date")]
    pub end_date: Option<NaiveDate>,
    /// Open or close the code.
    #[serde(default)]
    pub open: Option<bool>,
}

/// A formation with its variants and responsables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "FormationBodyWire")]
pub struct FormationBody {
    /// Identifier.
    pub id: String,
    /// The settings.
    #[serde(flatten)]
    pub settings: FormationRequest,
    /// The responsables, as users.
    pub responsables: Vec<UserBody>,
    /// Its variants and their access codes.
    pub variants: Vec<VariantBody>,
    /// The calendrier and programme entered for the formation and overridden for its variants
    /// (`GET`/`PUT`/`DELETE /api/v1/formations/{id}/annexes/{kind}`).
    pub annexes: Vec<AnnexBody>,
    /// When it was created.
    #[serde(with = "crate::wire_time::timestamp")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::wire_time::timestamp")]
    pub updated_at: DateTime<Utc>,
}

/// [`FormationBody`] as it is read: the same members, named one by one rather than through
/// `flatten`, which buffers the whole object and doubles the deserializing code (≈ 6 KB of the
/// browser's app for this one answer).
#[derive(Deserialize)]
struct FormationBodyWire {
    id: String,
    title: String,
    school: String,
    diploma_code: String,
    rncp: String,
    #[serde(with = "crate::wire_time::date")]
    start_date: NaiveDate,
    #[serde(with = "crate::wire_time::date")]
    end_date: NaiveDate,
    hours: u32,
    contract_types: Vec<ContractType>,
    validation_mode: ValidationMode,
    mission: MissionMode,
    #[serde(default)]
    responsable_ids: Vec<String>,
    #[serde(default)]
    contacts: FormationContactsBody,
    #[serde(default)]
    signature_plan: Option<domain::signature::SignaturePlan>,
    #[serde(default)]
    training_site: Option<serde_json::Value>,
    responsables: Vec<UserBody>,
    variants: Vec<VariantBody>,
    annexes: Vec<AnnexBody>,
    #[serde(with = "crate::wire_time::timestamp")]
    created_at: DateTime<Utc>,
    #[serde(with = "crate::wire_time::timestamp")]
    updated_at: DateTime<Utc>,
}

impl From<FormationBodyWire> for FormationBody {
    fn from(wire: FormationBodyWire) -> Self {
        Self {
            id: wire.id,
            settings: FormationRequest {
                title: wire.title,
                school: wire.school,
                diploma_code: wire.diploma_code,
                rncp: wire.rncp,
                start_date: wire.start_date,
                end_date: wire.end_date,
                hours: wire.hours,
                contract_types: wire.contract_types,
                validation_mode: wire.validation_mode,
                mission: wire.mission,
                responsable_ids: wire.responsable_ids,
                contacts: wire.contacts,
                signature_plan: wire.signature_plan,
                training_site: wire.training_site,
            },
            responsables: wire.responsables,
            variants: wire.variants,
            annexes: wire.annexes,
            created_at: wire.created_at,
            updated_at: wire.updated_at,
        }
    }
}

/// What an apprentice is told about a formation before registering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormationSummaryBody {
    /// Identifier.
    pub id: String,
    /// The formation's title.
    pub title: String,
    /// The school.
    pub school: String,
    /// First day of training (the variant's own, when it has one).
    #[serde(with = "crate::wire_time::date")]
    pub start_date: NaiveDate,
    /// Planned end (the variant's own, when it has one).
    #[serde(with = "crate::wire_time::date")]
    pub end_date: NaiveDate,
    /// The kinds of contract it takes.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::schema::ContractTypeSchema>))]
    pub contract_types: Vec<ContractType>,
    /// Whether « La mission » is hidden, optional or required.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::MissionModeSchema))]
    pub mission: MissionMode,
    /// What « Demande de validation » does.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::ValidationModeSchema))]
    pub validation_mode: ValidationMode,
}

/// `GET /api/v1/access-codes/{code}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "code": "F724-2",
    "variant_label": "2e année",
    "formation": {"id": "00000000-0000-4000-8000-000000000724", "title": "Diplôme d'ingénieur – Informatique et réseaux", "school": "École d'ingénieurs de démonstration", "start_date": "2027-09-01", "end_date": "2029-08-31", "contract_types": ["apprentissage"], "mission": "optional", "validation_mode": "manual"}
})))]
pub struct AccessCodeBody {
    /// The code, normalised (`F724-2`).
    pub code: String,
    /// The variant's label (« 2e année »).
    pub variant_label: String,
    /// The formation it opens.
    pub formation: FormationSummaryBody,
}

/// `POST /api/v1/registrations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"access_code": "F724-2", "email": "lea.martin@example.fr", "password": "un mot de passe solide", "first_name": "Léa", "last_name": "Martin"})))]
pub struct RegistrationRequest {
    /// The access code of the formation or variant; any dash, spaces and case accepted.
    pub access_code: String,
    /// The apprentice's address: the login.
    pub email: String,
    /// A chosen password (10 to 128 characters).
    pub password: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

/// The answer to a registration: the account and its draft dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationResponse {
    /// The new account.
    pub user: UserBody,
    /// The draft dossier, opened on « Données de base ».
    pub dossier_id: String,
}

/// One annex of a formation (`reference/cerfa.md` §6.2): its calendrier or its programme, entered
/// as data or attached as a PDF, for the formation or overriding it for one variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "kind": "calendrier", "variant_id": null, "source": "data",
    "content": {"periods": [{"kind": "cfa", "start": "2026-09-01", "end": "2026-09-11", "hours": 70}]},
    "lines": "CFA ; 01/09/2026 ; 11/09/2026 ; 70", "pdf_sha256": null, "totals": null,
    "updated_at": "2026-12-01T09:00:00Z"
})))]
pub struct AnnexBody {
    /// `calendrier` or `programme`.
    pub kind: String,
    /// The variant it overrides the formation's for; `null` for the formation's own.
    pub variant_id: Option<String>,
    /// `data` (entered here) or `pdf` (a file attached).
    pub source: String,
    /// The data as entered: a calendrier `{periods: [{kind: cfa | entreprise | examen | conges,
    /// start, end, hours?, label?}]}`, a programme `{objectives?, means?, assessment?, blocks:
    /// [{code?, title, modules: [{title, objectives?, hours?, assessment?}]}]}`.
    pub content: Option<serde_json::Value>,
    /// The data as lines, as `PUT` takes them in `text/plain` (what a spreadsheet pastes).
    pub lines: Option<String>,
    /// The attached PDF's SHA-256.
    pub pdf_sha256: Option<String>,
    /// What a calendrier adds up to: days and hours by kind, and the share of training time.
    pub totals: Option<serde_json::Value>,
    /// Last change.
    #[serde(with = "crate::wire_time::timestamp")]
    pub updated_at: DateTime<Utc>,
}

/// The query of the annex operations: which variant's annex, when not the formation's own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct AnnexQuery {
    /// A variant of the formation: its override instead of the formation's annex.
    #[serde(default)]
    pub variant_id: Option<String>,
}
