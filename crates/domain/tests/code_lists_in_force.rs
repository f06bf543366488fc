//! Installing a CFA's code lists changes what every reading accepts. Its own test binary: the
//! lists in force are one per process.

use domain::codes::{CODES_FILE, CerfaVersion, CodeList, CodeLists, in_force, install};
use serde_json::json;

#[test]
fn installed_code_lists_are_the_ones_values_are_read_against() {
    let parse = |value| {
        domain::values::parse_code(CodeList::TypeDerogation, &json!(value), CerfaVersion::V14)
    };
    assert!(parse("70").is_err());
    let text: &'static str =
        format!("{CODES_FILE}type_derogation;13+;70;Dérogation d'essai\n").leak();
    let installed = install(CodeLists::parse(text).unwrap());
    assert!(std::ptr::eq(in_force(), installed));
    assert_eq!(parse("70"), Ok("70"));
    assert_eq!(
        CodeList::TypeDerogation
            .find(CerfaVersion::V14, "70")
            .map(|e| e.label),
        Some("Dérogation d'essai")
    );
    assert!(
        CodeList::TypeDerogation
            .find(CerfaVersion::V12, "70")
            .is_none()
    );
}
