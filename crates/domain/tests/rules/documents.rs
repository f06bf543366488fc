//! Document availability (user guides A.14, B.15, B.16).

use domain::{
    ContractType, NiveauSaisie, Status,
    documents::{DocumentFacts, DocumentKind, availabilities, availability},
};

fn facts(status: Status) -> DocumentFacts {
    DocumentFacts {
        status,
        niveau_saisie: NiveauSaisie::Complete,
        contract_type: ContractType::Apprentissage,
        cerfa_deposited: false,
        calendrier_available: true,
        programme_available: false,
    }
}

fn available(status: Status) -> Vec<&'static str> {
    availabilities(&facts(status))
        .into_iter()
        .filter(|a| a.available)
        .map(|a| a.kind.key())
        .collect()
}

#[test]
fn the_cerfa_appears_with_validation_and_the_convention_with_the_economics() {
    assert_eq!(available(Status::InProgress), vec!["calendrier"]);
    assert_eq!(available(Status::ValidationRequested), vec!["calendrier"]);
    assert_eq!(available(Status::Validated), vec!["cerfa", "calendrier"]);
    assert_eq!(
        available(Status::EconomicsValidated),
        vec!["cerfa", "convention", "calendrier"]
    );
    assert_eq!(
        available(Status::Signed),
        vec!["cerfa", "convention", "calendrier"]
    );
    assert!(available(Status::Cancelled).is_empty());
}

#[test]
fn a_missing_programme_tells_the_apprentice_to_inform_the_cfa() {
    let programme = availability(DocumentKind::Programme, &facts(Status::Signed));

    assert!(!programme.available);
    assert!(
        programme
            .reason
            .unwrap()
            .contains("informez-en votre conseiller CFA")
    );
}

#[test]
fn the_cerfa_is_named_after_the_contract_type_and_absent_in_saisie_simple() {
    let mut pro = facts(Status::Validated);
    pro.contract_type = ContractType::Professionnalisation;
    assert!(
        availability(DocumentKind::Cerfa, &pro)
            .label
            .contains("EJ20")
    );

    let mut simple = facts(Status::Validated);
    simple.niveau_saisie = NiveauSaisie::Simple;
    let cerfa = availability(DocumentKind::Cerfa, &simple);
    assert!(!cerfa.available);
    assert!(cerfa.reason.unwrap().contains("saisie simple"));

    simple.cerfa_deposited = true;
    assert!(availability(DocumentKind::Cerfa, &simple).available);
}

#[test]
fn every_unavailable_document_says_why() {
    for status in [
        Status::Draft,
        Status::InProgress,
        Status::Validated,
        Status::Cancelled,
    ] {
        for document in availabilities(&facts(status)) {
            assert_eq!(
                document.available,
                document.reason.is_none(),
                "{document:?}"
            );
        }
    }
    assert_eq!(
        DocumentKind::from_key("convention"),
        Some(DocumentKind::Convention)
    );
    assert_eq!(DocumentKind::from_key("facture"), None);
}
