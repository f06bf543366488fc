//! Every API operation the app calls, as a typed function: pages name what they want, never a
//! path. Each goes through [`super::client`], the only code that speaks HTTP.

use api_types::{
    Problem,
    account::{LoginResponse, MeBody, UserBody},
    dossiers::{DossierBody, DossierCountsBody, DossierListBody, HistoryEntryBody, SuiviBody},
    formations::{AccessCodeBody, AnnexBody, FormationBody, RegistrationResponse},
    invitations::{BulkInvitationResponse, InvitationBody},
    signatures::{CircuitBody, SigningBody, SigningViewBody},
};
use gloo_net::http::Method;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value as Json;

use super::client::{self, Body, Call, fetch, to_json};

/// Where the API lives, on the app's own origin.
const BASE: &str = "/api/v1";

pub(super) fn path(rest: impl AsRef<str>) -> String {
    format!("{BASE}{}", rest.as_ref())
}

/// A segment of a path, escaped (an access code as typed may hold anything).
fn segment(text: &str) -> String {
    js_sys::encode_uri_component(text).into()
}

async fn get<T: DeserializeOwned>(rest: impl AsRef<str>, token: &str) -> Result<T, Problem> {
    fetch(Call::new(Method::GET, path(rest), Some(token))).await
}

async fn send<T: DeserializeOwned>(
    method: Method,
    rest: impl AsRef<str>,
    body: &impl Serialize,
    token: Option<&str>,
) -> Result<T, Problem> {
    let body = to_json(body);
    fetch(Call::new(method, path(rest), token).json(&body)).await
}

/// An answer whose body the app does not read.
async fn send_ignoring(
    method: Method,
    rest: impl AsRef<str>,
    body: &impl Serialize,
    token: Option<&str>,
) -> Result<(), Problem> {
    send::<Json>(method, rest, body, token).await.map(|_| ())
}

// ── Sessions and passwords ───────────────────────────────────────────────────────────────────

/// `POST /auth/login`.
pub async fn login(request: &impl Serialize) -> Result<LoginResponse, Problem> {
    send(Method::POST, "/auth/login", request, None).await
}

/// The path that renews a session from its cookie.
pub(super) const REFRESH: &str = "/auth/refresh";

/// `POST /auth/refresh`: a new access token from the refresh cookie.
pub async fn refresh() -> Result<LoginResponse, Problem> {
    client::renew().await
}

/// `GET /platform`: the CFA running the platform (public).
pub async fn platform() -> Result<api_types::platform::PlatformBody, Problem> {
    fetch(Call::new(Method::GET, path("/platform"), None)).await
}

/// `POST /auth/logout`.
pub async fn logout(token: Option<&str>) -> Result<(), Problem> {
    fetch::<Json>(Call::new(Method::POST, path("/auth/logout"), token))
        .await
        .map(|_| ())
}

/// `POST /auth/password/forgot`.
pub async fn forgot_password(request: &impl Serialize) -> Result<(), Problem> {
    send_ignoring(Method::POST, "/auth/password/forgot", request, None).await
}

/// `POST /users/{id}/password-link`: the account is mailed a link to choose its password.
pub async fn send_password_link(id: &str, token: &str) -> Result<(), Problem> {
    let rest = format!("/users/{}/password-link", segment(id));
    send_ignoring(Method::POST, rest, &(), Some(token)).await
}

/// `POST /auth/password/reset`.
pub async fn reset_password(request: &impl Serialize) -> Result<(), Problem> {
    send_ignoring(Method::POST, "/auth/password/reset", request, None).await
}

/// `POST /auth/password`: this session goes on with the tokens answered.
pub async fn change_password(
    request: &impl Serialize,
    token: Option<&str>,
) -> Result<LoginResponse, Problem> {
    send(Method::POST, "/auth/password", request, token).await
}

// ── Registration and accounts ────────────────────────────────────────────────────────────────

/// `GET /access-codes/{code}`, the code as typed.
pub async fn access_code(typed: &str) -> Result<AccessCodeBody, Problem> {
    let rest = format!("/access-codes/{}", segment(typed));
    fetch(Call::new(Method::GET, path(rest), None)).await
}

/// `POST /registrations`.
pub async fn register(request: &impl Serialize) -> Result<RegistrationResponse, Problem> {
    send(Method::POST, "/registrations", request, None).await
}

