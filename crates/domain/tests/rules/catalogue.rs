use std::collections::HashSet;

use domain::{
    FIELDS, FieldDef, Kind, Tab,
    codes::{CerfaVersion, CodeList},
};

/// Every key of the field dictionary of `reference/cerfa.md` §1.3 that users type.
const CERFA_KEYS: &[&str] = &[
    // §1.3.1 L'employeur
    "employeur.privePublic",
    "employeur.denomination",
    "employeur.siret",
    "employeur.adresse.numero",
    "employeur.adresse.repetitionVoie",
    "employeur.adresse.voie",
    "employeur.adresse.complement",
    "employeur.adresse.codePostal",
    "employeur.adresse.commune",
    "employeur.telephone",
    "employeur.courriel",
    "employeur.typeEmployeur",
    "employeur.employeurSpecifique",
    "employeur.naf",
    "employeur.nombreDeSalaries",
    "employeur.codeIdcc",
    "employeur.libelleIdcc",
    "employeur.regimeSpecifique",
    "contrat.caisseRetraiteComplementaire",
    "employeur.attestationEligibilite",
    "employeur.attestationPieces",
    // §1.3.2 L'apprenti(e)
    "apprenti.nom",
    "apprenti.nomUsage",
    "apprenti.prenom",
    "apprenti.nir",
    "apprenti.adresse.numero",
    "apprenti.adresse.repetitionVoie",
    "apprenti.adresse.voie",
    "apprenti.adresse.complement",
    "apprenti.adresse.codePostal",
    "apprenti.adresse.commune",
    "apprenti.telephone",
    "apprenti.courriel",
    "apprenti.dateNaissance",
    "apprenti.sexe",
    "apprenti.departementNaissance",
    "apprenti.communeNaissance",
    "apprenti.nationalite",
    "apprenti.regimeSocial",
    "apprenti.inscriptionSportifDeHautNiveau",
    "apprenti.handicap",
    "apprenti.equivalenceJeunes",
    "apprenti.extensionBoe",
    "apprenti.situationAvantContrat",
    "apprenti.diplomePrepare",
    "apprenti.derniereClasse",
    "apprenti.intituleDiplomePrepare",
    "apprenti.diplome",
    "apprenti.projetCreationRepriseEntreprise",
    "apprenti.apprentiMineurNonEmancipe",
    "apprenti.responsableLegal.nom",
    "apprenti.responsableLegal.prenom",
    "apprenti.responsableLegal.memeAdresse",
    "apprenti.responsableLegal.adresse.numero",
    "apprenti.responsableLegal.adresse.repetitionVoie",
    "apprenti.responsableLegal.adresse.voie",
    "apprenti.responsableLegal.adresse.complement",
    "apprenti.responsableLegal.adresse.codePostal",
    "apprenti.responsableLegal.adresse.commune",
    "apprenti.responsableLegal.courriel",
    // §1.3.3 Maîtres
    "maitre1.nom",
    "maitre1.prenom",
    "maitre1.dateNaissance",
    "maitre1.courriel",
    "maitre1.emploiOccupe",
    "maitre1.diplome",
    "maitre1.niveauDiplome",
    "maitre2.nom",
    "maitre2.prenom",
    "maitre2.dateNaissance",
    "maitre2.courriel",
    "maitre2.emploiOccupe",
    "maitre2.diplome",
    "maitre2.niveauDiplome",
    // §1.3.4 Le contrat
    "contrat.modeContractuel",
    "contrat.typeContratApp",
    "contrat.typeDerogation",
    "contrat.numeroContratPrecedent",
    "contrat.dateConclusion",
    "contrat.dateDebutContrat",
    "contrat.dateDebutFormationPratique",
    "contrat.dateEffetAvenant",
    "contrat.dateFinContrat",
    "contrat.dureeTravailHebdoHeures",
    "contrat.dureeTravailHebdoMinutes",
    "contrat.travailRisque",
    "contrat.remunerationsAnnuelles",
    "contrat.smc",
    "contrat.salaireEmbauche",
    "contrat.avantageNourriture",
    "contrat.avantageLogement",
    "contrat.autreAvantageEnNature",
    "contrat.lieuSignatureContrat",
    // §1.3.5 La formation
    "organismeFormation.formationInterne",
    "organismeFormation.denomination",
    "organismeFormation.uaiCfa",
    "organismeFormation.siret",
    "organismeFormation.adresse.voie",
    "organismeFormation.adresse.codePostal",
    "organismeFormation.adresse.commune",
    "formation.typeDiplome",
    "formation.intituleQualification",
    "formation.codeDiplome",
    "formation.rncp",
    "etablissementFormation.memeResponsable",
    "etablissementFormation.denomination",
    "etablissementFormation.uaiCfa",
    "etablissementFormation.siret",
    "etablissementFormation.adresse.voie",
    "etablissementFormation.adresse.codePostal",
    "etablissementFormation.adresse.commune",
    "formation.dateDebutFormation",
    "formation.dateFinFormation",
    "formation.dureeFormation",
    "formation.heuresDistanciel",
];

/// Keys of §1.3 nobody types, and why the catalogue does not ask for them.
const COMPUTED_OR_EXTERNAL: &[(&str, &str)] = &[
    (
        "employeur.adresse.departement",
        "derived from the postal code",
    ),
    ("employeur.adresse.region", "derived from the postal code"),
    (
        "apprenti.apprentiMineur",
        "computed from the birth and signature dates",
    ),
    ("contrat.dureeContrat", "computed from the contract dates"),
    ("contrat.noContrat", "returned by DECA"),
    ("contrat.noAvenant", "returned by DECA"),
    ("contrat.dateRupture", "returned by DECA"),
    (
        "maitre1.nir",
        "removed from CERFA 10103*12, the oldest version supported",
    ),
];

