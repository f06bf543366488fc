//! Reviewing a merge patch of the content: RFC 7396 semantics, unknown keys, the role × tab ×
//! status matrix, invalid values.

use domain::{
    FieldError, Role, Status,
    access::DossierState,
    codes::CerfaVersion,
    patch::{Refusal, apply_merge_patch, review},
};
use serde_json::json;

/// A dossier in `status` whose company contact has joined.
fn state(status: Status) -> DossierState {
    DossierState {
        status,
        company_contact_joined: true,
    }
}

#[test]
fn a_merge_patch_replaces_members_removes_nulls_and_merges_objects() {
    let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});

    apply_merge_patch(&mut target, &json!({"a": "z", "c": {"f": null}}));

    assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));
}

#[test]
fn a_group_emptied_by_a_patch_disappears() {
    let mut target = json!({"apprenti": {"nom": "Martin"}});

    apply_merge_patch(&mut target, &json!({"apprenti": {"nom": null}}));

    assert_eq!(target, json!({}));
}

#[test]
fn a_valid_patch_lists_each_changed_field_with_old_and_new_values() {
    let content = json!({"apprenti": {"nom": "Martin", "prenom": "Léa"}});

    let (after, changes) = review(
        &content,
        &json!({"apprenti": {"nom": "Durand", "adresse": {"codePostal": "13001"}}}),
        Role::Alternant,
        state(Status::InProgress),
        CerfaVersion::V14,
    )
    .unwrap();

    assert_eq!(after["apprenti"]["prenom"], "Léa");
    let keys: Vec<&str> = changes.iter().map(|c| c.key).collect();
    assert_eq!(keys, vec!["apprenti.nom", "apprenti.adresse.codePostal"]);
    assert_eq!(changes[0].old, Some(json!("Martin")));
    assert_eq!(changes[0].new, Some(json!("Durand")));
    assert_eq!(changes[1].old, None);
}

#[test]
fn keys_outside_the_catalogue_are_refused() {
    let refusal = review(
        &json!({}),
        &json!({"apprenti": {"surnom": "Lulu"}, "pirate": 1}),
        Role::Cfa,
        state(Status::InProgress),
        CerfaVersion::V14,
    )
    .unwrap_err();

    assert_eq!(
        refusal,
        Refusal::UnknownFields(vec!["apprenti.surnom".into(), "pirate".into()])
    );
}

#[test]
fn an_employer_may_not_write_the_apprentices_tab() {
    let refusal = review(
        &json!({}),
        &json!({"apprenti": {"nir": "2050313055123 45"}, "employeur": {"denomination": "ACME"}}),
        Role::Employeur,
        state(Status::InProgress),
        CerfaVersion::V14,
    )
    .unwrap_err();

    assert_eq!(refusal, Refusal::Forbidden(vec!["apprenti.nir"]));
}

#[test]
fn a_frozen_dossier_refuses_every_field_even_to_the_cfa() {
    for status in [
        Status::Validated,
        Status::EconomicsValidated,
        Status::Signed,
    ] {
        let refusal = review(
            &json!({}),
            &json!({"apprenti": {"nom": "Martin"}}),
            Role::Cfa,
            state(status),
            CerfaVersion::V14,
        )
        .unwrap_err();
        assert_eq!(
            refusal,
            Refusal::Forbidden(vec!["apprenti.nom"]),
            "{status:?}"
        );
    }
}

#[test]
fn an_invalid_value_refuses_the_whole_patch_with_the_reason() {
    let refusal = review(
        &json!({}),
        &json!({"employeur": {"siret": "73282932000075", "denomination": "ACME"}}),
        Role::Employeur,
        state(Status::InProgress),
        CerfaVersion::V14,
    )
    .unwrap_err();

    assert_eq!(
        refusal,
        Refusal::Invalid(vec![("employeur.siret", FieldError::SiretChecksum)])
    );
}

#[test]
fn unchanged_values_are_no_change_even_for_a_role_that_may_not_write_them() {
    let content = json!({"apprenti": {"nom": "Martin"}});

    let (_, changes) = review(
        &content,
        &json!({"apprenti": {"nom": "Martin"}}),
        Role::Employeur,
        state(Status::InProgress),
        CerfaVersion::V14,
    )
    .unwrap();

    assert!(changes.is_empty());
}