/// `GET /me`.
pub async fn me(token: &str) -> Result<MeBody, Problem> {
    get("/me", token).await
}

/// `GET /users`.
pub async fn users(token: &str) -> Result<Vec<UserBody>, Problem> {
    get("/users", token).await
}

/// `POST /users`.
pub async fn create_user(request: &impl Serialize, token: &str) -> Result<UserBody, Problem> {
    send(Method::POST, "/users", request, Some(token)).await
}

// ── Formations ───────────────────────────────────────────────────────────────────────────────

/// `GET /formations`, read as the page needs them (whole, or as summaries).
pub async fn formations<T: DeserializeOwned>(token: &str) -> Result<Vec<T>, Problem> {
    get("/formations", token).await
}

/// `POST /formations`.
pub async fn create_formation(
    request: &impl Serialize,
    token: &str,
) -> Result<FormationBody, Problem> {
    send(Method::POST, "/formations", request, Some(token)).await
}

/// `PUT /formations/{id}`.
pub async fn update_formation(
    id: &str,
    request: &impl Serialize,
    token: &str,
) -> Result<FormationBody, Problem> {
    send(
        Method::PUT,
        format!("/formations/{id}"),
        request,
        Some(token),
    )
    .await
}

/// `POST /formations/{id}/variants`.
pub async fn create_variant(
    formation_id: &str,
    request: &impl Serialize,
    token: &str,
) -> Result<(), Problem> {
    let rest = format!("/formations/{formation_id}/variants");
    send_ignoring(Method::POST, rest, request, Some(token)).await
}

/// `PATCH /formations/{id}/variants/{variant_id}`.
pub async fn update_variant(
    formation_id: &str,
    variant_id: &str,
    patch: &impl Serialize,
    token: &str,
) -> Result<(), Problem> {
    let rest = format!("/formations/{formation_id}/variants/{variant_id}");
    send_ignoring(Method::PATCH, rest, patch, Some(token)).await
}

// ── Invitations ──────────────────────────────────────────────────────────────────────────────

/// `POST /invitations`.
pub async fn invite(request: &impl Serialize, token: &str) -> Result<InvitationBody, Problem> {
    send(Method::POST, "/invitations", request, Some(token)).await
}

/// `POST /invitations/bulk` with a CSV file.
pub async fn invite_csv(csv: String, token: &str) -> Result<BulkInvitationResponse, Problem> {
    let mut call = Call::new(Method::POST, path("/invitations/bulk"), Some(token));
    call.body = Body::Text(csv, "text/csv");
    fetch(call).await
}

/// `GET /invitations?dossier_id=…`: the invitation of a dossier, if it came from one.
pub async fn dossier_invitation(
    dossier_id: &str,
    token: &str,
) -> Result<Option<InvitationBody>, Problem> {
    let rest = format!("/invitations?dossier_id={}", segment(dossier_id));
    get::<Vec<InvitationBody>>(rest, token)
        .await
        .map(|found| found.into_iter().next())
}

/// `POST /invitations/{id}/renew`: a new password mailed to the same address.
pub async fn renew_invitation(id: &str, token: &str) -> Result<InvitationBody, Problem> {
    let rest = format!("/invitations/{}/renew", segment(id));
    fetch(Call::new(Method::POST, path(rest), Some(token))).await
}

/// `PATCH /invitations/{id}`: the right address, where a new password goes.
pub async fn correct_invitation(
    id: &str,
    email: &str,
    token: &str,
) -> Result<InvitationBody, Problem> {
    let body = api_types::invitations::InvitationEmailPatch {
        email: email.to_owned(),
    };
    send(
        Method::PATCH,
        format!("/invitations/{}", segment(id)),
        &body,
        Some(token),
    )
    .await
}

// ── Dossiers ─────────────────────────────────────────────────────────────────────────────────

/// `GET /dossiers/{id}`.
pub async fn dossier(id: &str, token: &str) -> Result<DossierBody, Problem> {
    get(format!("/dossiers/{id}"), token).await
}

/// `PATCH /dossiers/{id}`: a merge patch under the version read.
pub async fn save_dossier(
    id: &str,
    version: i64,
    patch: &Json,
    token: &str,
) -> Result<DossierBody, Problem> {
    let mut call = Call::new(Method::PATCH, path(format!("/dossiers/{id}")), Some(token));
    call.body = Body::Json(patch, "application/merge-patch+json");
    call.if_match = Some(format!("\"v{version}\""));
    fetch(call).await
}

