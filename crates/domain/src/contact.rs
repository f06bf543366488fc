//! People and places: names, e-mail addresses, French phone numbers, postal codes, départements.

use crate::{
    FieldError,
    identifiers::string_newtype,
    text::{all_digits, without_spaces},
};

/// A French phone number, stored in E.164 form (`+33612345678`).
///
/// Accepts the national form with any separators (`06 12 34 56 78`, `06.12.34.56.78`), `+33`,
/// `0033`, `+33 (0)6…`, and the overseas départements, whose national numbers are stored under
/// their own country codes (`0692…` → `+262692…`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);
string_newtype!(Phone);

/// National prefixes of the overseas départements and the country code they dial under.
const OVERSEAS_PREFIXES: &[(&str, &str)] = &[
    ("590", "590"),
    ("690", "590"),
    ("691", "590"),
    ("594", "594"),
    ("694", "594"),
    ("596", "596"),
    ("696", "596"),
    ("697", "596"),
    ("262", "262"),
    ("263", "262"),
    ("692", "262"),
    ("693", "262"),
    ("269", "262"),
    ("639", "262"),
];

impl Phone {
    /// Parses a French phone number.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let cleaned: String = without_spaces(input)
            .replace("(0)", "")
            .chars()
            .filter(|c| !matches!(c, '.' | '-' | '/' | '(' | ')'))
            .collect();
        let international = if let Some(rest) = cleaned.strip_prefix('+') {
            rest.to_owned()
        } else if let Some(rest) = cleaned.strip_prefix("00") {
            rest.to_owned()
        } else if let Some(national) = cleaned.strip_prefix('0') {
            if national.len() != 9 || !all_digits(national) || national.starts_with('0') {
                return Err(FieldError::PhoneFormat);
            }
            let country = OVERSEAS_PREFIXES
                .iter()
                .find(|(prefix, _)| national.starts_with(prefix))
                .map_or("33", |(_, country)| country);
            return Ok(Self(format!("+{country}{national}")));
        } else {
            return Err(FieldError::PhoneFormat);
        };
        if !all_digits(&international) {
            return Err(FieldError::PhoneFormat);
        }
        let subscriber_ok = |rest: &str, len: usize| rest.len() == len && !rest.starts_with('0');
        let valid = match international.get(..3) {
            Some("590" | "594" | "596" | "262") => subscriber_ok(&international[3..], 9),
            Some("508") => subscriber_ok(&international[3..], 6),
            _ => international.starts_with("33") && subscriber_ok(&international[2..], 9),
        };
        if !valid {
            return Err(FieldError::PhoneFormat);
        }
        Ok(Self(format!("+{international}")))
    }
}

/// An e-mail address, trimmed and lower-cased (addresses are compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);
string_newtype!(Email);

impl Email {
    /// Parses an e-mail address: one `@`, a plausible local part and a domain with a TLD of at
    /// least two letters. Whether the domain exists is checked by the server, not here.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let email = input.trim().to_lowercase();
        if email.len() > 254 {
            return Err(FieldError::TooLong { max: 254 });
        }
        let (local, domain) = email.split_once('@').ok_or(FieldError::EmailFormat)?;
        let local_ok = (1..=64).contains(&local.len())
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let labels_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                (1..=63).contains(&label.len())
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        let tld_ok = labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if !local_ok || !labels_ok || !tld_ok {
            return Err(FieldError::EmailFormat);
        }
        Ok(Self(email))
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

/// A French postal code (5 digits; Corsica 20xxx, overseas 97xxx, Monaco 98000).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PostalCode(String);
string_newtype!(PostalCode);

impl PostalCode {
    /// Parses a postal code.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = without_spaces(input);
        let valid = code.len() == 5
            && all_digits(&code)
            && ((&code[..2] >= "01" && &code[..2] <= "95")
                || code.starts_with("98")
                || (&code[..3] >= "971" && &code[..3] <= "978"));
        if !valid {
            return Err(FieldError::PostalCodeFormat);
        }
        Ok(Self(code))
    }

    /// The département the code belongs to, when it belongs to one (`13`, `2A`, `974`).
    pub fn departement(&self) -> Option<Departement> {
        let code = &self.0;
        let dept = match &code[..2] {
            "20" if code.as_str() < "20200" => "2A".to_owned(),
            "20" => "2B".to_owned(),
            "97" => code[..3].to_owned(),
            "98" if code.starts_with("980") => return None,
            "98" => code[..3].to_owned(),
            other => other.to_owned(),
        };
        Departement::parse(&dept).ok()
    }
}

/// A département code as the CERFA writes it: `01`–`95`, `2A`, `2B`, `971`–`978`, `984`,
/// `986`–`989`, or `99` for a birth abroad.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Departement(String);
string_newtype!(Departement);

impl Departement {
    /// Parses a département code; `1` is read as `01`, `2a` as `2A`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let raw = without_spaces(input).to_ascii_uppercase();
        let code = if raw.len() == 1 && all_digits(&raw) {
            format!("0{raw}")
        } else {
            raw
        };
        let valid = match code.len() {
            2 => {
                let c = code.as_str();
                (all_digits(c) && ("01"..="95").contains(&c) && c != "20")
                    || matches!(c, "99" | "2A" | "2B")
            }
            3 => {
                let c = code.as_str();
                ("971"..="978").contains(&c) || c == "984" || ("986"..="989").contains(&c)
            }
            _ => false,
        };
        if !valid {
            return Err(FieldError::DepartementFormat);
        }
        Ok(Self(code))
    }

    /// Whether this code means « né(e) à l'étranger ».
    pub fn is_abroad(&self) -> bool {
        self.0 == "99"
    }

    /// Whether this is Mayotte, which has its own SMIC.
    pub fn is_mayotte(&self) -> bool {
        self.0 == "976"
    }
}

/// A person's name as civil status writes it: letters (accents included), spaces, hyphens and
/// apostrophes, starting and ending with a letter, at most 80 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);
string_newtype!(PersonName);

/// The longest name a CERFA box holds.
pub const NAME_MAX_CHARS: usize = 80;

impl PersonName {
    /// Parses a name, trimming surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(FieldError::Required);
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(FieldError::TooLong {
                max: NAME_MAX_CHARS,
            });
        }
        let allowed = name
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’'));
        let edges_ok = name.chars().next().is_some_and(char::is_alphabetic)
            && name.chars().last().is_some_and(char::is_alphabetic);
        if !allowed || !edges_ok {
            return Err(FieldError::NameCharacters);
        }
        Ok(Self(name.to_owned()))
    }
}
