//! `ApiError`: every way a request can fail, and its problem+json answer. Internal causes are
//! logged here, once, and replaced by a generic French message.

use actix_web::{
    HttpRequest, HttpResponse, ResponseError,
    error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError},
    http::{StatusCode, header},
};
use api_types::{FieldErrorBody, PROBLEM_CONTENT_TYPE, Problem};
use db::DbError;
use domain::FieldError;

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Fields of the request are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldErrorBody>),
    /// The request itself is malformed (bad JSON, bad CSV, a bad header).
    #[error("bad request: {code}")]
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// French explanation.
        detail: String,
    },
    /// No valid credentials were sent.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Login with a wrong address or password.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Login with the right generated password, after its hour.
    #[error("generated password expired")]
    GeneratedPasswordExpired,
    /// The caller may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Fields the caller's role may not write in the dossier's status.
    #[error("fields forbidden")]
    FieldsForbidden(Vec<FieldErrorBody>),
    /// The dossier is frozen (validated or later): no write.
    #[error("dossier frozen")]
    Frozen(String),
    /// A write without `If-Match`.
    #[error("precondition required")]
    PreconditionRequired,
    /// A write based on an older version than the stored one.
    #[error("stale version; current is {0}")]
    StaleVersion(i64),
    /// The API token lacks the scope.
    #[error("missing scope {0}")]
    MissingScope(&'static str),
    /// An API token on an operation reserved to signed-in people.
    #[error("API token not accepted")]
    TokenNotAccepted,
    /// The resource does not exist, or the caller may not know it does.
    #[error("not found: {code}")]
    NotFound {
        /// Stable code.
        code: &'static str,
        /// French explanation.
        detail: String,
    },
    /// The request conflicts with the current state.
    #[error("conflict: {code}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// French explanation.
        detail: String,
    },
    /// The request is well formed but refused as it is (a wrong one-time code).
    #[error("unprocessable: {code}")]
    Unprocessable {
        /// Stable code.
        code: &'static str,
        /// French explanation.
        detail: String,
    },
    /// The resource existed and is no longer usable.
    #[error("gone: {code}")]
    Gone {
        /// Stable code.
        code: &'static str,
        /// French explanation.
        detail: String,
    },
    /// The body is larger than allowed.
    #[error("payload too large")]
    PayloadTooLarge {
        /// Stable code.
        code: &'static str,
        /// French explanation.
        detail: String,
    },
    /// The body's media type is not accepted here.
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    /// Too many failed attempts; retry after this many seconds.
    #[error("too many attempts")]
    TooManyAttempts(u64),
    /// The address already had its links for the throttling window; retry after this many
    /// seconds.
    #[error("too many mails")]
    TooManyMails(u64),
    /// The path exists with other methods, listed (`GET, PATCH`).
    #[error("method not allowed")]
    MethodNotAllowed(String),
    /// A provider's callback whose signature does not check out.
    #[error("callback not authentic")]
    Unauthentic,
    /// The signature provider (DocuSign) failed or refused: logged, answered 502 with what the
    /// CFA can do.
    #[error("signature provider: {0}")]
    Upstream(String),
    /// Anything else: logged, answered with a generic message.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// An internal failure with its cause, logged when answered.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(cause.into())
    }

    /// One invalid request field.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldErrorBody {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }])
    }

    /// The problem+json body of this error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code().as_u16();
        match self {
            Self::Validation(errors) => {
                Problem::new(status, api_types::codes::VALIDATION_FAILED, "Données invalides")
                    .with_detail(if errors.len() == 1 {
                        "Un champ est invalide : corrigez-le et réessayez.".to_owned()
                    } else {
                        format!("{} champs sont invalides : corrigez-les et réessayez.", errors.len())
                    })
                    .with_errors(errors.clone())
            }
            Self::BadRequest { code, detail } => {
                Problem::new(status, code, "Requête invalide").with_detail(detail.clone())
            }
            Self::Unauthenticated => Problem::new(status, api_types::codes::UNAUTHENTICATED, "Connexion requise")
                .with_detail("Connectez-vous (ou envoyez un jeton valide) pour continuer."),
            Self::InvalidCredentials => {
                Problem::new(status, api_types::codes::INVALID_CREDENTIALS, "Identifiants incorrects")
                    .with_detail("Adresse e-mail ou mot de passe incorrect.")
            }
            Self::GeneratedPasswordExpired => Problem::new(
                status,
                api_types::codes::GENERATED_PASSWORD_EXPIRED,
                "Mot de passe expiré",
            )
            .with_detail(
                "Le mot de passe reçu par e-mail n'était valable qu'une heure. Cliquez sur « Mot de \
                 passe oublié » pour recevoir un lien et choisir votre mot de passe.",
            ),
            Self::Forbidden => Problem::new(status, api_types::codes::FORBIDDEN, "Action non autorisée")
                .with_detail("Votre rôle ne permet pas cette action."),
            Self::FieldsForbidden(errors) => Problem::new(
                status,
                api_types::codes::FIELD_FORBIDDEN,
                "Champs non modifiables",
            )
            .with_detail("Votre rôle ne permet pas de modifier ces champs à ce stade du dossier.")
            .with_errors(errors.clone()),
            Self::Frozen(status_label) => Problem::new(status, api_types::codes::DOSSIER_FROZEN, "Dossier figé")
                .with_detail(format!(
                    "Le dossier est « {status_label} » : ses données sont figées et aucune modification n'est possible. Le CFA peut le rouvrir en indiquant un motif."
                )),
            Self::PreconditionRequired => Problem::new(
                status,
                api_types::codes::PRECONDITION_REQUIRED,
                "Version requise",
            )
            .with_detail("Envoyez l'en-tête If-Match avec l'ETag lu (\"v<version>\") : il protège les modifications des autres."),
            Self::StaleVersion(current) => Problem::new(
                status,
                api_types::codes::STALE_VERSION,
                "Dossier modifié entre-temps",
            )
            .with_detail(format!(
                "Quelqu'un d'autre a modifié le dossier (il en est à la version {current}) : rechargez-le, vos changements n'ont pas été enregistrés."
            )),
            Self::MissingScope(scope) => {
                Problem::new(status, api_types::codes::INSUFFICIENT_SCOPE, "Jeton insuffisant").with_detail(
                    format!("Ce jeton d'API n'a pas la portée « {scope} » nécessaire."),
                )
            }
            Self::TokenNotAccepted => Problem::new(
                status,
                api_types::codes::API_TOKEN_NOT_ACCEPTED,
                "Réservé aux personnes connectées",
            )
            .with_detail(
                "Cette opération est réservée aux personnes connectées : un jeton d'API ne peut pas l'utiliser.",
            ),
            Self::NotFound { code, detail } => {
                Problem::new(status, code, "Introuvable").with_detail(detail.clone())
            }
            Self::Conflict { code, detail } => {
                Problem::new(status, code, "Conflit").with_detail(detail.clone())
            }
            Self::Unprocessable { code, detail } => {
                Problem::new(status, code, "Refusé").with_detail(detail.clone())
            }
            Self::Gone { code, detail } => {
                Problem::new(status, code, "Plus disponible").with_detail(detail.clone())
            }
            Self::PayloadTooLarge { code, detail } => {
                Problem::new(status, code, "Requête trop volumineuse").with_detail(detail.clone())
            }
            Self::UnsupportedMediaType(detail) => Problem::new(
                status,
                api_types::codes::UNSUPPORTED_MEDIA_TYPE,
                "Type de contenu non accepté",
            )
            .with_detail(detail.clone()),
            Self::TooManyAttempts(seconds) => Problem::new(
                status,
                api_types::codes::TOO_MANY_ATTEMPTS,
                "Trop de tentatives",
            )
            .with_detail(format!(
                "Trop de tentatives échouées en peu de temps. Réessayez dans {}.",
                french_wait(*seconds)
            )),
            Self::TooManyMails(seconds) => Problem::new(
                status,
                api_types::codes::TOO_MANY_MAILS,
                "Trop de courriels",
            )
            .with_detail(format!(
                "Ce compte a déjà reçu plusieurs liens en peu de temps. Réessayez dans {}.",
                french_wait(*seconds)
            )),
            Self::MethodNotAllowed(allowed) => Problem::new(
                status,
                api_types::codes::METHOD_NOT_ALLOWED,
                "Méthode non autorisée",
            )
            .with_detail(format!(
                "Cette adresse n'accepte pas cette méthode HTTP ; elle accepte : {allowed}."
            )),
            Self::Unauthentic => Problem::new(status, api_types::codes::INVALID_SIGNATURE, "Message non authentifié")
                .with_detail("La signature HMAC de ce message ne correspond à aucune clé configurée : il est ignoré."),
            Self::Upstream(_) => Problem::new(status, api_types::codes::SIGNATURE_PROVIDER_FAILED, "Prestataire de signature indisponible")
                .with_detail("Le prestataire de signature électronique n'a pas accepté la demande ou ne répond pas ; rien n'a été perdu. Réessayez plus tard ; si cela dure, l'administrateur trouvera la cause dans le journal du serveur."),
            Self::Internal(_) => Problem::new(status, api_types::codes::INTERNAL_ERROR, "Erreur interne")
                .with_detail("Une erreur inattendue est survenue ; elle a été enregistrée. Réessayez plus tard."),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthenticated | Self::InvalidCredentials | Self::GeneratedPasswordExpired => {
                StatusCode::UNAUTHORIZED
            }
            Self::Forbidden
            | Self::MissingScope(_)
            | Self::TokenNotAccepted
            | Self::FieldsForbidden(_) => StatusCode::FORBIDDEN,
            Self::Frozen(_) => StatusCode::CONFLICT,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::StaleVersion(_) => StatusCode::PRECONDITION_FAILED,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Gone { .. } => StatusCode::GONE,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyAttempts(_) | Self::TooManyMails(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Upstream(_) => StatusCode::BAD_GATEWAY,
            Self::Unauthentic => StatusCode::UNAUTHORIZED,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error = %error_chain(cause.as_ref()), "request failed");
        }
        if let Self::Upstream(cause) = self {
            tracing::error!(error = %cause, "signature provider failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
        match self {
            Self::TooManyAttempts(seconds) | Self::TooManyMails(seconds) => {
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
            }
            Self::Unauthenticated => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::MethodNotAllowed(allowed) => {
                response.insert_header((header::ALLOW, allowed.as_str()));
            }
            Self::StaleVersion(current) => {
                response.insert_header((header::ETAG, etag(*current)));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

/// A wait as users read it: « 2 secondes », « 15 minutes ».
fn french_wait(seconds: u64) -> String {
    match seconds {
        0 | 1 => "1 seconde".into(),
        2..=59 => format!("{seconds} secondes"),
        _ => match seconds.div_ceil(60) {
            1 => "1 minute".into(),
            minutes => format!("{minutes} minutes"),
        },
    }
}

/// The `ETag` of a dossier version.
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        Self::internal(error)
    }
}

/// Answers what the JSON extractor refused with the same problem shape as everything else.
pub fn json_error(error: JsonPayloadError, _request: &HttpRequest) -> actix_web::Error {
    match error {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            too_large()
        }
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(
            "Envoyez un corps JSON avec l'en-tête « Content-Type: application/json ».".into(),
        ),
        JsonPayloadError::Deserialize(e) => body_error(&e),
        JsonPayloadError::Payload(PayloadError::Overflow) => too_large(),
        _ => ApiError::BadRequest {
            code: api_types::codes::MALFORMED_JSON,
            detail: "Le corps de la requête n'est pas un JSON valide.".into(),
        },
    }
    .into()
}

/// Answers a body that is not the JSON expected: 422 on a member the body may not have, 400
/// otherwise (`invalid_body` when the JSON is well-formed, `malformed_json` when it is not).
pub fn body_error(error: &serde_json::Error) -> ApiError {
    if !error.is_data() {
        return ApiError::BadRequest {
            code: api_types::codes::MALFORMED_JSON,
            detail: "Le corps de la requête n'est pas un JSON valide.".into(),
        };
    }
    match unknown_member(error) {
        Some(member) => ApiError::field(
            &member,
            api_types::codes::UNKNOWN_FIELD,
            format!(
                "« {member} » n'existe pas dans ce corps : retirez-le (rien n'a été enregistré)."
            ),
        ),
        None => ApiError::BadRequest {
            code: api_types::codes::INVALID_BODY,
            detail: format!("Le corps JSON ne correspond pas au format attendu : {error}."),
        },
    }
}

/// The member serde refused as unknown (`deny_unknown_fields`), read from its message, whose
/// wording (« unknown field `x`, expected … ») is serde's `Error::unknown_field`.
fn unknown_member(error: &serde_json::Error) -> Option<String> {
    if !error.is_data() {
        return None;
    }
    let message = error.to_string();
    let rest = message.strip_prefix("unknown field `")?;
    let (member, _) = rest.split_once('`')?;
    Some(member.to_owned())
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge {
        code: api_types::codes::PAYLOAD_TOO_LARGE,
        detail: "Le corps de la requête dépasse la taille autorisée.".into(),
    }
}

/// Answers a path parameter that does not parse.
pub fn path_error(error: PathError, _request: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound {
        code: api_types::codes::NOT_FOUND,
        detail: format!("Adresse invalide : {error}."),
    }
    .into()
}

/// Answers a query string that does not parse.
pub fn query_error(error: QueryPayloadError, _request: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest {
        code: api_types::codes::INVALID_QUERY,
        detail: format!("Paramètres de requête invalides : {error}."),
    }
    .into()
}

/// Answers a raw body over its limit, or unreadable.
pub fn payload_error(error: PayloadError) -> ApiError {
    match error {
        PayloadError::Overflow => too_large(),
        other => ApiError::BadRequest {
            code: api_types::codes::UNREADABLE_BODY,
            detail: format!("Le corps de la requête n'a pas pu être lu : {other}."),
        },
    }
}

/// The answer for an address the API does not have.
pub fn route_not_found() -> ApiError {
    ApiError::NotFound {
        code: api_types::codes::NOT_FOUND,
        detail: "Cette adresse n'existe pas dans l'API.".into(),
    }
}

/// Answers an unknown route.
pub async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(route_not_found())
}

/// Collects the invalid fields of a request so that all of them are reported at once.
#[derive(Debug, Default)]
pub struct FieldChecks {
    errors: Vec<FieldErrorBody>,
}

impl FieldChecks {
    /// No error yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps a parsed value, or records why `field` is invalid.
    pub fn parse<T>(&mut self, field: &str, parsed: Result<T, FieldError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(FieldErrorBody::from_error(field, &error));
                None
            }
        }
    }

    /// Records `field` as invalid when `value` holds a control character (NUL and the like).
    pub fn no_control(&mut self, field: &str, value: &str) {
        if domain::has_control_characters(value) {
            self.errors.push(FieldErrorBody::from_error(
                field,
                &FieldError::ControlCharacter,
            ));
        }
    }

    /// Records an error the domain does not name.
    pub fn push(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.errors.push(FieldErrorBody {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        });
    }

    /// Whether nothing was refused.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors so far.
    pub fn into_errors(self) -> Vec<FieldErrorBody> {
        self.errors
    }

    /// `Err(422)` with every error, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}
