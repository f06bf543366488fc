//! Official identifiers (SIREN, SIRET, NIR, INE, UAI, NAF, IDCC, code diplôme, RNCP) as newtypes
//! whose only constructor checks them: past `parse`, an invalid identifier cannot exist.
//!
//! Formats and check keys follow `reference/cerfa.md` §4.

use crate::{
    FieldError,
    text::{ALPHABET_23, all_digits, digits_mod, luhn_sum, without_spaces},
};

/// Implements the read-only string views, `Display`, `FromStr` and serde (through `parse`) of a
/// newtype whose one field is its normalised text.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            /// The normalised text, as stored and sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::str::FromStr for $name {
            type Err = FieldError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_newtype;

/// Company number: 9 digits with a Luhn key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Siren(String);
string_newtype!(Siren);

impl Siren {
    /// Parses a SIREN, spaces allowed (`552 081 317`).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let digits = without_spaces(input);
        if digits.len() != 9 || !all_digits(&digits) {
            return Err(FieldError::SirenFormat);
        }
        if !luhn_sum(&digits).is_multiple_of(10) {
            return Err(FieldError::SirenChecksum);
        }
        Ok(Self(digits))
    }
}

/// La Poste's SIREN, whose establishments are numbered outside the Luhn scheme.
const LA_POSTE_SIREN: &str = "356000000";

/// Establishment number: SIREN + 5-digit NIC, with a Luhn key — except La Poste's establishments,
/// valid when the sum of their 14 digits is a multiple of 5 (INSEE's published exception).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Siret(String);
string_newtype!(Siret);

impl Siret {
    /// Parses a SIRET, spaces allowed (`732 829 320 00074`).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let digits = without_spaces(input);
        if digits.len() != 14 || !all_digits(&digits) {
            return Err(FieldError::SiretFormat);
        }
        let luhn_ok = luhn_sum(&digits).is_multiple_of(10);
        let la_poste_ok = digits.starts_with(LA_POSTE_SIREN)
            && digits
                .bytes()
                .map(|b| u32::from(b - b'0'))
                .sum::<u32>()
                .is_multiple_of(5);
        if !luhn_ok && !la_poste_ok {
            return Err(FieldError::SiretChecksum);
        }
        Ok(Self(digits))
    }

    /// The company's SIREN: the first 9 digits.
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

/// Sex as coded in the first digit of a NIR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NirSex {
    /// 1 (or 7 for a provisional number).
    Male,
    /// 2 (or 8 for a provisional number).
    Female,
}

/// French social security number (NIR): 13 characters and a 2-digit key.
///
/// The département may be `2A`/`2B` (Corsica); the key is `97 − (body mod 97)` with `2A` read as
/// `19` and `2B` as `18`. Months 20–42 and 50–99 exist for incomplete civil records.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nir(String);
string_newtype!(Nir);

