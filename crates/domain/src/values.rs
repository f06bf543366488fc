//! Reading one field's JSON value according to its [`Kind`]: what users send becomes a typed value,
//! an absence, or a [`FieldError`].

use chrono::NaiveDate;
use serde_json::Value as Json;

use crate::{
    FieldError,
    catalogue::Kind,
    codes::{CerfaVersion, CodeList},
    contact::{Email, PersonName, Phone, PostalCode},
    identifiers::{CodeDiplome, Idcc, Ine, Naf, Nir, Rncp, Siret, Uai},
};

/// An amount of money in euro cents.
pub type Cents = i64;

/// One remuneration line as the employer chose it: a rate for a line of the CERFA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChosenRate {
    /// Contract year, 1 to 4.
    pub year: u8,
    /// Period within the year, 1 or 2.
    pub period: u8,
    /// The rate in hundredths of a percent (43 % = 4300), so that decimals survive.
    pub rate_hundredths: i64,
    /// The basis chosen, when given.
    pub basis: Option<&'static str>,
}

/// A field's value once read.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text, normalised by its parser (a SIRET without spaces, a phone in E.164).
    Text(String),
    /// A code of the field's code list, spelt as the list spells it.
    Code(&'static str),
    /// A yes/no answer.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A date.
    Date(NaiveDate),
    /// An amount.
    Money(Cents),
    /// Chosen remuneration rates.
    Rates(Vec<ChosenRate>),
}

/// The outcome of reading a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    /// Nothing there: absent, `null`, blank text or an empty list.
    Empty,
    /// Something there that cannot be accepted.
    Invalid(FieldError),
    /// A valid value.
    Valid(Value),
}