/// `PUT /dossiers/{id}/economics` under the version read.
pub async fn save_economics(
    id: &str,
    version: i64,
    values: &Json,
    token: &str,
) -> Result<DossierBody, Problem> {
    let mut call = Call::new(
        Method::PUT,
        path(format!("/dossiers/{id}/economics")),
        Some(token),
    )
    .json(values);
    call.if_match = Some(format!("\"v{version}\""));
    fetch(call).await
}

/// `POST /dossiers/{id}/{action}`: a workflow action (`base-validation`, `validation`, …),
/// with its comment when it needs one.
pub async fn act(
    id: &str,
    action_path: &str,
    body: &Json,
    token: &str,
) -> Result<DossierBody, Problem> {
    let rest = format!("/dossiers/{id}/{action_path}");
    fetch(Call::new(Method::POST, path(rest), Some(token)).json(body)).await
}

/// `GET /dossiers/{id}/suivi`.
pub async fn suivi(id: &str, token: &str) -> Result<SuiviBody, Problem> {
    get(format!("/dossiers/{id}/suivi"), token).await
}

/// `GET /dossiers/{id}/history`.
pub async fn history(id: &str, token: &str) -> Result<Vec<HistoryEntryBody>, Problem> {
    get(format!("/dossiers/{id}/history"), token).await
}

/// `GET /dossiers?{query}`.
pub async fn dossiers(query: &str, token: &str) -> Result<DossierListBody, Problem> {
    get(format!("/dossiers?{query}"), token).await
}

/// `GET /dossiers/counts`, of one formation when `formation_id` is not empty.
pub async fn counts(formation_id: &str, token: &str) -> Result<DossierCountsBody, Problem> {
    if formation_id.is_empty() {
        get("/dossiers/counts", token).await
    } else {
        get(
            format!("/dossiers/counts?formation_id={}", segment(formation_id)),
            token,
        )
        .await
    }
}

/// `GET /regulatory-data`: which tables are in force, and whether a CFA replaced them.
pub async fn regulatory_data() -> Result<api_types::regulatory::RegulatoryDataBody, Problem> {
    fetch(Call::new(Method::GET, path("/regulatory-data"), None)).await
}

/// `GET /regulatory-data/{name}`: one table, as its file.
pub async fn regulatory_file(name: &str) -> Result<String, Problem> {
    client::text(Call::new(
        Method::GET,
        path(format!("/regulatory-data/{name}")),
        None,
    ))
    .await
}

/// `GET /dossiers/export?{query}`: the CSV text.
pub async fn export(query: &str, token: &str) -> Result<String, Problem> {
    client::text(Call::new(
        Method::GET,
        path(format!("/dossiers/export?{query}")),
        Some(token),
    ))
    .await
}

/// `GET /dossiers/{id}/documents/{kind}` (or its `/draft`): the PDF and its file name.
pub async fn document(
    id: &str,
    kind: &str,
    suffix: &str,
    token: &str,
) -> Result<(Vec<u8>, Option<String>), Problem> {
    client::binary(Call::new(
        Method::GET,
        path(format!(
            "/dossiers/{}/documents/{kind}{suffix}",
            segment(id)
        )),
        Some(token),
    ))
    .await
}

/// `PUT /dossiers/{id}/documents/cerfa`: deposits the CERFA made outside (saisie simple).
pub async fn deposit_cerfa(id: &str, pdf: Vec<u8>, token: &str) -> Result<Json, Problem> {
    let mut call = Call::new(
        Method::PUT,
        path(format!("/dossiers/{}/documents/cerfa", segment(id))),
        Some(token),
    );
    call.body = Body::Bytes(pdf, "application/pdf");
    fetch(call).await
}

/// `GET /dossiers/documents/{kind}?{query}`: the ZIP of a list's documents, as it arrives.
pub async fn document_batch(
    kind: &str,
    query: &str,
    token: &str,
) -> Result<(gloo_net::http::Response, Option<String>), Problem> {
    client::download(Call::new(
        Method::GET,
        path(format!("/dossiers/documents/{kind}?{query}")),
        Some(token),
    ))
    .await
}

fn annex_path(formation_id: &str, kind: &str, variant_id: Option<&str>) -> String {
    let query = variant_id
        .map(|v| format!("?variant_id={}", segment(v)))
        .unwrap_or_default();
    path(format!(
        "/formations/{}/annexes/{kind}{query}",
        segment(formation_id)
    ))
}

