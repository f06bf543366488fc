//! The CERFA code lists (`reference/cerfa.md` §2), as data keyed by CERFA version, with the
//! French labels users see.

use serde::{Deserialize, Serialize};

/// A version of the apprenticeship CERFA (FA13, n°10103). Code lists and a few fields differ.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum CerfaVersion {
    /// 10103*12 (October 2024): « mode contractuel », maître eligibility attestation.
    #[serde(rename = "10103*12")]
    V12,
    /// 10103*13 (January 2025): RQTH « équivalence jeunes » and « extension BOE », new diplomas.
    #[serde(rename = "10103*13")]
    V13,
    /// 10103*14 (mandatory from 1 July 2025): hours of training at distance.
    #[default]
    #[serde(rename = "10103*14")]
    V14,
}

impl CerfaVersion {
    /// Every supported version, oldest first.
    pub const ALL: [Self; 3] = [Self::V12, Self::V13, Self::V14];

    /// The version's official number (`10103*14`).
    pub fn number(self) -> &'static str {
        match self {
            Self::V12 => "10103*12",
            Self::V13 => "10103*13",
            Self::V14 => "10103*14",
        }
    }
}

/// One entry of a code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeEntry {
    /// The code stored in the dossier and sent to integrations.
    pub code: &'static str,
    /// The French label shown to users.
    pub label: &'static str,
}

const fn e(code: &'static str, label: &'static str) -> CodeEntry {
    CodeEntry { code, label }
}

/// The code lists of the CERFA and of the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeList {
    /// §2.1 Sexe.
    Sexe,
    /// §1.3.1 employeur privé / public.
    PrivePublic,
    /// §2.2 Type d'employeur.
    TypeEmployeur,
    /// §2.3 Employeur spécifique.
    EmployeurSpecifique,
    /// §2.4 Régions (INSEE codes).
    Region,
    /// §2.4 Départements, with 99 for a birth abroad.
    Departement,
    /// §2.5 Diplômes et titres (differs between *12 and *13+).
    Diplome,
    /// §2.6 Nationalité.
    Nationalite,
    /// §2.7 Situation avant ce contrat.
    SituationAvantContrat,
    /// §2.8 Dernière classe / année suivie.
    DerniereClasse,
    /// §2.9 Niveau de diplôme du maître d'apprentissage.
    NiveauDiplomeMaitre,
    /// §2.10 Mode contractuel de l'apprentissage.
    ModeContractuel,
    /// §2.11 Type de contrat ou d'avenant.
    TypeContrat,
    /// §2.12 Type de dérogation.
    TypeDerogation,
    /// §2.13 Régime social.
    RegimeSocial,
    /// §2.14 Type de salaire (basis of a remuneration line).
    TypeSalaire,
    /// §2.15 Indice de répétition of a street number.
    IndiceRepetition,
    /// §2.16 Types of supporting documents.
    TypePiece,
}

impl CodeList {
    /// Every code list.
    pub const ALL: [Self; 18] = [
        Self::Sexe,
        Self::PrivePublic,
        Self::TypeEmployeur,
        Self::EmployeurSpecifique,
        Self::Region,
        Self::Departement,
        Self::Diplome,
        Self::Nationalite,
        Self::SituationAvantContrat,
        Self::DerniereClasse,
        Self::NiveauDiplomeMaitre,
        Self::ModeContractuel,
        Self::TypeContrat,
        Self::TypeDerogation,
        Self::RegimeSocial,
        Self::TypeSalaire,
        Self::IndiceRepetition,
        Self::TypePiece,
    ];

    /// The entries of this list for a CERFA version.
    pub fn entries(self, version: CerfaVersion) -> &'static [CodeEntry] {
        match self {
            Self::Sexe => SEXE,
            Self::PrivePublic => PRIVE_PUBLIC,
            Self::TypeEmployeur => TYPE_EMPLOYEUR,
            Self::EmployeurSpecifique => EMPLOYEUR_SPECIFIQUE,
            Self::Region => REGION,
            Self::Departement => DEPARTEMENT,
            Self::Diplome if version >= CerfaVersion::V13 => DIPLOME_V13,
            Self::Diplome => DIPLOME_V12,
            Self::Nationalite => NATIONALITE,
            Self::SituationAvantContrat => SITUATION_AVANT_CONTRAT,
            Self::DerniereClasse => DERNIERE_CLASSE,
            Self::NiveauDiplomeMaitre => NIVEAU_DIPLOME_MAITRE,
            Self::ModeContractuel => MODE_CONTRACTUEL,
            Self::TypeContrat => TYPE_CONTRAT,
            Self::TypeDerogation => TYPE_DEROGATION,
            Self::RegimeSocial => REGIME_SOCIAL,
            Self::TypeSalaire => TYPE_SALAIRE,
            Self::IndiceRepetition => INDICE_REPETITION,
            Self::TypePiece => TYPE_PIECE,
        }
    }

    /// The entry for `code`, if the list has it in this version.
    pub fn find(self, version: CerfaVersion, code: &str) -> Option<&'static CodeEntry> {
        self.entries(version)
            .iter()
            .find(|entry| entry.code == code)
    }

    /// Stored codes are zero-padded to this width when a shorter number is sent (`1` → `01`).
    pub(crate) fn pad_width(self) -> usize {
        match self {
            Self::DerniereClasse | Self::Departement | Self::Region => 2,
            _ => 0,
        }
    }
}

