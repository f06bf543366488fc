//! A formation's main place of training, which its new dossiers start with: the CERFA's
//! `etablissementFormation` block (« Si le CFA responsable est le lieu de formation principal
//! cochez la case », else « Lieu principal de réalisation de la formation » with its name, UAI,
//! SIRET and address). In a CFA such as an inter-university one the teaching establishment is
//! rarely the CFA itself, and it is the same for every apprentice of a formation: the CFA says
//! it once instead of each dossier.
//!
//! The block is read with the catalogue's own fields and kinds, so that a formation prefills
//! exactly what a dossier would accept.

use serde_json::{Map, Value as Json};

use crate::{
    FieldError,
    catalogue::{FIELDS, FieldDef},
    codes::CerfaVersion,
    evaluation::lookup,
    values::{self, Read, Value},
};

/// The block's key in a dossier's content.
pub const BLOCK: &str = "etablissementFormation";
/// « The CFA responsable is the main place of training », within the block.
const SAME_AS_CFA: &str = "memeResponsable";

/// A checked `etablissementFormation` block: `memeResponsable`, and when it is `false` the
/// other establishment's fields, each normalised as a dossier stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingSite(Json);

/// Why a block was refused, by key within the block (`adresse.codePostal`; empty for the
/// block itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteRefusal {
    /// A member the block does not have.
    Unknown(String),
    /// A member missing or invalid.
    Invalid(String, FieldError),
}

/// The catalogue's fields of the block but `memeResponsable`, with their key within it.
fn establishment_fields() -> impl Iterator<Item = (&'static str, &'static FieldDef)> {
    FIELDS.iter().filter_map(|def| {
        let inner = def.key.strip_prefix(BLOCK)?.strip_prefix('.')?;
        (inner != SAME_AS_CFA).then_some((inner, def))
    })
}

/// Every leaf of `value` with its dotted key below `prefix`.
fn leaves<'a>(prefix: &str, value: &'a Json, out: &mut Vec<(String, &'a Json)>) {
    match value {
        Json::Object(members) => {
            for (name, member) in members {
                let key = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                leaves(&key, member, out);
            }
        }
        leaf => out.push((prefix.to_owned(), leaf)),
    }
}

/// Sets `value` at a dotted `key` of `object`, making the objects on the way.
fn put(object: &mut Map<String, Json>, key: &str, value: Json) {
    match key.split_once('.') {
        None => {
            object.insert(key.to_owned(), value);
        }
        Some((head, rest)) => {
            let inner = object
                .entry(head.to_owned())
                .or_insert_with(|| Json::Object(Map::new()));
            if let Json::Object(inner) = inner {
                put(inner, rest, value);
            }
        }
    }
}

impl TrainingSite {
    /// Reads a block as a formation sends it. With `memeResponsable: true` the other members
    /// are left out (a dossier does not show them); with `false`, the establishment's required
    /// fields must be there and every field given must be valid.
    pub fn parse(block: &Json) -> Result<Self, Vec<SiteRefusal>> {
        let Json::Object(_) = block else {
            return Err(vec![SiteRefusal::Invalid(
                String::new(),
                FieldError::WrongType { expected: "objet" },
            )]);
        };
        let mut given = Vec::new();
        leaves("", block, &mut given);
        let mut refusals: Vec<SiteRefusal> = given
            .iter()
            .filter(|(key, _)| {
                key != SAME_AS_CFA && !establishment_fields().any(|(inner, _)| inner == key)
            })
            .map(|(key, _)| SiteRefusal::Unknown(key.clone()))
            .collect();
        let mut site = Map::new();
        match block.get(SAME_AS_CFA) {
            Some(Json::Bool(true)) => {
                site.insert(SAME_AS_CFA.into(), Json::Bool(true));
            }
            Some(Json::Bool(false)) => {
                site.insert(SAME_AS_CFA.into(), Json::Bool(false));
                for (inner, def) in establishment_fields() {
                    match values::read(def.kind, lookup(block, inner), CerfaVersion::default()) {
                        Read::Empty if def.required.is_some() => {
                            refusals.push(SiteRefusal::Invalid(inner.into(), FieldError::Required))
                        }
                        Read::Empty => {}
                        Read::Invalid(error) => {
                            refusals.push(SiteRefusal::Invalid(inner.into(), error));
                        }
                        Read::Valid(value) => put(&mut site, inner, stored(value)),
                    }
                }
            }
            None | Some(Json::Null) => refusals.push(SiteRefusal::Invalid(
                SAME_AS_CFA.into(),
                FieldError::Required,
            )),
            Some(_) => refusals.push(SiteRefusal::Invalid(
                SAME_AS_CFA.into(),
                FieldError::WrongType {
                    expected: "oui ou non",
                },
            )),
        }
        if refusals.is_empty() {
            Ok(Self(Json::Object(site)))
        } else {
            Err(refusals)
        }
    }