impl Nir {
    /// Parses a NIR, spaces allowed (`1 85 01 2A 123 456 66`).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let nir = without_spaces(input).to_ascii_uppercase();
        let bytes = nir.as_bytes();
        let corsica = bytes.len() == 15 && bytes[5] == b'2' && matches!(bytes[6], b'A' | b'B');
        let digits_ok = bytes.len() == 15
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| b.is_ascii_digit() || (i == 6 && corsica));
        if !digits_ok {
            return Err(FieldError::NirFormat);
        }
        if !matches!(bytes[0], b'1' | b'2' | b'7' | b'8') {
            return Err(FieldError::NirSex);
        }
        let month = digits_mod(&nir[3..5], 100);
        if !matches!(month, 1..=12 | 20..=42 | 50..=99) {
            return Err(FieldError::NirMonth);
        }
        if &nir[5..7] == "00" {
            return Err(FieldError::NirDepartement);
        }
        // `20` went with the split into 2A and 2B in 1976 (cerfa.md §4.4): born in 1976–1999
        // is refused here; born from 2000, whose two digits say 00–75 too, by the rules, which
        // know the birth date.
        if &nir[5..7] == "20" && digits_mod(&nir[1..3], 100) >= 76 {
            return Err(FieldError::NirCorsica);
        }
        let body: String = match &nir[5..7] {
            "2A" => format!("{}19{}", &nir[..5], &nir[7..13]),
            "2B" => format!("{}18{}", &nir[..5], &nir[7..13]),
            _ => nir[..13].to_owned(),
        };
        let expected = 97 - digits_mod(&body, 97);
        if digits_mod(&nir[13..], 100) != expected {
            return Err(FieldError::NirKey);
        }
        Ok(Self(nir))
    }

    /// The sex the number encodes.
    pub fn sex(&self) -> NirSex {
        if matches!(self.0.as_bytes()[0], b'1' | b'7') {
            NirSex::Male
        } else {
            NirSex::Female
        }
    }

    /// Whether this is a provisional number (first digit 7 or 8), which carries no reliable
    /// civil-status data.
    pub fn is_provisional(&self) -> bool {
        matches!(self.0.as_bytes()[0], b'7' | b'8')
    }

    /// The last two digits of the birth year.
    pub fn birth_year_2(&self) -> u32 {
        digits_mod(&self.0[1..3], 100) as u32
    }

    /// The birth month, when the number records one (1–12).
    pub fn birth_month(&self) -> Option<u32> {
        let month = digits_mod(&self.0[3..5], 100) as u32;
        (1..=12).contains(&month).then_some(month)
    }

    /// The two characters of the birth département (`13`, `2A`, `97` for overseas, `99` abroad).
    pub fn departement(&self) -> &str {
        &self.0[5..7]
    }

    /// The number as shown to those who need not read it: sex, birth year and month, and the
    /// key; the place of birth and the civil-register order hidden (`2 04 03 •• ••• ••• 28`).
    pub fn masked(&self) -> String {
        let n = &self.0;
        format!(
            "{} {} {} {MASK}{MASK} {MASK}{MASK}{MASK} {MASK}{MASK}{MASK} {}",
            &n[0..1],
            &n[1..3],
            &n[3..5],
            &n[13..15]
        )
    }
}

/// The character that stands for a hidden digit of a masked NIR.
const MASK: char = '•';

/// Whether `text` is a NIR as [`Nir::masked`] writes it: what the dossier shows a party who may
/// not read the number. It counts as filled in, and is never accepted as a new value.
pub fn is_masked_nir(text: &str) -> bool {
    let shape = "d dd dd •• ••• ••• dd";
    text.chars().count() == shape.chars().count()
        && text.chars().zip(shape.chars()).all(|(c, want)| match want {
            'd' => c.is_ascii_digit(),
            other => c == other,
        })
        && text.contains(MASK)
}

/// Which of the known INE formats a number follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IneKind {
    /// 9 digits + 2 letters, issued by the national register (RNIE) since 2018; no public key.
    Rnie,
    /// 10 digits + a check letter (académie databases); the letter is verified.
    Bea,
    /// 10 base-36 characters + a digit (universities); the digit's algorithm is not public.
    Base36,
    /// 4 digits, `A`, 5 digits and a letter (issued for apprentices); no public key.
    Apprentissage,
}

/// Identifiant national élève / étudiant (11 characters), asked « si possible » (user guide A.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ine(String);
string_newtype!(Ine);

impl Ine {
    /// Parses an INE of any of the known formats; the académie format's check letter is verified.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let ine = without_spaces(input).to_ascii_uppercase();
        let kind = Self::kind_of(&ine).ok_or(FieldError::IneFormat)?;
        if kind == IneKind::Bea {
            let expected = ALPHABET_23[digits_mod(&ine[..10], 23) as usize];
            if ine.as_bytes()[10] != expected {
                return Err(FieldError::IneKey);
            }
        }
        Ok(Self(ine))
    }

    fn kind_of(ine: &str) -> Option<IneKind> {
        let b = ine.as_bytes();
        if b.len() != 11
            || !b
                .iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let letters = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_uppercase);
        if digits(0..9) && letters(9..11) {
            Some(IneKind::Rnie)
        } else if digits(0..10) && letters(10..11) {
            Some(IneKind::Bea)
        } else if digits(0..4) && b[4] == b'A' && digits(5..10) && letters(10..11) {
            Some(IneKind::Apprentissage)
        } else if digits(10..11) {
            Some(IneKind::Base36)
        } else {
            None
        }
    }

    /// The format this number follows.
    pub fn kind(&self) -> IneKind {
        // Construction guarantees one of the formats matched.
        Self::kind_of(&self.0).unwrap_or(IneKind::Base36)
    }
}

