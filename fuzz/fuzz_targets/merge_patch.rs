//! A dossier merge patch of any JSON, by any role: refused, or applied exactly as its changes
//! say — never a panic.
#![no_main]

use domain::{
    Role, Status,
    access::DossierState,
    codes::CerfaVersion,
    patch::{apply_merge_patch, review},
};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

fuzz_target!(|bytes: &[u8]| {
    let Some((&selector, json_bytes)) = bytes.split_first() else {
        return;
    };
    let Ok(patch) = serde_json::from_slice::<Value>(json_bytes) else {
        return;
    };
    let role = [Role::Alternant, Role::Employeur, Role::Formation, Role::Cfa][usize::from(selector % 4)];
    let content = json!({"apprenti": {"nom": "Martin", "nir": "104037512345633"}, "contrat": {"dateDebutContrat": "2026-09-01"}});
    let state = DossierState {
        status: Status::InProgress,
        company_contact_joined: selector & 4 == 0,
    };
    if let Ok((after, changes)) = review(&content, &patch, role, state, CerfaVersion::V14) {
        let mut expected = content.clone();
        apply_merge_patch(&mut expected, &patch);
        assert_eq!(after, expected);
        for change in changes {
            assert_eq!(domain::evaluation::lookup(&after, change.key), change.new.as_ref());
        }
        let _ = domain::evaluate(&after, &domain::EvaluationSettings::new(chrono_today()));
    }
});

fn chrono_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date")
}
