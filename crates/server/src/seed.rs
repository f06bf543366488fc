//! Demo data for development mode: a CFA's two formations (`F724` with its variant `F724-2`,
//! manual validation; `F728`, automatic with the mission required) and one account per role,
//! all with the password `opuntia-demo`. Seeded once, on an empty database.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use db::{
    DatabaseConnection, DbResult, TransactionTrait,
    entities::{formation, formation_annex, user, variant},
};
use domain::{MissionMode, Role, Status, workflow::ValidationMode};
use serde_json::{Value, json};

use crate::auth::secrets;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "opuntia-demo";

/// A demo account, printed at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// Login.
    pub email: &'static str,
    /// Password.
    pub password: &'static str,
    /// What the account shows.
    pub what: &'static str,
}

/// The demo accounts, in the order they are printed.
pub const DEMO_ACCOUNTS: [DemoAccount; 4] = [
    DemoAccount {
        email: "cfa@demo.opuntia.test",
        password: DEMO_PASSWORD,
        what: "CFA : formations, codes d'accès, validation économique",
    },
    DemoAccount {
        email: "formation@demo.opuntia.test",
        password: DEMO_PASSWORD,
        what: "responsable des formations F724 et F728 : invitations, validation",
    },
    DemoAccount {
        email: "employeur@demo.opuntia.test",
        password: DEMO_PASSWORD,
        what: "contact entreprise du dossier de démonstration",
    },
    DemoAccount {
        email: "alternant@demo.opuntia.test",
        password: DEMO_PASSWORD,
        what: "alternante avec un dossier en cours (F724)",
    },
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn account(
    id: &str,
    email: &str,
    role: Role,
    first: &str,
    last: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> user::Model {
    user::Model {
        id: id.to_owned(),
        email: email.to_owned(),
        role: role.into(),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        password_hash: Some(hash.to_owned()),
        generated_password_hash: None,
        generated_password_expires_at: None,
        last_login_at: None,
        created_at: now,
        updated_at: now,
    }
}

fn contact(name: &str, email: &str, phone: &str) -> serde_json::Value {
    json!({"name": name, "email": email, "phone": phone})
}

/// Seeds the demo data when the database has no account yet; answers the demo accounts when
/// they exist (seeded now or before), so that start-up can print them.
pub async fn seed_if_empty(
    db: &DatabaseConnection,
    seal: &dyn db::sealing::Seal,
    cfa: Option<&serde_json::Value>,
    now: DateTime<Utc>,
) -> DbResult<Vec<DemoAccount>> {
    if db::queries::users::count(db).await? > 0 {
        let seeded = db::queries::users::by_email(db, DEMO_ACCOUNTS[0].email)
            .await?
            .is_some();
        return Ok(if seeded {
            DEMO_ACCOUNTS.to_vec()
        } else {
            Vec::new()
        });
    }
    match seed(db, seal, cfa, now).await {
        // Another instance starting at the same moment seeded the same demo data first.
        Err(db::DbError::Unique(_)) => Ok(DEMO_ACCOUNTS.to_vec()),
        other => other,
    }
}

/// Writes the demo data in one transaction.
async fn seed(
    db: &DatabaseConnection,
    seal: &dyn db::sealing::Seal,
    cfa: Option<&serde_json::Value>,
    now: DateTime<Utc>,
) -> DbResult<Vec<DemoAccount>> {
    // One argon2id hash shared by the four demo accounts: they have the same published
    // password anyway, and it keeps the first start fast.
    let hash = secrets::hash_password(DEMO_PASSWORD)
        .map_err(|e| db::DbError::Other(db::sea_orm::DbErr::Custom(e.to_string())))?;
    let users = vec![
        account(
            "00000000-0000-4000-8000-000000000001",
            DEMO_ACCOUNTS[0].email,
            Role::Cfa,
            "Camille",
            "Roux",
            &hash,
            now,
        ),
        account(
            "00000000-0000-4000-8000-000000000002",
            DEMO_ACCOUNTS[1].email,
            Role::Formation,
            "Claire",
            "Dubois",
            &hash,
            now,
        ),
        account(
            "00000000-0000-4000-8000-000000000003",
            DEMO_ACCOUNTS[2].email,
            Role::Employeur,
            "Julien",
            "Lefèvre",
            &hash,
            now,
        ),
        account(
            "00000000-0000-4000-8000-000000000004",
            DEMO_ACCOUNTS[3].email,
            Role::Alternant,
            "Léa",
            "Martin",
            &hash,
            now,
        ),
    ];
    let cfa_contacts = |school: serde_json::Value| {
        json!({
            "apprentissage": contact("Service apprentissage du CFA", "apprentissage@cfa.demo.opuntia.test", "+33491000001"),
            "professionnalisation": contact("Service professionnalisation du CFA", "professionnalisation@cfa.demo.opuntia.test", "+33491000002"),
            "school": school,
        })
    };
    let engineering = formation::Model {
        id: "00000000-0000-4000-8000-000000000724".into(),
        title: "Diplôme d'ingénieur – Informatique et réseaux".into(),
        school: "École d'ingénieurs de démonstration".into(),
        diploma_code: "17031001".into(),
        rncp: "RNCP35432".into(),
        start_date: date(2026, 9, 1),
        end_date: date(2029, 8, 31),
        hours: 1800,
        contract_types: "apprentissage".into(),
        validation_mode: ValidationMode::Manual.into(),
        mission: MissionMode::Optional.into(),
        signature_plan: None,
        training_site: None,
        contacts: cfa_contacts(contact(
            "Scolarité de l'école",
            "scolarite@ecole.demo.opuntia.test",
            "+33491000003",
        )),
        created_at: now,
        updated_at: now,
    };
    let master = formation::Model {
        id: "00000000-0000-4000-8000-000000000728".into(),
        title: "Master Management des organisations – alternance".into(),
        school: "Institut de management de démonstration".into(),
        diploma_code: "13531001".into(),
        rncp: "RNCP34034".into(),
        start_date: date(2026, 9, 14),
        end_date: date(2028, 6, 30),
        hours: 900,
        contract_types: "apprentissage,professionnalisation".into(),
        validation_mode: ValidationMode::Automatic.into(),
        mission: MissionMode::Required.into(),
        signature_plan: None,
        training_site: None,
        contacts: cfa_contacts(contact(
            "Secrétariat du master",
            "master@institut.demo.opuntia.test",
            "+33491000004",
        )),
        created_at: now,
        updated_at: now,
    };
    let variant_row =
        |id: &str, formation_id: &str, code: &str, label: &str, start: Option<NaiveDate>| {
            variant::Model {
                id: id.to_owned(),
                formation_id: formation_id.to_owned(),
                access_code: code.to_owned(),
                label: label.to_owned(),
                start_date: start,
                end_date: None,
                open: true,
                created_at: now,
                updated_at: now,
            }
        };
    let variants = [
        variant_row(
            "00000000-0000-4000-8000-000000007240",
            &engineering.id,
            "F724",
            "Toutes années",
            None,
        ),
        variant_row(
            "00000000-0000-4000-8000-000000007242",
            &engineering.id,
            "F724-2",
            "2e année",
            Some(date(2027, 9, 1)),
        ),
        variant_row(
            "00000000-0000-4000-8000-000000007280",
            &master.id,
            "F728",
            "Master 1 et 2",
            None,
        ),
    ];
    // The demo apprentice's dossier, made as a registration makes one, then filled in on
    // « Données de base » and validated: the company contact is the demo employer.
    let opening = crate::services::openings::Opening {
        variant: variants[0].clone(),
        formation: engineering.clone(),
    };
    let mut dossier = opening.new_dossier(&users[3], cfa, now);
    dossier.id = "00000000-0000-4000-8000-00000000d001".into();
    dossier.employer_id = Some(users[2].id.clone());
    dossier.company_id = Some("siret-73282932000074".into());
    dossier.status = Status::InProgress.into();
    dossier.content = json!({
        "apprenti": {"nom": "Martin", "prenom": "Léa", "courriel": DEMO_ACCOUNTS[3].email},
        "employeur": {"siret": "73282932000074"},
        "contactEntreprise": {"courriel": DEMO_ACCOUNTS[2].email, "nom": "Lefèvre", "prenom": "Julien"},
        "contrat": {"dateDebutContrat": "2026-09-01", "dateFinContrat": "2029-08-31"},
    });
    crate::services::dossiers::listing_of(&dossier.content, false).apply(&mut dossier);

    let txn = db.begin().await?;
    db::queries::users::insert(&txn, users).await?;
    for row in [engineering.clone(), master.clone()] {
        db::queries::formations::insert(&txn, row).await?;
    }
    for row in variants {
        db::queries::formations::insert_variant(&txn, row).await?;
    }
    let responsable = "00000000-0000-4000-8000-000000000002".to_owned();
    for formation_id in [&engineering.id, &master.id] {
        db::queries::formations::replace_responsables(
            &txn,
            formation_id,
            std::slice::from_ref(&responsable),
        )
        .await?;
    }
    for (formation, (cfa_weeks, company_weeks), programme) in [
        (&engineering, (2, 4), engineering_programme()),
        (&master, (1, 2), master_programme()),
    ] {
        let calendrier = demo_calendrier(
            formation.start_date,
            formation.end_date,
            cfa_weeks,
            company_weeks,
        );
        for (kind, content) in [("calendrier", calendrier), ("programme", programme)] {
            db::queries::formations::put_annex(
                &txn,
                (&formation.id, "", kind),
                Some(formation_annex::Model {
                    formation_id: formation.id.clone(),
                    variant_id: String::new(),
                    kind: kind.to_owned(),
                    content: Some(content),
                    pdf_sha256: None,
                    updated_at: now,
                }),
            )
            .await?;
        }
    }
    db::queries::companies::upsert(&txn, "73282932000074", None, now).await?;
    db::queries::dossiers::insert(&txn, seal, vec![dossier]).await?;
    txn.commit().await?;
    Ok(DEMO_ACCOUNTS.to_vec())
}

/// A demo calendrier: from `start` to `end`, `cfa_weeks` at the CFA (35 hours a week) then
/// `company_weeks` in the company, again and again; a week of exams each June and three weeks
/// of holidays each August.
fn demo_calendrier(start: NaiveDate, end: NaiveDate, cfa_weeks: i64, company_weeks: i64) -> Value {
    let mut periods = Vec::new();
    let mut cursor = start;
    while cursor <= end {
        let cfa_end = (cursor + chrono::Duration::days(cfa_weeks * 7 - 3)).min(end);
        periods
            .push(json!({"kind": "cfa", "start": cursor, "end": cfa_end, "hours": cfa_weeks * 35}));
        cursor += chrono::Duration::days(cfa_weeks * 7);
        if cursor > end {
            break;
        }
        let company_end = (cursor + chrono::Duration::days(company_weeks * 7 - 1)).min(end);
        periods.push(json!({"kind": "entreprise", "start": cursor, "end": company_end}));
        cursor += chrono::Duration::days(company_weeks * 7);
    }
    for year in start.year()..=end.year() {
        if let (Some(exams), Some(holidays)) = (
            NaiveDate::from_ymd_opt(year, 6, 15),
            NaiveDate::from_ymd_opt(year, 8, 1),
        ) {
            if exams > start && exams < end {
                periods.push(json!({"kind": "examen", "start": exams, "end": exams + chrono::Duration::days(4), "hours": 20, "label": "Épreuves de fin d'année"}));
            }
            if holidays > start && holidays < end {
                periods.push(json!({"kind": "conges", "start": holidays, "end": holidays + chrono::Duration::days(20), "label": "Congés d'été"}));
            }
        }
    }
    json!({ "periods": periods })
}

fn engineering_programme() -> Value {
    json!({
        "objectives": "Former des ingénieurs capables de concevoir, déployer et sécuriser des systèmes informatiques et des réseaux, et de conduire des projets techniques en entreprise.",
        "means": "Cours, travaux dirigés et pratiques en salles équipées ; plateforme d'enseignement à distance ; projets en équipe ; un tuteur pédagogique suit chaque apprenti et rencontre son maître d'apprentissage deux fois par an.",
        "assessment": "Contrôle continu et examens terminaux par bloc de compétences ; mémoire d'apprentissage soutenu devant un jury ; le diplôme est délivré quand tous les blocs sont validés.",
        "blocks": [
            {"code": "RNCP35432BC01", "title": "Concevoir des systèmes logiciels", "modules": [
                {"title": "Algorithmique et programmation avancée", "hours": 180, "objectives": "Concevoir des algorithmes efficaces et les programmer proprement.", "assessment": "Projet et examen écrit"},
                {"title": "Génie logiciel et méthodes agiles", "hours": 150, "assessment": "Projet en équipe"},
                {"title": "Bases de données", "hours": 120, "assessment": "Contrôle continu"}
            ]},
            {"code": "RNCP35432BC02", "title": "Déployer et sécuriser les réseaux", "modules": [
                {"title": "Architecture des réseaux", "hours": 160, "assessment": "Travaux pratiques notés"},
                {"title": "Cybersécurité", "hours": 170, "objectives": "Analyser les risques et mettre en œuvre les protections.", "assessment": "Examen écrit"},
                {"title": "Systèmes et virtualisation", "hours": 140, "assessment": "Contrôle continu"}
            ]},
            {"code": "RNCP35432BC03", "title": "Conduire des projets et manager", "modules": [
                {"title": "Gestion de projet", "hours": 120, "assessment": "Dossier"},
                {"title": "Anglais professionnel", "hours": 200, "assessment": "Certification externe (TOEIC 785)"},
                {"title": "Droit, économie et management", "hours": 160, "assessment": "Examen écrit"}
            ]},
            {"code": "RNCP35432BC04", "title": "Mémoire et missions en entreprise", "modules": [
                {"title": "Suivi des missions et mémoire d'apprentissage", "hours": 400, "assessment": "Soutenance devant jury"}
            ]}
        ]
    })
}

fn master_programme() -> Value {
    json!({
        "objectives": "Former des cadres capables de piloter des équipes, des projets et la performance d'une organisation.",
        "means": "Séminaires, études de cas, serious games et conférences de professionnels ; ressources en ligne.",
        "assessment": "Contrôle continu, examens de fin de semestre et mémoire professionnel.",
        "blocks": [
            {"code": "RNCP34034BC01", "title": "Piloter la stratégie et la performance", "modules": [
                {"title": "Stratégie des organisations", "hours": 120, "assessment": "Étude de cas"},
                {"title": "Contrôle de gestion", "hours": 110, "assessment": "Examen écrit"}
            ]},
            {"code": "RNCP34034BC02", "title": "Manager les équipes et le changement", "modules": [
                {"title": "Management et leadership", "hours": 130, "assessment": "Mise en situation"},
                {"title": "Gestion des ressources humaines", "hours": 120, "assessment": "Dossier"}
            ]},
            {"code": "RNCP34034BC03", "title": "Conduire un projet professionnel", "modules": [
                {"title": "Méthodologie de projet", "hours": 100, "assessment": "Dossier"},
                {"title": "Mémoire professionnel", "hours": 320, "assessment": "Soutenance"}
            ]}
        ]
    })
}