/// School / CFA number (UAI, ex-RNE): 7 digits and a check letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uai(String);
string_newtype!(Uai);

impl Uai {
    /// Parses a UAI (`0561910X`; lower case accepted).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let uai = without_spaces(input).to_ascii_uppercase();
        let b = uai.as_bytes();
        if b.len() != 8 || !uai.is_ascii() || !all_digits(&uai[..7]) || !b[7].is_ascii_uppercase() {
            return Err(FieldError::UaiFormat);
        }
        if ALPHABET_23[digits_mod(&uai[..7], 23) as usize] != b[7] {
            return Err(FieldError::UaiKey);
        }
        Ok(Self(uai))
    }
}

/// INSEE activity code, stored as `NN.NNL` (`62.01Z`); `6201Z` and lower case are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Naf(String);
string_newtype!(Naf);

impl Naf {
    /// Parses a NAF/APE code.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let raw = without_spaces(input).to_ascii_uppercase();
        let compact: String = raw.replacen('.', "", 1);
        let b = compact.as_bytes();
        let dot_ok = !raw.contains('.') || raw.find('.') == Some(2);
        if !dot_ok
            || b.len() != 5
            || !compact.is_ascii()
            || !all_digits(&compact[..4])
            || !b[4].is_ascii_uppercase()
        {
            return Err(FieldError::NafFormat);
        }
        Ok(Self(format!("{}.{}", &compact[..2], &compact[2..])))
    }
}

/// Collective agreement identifier, zero-padded to 4 digits (`0016`); `9999` means none and
/// `9998` one not yet in force.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Idcc(String);
string_newtype!(Idcc);

impl Idcc {
    /// Parses an IDCC of 1 to 4 digits.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let digits = without_spaces(input);
        if digits.is_empty() || digits.len() > 4 || !all_digits(&digits) {
            return Err(FieldError::IdccFormat);
        }
        if digits_mod(&digits, 10_000) == 0 {
            return Err(FieldError::IdccFormat);
        }
        Ok(Self(format!("{digits:0>4}")))
    }

    /// Whether the employer applies no collective agreement (`9999`).
    pub fn is_none(&self) -> bool {
        self.0 == "9999"
    }
}

/// Education nationale diploma code (CFD): 8 characters and an optional speciality letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CodeDiplome(String);
string_newtype!(CodeDiplome);

impl CodeDiplome {
    /// Parses a code diplôme (`32031213`, `26X31015`).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = without_spaces(input).to_ascii_uppercase();
        let b = code.as_bytes();
        let head_ok = b.len() >= 8
            && b[..8]
                .iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
        let tail_ok = match b.len() {
            8 => true,
            9 => b[8].is_ascii_uppercase(),
            _ => false,
        };
        if !head_ok || !tail_ok {
            return Err(FieldError::CodeDiplomeFormat);
        }
        Ok(Self(code))
    }

    /// The first 3 characters, which tell the type of diploma.
    pub fn prefix(&self) -> &str {
        &self.0[..3]
    }
}

/// Répertoire national des certifications professionnelles code, stored as `RNCP` + 3–5 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rncp(String);
string_newtype!(Rncp);

impl Rncp {
    /// Parses an RNCP code; the `RNCP` prefix may be omitted or typed in lower case.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = without_spaces(input).to_ascii_uppercase();
        if code.starts_with("RS") {
            return Err(FieldError::RncpRepertoireSpecifique);
        }
        let digits = code.strip_prefix("RNCP").unwrap_or(&code);
        if !(3..=5).contains(&digits.len()) || !all_digits(digits) {
            return Err(FieldError::RncpFormat);
        }
        Ok(Self(format!("RNCP{digits}")))
    }
}
