//! Who runs this Opuntia: the CFA's identity and contact, for the app's header and footer and
//! its legal notice.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/platform`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "cfa_name": "CFA Epure Méditerranée",
    "address": "3 place Victor Hugo, 13003 Marseille",
    "siret": "55208131766522",
    "director": "Claire Fontaine",
    "contact_email": "contact@demo.opuntia.test",
    "logo_url": "/api/v1/platform/logo"
})))]
pub struct PlatformBody {
    /// The CFA's name (`[cfa] denomination`); absent when none is configured.
    pub cfa_name: Option<String>,
    /// Its postal address, on one line.
    pub address: Option<String>,
    /// Its SIRET.
    pub siret: Option<String>,
    /// Its director, the publication director of the legal notice.
    pub director: Option<String>,
    /// Where users write with a question (`[cfa] contact_email`).
    pub contact_email: Option<String>,
    /// Where the CFA's logo is (`[cfa] logo`); absent without one.
    pub logo_url: Option<String>,
}
