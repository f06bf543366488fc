//! Short-lived access tokens (HS256 JWT).

use chrono::{DateTime, Duration, Utc};
use domain::Role;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The user's role when the token was issued.
    pub role: Role,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
}

/// The keys of access tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    lifetime: Duration,
}

impl JwtKeys {
    /// Keys from a secret, for tokens living `lifetime`.
    pub fn new(secret: &[u8], lifetime: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            lifetime,
        }
    }

    /// Seconds a new token lives.
    pub fn lifetime_seconds(&self) -> u64 {
        self.lifetime.num_seconds().max(0) as u64
    }

    /// A token for a user, issued at `now`.
    pub fn issue(
        &self,
        user_id: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user_id.to_owned(),
            role,
            iat: now.timestamp(),
            exp: (now + self.lifetime).timestamp(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The claims of a valid, unexpired token. Expiry is checked against the server's clock
    /// rather than the library's, so that tests which move the clock see tokens expire.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        let claims = decode::<Claims>(token, &self.decoding, &validation)
            .ok()?
            .claims;
        (claims.exp > now.timestamp()).then_some(claims)
    }
}