    /// The block as a dossier's content holds it under [`BLOCK`].
    pub fn content(&self) -> &Json {
        &self.0
    }
}

/// A field's value as a dossier stores it.
fn stored(value: Value) -> Json {
    match value {
        Value::Text(text) => Json::String(text),
        Value::Code(code) => Json::String(code.to_owned()),
        Value::Bool(yes) => Json::Bool(yes),
        Value::Int(n) => Json::from(n),
        Value::Date(date) => Json::String(date.to_string()),
        Value::Money(_) | Value::Rates(_) => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_cfa_as_place_of_training_keeps_nothing_else() {
        let site =
            TrainingSite::parse(&json!({"memeResponsable": true, "denomination": "Ignorée"}))
                .unwrap();

        assert_eq!(site.content(), &json!({"memeResponsable": true}));
    }

    #[test]
    fn another_establishment_is_read_as_a_dossier_reads_it() {
        let site = TrainingSite::parse(&json!({
            "memeResponsable": false,
            "denomination": " Faculté des sciences ",
            "uaiCfa": "0131842g",
            "siret": "130 015 332 00013",
            "adresse": {"numero": 52, "voie": "Avenue Escadrille Normandie-Niemen", "codePostal": "13013", "commune": "Marseille"}
        }))
        .unwrap();

        assert_eq!(
            site.content(),
            &json!({
                "memeResponsable": false,
                "denomination": "Faculté des sciences",
                "uaiCfa": "0131842G",
                "siret": "13001533200013",
                "adresse": {"numero": "52", "voie": "Avenue Escadrille Normandie-Niemen", "codePostal": "13013", "commune": "Marseille"}
            })
        );
    }

    #[test]
    fn another_establishment_needs_its_required_fields_valid_and_nothing_unknown() {
        let refusals = TrainingSite::parse(&json!({
            "memeResponsable": false,
            "uaiCfa": "pas un UAI",
            "adresse": {"codePostal": "13013", "pays": "France"}
        }))
        .unwrap_err();

        assert!(refusals.contains(&SiteRefusal::Unknown("adresse.pays".into())));
        assert!(refusals.contains(&SiteRefusal::Invalid(
            "denomination".into(),
            FieldError::Required
        )));
        assert!(refusals.contains(&SiteRefusal::Invalid(
            "adresse.voie".into(),
            FieldError::Required
        )));
        assert!(
            refusals
                .iter()
                .any(|r| matches!(r, SiteRefusal::Invalid(key, _) if key == "uaiCfa"))
        );
        assert!(
            !refusals
                .iter()
                .any(|r| matches!(r, SiteRefusal::Invalid(key, _) if key == "adresse.codePostal"))
        );
    }

    #[test]
    fn a_block_says_whether_the_cfa_is_the_place_of_training() {
        assert_eq!(
            TrainingSite::parse(&json!({})).unwrap_err(),
            vec![SiteRefusal::Invalid(
                "memeResponsable".into(),
                FieldError::Required
            )]
        );
        assert_eq!(
            TrainingSite::parse(&json!([])).unwrap_err(),
            vec![SiteRefusal::Invalid(
                String::new(),
                FieldError::WrongType { expected: "objet" }
            )]
        );
    }
}
