use chrono::NaiveDate;
use domain::{EvaluationSettings, MissionMode, evaluation::Evaluation};
use serde_json::Value;

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A dossier every tab of which is complete (apprentissage, saisie complète).
pub fn complete_dossier() -> Value {
    serde_json::from_str(include_str!("../fixtures/complete_dossier.json")).unwrap()
}

/// Settings of the demo formation: mission required, evaluated in the middle of September 2025.
pub fn settings() -> EvaluationSettings {
    let mut settings = EvaluationSettings::new(date("2025-09-15"));
    settings.mission = MissionMode::Required;
    settings
}

/// Sets `key` (dotted CERFA key) to `value` in `content`, creating the groups on the way.
pub fn set(content: &mut Value, key: &str, value: Value) {
    let mut node = content;
    let parts: Vec<&str> = key.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        if node.get(*part).is_none() {
            node[*part] = serde_json::json!({});
        }
        node = &mut node[*part];
    }
    node[parts[parts.len() - 1]] = value;
}

/// Removes `key` from `content`.
pub fn remove(content: &mut Value, key: &str) {
    let (parent, leaf) = key.rsplit_once('.').unwrap();
    let mut node = content;
    for part in parent.split('.') {
        node = &mut node[part];
    }
    node.as_object_mut().unwrap().remove(leaf);
}

/// The codes of the invalid entries of every tab, with their field.
pub fn invalid_codes(evaluation: &Evaluation) -> Vec<(String, String)> {
    evaluation
        .tabs
        .0
        .iter()
        .flat_map(|t| {
            t.invalid
                .iter()
                .map(|i| (i.field.to_owned(), i.code.to_owned()))
        })
        .collect()
}

pub fn warning_codes(evaluation: &Evaluation) -> Vec<&'static str> {
    evaluation.warnings.iter().map(|w| w.code).collect()
}
