//! Access codes with which an apprentice registers for a formation or one of its variants.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{FieldError, text::is_dash};

/// A formation's access code: `F` + 2 or 3 digits, optionally `-` and one digit for a variant
/// (`F728`, `F724-2`).
///
/// Parsing forgives what people type: surrounding spaces, lower case, and any Unicode dash,
/// hyphen or minus sign in place of `-` (`f724–2` reads as `F724-2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccessCode {
    base: String,
    variant: Option<u8>,
}

impl AccessCode {
    /// Parses and normalises a typed access code.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(FieldError::Required);
        }
        let normalised: String = trimmed
            .chars()
            .map(|c| {
                if is_dash(c) {
                    '-'
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        let (base, variant) = match normalised.split_once('-') {
            Some((base, variant)) => (base, Some(variant)),
            None => (normalised.as_str(), None),
        };
        let digits = base.strip_prefix('F').ok_or(FieldError::AccessCodeFormat)?;
        if !(2..=3).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::AccessCodeFormat);
        }
        let variant = match variant {
            None => None,
            Some(v) if v.len() == 1 && v.as_bytes()[0].is_ascii_digit() => {
                Some(v.as_bytes()[0] - b'0')
            }
            Some(_) => return Err(FieldError::AccessCodeFormat),
        };
        Ok(Self {
            base: base.to_owned(),
            variant,
        })
    }

    /// The formation's code without the variant (`F724` for `F724-2`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The variant digit, if any (`Some(2)` for `F724-2`).
    pub fn variant(&self) -> Option<u8> {
        self.variant
    }
}

impl fmt::Display for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.variant {
            Some(v) => write!(f, "{}-{v}", self.base),
            None => f.write_str(&self.base),
        }
    }
}

impl TryFrom<String> for AccessCode {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AccessCode> for String {
    fn from(code: AccessCode) -> Self {
        code.to_string()
    }
}

impl std::str::FromStr for AccessCode {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