const SEXE: &[CodeEntry] = &[e("M", "Masculin"), e("F", "Féminin")];

const PRIVE_PUBLIC: &[CodeEntry] = &[
    e("prive", "Employeur privé"),
    e("public", "Employeur « public »"),
];

const TYPE_EMPLOYEUR: &[CodeEntry] = &[
    e(
        "11",
        "Entreprise inscrite au répertoire des métiers ou au registre des entreprises pour l'Alsace-Moselle",
    ),
    e(
        "12",
        "Entreprise inscrite uniquement au registre du commerce et des sociétés",
    ),
    e(
        "13",
        "Entreprises dont les salariés relèvent de la mutualité sociale agricole",
    ),
    e("14", "Profession libérale"),
    e("15", "Association"),
    e("16", "Autre employeur privé"),
    e(
        "21",
        "Service de l'Etat (administrations centrales et leurs services déconcentrés de la fonction publique d'Etat)",
    ),
    e("22", "Commune"),
    e("23", "Département"),
    e("24", "Région"),
    e("25", "Etablissement public hospitalier"),
    e("26", "Etablissement public local d'enseignement"),
    e("27", "Etablissement public administratif de l'Etat"),
    e(
        "28",
        "Etablissement public administratif local (y compris établissement public de coopération intercommunale EPCI)",
    ),
    e("29", "Autre employeur public"),
    e("30", "Etablissement public industriel et commercial (EPIC)"),
];

/// Employer types of the public sector (contracts go through CELIA, not an OPCO), EPIC excepted.
pub const PUBLIC_EMPLOYER_TYPES: &[&str] = &["21", "22", "23", "24", "25", "26", "27", "28", "29"];

/// Whether an employer is public: declared so on « Employeur privé ou public », or of a public
/// « Type d'employeur ». Evaluation and the economic elements ask the same question.
pub fn is_public_employer(declared: Option<&str>, employer_type: Option<&str>) -> bool {
    declared == Some("public") || employer_type.is_some_and(|t| PUBLIC_EMPLOYER_TYPES.contains(&t))
}

const EMPLOYEUR_SPECIFIQUE: &[CodeEntry] = &[
    e("0", "Aucun des cas ci-dessous"),
    e("1", "Entreprise de travail temporaire"),
    e("2", "Groupement d'employeurs"),
    e("3", "Employeur saisonnier"),
    e(
        "4",
        "Apprentissage familial : l'employeur est un ascendant de l'apprenti",
    ),
];

const REGION: &[CodeEntry] = &[
    e("01", "Guadeloupe"),
    e("02", "Martinique"),
    e("03", "Guyane"),
    e("04", "La Réunion"),
    e("06", "Mayotte"),
    e("11", "Île-de-France"),
    e("24", "Centre-Val de Loire"),
    e("27", "Bourgogne-Franche-Comté"),
    e("28", "Normandie"),
    e("32", "Hauts-de-France"),
    e("44", "Grand Est"),
    e("52", "Pays de la Loire"),
    e("53", "Bretagne"),
    e("75", "Nouvelle-Aquitaine"),
    e("76", "Occitanie"),
    e("84", "Auvergne-Rhône-Alpes"),
    e("93", "Provence-Alpes-Côte d'Azur"),
    e("94", "Corse"),
];