/// Whether a JSON value counts as « not filled ».
pub fn is_blank(value: Option<&Json>) -> bool {
    match value {
        None | Some(Json::Null) => true,
        Some(Json::String(s)) => s.trim().is_empty(),
        Some(Json::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

/// Reads `value` as a field of `kind`.
pub fn read(kind: Kind, value: Option<&Json>, version: CerfaVersion) -> Read {
    if is_blank(value) {
        return Read::Empty;
    }
    let Some(value) = value else {
        return Read::Empty;
    };
    match parse(kind, value, version) {
        Ok(value) => Read::Valid(value),
        Err(error) => Read::Invalid(error),
    }
}

fn text(value: &Json) -> Result<&str, FieldError> {
    let text = value
        .as_str()
        .map(str::trim)
        .ok_or(FieldError::WrongType { expected: "texte" })?;
    if crate::has_control_characters(text) {
        return Err(FieldError::ControlCharacter);
    }
    Ok(text)
}

/// Text or a number, for codes and identifiers that integrations send either way.
fn text_or_number(value: &Json) -> Result<String, FieldError> {
    match value {
        Json::String(s) if crate::has_control_characters(s) => Err(FieldError::ControlCharacter),
        Json::String(s) => Ok(s.trim().to_owned()),
        Json::Number(n) if n.is_u64() => Ok(n.to_string()),
        _ => Err(FieldError::WrongType { expected: "texte" }),
    }
}

fn parse(kind: Kind, value: &Json, version: CerfaVersion) -> Result<Value, FieldError> {
    let checked = |s: &str, max: usize| {
        if s.chars().count() > max {
            Err(FieldError::TooLong { max })
        } else {
            Ok(Value::Text(s.to_owned()))
        }
    };
    match kind {
        Kind::Text { max } | Kind::LongText { max } => checked(text(value)?, max),
        Kind::Name => Ok(Value::Text(
            PersonName::parse(text(value)?)?.as_str().to_owned(),
        )),
        Kind::Email => {
            let email = Email::parse(text(value)?)?;
            if email.as_str().len() > 80 {
                return Err(FieldError::TooLong { max: 80 });
            }
            Ok(Value::Text(email.as_str().to_owned()))
        }
        Kind::Phone => Ok(Value::Text(Phone::parse(text(value)?)?.as_str().to_owned())),
        Kind::Date => parse_date(text(value)?).map(Value::Date),
        Kind::Bool => value
            .as_bool()
            .map(Value::Bool)
            .ok_or(FieldError::WrongType {
                expected: "oui ou non",
            }),
        Kind::Tick => match value.as_bool() {
            Some(true) => Ok(Value::Bool(true)),
            Some(false) => Err(FieldError::MustBeTicked),
            None => Err(FieldError::WrongType {
                expected: "case à cocher",
            }),
        },
        Kind::Integer { min, max } => {
            let n = parse_integer(value)?;
            if n < min || n > max {
                return Err(FieldError::OutOfRange { min, max });
            }
            Ok(Value::Int(n))
        }
        Kind::Amount => parse_amount(value).map(Value::Money),
        Kind::Code { list } => parse_code(list, value, version).map(Value::Code),
        Kind::Siret => Ok(Value::Text(
            Siret::parse(&text_or_number(value)?)?.as_str().to_owned(),
        )),
        Kind::Nir => {
            let text = text_or_number(value)?;
            // What a party who may not read the number is shown: filled in, checked by the
            // server that holds it.
            if crate::identifiers::is_masked_nir(&text) {
                return Ok(Value::Text(text));
            }
            Ok(Value::Text(Nir::parse(&text)?.as_str().to_owned()))
        }
        Kind::Ine => Ok(Value::Text(Ine::parse(text(value)?)?.as_str().to_owned())),
        Kind::Uai => Ok(Value::Text(Uai::parse(text(value)?)?.as_str().to_owned())),
        Kind::Naf => Ok(Value::Text(Naf::parse(text(value)?)?.as_str().to_owned())),
        Kind::Idcc => Ok(Value::Text(
            Idcc::parse(&text_or_number(value)?)?.as_str().to_owned(),
        )),
        Kind::CodeDiplome => Ok(Value::Text(
            CodeDiplome::parse(text(value)?)?.as_str().to_owned(),
        )),
        Kind::Rncp => Ok(Value::Text(
            Rncp::parse(&text_or_number(value)?)?.as_str().to_owned(),
        )),
        Kind::PostalCode => Ok(Value::Text(
            PostalCode::parse(&text_or_number(value)?)?
                .as_str()
                .to_owned(),
        )),
        Kind::StreetNumber => {
            let n = text_or_number(value)?;
            if n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) || n.len() > 5 {
                return Err(FieldError::StreetNumber);
            }
            Ok(Value::Text(n))
        }
        Kind::NumeroContrat => parse_numero_contrat(text(value)?).map(Value::Text),
        Kind::RemunerationLines => parse_rates(value).map(Value::Rates),
    }
}

/// Reads a `YYYY-MM-DD` date between 1900 and 2100.
pub fn parse_date(s: &str) -> Result<NaiveDate, FieldError> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(FieldError::NotADate);
    }
    // Read by hand rather than with chrono's format parser, which would weigh ~10 KB in the
    // browser's app for this one fixed form.
    let number = |range: std::ops::Range<usize>| -> Result<u32, FieldError> {
        let part = &b[range];
        if !part.iter().all(u8::is_ascii_digit) {
            return Err(FieldError::NotADate);
        }
        Ok(part
            .iter()
            .fold(0, |n, digit| n * 10 + u32::from(digit - b'0')))
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1900..=2100).contains(&year) {
        return Err(FieldError::ImplausibleDate);
    }
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(FieldError::NotADate)
}

/// Reads a whole number, given as a JSON number or as text.
pub fn parse_integer(value: &Json) -> Result<i64, FieldError> {
    match value {
        Json::Number(n) => n.as_i64().ok_or(FieldError::NotAnInteger),
        Json::String(s) => s.trim().parse().map_err(|_| FieldError::NotAnInteger),
        _ => Err(FieldError::NotAnInteger),
    }
}

