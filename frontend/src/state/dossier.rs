//! The dossier being filled in: the server's last answer, the user's edits on top of it, and
//! the evaluation of the edited content — made here by `domain`, the very code the server runs,
//! so that green fields and check marks follow every keystroke.

use std::{collections::BTreeSet, rc::Rc};

use api_types::dossiers::DossierBody;
use chrono::NaiveDate;
use domain::{
    EvaluationSettings, FIELDS, FormationDates, NiveauSaisie, codes::CerfaVersion,
    evaluation::Evaluation,
};
use serde_json::{Map, Value as Json};
use yew::Reducible;

use super::label_of;

/// The dossier page's state.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierState {
    /// The server's last answer.
    pub saved: DossierBody,
    /// The content with the user's edits.
    pub content: Json,
    /// The niveau de saisie chosen on Données de base.
    pub niveau_saisie: NiveauSaisie,
    /// Keys the user changed since the last save.
    pub dirty: BTreeSet<&'static str>,
    /// The evaluation of `content`.
    pub evaluation: Evaluation,
    /// The day the rules are applied on.
    pub today: NaiveDate,
}

impl DossierState {
    /// The state right after loading `body`.
    pub fn loaded(body: DossierBody, today: NaiveDate) -> Self {
        let content = Json::Object(body.content.clone());
        let niveau_saisie = body.niveau_saisie;
        Self {
            evaluation: domain::evaluate(&content, &settings_of(&body, niveau_saisie, today)),
            saved: body,
            content,
            niveau_saisie,
            dirty: BTreeSet::new(),
            today,
        }
    }

    /// What the evaluation depends on besides the content.
    pub fn settings(&self) -> EvaluationSettings {
        settings_of(&self.saved, self.niveau_saisie, self.today)
    }

    fn evaluate(&mut self) {
        self.evaluation = domain::evaluate(&self.content, &self.settings());
    }

    /// The user typed `value` (`null` to empty it) in the field `key`.
    pub fn edit(&mut self, key: &'static str, value: Json) {
        set_path(&mut self.content, key, value);
        let saved = Json::Object(self.saved.content.clone());
        if domain::evaluation::lookup(&saved, key) == domain::evaluation::lookup(&self.content, key)
        {
            self.dirty.remove(key);
        } else {
            self.dirty.insert(key);
        }
        self.evaluate();
    }

    /// The user chose another niveau de saisie.
    pub fn choose_niveau(&mut self, niveau: NiveauSaisie) {
        self.niveau_saisie = niveau;
        self.evaluate();
    }

    /// Whether something is not saved yet.
    pub fn has_changes(&self) -> bool {
        !self.dirty.is_empty() || self.niveau_saisie != self.saved.niveau_saisie
    }

    /// The edits « Enregistrer » keeps on screen instead of sending: values the server would
    /// refuse (a short INE), with why. They would make it refuse the whole patch; held back,
    /// the tab's valid edits are saved and these wait, with their error, to be corrected.
    pub fn held_edits(&self) -> Vec<(&'static str, String)> {
        self.dirty
            .iter()
            .filter_map(|&key| {
                let def = domain::FieldDef::by_key(key)?;
                let value = domain::evaluation::lookup(&self.content, key);
                match domain::values::read(def.kind, value, CerfaVersion::default()) {
                    domain::values::Read::Invalid(error) => Some((key, error.to_string())),
                    _ => None,
                }
            })
            .collect()
    }

    /// Whether « Enregistrer » has something to send once the held edits are set aside.
    pub fn has_savable_changes(&self) -> bool {
        self.niveau_saisie != self.saved.niveau_saisie || self.dirty.len() > self.held_edits().len()
    }

    /// The request body of « Enregistrer »: a merge patch of the changed fields, but the held
    /// ones.
    pub fn patch(&self) -> Json {
        let held: Vec<&str> = self.held_edits().into_iter().map(|(key, _)| key).collect();
        let mut content = Json::Object(Map::new());
        for key in self.dirty.iter().filter(|key| !held.contains(key)) {
            let value = domain::evaluation::lookup(&self.content, key)
                .cloned()
                .unwrap_or(Json::Null);
            set_path_keeping_null(&mut content, key, value);
        }
        let mut body = Map::new();
        body.insert("content".into(), content);
        if self.niveau_saisie != self.saved.niveau_saisie {
            body.insert(
                "niveau_saisie".into(),
                serde_json::to_value(self.niveau_saisie).unwrap_or(Json::Null),
            );
        }
        Json::Object(body)
    }

