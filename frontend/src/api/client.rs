//! The one place that talks HTTP: relative `/api` paths (the app is served by the same origin),
//! the bearer token, JSON in and out, and every non-2xx answer read as a [`Problem`].

use std::cell::RefCell;

use api_types::{Problem, account::LoginResponse};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::{Serialize, de::DeserializeOwned};

use super::endpoints::REFRESH;

/// What a request may send.
pub enum Body<'a> {
    /// Nothing.
    Empty,
    /// JSON, with its content type (`application/json`, `application/merge-patch+json`).
    Json(&'a serde_json::Value, &'static str),
    /// Text with its content type (a CSV file).
    Text(String, &'static str),
    /// Bytes with their content type (a PDF).
    Bytes(Vec<u8>, &'static str),
}

/// One request.
pub struct Call<'a> {
    pub method: Method,
    pub path: String,
    pub token: Option<&'a str>,
    pub body: Body<'a>,
    pub if_match: Option<String>,
    pub headers: Vec<(&'static str, String)>,
}

impl<'a> Call<'a> {
    pub fn new(method: Method, path: impl Into<String>, token: Option<&'a str>) -> Self {
        Self {
            method,
            path: path.into(),
            token,
            body: Body::Empty,
            if_match: None,
            headers: Vec::new(),
        }
    }

    pub fn json(mut self, body: &'a serde_json::Value) -> Self {
        self.body = Body::Json(body, "application/json");
        self
    }
}

/// What the client tells the app about the session: renewed (a new login), or over.
pub enum SessionEvent {
    /// An expired token was renewed from the session cookie.
    Renewed(LoginResponse),
    /// The session could not be renewed: the user must sign in again.
    Expired,
}

/// Who is told of session events.
type SessionWatcher = Box<dyn Fn(SessionEvent)>;

thread_local! {
    /// The app's listener of session events (one app per page).
    static SESSION_WATCHER: RefCell<Option<SessionWatcher>> = RefCell::new(None);
}

/// Sets the listener told when the client renews the session or finds it over.
pub fn watch_session(watcher: impl Fn(SessionEvent) + 'static) {
    SESSION_WATCHER.with(|slot| *slot.borrow_mut() = Some(Box::new(watcher)));
}

fn tell(event: SessionEvent) {
    SESSION_WATCHER.with(|slot| {
        if let Some(watcher) = slot.borrow().as_ref() {
            watcher(event);
        }
    });
}

/// Sends `call`: the answer when it is a 2xx one, its problem otherwise, a problem of our own
/// when the network fails. A signed request refused as unauthenticated (a token that expired
/// while the computer slept) renews the token once from the session cookie and is sent again;
/// when that fails too the app is told the session is over, and shows the sign-in page.
async fn send(call: Call<'_>) -> Result<Response, Problem> {
    let answer = send_once(&call, call.token).await;
    if call.token.is_none() || !matches!(&answer, Err(problem) if problem.status == 401) {
        return answer;
    }
    match renew().await {
        Ok(login) => {
            let token = login.access_token.clone();
            tell(SessionEvent::Renewed(login));
            send_once(&call, Some(&token)).await
        }
        Err(_) => {
            tell(SessionEvent::Expired);
            answer
        }
    }
}

/// `POST /auth/refresh`, without the renewal above (its own 401 means « no session »).
pub async fn renew() -> Result<LoginResponse, Problem> {
    let call = Call::new(Method::POST, super::endpoints::path(REFRESH), None);
    let response = send_once(&call, None).await?;
    let status = response.status();
    response.json().await.map_err(|_| unreadable(status))
}

async fn send_once(call: &Call<'_>, token: Option<&str>) -> Result<Response, Problem> {
    let mut builder = RequestBuilder::new(&call.path).method(call.method.clone());
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    if let Some(tag) = &call.if_match {
        builder = builder.header("If-Match", tag);
    }
    for (name, value) in &call.headers {
        builder = builder.header(name, value);
    }
    builder = builder.header("Accept", "application/json");
    let request = match &call.body {
        Body::Empty => builder.build(),
        Body::Json(value, content_type) => builder
            .header("Content-Type", content_type)
            .body(value.to_string()),
        Body::Text(text, content_type) => builder
            .header("Content-Type", content_type)
            .body(text.clone()),
        Body::Bytes(bytes, content_type) => builder
            .header("Content-Type", content_type)
            .body(js_sys::Uint8Array::from(bytes.as_slice())),
    }
    .map_err(|_| offline())?;
    let response = request.send().await.map_err(|_| offline())?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => Err(problem),
        Err(_) => Err(unreadable(status)),
    }
}

/// Sends `call` and reads the answer's JSON body. (The dossier's version travels in its body as
/// well as in its `ETag`, so the body is all the app needs.)
pub async fn fetch<T: DeserializeOwned>(call: Call<'_>) -> Result<T, Problem> {
    let response = send(call).await?;
    let status = response.status();
    let text = response.text().await.map_err(|_| offline())?;
    // 204 and other empty answers deserialise from `null`.
    let text = if text.is_empty() { "null".into() } else { text };
    serde_json::from_str(&text).map_err(|_| unreadable(status))
}

/// A JSON body from any serialisable value.
pub fn to_json(value: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

fn offline() -> Problem {
    Problem::new(0, "network_error", "Serveur injoignable").with_detail(
        "Le serveur ne répond pas : vérifiez votre connexion puis réessayez. Vos saisies sont conservées dans la page.",
    )
}

fn unreadable(status: u16) -> Problem {
    Problem::new(status, "unreadable_answer", "Réponse inattendue")
        .with_detail("Le serveur a répondu de façon inattendue. Réessayez dans un instant.")
}

/// The UTF-8 file name of a `Content-Disposition` (`filename*=UTF-8''…`), else its `filename`.
fn file_name(disposition: &str) -> Option<String> {
    let encoded = disposition
        .split(';')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("filename*=UTF-8''"));
    if let Some(encoded) = encoded {
        return js_sys::decode_uri_component(encoded).ok().map(String::from);
    }
    disposition
        .split(';')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("filename="))
        .map(|name| name.trim_matches('"').to_owned())
}

/// Sends `call` and answers the response as it comes, with the file name it names, for a
/// download read while it arrives.
pub async fn download(call: Call<'_>) -> Result<(Response, Option<String>), Problem> {
    let response = send(call).await?;
    let name = response
        .headers()
        .get("content-disposition")
        .and_then(|d| file_name(&d));
    Ok((response, name))
}

/// Sends `call` and answers the body's bytes and the file name it names.
pub async fn binary(call: Call<'_>) -> Result<(Vec<u8>, Option<String>), Problem> {
    let (response, name) = download(call).await?;
    let bytes = response.binary().await.map_err(|_| offline())?;
    Ok((bytes, name))
}

/// Sends `call` and answers the body as text (a CSV export).
pub async fn text(call: Call<'_>) -> Result<String, Problem> {
    send(call).await?.text().await.map_err(|_| offline())
}
