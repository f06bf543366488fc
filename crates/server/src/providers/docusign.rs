//! DocuSign eSignature REST API v2.1, as its public documentation describes it: the JWT grant
//! (`POST /oauth/token` with an RS256 assertion — `iss` the integration key, `sub` the
//! impersonated user, `aud` the account server, scope `signature impersonation` — consented
//! once), `GET /oauth/userinfo` for the account's base URI, envelopes sent with both documents
//! in base64 and their signers in routing order (`clientUserId`: embedded signing, so DocuSign
//! mails nobody and the platform's own links lead to it), signature tabs placed by the anchors
//! the templates print invisibly, recipient views, voiding, the signed documents and the
//! certificate of completion, and Connect webhooks authenticated by HMAC-SHA256
//! (`X-DocuSign-Signature-1`, `-2`… one per active key).

use std::{sync::Mutex, time::Duration};

use actix_web::http::header::HeaderMap;
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use chrono::{DateTime, Utc};
use domain::documents::DocumentKind;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use super::{
    Completion, ProviderError, ProviderFuture, RemoteCircuit, RemoteStatus, SignatureProvider,
    SignedDocuments, Signer, StartRequest,
};
use crate::config::DocuSignSettings;

/// The key of this provider.
pub const DOCUSIGN: &str = "docusign";

/// The scope the JWT grant asks for: sending envelopes as the impersonated user.
const SCOPE: &str = "signature impersonation";

/// The anchor each signer's « signe ici » tab is placed on: the templates print `\sN\` in
/// white at each signature place (N = the role's rank in `SignerRole::ALL`, 1-based).
pub fn anchor(role: domain::signature::SignerRole) -> String {
    let rank = domain::signature::SignerRole::ALL
        .iter()
        .position(|r| *r == role)
        .unwrap_or(0)
        + 1;
    format!("\\s{rank}\\")
}

fn document_id(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Convention => "2",
        _ => "1",
    }
}

/// An access token and when it stops being used.
#[derive(Debug, Clone)]
struct Token {
    value: String,
    base_uri: String,
    renew_at: DateTime<Utc>,
}

/// The DocuSign account the platform sends from.
pub struct DocuSign {
    settings: DocuSignSettings,
    key: jsonwebtoken::EncodingKey,
    client: reqwest::Client,
    token: Mutex<Option<Token>>,
}

fn unavailable(error: impl std::fmt::Display) -> ProviderError {
    ProviderError::Unavailable(error.to_string())
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
    scope: &'a str,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: i64,
}

#[derive(Deserialize)]
struct UserInfo {
    accounts: Vec<Account>,
}

#[derive(Deserialize)]
struct Account {
    account_id: String,
    base_uri: String,
}