    /// The save succeeded: `body` is the new version; the held edits stay on screen, unsaved.
    pub fn saved(&mut self, body: DossierBody) {
        let held: Vec<(&'static str, Json)> = self
            .held_edits()
            .into_iter()
            .map(|(key, _)| {
                let value = domain::evaluation::lookup(&self.content, key)
                    .cloned()
                    .unwrap_or(Json::Null);
                (key, value)
            })
            .collect();
        *self = Self::loaded(body, self.today);
        for (key, value) in held {
            self.edit(key, value);
        }
    }

    /// Someone else saved `latest` meanwhile: their changes are taken, the user's edits of
    /// other fields are kept on top, and the labels of the fields both changed — where theirs
    /// won — are answered, to be told.
    pub fn rebase(&mut self, latest: DossierBody) -> Vec<&'static str> {
        let before = Json::Object(self.saved.content.clone());
        let theirs = Json::Object(latest.content.clone());
        let mine: Vec<(&'static str, Json)> = self
            .dirty
            .iter()
            .map(|key| {
                let value = domain::evaluation::lookup(&self.content, key)
                    .cloned()
                    .unwrap_or(Json::Null);
                (*key, value)
            })
            .collect();
        let niveau = self.niveau_saisie;
        let mut lost = Vec::new();
        *self = Self::loaded(latest, self.today);
        for (key, value) in mine {
            let they_changed = domain::evaluation::lookup(&before, key)
                != domain::evaluation::lookup(&theirs, key);
            if they_changed {
                lost.push(label_of(key));
            } else {
                self.edit(key, value);
            }
        }
        self.choose_niveau(niveau);
        lost
    }

    /// The labels of the fields another party changed between `self.saved` and `latest`.
    pub fn changed_by_others(&self, latest: &DossierBody) -> Vec<&'static str> {
        let before = Json::Object(self.saved.content.clone());
        let after = Json::Object(latest.content.clone());
        FIELDS
            .iter()
            .filter(|field| {
                domain::evaluation::lookup(&before, field.key)
                    != domain::evaluation::lookup(&after, field.key)
            })
            .map(|field| field.label)
            .collect()
    }
}

/// The dossier page: the dossier, once loaded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DossierPageState {
    /// The dossier being filled in; `None` while it loads.
    pub dossier: Option<DossierState>,
}

/// What changes the dossier page.
#[derive(Debug, Clone)]
pub enum DossierAction {
    /// The server answered the dossier as it is now (first load, or after a workflow action),
    /// to be evaluated on `today`.
    Loaded(Box<DossierBody>, NaiveDate),
    /// The user typed `value` (`null` to empty it) in the field `key`.
    Edit(&'static str, Json),
    /// The user chose another niveau de saisie.
    ChooseNiveau(NiveauSaisie),
    /// « Enregistrer » succeeded: the new version.
    Saved(Box<DossierBody>),
    /// Someone else saved first: their version is taken, the user's other edits kept on top.
    Rebased(Box<DossierBody>),
}

impl Reducible for DossierPageState {
    type Action = DossierAction;

