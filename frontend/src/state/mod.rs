//! State that changes through actions and pure reducers, testable without a browser.

pub mod dossier;
pub mod regulatory;
pub mod session;

/// The French label of a field the API names: a catalogue field by its label, the economic
/// elements by theirs, the fields of the other forms by the words of their labels. Internal
/// names are never shown.
pub fn label_of(key: &str) -> &'static str {
    if let Some(field) = domain::FieldDef::by_key(key) {
        return field.label;
    }
    // A formation's main place of training is the dossiers' block, under its own name.
    if let Some(field) = key
        .strip_prefix("training_site.")
        .and_then(|inner| domain::FieldDef::by_key(&format!("etablissementFormation.{inner}")))
    {
        return field.label;
    }
    if let Some(label) = key
        .strip_prefix("economics.")
        .and_then(domain::economics::label)
    {
        return label;
    }
    match key {
        "email" => "Courriel",
        "first_name" => "Prénom",
        "last_name" => "Nom",
        "password" | "current" => "Mot de passe",
        "access_code" => "Code d'accès",
        "comment" | "reason" => "Commentaire",
        "label" => "Libellé",
        "name" | "title" => "Intitulé",
        "start_date" => "Date de début",
        "end_date" => "Date de fin",
        "hours" => "Durée en heures",
        "rncp" => "Code RNCP",
        "diploma_code" => "Code diplôme",
        "niveau_saisie" => "Niveau de saisie",
        "file" | "rows" => "Fichier",
        _ => "Donnée",
    }
}