const DEPARTEMENT: &[CodeEntry] = &[
    e("01", "Ain"),
    e("02", "Aisne"),
    e("03", "Allier"),
    e("04", "Alpes-de-Haute-Provence"),
    e("05", "Hautes-Alpes"),
    e("06", "Alpes-Maritimes"),
    e("07", "Ardèche"),
    e("08", "Ardennes"),
    e("09", "Ariège"),
    e("10", "Aube"),
    e("11", "Aude"),
    e("12", "Aveyron"),
    e("13", "Bouches-du-Rhône"),
    e("14", "Calvados"),
    e("15", "Cantal"),
    e("16", "Charente"),
    e("17", "Charente-Maritime"),
    e("18", "Cher"),
    e("19", "Corrèze"),
    e("2A", "Corse-du-Sud"),
    e("2B", "Haute-Corse"),
    e("21", "Côte-d'Or"),
    e("22", "Côtes-d'Armor"),
    e("23", "Creuse"),
    e("24", "Dordogne"),
    e("25", "Doubs"),
    e("26", "Drôme"),
    e("27", "Eure"),
    e("28", "Eure-et-Loir"),
    e("29", "Finistère"),
    e("30", "Gard"),
    e("31", "Haute-Garonne"),
    e("32", "Gers"),
    e("33", "Gironde"),
    e("34", "Hérault"),
    e("35", "Ille-et-Vilaine"),
    e("36", "Indre"),
    e("37", "Indre-et-Loire"),
    e("38", "Isère"),
    e("39", "Jura"),
    e("40", "Landes"),
    e("41", "Loir-et-Cher"),
    e("42", "Loire"),
    e("43", "Haute-Loire"),
    e("44", "Loire-Atlantique"),
    e("45", "Loiret"),
    e("46", "Lot"),
    e("47", "Lot-et-Garonne"),
    e("48", "Lozère"),
    e("49", "Maine-et-Loire"),
    e("50", "Manche"),
    e("51", "Marne"),
    e("52", "Haute-Marne"),
    e("53", "Mayenne"),
    e("54", "Meurthe-et-Moselle"),
    e("55", "Meuse"),
    e("56", "Morbihan"),
    e("57", "Moselle"),
    e("58", "Nièvre"),
    e("59", "Nord"),
    e("60", "Oise"),
    e("61", "Orne"),
    e("62", "Pas-de-Calais"),
    e("63", "Puy-de-Dôme"),
    e("64", "Pyrénées-Atlantiques"),
    e("65", "Hautes-Pyrénées"),
    e("66", "Pyrénées-Orientales"),
    e("67", "Bas-Rhin"),
    e("68", "Haut-Rhin"),
    e("69", "Rhône"),
    e("70", "Haute-Saône"),
    e("71", "Saône-et-Loire"),
    e("72", "Sarthe"),
    e("73", "Savoie"),
    e("74", "Haute-Savoie"),
    e("75", "Paris"),
    e("76", "Seine-Maritime"),
    e("77", "Seine-et-Marne"),
    e("78", "Yvelines"),
    e("79", "Deux-Sèvres"),
    e("80", "Somme"),
    e("81", "Tarn"),
    e("82", "Tarn-et-Garonne"),
    e("83", "Var"),
    e("84", "Vaucluse"),
    e("85", "Vendée"),
    e("86", "Vienne"),
    e("87", "Haute-Vienne"),
    e("88", "Vosges"),
    e("89", "Yonne"),
    e("90", "Territoire de Belfort"),
    e("91", "Essonne"),
    e("92", "Hauts-de-Seine"),
    e("93", "Seine-Saint-Denis"),
    e("94", "Val-de-Marne"),
    e("95", "Val-d'Oise"),
    e("971", "Guadeloupe"),
    e("972", "Martinique"),
    e("973", "Guyane"),
    e("974", "La Réunion"),
    e("975", "Saint-Pierre-et-Miquelon"),
    e("976", "Mayotte"),
    e("977", "Saint-Barthélemy"),
    e("978", "Saint-Martin"),
    e("984", "Terres australes et antarctiques françaises"),
    e("986", "Wallis-et-Futuna"),
    e("987", "Polynésie française"),
    e("988", "Nouvelle-Calédonie"),
    e("989", "Île de Clipperton"),
    e("99", "Né(e) à l'étranger"),
];

/// Diplomas of CERFA *10–*12 (`reference/cerfa.md` §2.5 a).
const DIPLOME_V12: &[CodeEntry] = &[
    e("80", "Doctorat"),
    e("71", "Master professionnel / DESS"),
    e("72", "Master recherche / DEA"),
    e("73", "Master indifférencié"),
    e("74", "Diplôme d'ingénieur, diplôme d'école de commerce"),
    e("79", "Autre diplôme ou titre de niveau bac+5 ou plus"),
    e("61", "1ère année de Master"),
    e("62", "Licence professionnelle"),
    e("63", "Licence générale"),
    e("69", "Autre diplôme ou titre de niveau bac +3 ou 4"),
    e("54", "Brevet de Technicien Supérieur"),
    e("55", "Diplôme Universitaire de technologie"),
    e("58", "Autre diplôme ou titre de niveau bac+2"),
    e("41", "Baccalauréat professionnel"),
    e("42", "Baccalauréat général"),
    e("43", "Baccalauréat technologique"),
    e("49", "Autre diplôme ou titre de niveau bac"),
    e("33", "CAP"),
    e("34", "BEP"),
    e("35", "Mention complémentaire"),
    e("38", "Autre diplôme ou titre de niveau CAP/BEP"),
    e("25", "Diplôme national du Brevet"),
    e("26", "Certificat de formation générale"),
    e("13", "Aucun diplôme ni titre professionnel"),
];

