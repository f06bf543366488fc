//! The JSON body extractor of every handler: actix's `web::Json` reads the body (limits,
//! content type, malformed JSON), then it is deserialized strictly
//! ([`api_types::strict`]: a struct is never taken from an array).

use std::ops::{Deref, DerefMut};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use api_types::strict::from_value;

use crate::error::body_error;

/// A JSON body, deserialized strictly: the extractor of every handler that takes JSON.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<Value>::from_request(request, payload);
        Box::pin(async move {
            let web::Json(value) = value.await?;
            from_value(&value)
                .map(Json)
                .map_err(|error| body_error(&error).into())
        })
    }
}

/// A JSON body the request may leave out: `None` when it has no body (no `Content-Type` and no
/// length), the strict [`Json`] otherwise — a body sent is never ignored.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = request.headers();
        let length = headers
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let has_body = headers.contains_key(actix_web::http::header::CONTENT_TYPE)
            || headers.contains_key(actix_web::http::header::TRANSFER_ENCODING)
            || length.is_some_and(|n| n > 0);
        if !has_body {
            return Box::pin(async { Ok(OptionalJson(None)) });
        }
        let body = Json::<T>::from_request(request, payload);
        Box::pin(async move { Ok(OptionalJson(Some(body.await?.into_inner()))) })
    }
}