    fn reduce(self: Rc<Self>, action: DossierAction) -> Rc<Self> {
        let mut dossier = self.dossier.clone();
        match (action, &mut dossier) {
            (DossierAction::Loaded(body, today), _) => {
                dossier = Some(DossierState::loaded(*body, today));
            }
            (DossierAction::Edit(key, value), Some(current)) => current.edit(key, value),
            (DossierAction::ChooseNiveau(niveau), Some(current)) => current.choose_niveau(niveau),
            (DossierAction::Saved(body), Some(current)) => current.saved(*body),
            (DossierAction::Rebased(latest), Some(current)) => {
                current.rebase(*latest);
            }
            // Nothing to change before the dossier is loaded.
            (_, None) => {}
        }
        Rc::new(Self { dossier })
    }
}

impl DossierState {
    /// What a save that came second must tell: the labels of the fields the other party
    /// changed, and of those among them the user had changed too (theirs win).
    pub fn conflict_with(&self, latest: &DossierBody) -> (Vec<&'static str>, Vec<&'static str>) {
        let before = Json::Object(self.saved.content.clone());
        let theirs = Json::Object(latest.content.clone());
        let lost = self
            .dirty
            .iter()
            .filter(|key| {
                domain::evaluation::lookup(&before, key) != domain::evaluation::lookup(&theirs, key)
            })
            .map(|key| label_of(key))
            .collect();
        (self.changed_by_others(latest), lost)
    }
}

fn settings_of(body: &DossierBody, niveau: NiveauSaisie, today: NaiveDate) -> EvaluationSettings {
    EvaluationSettings {
        niveau_saisie: niveau,
        contract_type: body.contract_type,
        mission: body.formation.mission,
        formation: FormationDates {
            start: Some(body.formation.start_date),
            end: Some(body.formation.end_date),
        },
        cerfa_version: CerfaVersion::default(),
        today,
        data: crate::state::regulatory::in_force(),
    }
}

/// Sets the value at a dotted key, making the objects on the way; `null` removes the member
/// (and the objects it leaves empty).
pub fn set_path(content: &mut Json, key: &str, value: Json) {
    let parts: Vec<&str> = key.split('.').collect();
    set_in(content, &parts, value, false);
}

/// As [`set_path`], but keeps `null` members: a merge patch says « remove » with them.
fn set_path_keeping_null(content: &mut Json, key: &str, value: Json) {
    let parts: Vec<&str> = key.split('.').collect();
    set_in(content, &parts, value, true);
}

fn set_in(node: &mut Json, parts: &[&str], value: Json, keep_null: bool) {
    if !node.is_object() {
        *node = Json::Object(Map::new());
    }
    let Json::Object(map) = node else {
        return;
    };
    match parts {
        [] => {}
        [last] => {
            if value.is_null() && !keep_null {
                map.remove(*last);
            } else {
                map.insert((*last).to_owned(), value);
            }
        }
        [first, rest @ ..] => {
            let child = map
                .entry((*first).to_owned())
                .or_insert_with(|| Json::Object(Map::new()));
            set_in(child, rest, value, keep_null);
            if !keep_null && child.as_object().is_some_and(Map::is_empty) {
                map.remove(*first);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn body(content: Json, version: i64) -> DossierBody {
        serde_json::from_value(json!({
            "id": "d",
            "status": "in_progress",
            "version": version,
            "niveau_saisie": "complete",
            "contract_type": "apprentissage",
            "formation": {
                "id": "f", "title": "Ingénieur", "school": "École", "variant_id": "v",
                "access_code": "F724", "variant_label": "1re année",
                "start_date": "2026-09-01", "end_date": "2029-08-31",
                "mission": "optional", "validation_mode": "manual"
            },
            "content": content,
            "evaluation": {"complete": false, "tabs": {}, "fields": {}, "warnings": [], "remuneration": []},
            "permissions": {"actions": [], "writable_tabs": ["base"], "edit_economics": false},
            "created_at": "2026-11-24T10:00:00Z",
            "updated_at": "2026-11-24T10:00:00Z"
        }))
        .unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn typing_a_valid_birth_date_turns_the_field_plain() {
        let mut state = DossierState::loaded(body(json!({}), 1), today());
        let birth = |s: &DossierState| {
            s.evaluation
                .field(domain::FieldId::ApprentiDateNaissance)
                .is_green()
        };
        assert!(birth(&state));

        state.edit("apprenti.dateNaissance", json!("2004-05-17"));

        assert!(!birth(&state));
        assert!(state.has_changes());
    }

    #[test]
    fn the_patch_holds_only_the_changed_fields_and_says_null_for_an_emptied_one() {
        let mut state = DossierState::loaded(
            body(json!({"apprenti": {"nom": "Martin", "prenom": "Léa"}}), 3),
            today(),
        );
        state.edit("apprenti.prenom", Json::Null);
        state.edit("apprenti.nomUsage", json!("Durand"));

        assert_eq!(
            state.patch(),
            json!({"content": {"apprenti": {"prenom": null, "nomUsage": "Durand"}}})
        );
        assert_eq!(
            state.content,
            json!({"apprenti": {"nom": "Martin", "nomUsage": "Durand"}})
        );
    }

    #[test]
    fn a_refused_value_is_held_on_screen_while_the_valid_edits_are_saved() {
        let mut state = DossierState::loaded(body(json!({}), 1), today());
        state.edit("apprenti.nom", json!("Martin"));
        state.edit("apprenti.ine", json!("123"));

        let held = state.held_edits();
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].0, "apprenti.ine");
        assert!(state.has_savable_changes());
        assert_eq!(
            state.patch(),
            json!({"content": {"apprenti": {"nom": "Martin"}}})
        );

        state.saved(body(json!({"apprenti": {"nom": "Martin"}}), 2));

        assert_eq!(state.saved.version, 2);
        assert_eq!(state.content["apprenti"]["ine"], "123");
        assert!(
            state.has_changes(),
            "the refused value waits to be corrected"
        );
        assert!(!state.has_savable_changes());
    }

    #[test]
    fn typing_back_the_saved_value_leaves_nothing_to_save() {
        let mut state =
            DossierState::loaded(body(json!({"apprenti": {"nom": "Martin"}}), 1), today());
        state.edit("apprenti.nom", json!("Dupont"));
        state.edit("apprenti.nom", json!("Martin"));

        assert!(!state.has_changes());
    }

    #[test]
    fn after_a_conflict_the_other_partys_changes_win_and_mine_elsewhere_are_kept() {
        let mut state =
            DossierState::loaded(body(json!({"apprenti": {"nom": "Martin"}}), 1), today());
        state.edit("apprenti.nom", json!("Dupont"));
        state.edit("apprenti.nomUsage", json!("Durand"));
        let latest = body(json!({"apprenti": {"nom": "Bernard"}}), 2);

        assert_eq!(
            state.changed_by_others(&latest),
            vec!["Nom de naissance de l'apprenti(e)"]
        );
        let lost = state.rebase(latest);

        assert_eq!(lost.len(), 1);
        assert_eq!(state.saved.version, 2);
        assert_eq!(state.content["apprenti"]["nom"], "Bernard");
        assert_eq!(state.content["apprenti"]["nomUsage"], "Durand");
        assert!(state.dirty.contains("apprenti.nomUsage"));
    }

    #[test]
    fn the_page_reducer_loads_edits_saves_and_rebases_the_dossier() {
        let page = Rc::new(DossierPageState::default());
        let page = page.reduce(DossierAction::Edit("apprenti.nom", json!("Ignoré")));
        assert!(page.dossier.is_none(), "nothing to edit before loading");

        let loaded = body(json!({"apprenti": {"nom": "Martin"}}), 1);
        let page = page.reduce(DossierAction::Loaded(Box::new(loaded), today()));
        let page = page.reduce(DossierAction::Edit("apprenti.nom", json!("Dupont")));
        let page = page.reduce(DossierAction::Edit("apprenti.nomUsage", json!("Durand")));
        let page = page.reduce(DossierAction::ChooseNiveau(NiveauSaisie::Simple));
        let current = page.dossier.clone().unwrap();
        assert!(current.has_changes());
        assert_eq!(current.niveau_saisie, NiveauSaisie::Simple);

        let latest = body(json!({"apprenti": {"nom": "Bernard"}}), 2);
        let (changed, lost) = current.conflict_with(&latest);
        assert_eq!(changed, vec!["Nom de naissance de l'apprenti(e)"]);
        assert_eq!(lost, vec!["Nom de naissance de l'apprenti(e)"]);
        let page = page.reduce(DossierAction::Rebased(Box::new(latest)));
        let rebased = page.dossier.clone().unwrap();
        assert_eq!(rebased.saved.version, 2);
        assert_eq!(rebased.content["apprenti"]["nom"], "Bernard");
        assert_eq!(rebased.content["apprenti"]["nomUsage"], "Durand");

        let saved = body(
            json!({"apprenti": {"nom": "Bernard", "nomUsage": "Durand"}}),
            3,
        );
        let page = page.reduce(DossierAction::Saved(Box::new(saved)));
        let current = page.dossier.clone().unwrap();
        assert!(!current.has_changes());
        assert_eq!(current.saved.version, 3);
    }
}