/// `PUT /formations/{id}/annexes/{kind}`: the annex as lines (`text/plain`).
pub async fn put_annex_lines(
    formation_id: &str,
    kind: &str,
    variant_id: Option<&str>,
    lines: String,
    token: &str,
) -> Result<AnnexBody, Problem> {
    let mut call = Call::new(
        Method::PUT,
        annex_path(formation_id, kind, variant_id),
        Some(token),
    );
    call.body = Body::Text(lines, "text/plain; charset=utf-8");
    fetch(call).await
}

/// `PUT /formations/{id}/annexes/{kind}` with a PDF instead of data.
pub async fn put_annex_pdf(
    formation_id: &str,
    kind: &str,
    variant_id: Option<&str>,
    pdf: Vec<u8>,
    token: &str,
) -> Result<AnnexBody, Problem> {
    let mut call = Call::new(
        Method::PUT,
        annex_path(formation_id, kind, variant_id),
        Some(token),
    );
    call.body = Body::Bytes(pdf, "application/pdf");
    fetch(call).await
}

/// `DELETE /formations/{id}/annexes/{kind}`.
pub async fn delete_annex(
    formation_id: &str,
    kind: &str,
    variant_id: Option<&str>,
    token: &str,
) -> Result<(), Problem> {
    fetch::<Json>(Call::new(
        Method::DELETE,
        annex_path(formation_id, kind, variant_id),
        Some(token),
    ))
    .await
    .map(|_| ())
}

// ── Signature ────────────────────────────────────────────────────────────────────────────────

/// `GET /dossiers/{id}/signature`: `None` when the dossier was never sent.
pub async fn signature(id: &str, token: &str) -> Result<Option<CircuitBody>, Problem> {
    match get(format!("/dossiers/{}/signature", segment(id)), token).await {
        Err(problem) if problem.code == api_types::codes::SIGNATURE_NOT_STARTED => Ok(None),
        other => other.map(Some),
    }
}

/// A signature action of CFA staff on `/dossiers/{id}/signature{rest}`.
pub async fn signature_action(
    id: &str,
    rest: &str,
    body: &Json,
    token: &str,
) -> Result<CircuitBody, Problem> {
    let rest = format!("/dossiers/{}/signature{rest}", segment(id));
    send(Method::POST, rest, body, Some(token)).await
}

/// `PUT /dossiers/{id}/signature/paper`, or a signer's: a paper signature and its scan.
pub async fn record_paper(
    id: &str,
    signer: Option<&str>,
    pdf: Vec<u8>,
    token: &str,
) -> Result<CircuitBody, Problem> {
    let signer = signer
        .map(|s| format!("/signers/{}", segment(s)))
        .unwrap_or_default();
    let mut call = Call::new(
        Method::PUT,
        path(format!("/dossiers/{}/signature{signer}/paper", segment(id))),
        Some(token),
    );
    call.body = Body::Bytes(pdf, "application/pdf");
    fetch(call).await
}

/// The path of a signer's link, `/signing/{token}{rest}`.
pub fn signing_path(token: &str, rest: &str) -> String {
    path(format!("/signing/{}{rest}", segment(token)))
}

/// `GET /signing/{token}`: what a signer's link opens (no account).
pub async fn signing(token: &str) -> Result<SigningBody, Problem> {
    fetch(Call::new(Method::GET, signing_path(token, ""), None)).await
}

/// `GET /signing/{token}{rest}`: the bytes of a document to sign.
pub async fn signing_document(
    token: &str,
    rest: &str,
) -> Result<(Vec<u8>, Option<String>), Problem> {
    client::binary(Call::new(Method::GET, signing_path(token, rest), None)).await
}

/// `POST /signing/{token}{rest}` (`/code`, ``, `/refusal`): a signer's step.
pub async fn signing_step(token: &str, rest: &str, body: &Json) -> Result<(), Problem> {
    fetch::<Json>(Call::new(Method::POST, signing_path(token, rest), None).json(body))
        .await
        .map(|_| ())
}

/// `POST /signing/{token}/view`: the provider's signing page for this signer.
pub async fn signing_view(token: &str) -> Result<SigningViewBody, Problem> {
    fetch(Call::new(Method::POST, signing_path(token, "/view"), None)).await
}
