//! The OpenAPI document, assembled from the handlers' `#[utoipa::path]` as they are mounted, so
//! that no path can be served undocumented. `cargo run -p opuntia-server --bin openapi` writes
//! it to `openapi/openapi.json`; a test fails when the committed file drifts.

use actix_web::{Error, dev::ServiceFactory, dev::ServiceRequest};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_actix_web::{AppExt, UtoipaApp, scope};

use crate::routes;

/// Where the document is served.
pub const SPEC_PATH: &str = "/api/openapi.json";

/// The document's fixed parts; paths and schemas come from the mounted handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Opuntia API",
        version = "1",
        description = "The REST API of Opuntia, the platform on which a CFA, its formations, apprentices and their employers build, validate and sign apprenticeship and professionalisation contract files.\n\n- Base path `/api/v1`, JSON, dates `YYYY-MM-DD`, timestamps RFC 3339 UTC.\n- Errors are `application/problem+json` (RFC 9457) with a stable snake_case `code` and, for invalid fields, `errors: [{field, code, message}]` with French messages for users.\n- People sign in with `POST /api/v1/auth/login` and send `Authorization: Bearer <access_token>`; integrations use API tokens (`opt_…`) made with `POST /api/v1/api-tokens`, limited to their scopes. Each operation's `security` says who may call it: `bearer` alone is for signed-in people (an API token gets 403 `api_token_not_accepted`); `api_token` lists the scopes a token must hold (403 `insufficient_scope` otherwise); an empty requirement means anyone.\n- Writes to a dossier take `If-Match` (RFC 9110): the ETag read or `*`; 428 without it, 412 when it does not match.\n- `POST /api/v1/invitations/bulk` honours `Idempotency-Key`.",
        license(name = "AGPL-3.0-or-later")
    ),
    tags(
        (name = "auth", description = "Sign in, sessions, passwords"),
        (name = "accounts", description = "The signed-in user and the accounts CFA staff manage"),
        (name = "api-tokens", description = "Scoped, revocable tokens for integrations and scripts"),
        (name = "formations", description = "Formations, their variants and access codes"),
        (name = "registration", description = "Self-registration with an access code"),
        (name = "invitations", description = "Inviting apprentices, one or ten thousand at a time"),
        (name = "dossiers", description = "Reading and changing dossiers, with their evaluation and history"),
        (name = "workflow", description = "Moving a dossier from status to status: Données de base, validation, economics, reopening"),
        (name = "signature", description = "Signature circuits: sending the contract and the convention, and what a signer's link opens"),
        (name = "rules", description = "The rules, on content that is not stored"),
        (name = "operations", description = "Health and metrics"),
        (name = "development", description = "Development mode only"),
    ),
    modifiers(&SecuritySchemes)
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("The access token of `POST /api/v1/auth/login`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("opt_…")
                    .description(Some(
                        "An API token of `POST /api/v1/api-tokens`, acting within its scopes.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The scraper's token of `/metrics`: the setting `server.metrics_token`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Mounts every documented handler on an app.
pub fn mount<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    app.openapi(ApiDoc::openapi())
        .service(scope::scope("/api/v1").configure(routes::configure))
        .service(routes::operations::health)
        .service(routes::operations::metrics)
}

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    complete(
        mount(actix_web::App::new().into_utoipa_app())
            .split_for_parts()
            .1,
    )
}

/// Adds to every operation the error answers that the server's shared layers give, where its
/// handler did not document them itself: a client reading one operation sees every status it
/// can get.
///
/// - 400 `invalid_query`: any query string with a control character, or parameters that do
///   not parse;
/// - 401 and 403: operations that ask who is calling (`unauthenticated`; `forbidden`,
///   `api_token_not_accepted`, `insufficient_scope`);
/// - 404 `not_found`: operations with a path parameter (an id that names nothing, or holds a
///   control character);
/// - 413 `payload_too_large`, 415 `unsupported_media_type`: operations that read a body.
///
/// 429 is documented by the few operations that throttle; 405 answers a method a path does not
/// have, so it belongs to no operation.
pub fn complete(mut document: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    for (path, item) in document.paths.paths.iter_mut() {
        let has_path_parameter = path.contains('{');
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let asks_who = operation.security.iter().flatten().any(|requirement| {
                serde_json::to_value(requirement)
                    .ok()
                    .and_then(|value| value.as_object().map(|members| !members.is_empty()))
                    .unwrap_or(false)
            });
            let reads_body = operation.request_body.is_some();
            let shared = [
                (
                    true,
                    "400",
                    "`invalid_query`: a query parameter that does not parse, or a control character in the query string",
                ),
                (asks_who, "401", "`unauthenticated`: no valid credentials"),
                (
                    asks_who,
                    "403",
                    "`forbidden`, `api_token_not_accepted` or `insufficient_scope`: not for this caller",
                ),
                (
                    has_path_parameter,
                    "404",
                    "`not_found`: nothing at this address",
                ),
                (
                    reads_body,
                    "413",
                    "`payload_too_large`: the body is over the limit",
                ),
                (
                    reads_body,
                    "415",
                    "`unsupported_media_type`: send the documented content type",
                ),
            ];
            for (applies, status, description) in shared {
                if applies && !operation.responses.responses.contains_key(status) {
                    operation
                        .responses
                        .responses
                        .insert(status.to_owned(), problem_response(description));
                }
            }
        }
    }
    document
}

fn problem_response(
    description: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::response::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            api_types::PROBLEM_CONTENT_TYPE,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

/// The document as committed: pretty JSON with a final newline.
pub fn document_json() -> Result<String, serde_json::Error> {
    Ok(format!("{}\n", document().to_pretty_json()?))
}