/// Diplomas of CERFA *13 and *14 (notice 51649#08, `reference/cerfa.md` §2.5 b).
const DIPLOME_V13: &[CodeEntry] = &[
    e("80", "Doctorat"),
    e("73", "Master"),
    e("75", "Diplôme d'ingénieur"),
    e("76", "Diplôme d'école de commerce"),
    e("79", "Autre diplôme ou titre de niveau bac+5 ou plus"),
    e("62", "Licence professionnelle"),
    e("63", "Licence générale"),
    e("64", "Bachelor universitaire de technologie (BUT)"),
    e("69", "Autre diplôme ou titre de niveau bac+3 ou 4"),
    e("54", "Brevet de technicien supérieur (BTS)"),
    e("55", "Diplôme universitaire de technologie (DUT)"),
    e("58", "Autre diplôme ou titre de niveau bac+2"),
    e("41", "Baccalauréat professionnel"),
    e("42", "Baccalauréat général"),
    e("43", "Baccalauréat technologique"),
    e("44", "Diplôme de spécialisation professionnelle"),
    e("49", "Autre diplôme ou titre de niveau bac"),
    e("33", "CAP"),
    e("34", "BEP"),
    e("35", "Certificat de spécialisation"),
    e("38", "Autre diplôme ou titre de niveau CAP/BEP"),
    e("25", "Diplôme national du Brevet (DNB)"),
    e("26", "Certificat de formation générale (CFG)"),
    e("13", "Aucun diplôme ni titre professionnel"),
];

/// The certification level (cadre national des certifications) of a diploma code, from its
/// group in §2.5: 3 = CAP/BEP, 4 = bac, 5 = bac+2, 6 = bac+3/4, 7 = bac+5, 8 = doctorat.
pub fn diploma_level(code: &str) -> Option<u8> {
    match code.as_bytes().first()? {
        b'1' | b'2' => Some(2),
        b'3' => Some(3),
        b'4' => Some(4),
        b'5' => Some(5),
        b'6' => Some(6),
        b'7' => Some(7),
        b'8' => Some(8),
        _ => None,
    }
}

const NATIONALITE: &[CodeEntry] = &[
    e("1", "Française"),
    e("2", "Union Européenne"),
    e("3", "Etranger hors Union Européenne"),
];

const SITUATION_AVANT_CONTRAT: &[CodeEntry] = &[
    e("1", "Scolaire"),
    e("2", "Prépa apprentissage"),
    e("3", "Etudiant"),
    e("4", "Contrat d'apprentissage"),
    e("5", "Contrat de professionnalisation"),
    e("6", "Contrat aidé"),
    e(
        "7",
        "En formation au CFA sous statut de stagiaire de la formation professionnelle, avant signature d'un contrat d'apprentissage (L6222-12-1 du code du travail)",
    ),
    e(
        "8",
        "En formation, au CFA sans contrat sous statut de stagiaire de la formation professionnelle, suite à rupture (5° de L6231-2 du code du travail)",
    ),
    e(
        "9",
        "Autres situations sous statut de stagiaire de la formation professionnelle",
    ),
    e("10", "Salarié"),
    e(
        "11",
        "Personne à la recherche d'un emploi (inscrite ou non à France Travail)",
    ),
    e("12", "Inactif"),
];

