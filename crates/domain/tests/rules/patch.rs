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

#[test]
fn a_masked_nir_counts_as_filled_but_is_never_accepted_as_a_new_value() {
    let content = json!({"apprenti": {"nir": "104037512345633"}});
    let masked = json!({"apprenti": {"nir": "1 04 03 •• ••• ••• 33"}});

    let refusal = review(
        &content,
        &masked,
        Role::Cfa,
        state(Status::InProgress),
        CerfaVersion::V14,
    )
    .unwrap_err();

    assert_eq!(
        refusal,
        Refusal::Invalid(vec![("apprenti.nir", FieldError::NirMasked)])
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let seen = domain::evaluate(&masked, &domain::EvaluationSettings::new(today));
    assert_eq!(
        seen.field(domain::FieldId::ApprentiNir).status,
        domain::FieldStatus::Ok,
        "the party shown the mask sees a filled, valid field"
    );
}

#[test]
fn the_history_keeps_a_nir_masked_and_every_other_value_as_it_is() {
    use domain::patch::Change;
    assert_eq!(
        Change::kept_in_history("apprenti.nir", Some(json!("104037512345633"))),
        Some(json!("1 04 03 •• ••• ••• 33"))
    );
    assert_eq!(
        Change::kept_in_history("apprenti.nom", Some(json!("Martin"))),
        Some(json!("Martin"))
    );
    assert_eq!(Change::kept_in_history("apprenti.nir", None), None);
}

// ── Properties: any patch is reviewed without panicking, and what it accepts is what it says ─

use proptest::prelude::*;
use serde_json::Value;

/// A patch of random members: real field keys, made-up keys, nested or not, with values of
/// every JSON kind.
fn any_patch() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        (0..domain::FIELDS.len()).prop_map(|i| domain::FIELDS[i].key.to_owned()),
        "[a-z]{1,8}(\\.[a-zA-Z]{1,8}){0,2}",
    ];
    let value = prop_oneof![
        Just(json!(null)),
        Just(json!(true)),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::from),
        Just(json!({})),
        Just(json!([1, "a"])),
        Just(json!("1 04 03 •• ••• ••• 33")),
    ];
    proptest::collection::vec((key, value), 0..12).prop_map(|members| {
        let mut patch = json!({});
        for (key, value) in members {
            let mut node = &mut patch;
            let parts: Vec<&str> = key.split('.').collect();
            for part in &parts[..parts.len() - 1] {
                if !node[*part].is_object() {
                    node[*part] = json!({});
                }
                node = &mut node[*part];
            }
            node[parts[parts.len() - 1]] = value;
        }
        patch
    })
}

proptest! {
    #[test]
    fn any_patch_is_refused_or_applied_exactly_as_its_changes_say(
        patch in any_patch(),
        role in prop_oneof![Just(Role::Alternant), Just(Role::Employeur), Just(Role::Formation), Just(Role::Cfa)],
    ) {
        let content = json!({"apprenti": {"nom": "Martin", "nir": "104037512345633"}});
        match review(&content, &patch, role, state(Status::InProgress), CerfaVersion::V14) {
            Ok((after, changes)) => {
                let mut expected = content.clone();
                apply_merge_patch(&mut expected, &patch);
                prop_assert_eq!(&after, &expected);
                for change in &changes {
                    prop_assert!(domain::FieldDef::by_key(change.key).is_some());
                    prop_assert_eq!(domain::evaluation::lookup(&after, change.key), change.new.as_ref());
                    prop_assert_eq!(domain::evaluation::lookup(&content, change.key), change.old.as_ref());
                }
            }
            Err(Refusal::UnknownFields(paths)) => {
                prop_assert!(!paths.is_empty());
                for path in paths {
                    prop_assert!(domain::FieldDef::by_key(&path).is_none(), "{path}");
                }
            }
            Err(Refusal::Forbidden(keys)) => prop_assert!(!keys.is_empty()),
            Err(Refusal::Invalid(faults)) => prop_assert!(!faults.is_empty()),
            Err(Refusal::NotAnObject) => prop_assert!(!patch.is_object()),
        }
    }
}
