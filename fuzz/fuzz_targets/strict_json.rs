//! Request bodies read strictly: any JSON is either refused or read as serde reads it, and a
//! value read as itself is unchanged.
#![no_main]

use api_types::{
    account::LoginRequest, dossiers::DossierPatch, formations::FormationRequest,
    invitations::InvitationRequest, strict::from_value,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|bytes: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    assert_eq!(from_value::<Value>(&value).expect("any value"), value);
    if let Ok(login) = from_value::<LoginRequest>(&value) {
        assert_eq!(Ok(login), serde_json::from_value::<LoginRequest>(value.clone()).map_err(|_| ()));
    }
    if let Ok(row) = from_value::<InvitationRequest>(&value) {
        assert_eq!(Ok(row), serde_json::from_value::<InvitationRequest>(value.clone()).map_err(|_| ()));
    }
    let _ = from_value::<FormationRequest>(&value);
    let _ = from_value::<DossierPatch>(&value);
});
