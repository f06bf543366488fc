//! What an access code opens — a variant with its formation — and the new dossiers made there
//! (registration, invitation, bulk invitation, demo data all start a dossier here).

use std::collections::HashMap;

use api_types::formations::FormationSummaryBody;
use chrono::{DateTime, NaiveDate, Utc};
use db::{
    ConnectionTrait,
    entities::{dossier, formation, user, variant},
};
use domain::{AccessCode, ContractType, FieldError, NiveauSaisie, Status};
use serde_json::json;

use crate::{
    auth::throttle,
    error::ApiError,
    services::dossiers::listing_of,
    startup::AppState,
    storage::{contract_types, new_id},
};

/// A variant open for registration, with its formation.
#[derive(Debug, Clone)]
pub struct Opening {
    /// The variant the code names.
    pub variant: variant::Model,
    /// Its formation.
    pub formation: formation::Model,
}

/// Why a typed code opens nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not an access code at all.
    Malformed(FieldError),
    /// No variant has it.
    Unknown,
    /// Its variant is closed.
    Closed(String),
}

impl Refusal {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(error) => error.code(),
            Self::Unknown => "unknown_access_code",
            Self::Closed(_) => "closed_access_code",
        }
    }

    /// The French message.
    pub fn message(&self) -> String {
        match self {
            Self::Malformed(error) => error.to_string(),
            Self::Unknown => "Ce code d'accès ne correspond à aucune formation. Vérifiez-le auprès de votre formation (il ressemble à F728 ou F724-2).".into(),
            Self::Closed(code) => format!("Le code d'accès {code} est fermé : cette formation n'accepte plus d'inscriptions avec lui. Contactez votre formation."),
        }
    }

    /// The refusal as a 422 on `field` of a request.
    pub fn into_field_error(self, field: &str) -> ApiError {
        ApiError::field(field, self.code(), self.message())
    }
}

impl Opening {
    /// The dates shown beside the formation's name: the variant's own, else the formation's.
    pub fn dates(&self) -> (NaiveDate, NaiveDate) {
        (
            self.variant.start_date.unwrap_or(self.formation.start_date),
            self.variant.end_date.unwrap_or(self.formation.end_date),
        )
    }

    /// « Title – label », as mails name it.
    pub fn purpose(&self) -> String {
        crate::mail::templates::formation_purpose(&self.formation.title, &self.variant.label)
    }

    /// What an apprentice is told before registering.
    pub fn summary(&self) -> Result<FormationSummaryBody, ApiError> {
        let (start_date, end_date) = self.dates();
        Ok(FormationSummaryBody {
            id: self.formation.id.clone(),
            title: self.formation.title.clone(),
            school: self.formation.school.clone(),
            start_date,
            end_date,
            contract_types: contract_types(&self.formation),
            mission: *self.formation.mission,
            validation_mode: *self.formation.validation_mode,
        })
    }

    /// What the CFA already knows of the training, filled in for the parties (« Les données du
    /// contrat », formation block): title, diploma code, RNCP, dates — the variant's own first —,
    /// hours, and « diplôme visé » when the diploma code tells it. All were checked by the domain's parsers when the formation was saved; the CFA
    /// may still correct them per dossier (an exam date before the formation's end, say).
    fn formation_content(&self) -> serde_json::Value {
        let (start, end) = self.dates();
        let mut block = json!({
            "intituleQualification": self.formation.title,
            "codeDiplome": self.formation.diploma_code,
            "rncp": self.formation.rncp,
            "dateDebutFormation": start.to_string(),
            "dateFinFormation": end.to_string(),
        });
        if self.formation.hours > 0 {
            block["dureeFormation"] = json!(self.formation.hours);
        }
        if let Some(kind) = domain::codes::diploma_type(
            &self.formation.diploma_code,
            domain::codes::CerfaVersion::default(),
        ) {
            block["typeDiplome"] = json!(kind);
        }
        block
    }