#[test]
fn every_field_of_the_cerfa_dictionary_is_in_the_catalogue() {
    let missing: Vec<&&str> = CERFA_KEYS
        .iter()
        .filter(|key| FieldDef::by_key(key).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "missing from the catalogue: {missing:?}"
    );
    for (key, _why) in COMPUTED_OR_EXTERNAL {
        assert!(
            FieldDef::by_key(key).is_none(),
            "{key} is not typed by users"
        );
    }
}

#[test]
fn every_field_sits_at_its_own_index_with_a_unique_key_and_a_french_label() {
    let mut keys = HashSet::new();
    for (index, field) in FIELDS.iter().enumerate() {
        assert_eq!(field.id as usize, index, "{}", field.key);
        assert!(keys.insert(field.key), "duplicate key {}", field.key);
        assert!(!field.label.is_empty(), "{} has no label", field.key);
        assert!(!field.section.is_empty(), "{} has no section", field.key);
        assert!(
            !field.filled_by.is_empty(),
            "{} has nobody to fill it",
            field.key
        );
        assert!(
            field.key.contains('.'),
            "{} is grouped by prefix",
            field.key
        );
    }
}

#[test]
fn every_data_tab_has_fields() {
    for tab in Tab::ALL {
        assert!(FIELDS.iter().any(|f| f.tab == tab), "{tab:?} has no field");
    }
}

#[test]
fn a3_the_cfa_fields_ine_and_handicap_are_in_l_alternant() {
    let ine = FieldDef::by_key("apprenti.ine").unwrap();
    assert_eq!(ine.tab, Tab::Alternant);
    assert!(ine.required.is_none(), "the INE is asked « si possible »");
    assert!(!ine.on_cerfa);
    let handicap = FieldDef::by_key("apprenti.handicap").unwrap();
    assert_eq!(handicap.tab, Tab::Alternant);
    assert!(handicap.label.contains("Handicap"));
}

#[test]
fn a9_premier_equipement_is_a_box_the_employer_must_tick() {
    let field = FieldDef::by_key("employeur.premierEquipement").unwrap();
    assert_eq!(field.tab, Tab::Employeur);
    assert_eq!(field.kind, Kind::Tick);
    assert!(field.help.contains("même si vous n'êtes pas concerné"));
}

#[test]
fn every_code_list_of_the_cerfa_has_entries_in_every_version() {
    for list in CodeList::ALL {
        for version in CerfaVersion::ALL {
            let entries = list.entries(version);
            assert!(!entries.is_empty(), "{list:?} is empty in {version:?}");
            let codes: HashSet<_> = entries.iter().map(|e| e.code).collect();
            assert_eq!(codes.len(), entries.len(), "{list:?} repeats a code");
            assert!(entries.iter().all(|e| !e.label.is_empty()));
        }
    }
}

#[test]
fn the_code_lists_hold_the_codes_of_the_reference() {
    let v14 = CerfaVersion::V14;
    let codes = |list: CodeList, version| -> Vec<&str> {
        list.entries(version).iter().map(|e| e.code).collect()
    };
    assert_eq!(codes(CodeList::TypeEmployeur, v14).len(), 16);
    assert!(codes(CodeList::TypeEmployeur, v14).contains(&"30"));
    assert_eq!(
        codes(CodeList::EmployeurSpecifique, v14),
        ["0", "1", "2", "3", "4"]
    );
    assert_eq!(codes(CodeList::SituationAvantContrat, v14).len(), 12);
    assert_eq!(
        codes(CodeList::DerniereClasse, v14),
        ["01", "11", "12", "21", "22", "31", "32", "40", "41", "42"]
    );
    assert_eq!(
        codes(CodeList::NiveauDiplomeMaitre, v14),
        ["0", "3", "4", "5", "6", "7", "8"]
    );
    assert_eq!(codes(CodeList::ModeContractuel, v14), ["1", "2", "3", "4"]);
    assert_eq!(codes(CodeList::TypeContrat, v14).len(), 12);
    assert_eq!(
        codes(CodeList::TypeDerogation, v14),
        ["11", "12", "21", "22", "50", "60"]
    );
    assert_eq!(codes(CodeList::IndiceRepetition, v14), ["B", "T", "Q", "C"]);
    assert_eq!(codes(CodeList::Region, v14).len(), 18);
    assert!(codes(CodeList::Departement, v14).contains(&"2A"));
    assert!(codes(CodeList::Departement, v14).contains(&"99"));
}

#[test]
fn the_diploma_list_changed_with_cerfa_13() {
    let v12 = CodeList::Diplome.entries(CerfaVersion::V12);
    let v13 = CodeList::Diplome.entries(CerfaVersion::V13);
    let has = |list: &[domain::codes::CodeEntry], code| list.iter().any(|e| e.code == code);
    assert!(has(v12, "74") && !has(v13, "74"));
    for new in ["75", "76", "64", "44"] {
        assert!(has(v13, new) && !has(v12, new), "{new}");
    }
    assert_eq!(
        CodeList::Diplome
            .find(CerfaVersion::V14, "35")
            .unwrap()
            .label,
        "Certificat de spécialisation"
    );
}

#[test]
fn every_condition_of_the_catalogue_reads_in_words() {
    for field in FIELDS {
        assert!(!field.shown.describe().is_empty());
        if let Some(required) = field.required {
            assert!(!required.describe().is_empty());
        }
    }
}