const DERNIERE_CLASSE: &[CodeEntry] = &[
    e(
        "01",
        "L'apprenti a suivi la dernière année du cycle de formation et a obtenu le diplôme ou titre",
    ),
    e(
        "11",
        "L'apprenti a suivi la 1ère année du cycle et l'a validée (examens réussis mais année non diplômante)",
    ),
    e(
        "12",
        "L'apprenti a suivi la 1ère année du cycle mais ne l'a pas validée (échec aux examens, interruption ou abandon de formation)",
    ),
    e(
        "21",
        "L'apprenti a suivi la 2e année du cycle et l'a validée (examens réussis mais année non diplômante)",
    ),
    e(
        "22",
        "L'apprenti a suivi la 2e année du cycle mais ne l'a pas validée (échec aux examens, interruption ou abandon de formation)",
    ),
    e(
        "31",
        "L'apprenti a suivi la 3e année du cycle et l'a validée (examens réussis mais année non diplômante, cycle adaptés)",
    ),
    e(
        "32",
        "L'apprenti a suivi la 3e année du cycle mais ne l'a pas validée (échec aux examens, interruption ou abandon de formation)",
    ),
    e(
        "40",
        "L'apprenti a achevé le 1er cycle de l'enseignement secondaire (collège)",
    ),
    e("41", "L'apprenti a interrompu ses études en classe de 3e"),
    e("42", "L'apprenti a interrompu ses études en classe de 4e"),
];

const NIVEAU_DIPLOME_MAITRE: &[CodeEntry] = &[
    e("0", "Aucun diplôme ou titre"),
    e("3", "CAP, BEP"),
    e("4", "Baccalauréat"),
    e("5", "DEUG, BTS, DUT, DEUST"),
    e("6", "Licence, licence professionnelle, BUT, Maîtrise"),
    e("7", "Master, DEA, DESS, diplôme d'ingénieur"),
    e("8", "Doctorat, habilitation à diriger des recherches"),
];

const MODE_CONTRACTUEL: &[CodeEntry] = &[
    e("1", "À durée limitée"),
    e("2", "Dans le cadre d'un CDI"),
    e("3", "Entreprise de travail temporaire"),
    e("4", "Activités saisonnières à deux employeurs"),
];

const TYPE_CONTRAT: &[CodeEntry] = &[
    e("11", "Premier contrat d'apprentissage de l'apprenti"),
    e(
        "21",
        "Nouveau contrat avec un apprenti qui a terminé son précédent contrat auprès d'un même employeur",
    ),
    e(
        "22",
        "Nouveau contrat avec un apprenti qui a terminé son précédent contrat auprès d'un autre employeur",
    ),
    e(
        "23",
        "Nouveau contrat avec un apprenti dont le précédent contrat auprès d'un autre employeur a été rompu",
    ),
    e(
        "31",
        "Avenant : modification de la situation juridique de l'employeur",
    ),
    e(
        "32",
        "Avenant : changement d'employeur dans le cadre d'un contrat saisonnier",
    ),
    e(
        "33",
        "Avenant : prolongation du contrat suite à un échec à l'examen de l'apprenti",
    ),
    e(
        "34",
        "Avenant : prolongation du contrat suite à la reconnaissance de l'apprenti comme travailleur handicapé",
    ),
    e(
        "35",
        "Avenant : modification du diplôme préparé par l'apprenti",
    ),
    e(
        "36",
        "Avenant : autres changements (changement de maître d'apprentissage, de durée de travail hebdomadaire, réduction de durée, etc.)",
    ),
    e(
        "37",
        "Avenant : modification du lieu d'exécution du contrat",
    ),
    e(
        "38",
        "Avenant : modification du lieu principal de réalisation de la formation théorique",
    ),
];

const TYPE_DEROGATION: &[CodeEntry] = &[
    e("11", "Age de l'apprenti inférieur à 16 ans"),
    e(
        "12",
        "Age supérieur à 29 ans : cas spécifiques prévus dans le code du travail",
    ),
    e(
        "21",
        "Réduction de la durée du contrat ou de la période d'apprentissage",
    ),
    e(
        "22",
        "Allongement de la durée du contrat ou de la période d'apprentissage",
    ),
    e("50", "Cumul de dérogations"),
    e("60", "Autre dérogation"),
];

const REGIME_SOCIAL: &[CodeEntry] = &[e("1", "MSA"), e("2", "URSSAF")];

const TYPE_SALAIRE: &[CodeEntry] = &[e("SMIC", "SMIC"), e("SMC", "Salaire minimum conventionnel")];

const INDICE_REPETITION: &[CodeEntry] = &[
    e("B", "bis"),
    e("T", "ter"),
    e("Q", "quater"),
    e("C", "quinquies"),
];

const TYPE_PIECE: &[CodeEntry] = &[
    e("CONVENTION_FORMATION", "Convention de formation"),
    e(
        "CONVENTION_REDUCTION_DUREE",
        "Convention d'aménagement de durée",
    ),
    e("CONVENTION_MOBILITE", "Convention de mobilité"),
    e("FACTURE", "Facture"),
    e("CERTIFICAT_REALISATION", "Certificat de réalisation"),
    e("CONTRAT", "Contrat signé"),
];