/// Reads euros with at most two decimals (`1801.8`, `"1 801,80"`) as cents.
pub fn parse_amount(value: &Json) -> Result<Cents, FieldError> {
    let cents = match value {
        Json::Number(n) => {
            let euros = n.as_f64().ok_or(FieldError::NotAnAmount)?;
            let cents = (euros * 100.0).round();
            if (euros * 100.0 - cents).abs() > 1e-6 || !cents.is_finite() || cents.abs() > 1e13 {
                return Err(FieldError::NotAnAmount);
            }
            cents as i64
        }
        Json::String(s) => parse_amount_text(s)?,
        _ => return Err(FieldError::NotAnAmount),
    };
    if cents < 0 {
        return Err(FieldError::NegativeAmount);
    }
    Ok(cents)
}

fn parse_amount_text(s: &str) -> Result<Cents, FieldError> {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (negative, unsigned) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits_ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 11
        || fraction.len() > 2
        || !digits_ok(whole)
        || !digits_ok(fraction)
    {
        return Err(FieldError::NotAnAmount);
    }
    let whole: i64 = whole.parse().map_err(|_| FieldError::NotAnAmount)?;
    let fraction: i64 = format!("{fraction:0<2}")
        .parse()
        .map_err(|_| FieldError::NotAnAmount)?;
    let cents = whole * 100 + fraction;
    Ok(if negative { -cents } else { cents })
}

/// Reads a code of `list`, accepting numbers for numeric codes, missing leading zeros (`1` for
/// `01`) and any case; answers the code as the list spells it.
pub fn parse_code(
    list: CodeList,
    value: &Json,
    version: CerfaVersion,
) -> Result<&'static str, FieldError> {
    let raw = text_or_number(value)?;
    let width = list.pad_width();
    let padded = if width > 0 && raw.len() < width && raw.bytes().all(|b| b.is_ascii_digit()) {
        format!("{raw:0>width$}")
    } else {
        raw
    };
    list.entries(version)
        .iter()
        .find(|entry| entry.code.eq_ignore_ascii_case(&padded))
        .map(|entry| entry.code)
        .ok_or(FieldError::UnknownCode)
}

/// DECA contract numbers: département (3), year (4), month (2), `NC` or 2 digits, 4 digits.
fn parse_numero_contrat(s: &str) -> Result<String, FieldError> {
    let n: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let b = n.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let valid = b.len() == 15
        && n.is_ascii()
        && (digits(0..3) || (&n[..2] == "02" && matches!(b[2], b'A' | b'B')))
        && digits(3..9)
        && (digits(9..11) || &n[9..11] == "NC")
        && digits(11..15)
        && ("01"..="12").contains(&&n[7..9]);
    if !valid {
        return Err(FieldError::WrongType {
            expected: "numéro de dépôt à 15 caractères",
        });
    }
    Ok(n)
}

fn parse_rates(value: &Json) -> Result<Vec<ChosenRate>, FieldError> {
    let shape = FieldError::WrongType {
        expected: "liste de lignes { ordre, taux }",
    };
    let items = value.as_array().ok_or_else(|| shape.clone())?;
    if items.len() > 8 {
        return Err(FieldError::OutOfRange { min: 0, max: 8 });
    }
    items
        .iter()
        .map(|item| {
            let ordre = item
                .get("ordre")
                .and_then(Json::as_str)
                .ok_or_else(|| shape.clone())?;
            let (year, period) = match ordre.as_bytes() {
                [y @ b'1'..=b'4', b'.', p @ b'1'..=b'2'] => (y - b'0', p - b'0'),
                _ => return Err(shape.clone()),
            };
            let rate = item.get("taux").ok_or_else(|| shape.clone())?;
            let rate_hundredths = parse_amount(rate).map_err(|_| shape.clone())?;
            if rate_hundredths > 20_000 {
                return Err(FieldError::OutOfRange { min: 0, max: 200 });
            }
            let basis = match item.get("typeSalaire") {
                None | Some(Json::Null) => None,
                Some(b) => Some(parse_code(
                    CodeList::TypeSalaire,
                    b,
                    CerfaVersion::default(),
                )?),
            };
            Ok(ChosenRate {
                year,
                period,
                rate_hundredths,
                basis,
            })
        })
        .collect()
}
