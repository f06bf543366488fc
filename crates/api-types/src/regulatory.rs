//! `GET /api/v1/regulatory-data`: which regulatory tables are in force.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One regulatory table in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetBody {
    /// `smic`, `idcc`, `ceilings` or `codes`: `GET /api/v1/regulatory-data/{name}` is the file.
    pub name: String,
    /// The date the data is up to: the last SMIC revaluation, the list's extraction.
    #[serde(with = "crate::wire_time::date")]
    pub version: NaiveDate,
    /// Where it comes from.
    pub source: String,
    /// `embedded` (in this release) or `file` (named in the settings, `regulatory.{name}`).
    pub origin: String,
    /// How many lines it holds.
    pub entries: usize,
}

/// The SMIC in force today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmicBody {
    /// First day it applies.
    #[serde(with = "crate::wire_time::date")]
    pub from: NaiveDate,
    /// Hourly gross, euros.
    pub hourly: String,
    /// Monthly gross for 151,67 hours, euros.
    pub monthly: String,
    /// Monthly gross in Mayotte, euros.
    pub monthly_mayotte: String,
    /// Days since it came into force: a SMIC is revalued at least every year, so a figure
    /// above 365 says a revaluation is missing from the table.
    pub days_in_force: i64,
}

/// The regulatory tables in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegulatoryDataBody {
    /// Each table.
    pub datasets: Vec<DatasetBody>,
    /// The SMIC in force today.
    pub smic_in_force: Option<SmicBody>,
}