impl DocuSign {
    /// The provider for the configured account: its RSA key read now, so that a wrong one stops
    /// the start-up rather than the first envelope.
    pub fn new(settings: DocuSignSettings) -> Result<Self, String> {
        for (name, value) in [
            ("integration_key", &settings.integration_key),
            ("user_id", &settings.user_id),
            ("account_id", &settings.account_id),
            ("auth_server", &settings.auth_server),
        ] {
            if value.trim().is_empty() {
                return Err(format!(
                    "signature.docusign.{name} is required with signature.provider = \"docusign\""
                ));
            }
        }
        if settings.connect_keys.expose().trim().is_empty() {
            return Err("signature.docusign.connect_keys must hold the Connect HMAC key(s): webhooks are refused without them".into());
        }
        let pem = std::fs::read(&settings.private_key).map_err(|e| {
            format!(
                "signature.docusign.private_key {}: {e}",
                settings.private_key.display()
            )
        })?;
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(&pem)
            .map_err(|e| format!("signature.docusign.private_key is not an RSA key in PEM: {e}"))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            settings,
            key,
            client,
            token: Mutex::new(None),
        })
    }

    /// The account server's host, as the assertion's audience names it.
    fn audience(&self) -> &str {
        let server = self.settings.auth_server.trim_end_matches('/');
        server
            .strip_prefix("https://")
            .or_else(|| server.strip_prefix("http://"))
            .unwrap_or(server)
    }

    fn auth_url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.auth_server.trim_end_matches('/'))
    }

    /// A valid access token and the account's base URI, from the JWT grant (renewed five
    /// minutes before it expires; the grant gives no refresh token).
    async fn token(&self) -> Result<Token, ProviderError> {
        let now = Utc::now();
        if let Ok(held) = self.token.lock()
            && let Some(token) = held.as_ref().filter(|t| t.renew_at > now)
        {
            return Ok(token.clone());
        }
        let claims = Claims {
            iss: &self.settings.integration_key,
            sub: &self.settings.user_id,
            aud: self.audience(),
            iat: now.timestamp(),
            exp: now.timestamp() + 3600,
            scope: SCOPE,
        };
        let assertion = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
            &claims,
            &self.key,
        )
        .map_err(|e| ProviderError::Refused(format!("JWT assertion: {e}")))?;
        let response = self
            .client
            .post(self.auth_url("/oauth/token"))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", assertion.as_str()),
            ])
            .send()
            .await
            .map_err(unavailable)?;
        if !response.status().is_success() {
            let status = response.status();
            let body: Json = response.json().await.unwrap_or(Json::Null);
            if body["error"] == "consent_required" {
                return Err(ProviderError::Refused(format!(
                    "consent_required: the user must consent once at {}",
                    self.consent_url()
                )));
            }
            return Err(ProviderError::Refused(format!(
                "JWT grant answered {status}: {body}"
            )));
        }
        let answer: TokenAnswer = response.json().await.map_err(unavailable)?;
        let info: UserInfo = self
            .client
            .get(self.auth_url("/oauth/userinfo"))
            .bearer_auth(&answer.access_token)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(unavailable)?
            .json()
            .await
            .map_err(unavailable)?;
        let base_uri = info
            .accounts
            .into_iter()
            .find(|a| a.account_id == self.settings.account_id)
            .map(|a| a.base_uri)
            .ok_or_else(|| {
                ProviderError::Refused(format!(
                    "the user has no access to account {}",
                    self.settings.account_id
                ))
            })?;
        let token = Token {
            value: answer.access_token,
            base_uri: base_uri.trim_end_matches('/').to_owned(),
            renew_at: now + chrono::Duration::seconds((answer.expires_in - 300).max(60)),
        };
        if let Ok(mut held) = self.token.lock() {
            *held = Some(token.clone());
        }
        Ok(token)
    }

    /// Where the impersonated user consents, once.
    pub fn consent_url(&self) -> String {
        format!(
            "{}?response_type=code&scope=signature%20impersonation&client_id={}&redirect_uri={}",
            self.auth_url("/oauth/auth"),
            self.settings.integration_key,
            self.settings.consent_redirect_uri
        )
    }

    /// A request to `/restapi/v2.1/accounts/{account}{path}`.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Json>,
    ) -> Result<reqwest::Response, ProviderError> {
        let token = self.token().await?;
        let url = format!(
            "{}/restapi/v2.1/accounts/{}{path}",
            token.base_uri, self.settings.account_id
        );
        let mut request = self.client.request(method, url).bearer_auth(&token.value);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(unavailable)?;
        let status = response.status();
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(ProviderError::Unavailable(format!(
                "DocuSign answered {status}"
            )));
        }
        if !status.is_success() {
            let body: Json = response.json().await.unwrap_or(Json::Null);
            return Err(ProviderError::Refused(format!(
                "DocuSign answered {status}: {} {}",
                body["errorCode"].as_str().unwrap_or_default(),
                body["message"].as_str().unwrap_or_default()
            )));
        }
        Ok(response)
    }

    async fn bytes(&self, path: &str) -> Result<Vec<u8>, ProviderError> {
        let response = self.call(reqwest::Method::GET, path, None).await?;
        Ok(response.bytes().await.map_err(unavailable)?.to_vec())
    }

    /// The envelope's definition: both documents, each signer with their tabs on their anchor
    /// in the documents they sign, sent at once.
    fn envelope(request: &StartRequest) -> Json {
        let documents: Vec<Json> = request
            .documents
            .iter()
            .map(|d| {
                json!({
                    "documentId": document_id(d.kind),
                    "name": d.name,
                    "fileExtension": "pdf",
                    "documentBase64": BASE64.encode(&d.bytes),
                })
            })
            .collect();
        let signers: Vec<Json> = request
            .signers
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let tabs: Vec<Json> = s
                    .documents
                    .iter()
                    .map(|kind| {
                        json!({
                            "documentId": document_id(*kind),
                            "anchorString": anchor(s.role),
                            "anchorUnits": "pixels",
                            "anchorXOffset": "0",
                            "anchorYOffset": "0",
                            "anchorIgnoreIfNotPresent": "false",
                        })
                    })
                    .collect();
                json!({
                    "recipientId": (i + 1).to_string(),
                    "clientUserId": s.id,
                    "email": s.email,
                    "name": s.name,
                    "routingOrder": s.order.to_string(),
                    "tabs": {"signHereTabs": tabs},
                })
            })
            .collect();
        json!({
            "emailSubject": request.subject,
            "documents": documents,
            "recipients": {"signers": signers},
            "status": "sent",
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipients {
    #[serde(default)]
    signers: Vec<RecipientAnswer>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecipientAnswer {
    #[serde(default)]
    client_user_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    signed_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    declined_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnvelopeAnswer {
    #[serde(default)]
    envelope_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    voided_reason: Option<String>,
}

/// Whether one of the `X-DocuSign-Signature-N` headers is the HMAC-SHA256 of `body` under one
/// of `keys` (compared in constant time by ring).
pub fn authentic(headers: &HeaderMap, body: &[u8], keys: &str) -> bool {
    let signatures: Vec<Vec<u8>> = headers
        .iter()
        .filter(|(name, _)| {
            name.as_str()
                .strip_prefix("x-docusign-signature-")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter_map(|(_, value)| value.to_str().ok())
        .filter_map(|value| BASE64.decode(value.trim()).ok())
        .collect();
    keys.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .any(|secret| {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
            signatures
                .iter()
                .any(|signature| ring::hmac::verify(&key, body, signature).is_ok())
        })
}

impl SignatureProvider for DocuSign {
    fn key(&self) -> &'static str {
        DOCUSIGN
    }

    fn start<'a>(&'a self, request: &'a StartRequest) -> ProviderFuture<'a, Option<String>> {
        Box::pin(async move {
            let envelope = Self::envelope(request);
            let answer: EnvelopeAnswer = self
                .call(reqwest::Method::POST, "/envelopes", Some(&envelope))
                .await?
                .json()
                .await
                .map_err(unavailable)?;
            if answer.envelope_id.is_empty() {
                return Err(ProviderError::Refused("no envelopeId in the answer".into()));
            }
            Ok(Some(answer.envelope_id))
        })
    }

    fn status<'a>(&'a self, reference: &'a str) -> ProviderFuture<'a, RemoteCircuit> {
        Box::pin(async move {
            let envelope: EnvelopeAnswer = self
                .call(
                    reqwest::Method::GET,
                    &format!("/envelopes/{reference}"),
                    None,
                )
                .await?
                .json()
                .await
                .map_err(unavailable)?;
            let recipients: Recipients = self
                .call(
                    reqwest::Method::GET,
                    &format!("/envelopes/{reference}/recipients"),
                    None,
                )
                .await?
                .json()
                .await
                .map_err(unavailable)?;
            let signers = recipients
                .signers
                .into_iter()
                .map(|r| {
                    let status = match r.status.as_str() {
                        "completed" | "signed" => {
                            RemoteStatus::Signed(r.signed_date_time.unwrap_or_else(Utc::now))
                        }
                        "declined" => RemoteStatus::Refused(
                            r.declined_reason
                                .unwrap_or_else(|| "refus sans motif indiqué".into()),
                        ),
                        _ => RemoteStatus::Waiting,
                    };
                    (r.client_user_id, status)
                })
                .collect();
            Ok(RemoteCircuit {
                signers,
                completed: envelope.status == "completed",
                voided: (envelope.status == "voided").then(|| {
                    envelope
                        .voided_reason
                        .unwrap_or_else(|| "annulée chez DocuSign".into())
                }),
            })
        })
    }

    fn signing_view<'a>(
        &'a self,
        reference: &'a str,
        signer: &'a Signer,
        return_url: &'a str,
    ) -> ProviderFuture<'a, Option<String>> {
        Box::pin(async move {
            // The platform authenticated the signer: their single-use link, mailed to them.
            let request = json!({
                "returnUrl": return_url,
                "authenticationMethod": "email",
                "email": signer.email,
                "userName": signer.name,
                "clientUserId": signer.id,
            });
            let answer: Json = self
                .call(
                    reqwest::Method::POST,
                    &format!("/envelopes/{reference}/views/recipient"),
                    Some(&request),
                )
                .await?
                .json()
                .await
                .map_err(unavailable)?;
            answer["url"]
                .as_str()
                .map(|url| Some(url.to_owned()))
                .ok_or_else(|| ProviderError::Refused("no url in the recipient view".into()))
        })
    }

    fn cancel<'a>(&'a self, reference: Option<&'a str>, reason: &'a str) -> ProviderFuture<'a, ()> {
        Box::pin(async move {
            let Some(reference) = reference else {
                return Ok(());
            };
            let reason: String = reason.chars().take(200).collect();
            self.call(
                reqwest::Method::PUT,
                &format!("/envelopes/{reference}"),
                Some(&json!({"status": "voided", "voidedReason": reason})),
            )
            .await
            .map(|_| ())
        })
    }

    fn signed_documents<'a>(
        &'a self,
        reference: Option<&'a str>,
        completion: Completion,
    ) -> ProviderFuture<'a, SignedDocuments> {
        Box::pin(async move {
            let reference =
                reference.ok_or_else(|| ProviderError::Refused("no envelope".into()))?;
            let mut documents = Vec::new();
            for (document, _, _) in &completion.documents {
                let bytes = self
                    .bytes(&format!(
                        "/envelopes/{reference}/documents/{}",
                        document_id(document.kind)
                    ))
                    .await?;
                documents.push((document.kind, bytes));
            }
            let certificate = self
                .bytes(&format!("/envelopes/{reference}/documents/certificate"))
                .await?;
            Ok(SignedDocuments {
                documents,
                certificate: Some(certificate),
            })
        })
    }

    fn callback(&self, headers: &HeaderMap, body: &[u8]) -> Result<Option<String>, ProviderError> {
        if !authentic(headers, body, self.settings.connect_keys.expose()) {
            return Err(ProviderError::Unauthentic);
        }
        let event: Json = serde_json::from_slice(body)
            .map_err(|e| ProviderError::Refused(format!("not JSON: {e}")))?;
        Ok(event["data"]["envelopeId"]
            .as_str()
            .filter(|id| !id.is_empty())
            .map(str::to_owned))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn signed(body: &[u8], secret: &str) -> String {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
        BASE64.encode(ring::hmac::sign(&key, body).as_ref())
    }

    fn headers(values: &[(&str, String)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in values {
            map.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn a_webhook_signed_with_any_active_key_in_any_header_is_authentic() {
        let body = br#"{"event":"envelope-completed"}"#;
        let rotated = headers(&[
            ("x-docusign-signature-1", signed(body, "nouvelle")),
            ("x-docusign-signature-2", signed(body, "ancienne")),
        ]);
        assert!(authentic(&rotated, body, "ancienne"));
        assert!(authentic(&rotated, body, "autre, nouvelle"));
        assert!(!authentic(&rotated, body, "autre"));
        assert!(!authentic(&rotated, b"{}", "nouvelle"), "another body");
        assert!(!authentic(&HeaderMap::new(), body, "nouvelle"));
        let elsewhere = headers(&[("x-signature", signed(body, "nouvelle"))]);
        assert!(!authentic(&elsewhere, body, "nouvelle"));
    }

    #[test]
    fn each_role_has_its_own_anchor() {
        use domain::signature::SignerRole;
        assert_eq!(anchor(SignerRole::Employeur), "\\s1\\");
        assert_eq!(anchor(SignerRole::Cfa), "\\s4\\");
    }
}