    /// A new draft dossier of this variant for an apprentice: the identity known from the
    /// account is already filled in on « Données de base », and the training's data and main
    /// place of training, when the formation gives it, on « Les données du contrat ».
    /// `cfa` is the CFA's « organismeFormation » block, when the settings know it.
    pub fn new_dossier(
        &self,
        apprentice: &user::Model,
        cfa: Option<&serde_json::Value>,
        now: DateTime<Utc>,
    ) -> dossier::Model {
        let contract_type = contract_types(&self.formation)
            .first()
            .copied()
            .unwrap_or(ContractType::Apprentissage);
        let mut row = dossier::Model {
            id: new_id(),
            apprentice_id: apprentice.id.clone(),
            employer_id: None,
            formation_id: self.formation.id.clone(),
            variant_id: self.variant.id.clone(),
            status: Status::Draft.into(),
            version: 1,
            niveau_saisie: NiveauSaisie::Complete.into(),
            contract_type: contract_type.into(),
            content: json!({
                "apprenti": {
                    "nom": apprentice.last_name,
                    "prenom": apprentice.first_name,
                    "courriel": apprentice.email,
                },
                "formation": self.formation_content(),
            }),
            created_at: now,
            updated_at: now,
            company_id: None,
            apprentice_name: None,
            apprentice_email: None,
            siret: None,
            employer_name: None,
            contract_start: None,
            contract_end: None,
            complete: None,
            search_text: None,
            economics: None,
            search_key: crate::storage::new_search_key(),
        };
        if let Some(cfa) = cfa {
            row.content["organismeFormation"] = cfa.clone();
        }
        // Checked by `domain::training_site` when the formation was saved.
        if let Some(site) = &self.formation.training_site {
            row.content[domain::training_site::BLOCK] = site.clone();
        }
        // A new draft cannot be complete: Données de base still lacks the contract dates.
        listing_of(&row.content, false).apply(&mut row);
        row
    }
}

/// Every variant and formation, to resolve many codes without a query each (bulk invitations).
pub struct CodeBook {
    by_code: HashMap<String, Opening>,
}

impl CodeBook {
    /// Loads every variant with its formation.
    pub async fn load(conn: &impl ConnectionTrait) -> Result<Self, ApiError> {
        let formations = db::queries::formations::list(conn, None).await?;
        let variants = db::queries::formations::variants(conn, None).await?;
        let by_code = variants
            .into_iter()
            .filter_map(|variant| {
                let formation = formations
                    .iter()
                    .find(|f| f.id == variant.formation_id)?
                    .clone();
                Some((variant.access_code.clone(), Opening { variant, formation }))
            })
            .collect();
        Ok(Self { by_code })
    }

    /// The open variant a typed code names.
    pub fn open(&self, typed: &str) -> Result<&Opening, Refusal> {
        let code = AccessCode::parse(typed).map_err(Refusal::Malformed)?;
        let opening = self
            .by_code
            .get(&code.to_string())
            .ok_or(Refusal::Unknown)?;
        if opening.variant.open {
            Ok(opening)
        } else {
            Err(Refusal::Closed(code.to_string()))
        }
    }
}

/// The open variant a code typed from `address` names, looked up alone.
///
/// Access codes are short enough to guess, so unknown ones are counted per client address: past
/// `auth.max_unknown_codes_per_ip` in the window, the address gets 429 `too_many_attempts`
/// until the window passes, whatever it types.
pub async fn open_code(
    state: &AppState,
    address: &str,
    typed: &str,
) -> Result<Result<Opening, Refusal>, ApiError> {
    let now = state.clock.now();
    let subject = format!("code:{address}");
    let attempt =
        throttle::attempt(state, &state.access_code_policy(), None, &subject, now).await?;
    let opening = find_open(&state.db, typed).await?;
    // Counted as unknown until found: only codes that name no variant stay counted.
    if !matches!(opening, Err(Refusal::Malformed(_) | Refusal::Unknown)) {
        attempt.succeeded(state).await?;
    }
    Ok(opening)
}

async fn find_open(
    conn: &impl ConnectionTrait,
    typed: &str,
) -> Result<Result<Opening, Refusal>, ApiError> {
    let code = match AccessCode::parse(typed) {
        Ok(code) => code.to_string(),
        Err(error) => return Ok(Err(Refusal::Malformed(error))),
    };
    let Some(variant) = db::queries::formations::variant_by_code(conn, &code).await? else {
        return Ok(Err(Refusal::Unknown));
    };
    let Some(formation) = db::queries::formations::by_id(conn, &variant.formation_id).await? else {
        return Ok(Err(Refusal::Unknown));
    };
    if !variant.open {
        return Ok(Err(Refusal::Closed(code)));
    }
    Ok(Ok(Opening { variant, formation }))
}
