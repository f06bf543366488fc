//! The field catalogue: every field of every tab, with its CERFA schema key, French label and help,
//! type, code list, who fills it, and when it is shown and required.
//!
//! The server answers `GET /api/v1/catalogue` from this table, the browser draws its forms from
//! it, and [`crate::evaluate`] decides with it: one table, one truth.

use serde::Serialize;

use crate::{
    codes::{CerfaVersion, CodeList},
    settings::{ContractType, Role, Tab},
};

/// What kind of value a field holds, which decides how it is parsed and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    /// Free text of at most `max` characters.
    Text {
        /// Maximum number of characters.
        max: usize,
    },
    /// A long free text (a textarea) of at most `max` characters.
    LongText {
        /// Maximum number of characters.
        max: usize,
    },
    /// A person's name ([`crate::PersonName`]).
    Name,
    /// An e-mail address ([`crate::Email`]), at most 80 characters as on the CERFA.
    Email,
    /// A French phone number, stored as E.164 ([`crate::Phone`]).
    Phone,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A yes/no answer (`true` / `false`).
    Bool,
    /// A box that must be ticked (an attestation).
    Tick,
    /// A whole number between `min` and `max`.
    Integer {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// An amount in euros with at most two decimals.
    Amount,
    /// A code from a code list.
    Code {
        /// The list the code comes from.
        list: CodeList,
    },
    /// A SIRET ([`crate::Siret`]).
    Siret,
    /// A NIR ([`crate::Nir`]).
    Nir,
    /// An INE ([`crate::Ine`]).
    Ine,
    /// A UAI ([`crate::Uai`]).
    Uai,
    /// A NAF code ([`crate::Naf`]).
    Naf,
    /// An IDCC ([`crate::Idcc`]).
    Idcc,
    /// A code diplôme ([`crate::CodeDiplome`]).
    CodeDiplome,
    /// An RNCP code ([`crate::Rncp`]).
    Rncp,
    /// A postal code ([`crate::PostalCode`]).
    PostalCode,
    /// A street number: digits without a leading zero.
    StreetNumber,
    /// A contract number as DECA issues it (15 characters).
    NumeroContrat,
    /// The remuneration lines the employer chose (rates may only be raised above the minimum).
    RemunerationLines,
}

/// A condition on the dossier that decides whether a field is shown or required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    /// Always true.
    Always,
    /// « J'ai trouvé un employeur » is not unticked.
    EmployerFound,
    /// The apprentice is a minor on the signature date (or the start date while it is unknown).
    Minor,
    /// A minor who is not declared emancipated: a legal representative is needed.
    MinorNotEmancipated,
    /// As above, and the representative lives elsewhere than the apprentice.
    RepresentativeElsewhere,
    /// The employer is a public one.
    PublicEmployer,
    /// The contract type refers to a previous contract (21–23, 31–38).
    PreviousContractAsked,
    /// The contract type is an avenant with an effective date (31–37).
    Avenant,
    /// The apprentice reaches the age where a collective minimum (SMC) may apply.
    SmcRelevant,
    /// « Avantages en nature » is ticked.
    BenefitsInKind,
    /// The main place of training is not the CFA responsable.
    TrainingElsewhere,
    /// Something of maître n°2 is filled, so all of it is needed.
    SecondMaitre,
    /// The apprentice declares being registered with France Travail.
    RegisteredJobseeker,
    /// An apprenticeship contract.
    Apprentissage,
    /// A professionalisation contract.
    Professionnalisation,
    /// CERFA 10103*13 or later, in apprenticeship.
    ApprentissageFromV13,
    /// CERFA 10103*14 or later, in apprenticeship.
    ApprentissageFromV14,
}

impl Cond {
    /// The condition in words, as the catalogue shows it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Always => "toujours",
            Self::EmployerFound => "si l'alternant a trouvé un employeur",
            Self::Minor => "si l'apprenti(e) est mineur(e) à la date de signature du contrat",
            Self::MinorNotEmancipated => {
                "si l'apprenti(e) est mineur(e) non émancipé(e) à la date de signature du contrat"
            }
            Self::RepresentativeElsewhere => {
                "si le représentant légal d'un(e) mineur(e) non émancipé(e) n'habite pas à la même adresse"
            }
            Self::PublicEmployer => "si l'employeur est public",
            Self::PreviousContractAsked => {
                "si le type de contrat est un nouveau contrat (21, 22, 23) ou un avenant (31 à 38)"
            }
            Self::Avenant => "si le type de contrat est un avenant de type 31 à 37",
            Self::SmcRelevant => {
                "si l'apprenti(e) a 21 ans ou plus à la fin du contrat (26 ans en contrat de professionnalisation)"
            }
            Self::BenefitsInKind => "si des avantages en nature sont accordés",
            Self::TrainingElsewhere => {
                "si le lieu principal de formation n'est pas le CFA responsable"
            }
            Self::SecondMaitre => {
                "si un second maître d'apprentissage est renseigné (nom, prénom ou date de naissance)"
            }
            Self::RegisteredJobseeker => "si l'alternant(e) est inscrit(e) à France Travail",
            Self::Apprentissage => "en contrat d'apprentissage",
            Self::Professionnalisation => "en contrat de professionnalisation",
            Self::ApprentissageFromV13 => "en contrat d'apprentissage, CERFA 10103*13 et suivants",
            Self::ApprentissageFromV14 => "en contrat d'apprentissage, CERFA 10103*14 et suivants",
        }
    }
}

/// Where a field's label and help change with another field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dependent {
    /// « Nom exact du dernier diplôme » follows « Dernière année suivie » (user guide A.7).
    IntituleDernierDiplome,
    /// The previous contract's number reads differently for a new contract and an avenant.
    NumeroContratPrecedent,
    /// The contract's end is the end of the apprenticeship period within a CDI.
    DateFinContrat,
}

/// Everything the catalogue says of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    /// Position in [`FIELDS`].
    pub id: FieldId,
    /// The CERFA schema key (`apprenti.dateNaissance`), which is also the path in the content.
    pub key: &'static str,
    /// The tab the field belongs to.
    pub tab: Tab,
    /// Another tab that shows the field too and always needs it (the SIRET, entered on Données
    /// de base, is needed for « L'employeur » to be complete).
    pub also_on: Option<Tab>,
    /// The block of the tab the field sits in.
    pub section: &'static str,
    /// The French label.
    pub label: &'static str,
    /// The French help text (empty when the label says it all).
    pub help: &'static str,
    /// What the field holds.
    pub kind: Kind,
    /// Who is expected to fill it.
    pub filled_by: &'static [Role],
    /// When the field is shown.
    pub shown: Cond,
    /// When the field is required (only ever while shown); `None` for an optional field.
    pub required: Option<Cond>,
    /// Whether the CERFA prints it (INE, « Premier équipement » or the mission are the CFA's).
    pub on_cerfa: bool,
    /// Whether the label and help change with another field.
    pub dependent: Option<Dependent>,
}

const ALTERNANT: &[Role] = &[Role::Alternant];
const EMPLOYEUR: &[Role] = &[Role::Employeur];
const ALTERNANT_EMPLOYEUR: &[Role] = &[Role::Alternant, Role::Employeur];
const CFA: &[Role] = &[Role::Cfa, Role::Formation];

const fn default_fillers(tab: Tab) -> &'static [Role] {
    match tab {
        Tab::Base | Tab::Alternant => ALTERNANT,
        Tab::Employeur | Tab::Contrat => EMPLOYEUR,
        Tab::Mission => ALTERNANT_EMPLOYEUR,
    }
}

/// Starts a field definition: shown always, required always, on the CERFA, filled by the tab's
/// usual party. The builder methods below adjust it.
const fn f(
    key: &'static str,
    tab: Tab,
    section: &'static str,
    label: &'static str,
    kind: Kind,
) -> FieldDef {
    FieldDef {
        id: FieldId::ApprentiNom,
        key,
        tab,
        also_on: None,
        section,
        label,
        help: "",
        kind,
        filled_by: default_fillers(tab),
        shown: Cond::Always,
        required: Some(Cond::Always),
        on_cerfa: true,
        dependent: None,
    }
}

impl FieldDef {
    const fn with_id(mut self, id: FieldId) -> Self {
        self.id = id;
        self
    }
    const fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }
    const fn optional(mut self) -> Self {
        self.required = None;
        self
    }
    /// Shown, and required, only when `cond` holds.
    const fn only_if(mut self, cond: Cond) -> Self {
        self.shown = cond;
        self.required = Some(cond);
        self
    }
    /// Shown when `cond` holds, never required.
    const fn optional_if(mut self, cond: Cond) -> Self {
        self.shown = cond;
        self.required = None;
        self
    }
    const fn required_if(mut self, cond: Cond) -> Self {
        self.required = Some(cond);
        self
    }
    const fn by(mut self, roles: &'static [Role]) -> Self {
        self.filled_by = roles;
        self
    }
    const fn not_on_cerfa(mut self) -> Self {
        self.on_cerfa = false;
        self
    }
    const fn also_on(mut self, tab: Tab) -> Self {
        self.also_on = Some(tab);
        self
    }
    const fn dependent(mut self, dependent: Dependent) -> Self {
        self.dependent = Some(dependent);
        self
    }

    /// The field's definition.
    pub fn of(id: FieldId) -> &'static FieldDef {
        &FIELDS[id as usize]
    }

    /// The field with this CERFA key, if the catalogue has it.
    pub fn by_key(key: &str) -> Option<&'static FieldDef> {
        FIELDS.iter().find(|field| field.key == key)
    }

    /// Whether the field exists in this CERFA version and contract type at all.
    pub fn applies_to(&self, contract: ContractType, version: CerfaVersion) -> bool {
        match self.shown {
            Cond::Apprentissage => contract == ContractType::Apprentissage,
            Cond::Professionnalisation => contract == ContractType::Professionnalisation,
            Cond::ApprentissageFromV13 => {
                contract == ContractType::Apprentissage && version >= CerfaVersion::V13
            }
            Cond::ApprentissageFromV14 => {
                contract == ContractType::Apprentissage && version >= CerfaVersion::V14
            }
            _ => true,
        }
    }
}

const TEXT: Kind = Kind::Text { max: 255 };
const SHORT_TEXT: Kind = Kind::Text { max: 80 };
const fn code(list: CodeList) -> Kind {
    Kind::Code { list }
}

// Sections, as the interface titles them.
const S_BASE: &str = "Données de base";
const S_CONTACT: &str = "Contact entreprise";
const S_IDENTITE: &str = "Informations personnelles";
const S_ADRESSE_APPRENTI: &str = "Adresse de l'apprenti(e)";
const S_DECLARATIONS: &str = "Déclarations";
const S_REPRESENTANT: &str = "Représentant légal";
const S_PARCOURS: &str = "Votre parcours";
const S_FRANCE_TRAVAIL: &str = "Inscription à France Travail";
const S_EMPLOYEUR: &str = "L'employeur";
const S_ADRESSE_EMPLOYEUR: &str = "Adresse de l'établissement d'exécution du contrat";
const S_MAITRE1: &str = "Maître d'apprentissage n°1";
const S_MAITRE2: &str = "Maître d'apprentissage n°2 (facultatif)";
const S_ATTESTATIONS: &str = "Attestations";
const S_CONTRAT: &str = "Le contrat";
const S_REMUNERATION: &str = "Rémunération";
const S_CFA: &str = "CFA responsable";
const S_FORMATION: &str = "La formation";
const S_LIEU: &str = "Lieu principal de réalisation de la formation";
const S_MISSION: &str = "La mission";

const H_DATE_DEBUT: &str = "Premier jour d'exécution du contrat (chez l'employeur ou au CFA). Si vous ne la connaissez pas encore, reprenez la date de début de la formation affichée à côté de son nom : vous pourrez la corriger plus tard.";
const H_DATE_FIN: &str = "Si vous ne la connaissez pas encore, reprenez la date de fin de la formation affichée à côté de son nom : vous pourrez la corriger plus tard. Elle ne peut pas dépasser de plus de deux mois la fin des examens.";
const H_COMMUNE_CP: &str = "Commune correspondant au code postal.";
const H_MAITRE2: &str = "Facultatif. Si vous commencez à renseigner un second maître d'apprentissage, son nom, son prénom et sa date de naissance deviennent obligatoires.";

/// Declares [`FieldId`] and [`FIELDS`] together so that each definition sits at its id's index.
macro_rules! catalogue {
    ($($id:ident = $def:expr,)*) => {
        /// Identifies a field of the catalogue; `FIELDS[id as usize]` is its definition.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs)]
        pub enum FieldId { $($id,)* }

        /// Every field, in the order the interface shows them.
        pub static FIELDS: &[FieldDef] = &[$($def.with_id(FieldId::$id),)*];
    };
}

catalogue! {
    // ── Données de base ──────────────────────────────────────────────────────────────────────
    ApprentiNom = f("apprenti.nom", Tab::Base, S_BASE, "Nom de naissance de l'apprenti(e)", Kind::Name)
        .help("Tel qu'il figure sur la pièce d'identité ; attention à ne pas inverser nom et prénom."),
    ApprentiPrenom = f("apprenti.prenom", Tab::Base, S_BASE, "Premier prénom de l'apprenti(e) selon l'état civil", Kind::Name),
    ApprentiCourriel = f("apprenti.courriel", Tab::Base, S_BASE, "Courriel de l'apprenti(e)", Kind::Email),
    ContratDateDebut = f("contrat.dateDebutContrat", Tab::Base, S_BASE, "Date de début d'exécution du contrat", Kind::Date)
        .help(H_DATE_DEBUT).by(ALTERNANT_EMPLOYEUR),
    ContratDateFin = f("contrat.dateFinContrat", Tab::Base, S_BASE, "Date de fin du contrat", Kind::Date)
        .help(H_DATE_FIN).by(ALTERNANT_EMPLOYEUR).dependent(Dependent::DateFinContrat),
    EmployeurTrouve = f("contactEntreprise.employeurTrouve", Tab::Base, S_CONTACT, "J'ai trouvé un employeur", Kind::Bool)
        .help("Décochez cette case tant que vous n'avez pas d'employeur : vous indiquerez son SIRET et le courriel de votre contact plus tard, dans l'onglet « L'employeur ».")
        .optional().not_on_cerfa(),
    EmployeurSiret = f("employeur.siret", Tab::Base, S_CONTACT, "N° SIRET de l'établissement d'exécution du contrat", Kind::Siret)
        .help("14 chiffres. C'est le SIRET de l'établissement où travaillera l'apprenti(e), pas forcément celui du siège.")
        .required_if(Cond::EmployerFound).also_on(Tab::Employeur).by(ALTERNANT_EMPLOYEUR),
    ContactCourriel = f("contactEntreprise.courriel", Tab::Base, S_CONTACT, "Courriel du contact entreprise", Kind::Email)
        .help("La personne qui gère votre contrat dans l'entreprise (souvent les ressources humaines). Elle recevra ses identifiants par courriel dès que vous aurez validé cet écran.")
        .required_if(Cond::EmployerFound).also_on(Tab::Employeur).not_on_cerfa(),
    ContactNom = f("contactEntreprise.nom", Tab::Base, S_CONTACT, "Nom du contact entreprise", Kind::Name).optional().not_on_cerfa(),
    ContactPrenom = f("contactEntreprise.prenom", Tab::Base, S_CONTACT, "Prénom du contact entreprise", Kind::Name).optional().not_on_cerfa(),

    // ── L'alternant ──────────────────────────────────────────────────────────────────────────
    ApprentiNomUsage = f("apprenti.nomUsage", Tab::Alternant, S_IDENTITE, "Nom d'usage", Kind::Name).optional(),
    ApprentiSexe = f("apprenti.sexe", Tab::Alternant, S_IDENTITE, "Sexe", code(CodeList::Sexe)),
    ApprentiDateNaissance = f("apprenti.dateNaissance", Tab::Alternant, S_IDENTITE, "Date de naissance", Kind::Date),
    ApprentiDepartementNaissance = f("apprenti.departementNaissance", Tab::Alternant, S_IDENTITE, "Département de naissance", code(CodeList::Departement))
        .help("Choisissez 99 si vous êtes né(e) à l'étranger."),
    ApprentiCommuneNaissance = f("apprenti.communeNaissance", Tab::Alternant, S_IDENTITE, "Commune de naissance", SHORT_TEXT),
    ApprentiNationalite = f("apprenti.nationalite", Tab::Alternant, S_IDENTITE, "Nationalité", code(CodeList::Nationalite)),
    ApprentiRegimeSocial = f("apprenti.regimeSocial", Tab::Alternant, S_IDENTITE, "Régime social", code(CodeList::RegimeSocial)),
    ApprentiNir = f("apprenti.nir", Tab::Alternant, S_IDENTITE, "NIR (numéro de sécurité sociale)", Kind::Nir)
        .help("Facultatif. 13 caractères et une clé de 2 chiffres ; il doit correspondre au sexe, à l'année et au mois de naissance.")
        .optional(),
    ApprentiIne = f("apprenti.ine", Tab::Alternant, S_IDENTITE, "N° INE (identifiant national étudiant)", Kind::Ine)
        .help("À renseigner si possible : il figure sur vos relevés de notes ou votre certificat de scolarité (11 caractères).")
        .optional().not_on_cerfa(),
    ApprentiTelephone = f("apprenti.telephone", Tab::Alternant, S_IDENTITE, "Téléphone", Kind::Phone),
    ApprentiAdresseNumero = f("apprenti.adresse.numero", Tab::Alternant, S_ADRESSE_APPRENTI, "N°", Kind::StreetNumber).optional(),
    ApprentiAdresseRepetition = f("apprenti.adresse.repetitionVoie", Tab::Alternant, S_ADRESSE_APPRENTI, "Indice de répétition (bis, ter…)", code(CodeList::IndiceRepetition)).optional(),
    ApprentiAdresseVoie = f("apprenti.adresse.voie", Tab::Alternant, S_ADRESSE_APPRENTI, "Voie", SHORT_TEXT),
    ApprentiAdresseComplement = f("apprenti.adresse.complement", Tab::Alternant, S_ADRESSE_APPRENTI, "Complément", SHORT_TEXT).optional(),
    ApprentiAdresseCodePostal = f("apprenti.adresse.codePostal", Tab::Alternant, S_ADRESSE_APPRENTI, "Code postal", Kind::PostalCode),
    ApprentiAdresseCommune = f("apprenti.adresse.commune", Tab::Alternant, S_ADRESSE_APPRENTI, "Commune", SHORT_TEXT).help(H_COMMUNE_CP),
    ApprentiHandicap = f("apprenti.handicap", Tab::Alternant, S_DECLARATIONS, "Handicap : je bénéficie de la reconnaissance de la qualité de travailleur handicapé (RQTH)", Kind::Bool)
        .help("Cochez « oui » si vous avez ce statut : il lève la limite d'âge, permet d'allonger le contrat d'un an et ouvre des aides du CFA."),
    ApprentiSportif = f("apprenti.inscriptionSportifDeHautNiveau", Tab::Alternant, S_DECLARATIONS, "Je suis inscrit(e) sur la liste des sportifs de haut niveau", Kind::Bool)
        .only_if(Cond::Apprentissage),
    ApprentiProjetCreation = f("apprenti.projetCreationRepriseEntreprise", Tab::Alternant, S_DECLARATIONS, "J'ai un projet de création ou de reprise d'entreprise", Kind::Bool)
        .help("Ce projet lève la limite d'âge ; au-delà de 29 ans, une attestation sur l'honneur est nécessaire.")
        .only_if(Cond::Apprentissage),
    ApprentiEquivalenceJeunes = f("apprenti.equivalenceJeunes", Tab::Alternant, S_DECLARATIONS, "Équivalence jeunes (RQTH) : jeune de 15 à 20 ans bénéficiaire de la PCH, de l'AEEH ou d'un PPS", Kind::Bool)
        .only_if(Cond::ApprentissageFromV13),
    ApprentiExtensionBoe = f("apprenti.extensionBoe", Tab::Alternant, S_DECLARATIONS, "Extension BOE : bénéficiaire de l'obligation d'emploi (hors RQTH)", Kind::Bool)
        .only_if(Cond::ApprentissageFromV13),
    ApprentiMineurNonEmancipe = f("apprenti.apprentiMineurNonEmancipe", Tab::Alternant, S_REPRESENTANT, "Apprenti(e) mineur(e) non émancipé(e)", Kind::Bool)
        .help("Vous serez mineur(e) à la date de signature du contrat : répondez « non » seulement si vous êtes émancipé(e). Sinon, votre représentant légal signe le contrat avec vous.")
        .only_if(Cond::Minor),
    RepresentantNom = f("apprenti.responsableLegal.nom", Tab::Alternant, S_REPRESENTANT, "Nom de naissance du représentant légal", Kind::Name)
        .only_if(Cond::MinorNotEmancipated),
    RepresentantPrenom = f("apprenti.responsableLegal.prenom", Tab::Alternant, S_REPRESENTANT, "Prénom du représentant légal", Kind::Name)
        .only_if(Cond::MinorNotEmancipated),
    RepresentantCourriel = f("apprenti.responsableLegal.courriel", Tab::Alternant, S_REPRESENTANT, "Courriel du représentant légal", Kind::Email)
        .help("Le représentant légal signera le contrat électroniquement à cette adresse.")
        .only_if(Cond::MinorNotEmancipated),
    RepresentantMemeAdresse = f("apprenti.responsableLegal.memeAdresse", Tab::Alternant, S_REPRESENTANT, "Le représentant légal habite à la même adresse que l'apprenti(e)", Kind::Bool)
        .only_if(Cond::MinorNotEmancipated),
    RepresentantAdresseNumero = f("apprenti.responsableLegal.adresse.numero", Tab::Alternant, S_REPRESENTANT, "N°", Kind::StreetNumber)
        .optional_if(Cond::RepresentativeElsewhere),
    RepresentantAdresseRepetition = f("apprenti.responsableLegal.adresse.repetitionVoie", Tab::Alternant, S_REPRESENTANT, "Indice de répétition (bis, ter…)", code(CodeList::IndiceRepetition))
        .optional_if(Cond::RepresentativeElsewhere),
    RepresentantAdresseVoie = f("apprenti.responsableLegal.adresse.voie", Tab::Alternant, S_REPRESENTANT, "Voie", SHORT_TEXT)
        .only_if(Cond::RepresentativeElsewhere),
    RepresentantAdresseComplement = f("apprenti.responsableLegal.adresse.complement", Tab::Alternant, S_REPRESENTANT, "Complément", SHORT_TEXT)
        .optional_if(Cond::RepresentativeElsewhere),
    RepresentantAdresseCodePostal = f("apprenti.responsableLegal.adresse.codePostal", Tab::Alternant, S_REPRESENTANT, "Code postal", Kind::PostalCode)
        .only_if(Cond::RepresentativeElsewhere),
    RepresentantAdresseCommune = f("apprenti.responsableLegal.adresse.commune", Tab::Alternant, S_REPRESENTANT, "Commune", SHORT_TEXT)
        .only_if(Cond::RepresentativeElsewhere),
    ApprentiSituation = f("apprenti.situationAvantContrat", Tab::Alternant, S_PARCOURS, "Situation avant ce contrat", code(CodeList::SituationAvantContrat))
        .help("Le plus souvent « Étudiant ». Choisissez « Contrat d'apprentissage » ou « Contrat de professionnalisation » si vous étiez sous l'un de ces contrats, « En formation au CFA… avant signature » si vous suivez la formation au CFA avant la signature de votre contrat."),
    ApprentiDiplome = f("apprenti.diplome", Tab::Alternant, S_PARCOURS, "Diplôme ou titre le plus élevé obtenu", code(CodeList::Diplome))
        .help("Le plus haut diplôme que vous avez obtenu (baccalauréat, DUT, licence…)."),
    ApprentiDiplomePrepare = f("apprenti.diplomePrepare", Tab::Alternant, S_PARCOURS, "Dernier diplôme ou titre préparé", code(CodeList::Diplome))
        .help("Le diplôme que vous préparez actuellement ou avez préparé en dernier (par ex. diplôme d'ingénieur)."),
    ApprentiDerniereClasse = f("apprenti.derniereClasse", Tab::Alternant, S_PARCOURS, "Dernière classe / année suivie", code(CodeList::DerniereClasse))
        .help("Vous entrez dans la formation : l'année précédente (par ex. après un DUT obtenu, « 01 – a obtenu le diplôme ou titre »). En 2e année : « 11 ». En 3e année : « 21 »."),
    ApprentiIntituleDiplomePrepare = f("apprenti.intituleDiplomePrepare", Tab::Alternant, S_PARCOURS, "Nom exact du dernier diplôme ou titre préparé", TEXT)
        .dependent(Dependent::IntituleDernierDiplome),
    ApprentiInscritFranceTravail = f("apprenti.inscritFranceTravail", Tab::Alternant, S_FRANCE_TRAVAIL, "Inscrit(e) à France Travail avant le contrat", Kind::Bool)
        .only_if(Cond::Professionnalisation),
    ApprentiNumeroFranceTravail = f("apprenti.numeroFranceTravail", Tab::Alternant, S_FRANCE_TRAVAIL, "Numéro d'identifiant France Travail", Kind::Text { max: 11 })
        .only_if(Cond::RegisteredJobseeker),
    ApprentiDureeFranceTravail = f("apprenti.dureeInscriptionFranceTravail", Tab::Alternant, S_FRANCE_TRAVAIL, "Durée d'inscription (en mois)", Kind::Integer { min: 0, max: 600 })
        .only_if(Cond::RegisteredJobseeker),

    // ── L'employeur ──────────────────────────────────────────────────────────────────────────
    EmployeurPrivePublic = f("employeur.privePublic", Tab::Employeur, S_EMPLOYEUR, "Employeur privé ou « public »", code(CodeList::PrivePublic)),
    EmployeurDenomination = f("employeur.denomination", Tab::Employeur, S_EMPLOYEUR, "Nom et prénom ou dénomination", TEXT)
        .help("Nom officiel de l'établissement où le contrat est exécuté."),
    EmployeurType = f("employeur.typeEmployeur", Tab::Employeur, S_EMPLOYEUR, "Type d'employeur", code(CodeList::TypeEmployeur))
        .help("Doit correspondre à la forme juridique de l'entreprise."),
    EmployeurSpecifique = f("employeur.employeurSpecifique", Tab::Employeur, S_EMPLOYEUR, "Employeur spécifique", code(CodeList::EmployeurSpecifique))
        .optional(),
    EmployeurNaf = f("employeur.naf", Tab::Employeur, S_EMPLOYEUR, "Code activité de l'entreprise (NAF)", Kind::Naf)
        .help("4 chiffres et une lettre, par ex. 62.01Z."),
    EmployeurEffectif = f("employeur.nombreDeSalaries", Tab::Employeur, S_EMPLOYEUR, "Effectif total salariés de l'entreprise", Kind::Integer { min: 0, max: 9_999_999 })
        .help("Effectif de toute l'entreprise, pas seulement de l'établissement."),
    EmployeurIdcc = f("employeur.codeIdcc", Tab::Employeur, S_EMPLOYEUR, "Code IDCC de la convention collective applicable", Kind::Idcc)
        .help("4 chiffres ; 9999 si aucune convention ne s'applique, 9998 si elle n'est pas encore en vigueur."),
    EmployeurLibelleIdcc = f("employeur.libelleIdcc", Tab::Employeur, S_EMPLOYEUR, "Intitulé de la convention collective", TEXT)
        .optional().not_on_cerfa(),
    EmployeurRegimeSpecifique = f("employeur.regimeSpecifique", Tab::Employeur, S_EMPLOYEUR, "Adhésion de l'apprenti au régime spécifique d'assurance chômage", Kind::Bool)
        .only_if(Cond::PublicEmployer),
    EmployeurAdresseNumero = f("employeur.adresse.numero", Tab::Employeur, S_ADRESSE_EMPLOYEUR, "N°", Kind::StreetNumber).optional(),
    EmployeurAdresseRepetition = f("employeur.adresse.repetitionVoie", Tab::Employeur, S_ADRESSE_EMPLOYEUR, "Indice de répétition (bis, ter…)", code(CodeList::IndiceRepetition)).optional(),
    EmployeurAdresseVoie = f("employeur.adresse.voie", Tab::Employeur, S_ADRESSE_EMPLOYEUR, "Voie", SHORT_TEXT)
        .help("Doit correspondre à l'adresse enregistrée pour ce SIRET."),
    EmployeurAdresseComplement = f("employeur.adresse.complement", Tab::Employeur, S_ADRESSE_EMPLOYEUR, "Complément", SHORT_TEXT).optional(),
    EmployeurAdresseCodePostal = f("employeur.adresse.codePostal", Tab::Employeur, S_ADRESSE_EMPLOYEUR, "Code postal", Kind::PostalCode),
    EmployeurAdresseCommune = f("employeur.adresse.commune", Tab::Employeur, S_ADRESSE_EMPLOYEUR, "Commune", SHORT_TEXT).help(H_COMMUNE_CP),
    EmployeurTelephone = f("employeur.telephone", Tab::Employeur, S_EMPLOYEUR, "Téléphone de l'employeur", Kind::Phone),
    EmployeurCourriel = f("employeur.courriel", Tab::Employeur, S_EMPLOYEUR, "Courriel de l'employeur", Kind::Email)
        .help("Utilisé pour le versement des aides : une adresse valide et consultée."),
    Maitre1Nom = f("maitre1.nom", Tab::Employeur, S_MAITRE1, "Nom de naissance", Kind::Name),
    Maitre1Prenom = f("maitre1.prenom", Tab::Employeur, S_MAITRE1, "Prénom", Kind::Name),
    Maitre1DateNaissance = f("maitre1.dateNaissance", Tab::Employeur, S_MAITRE1, "Date de naissance", Kind::Date)
        .help("Le maître d'apprentissage doit être majeur au début du contrat."),
    Maitre1Courriel = f("maitre1.courriel", Tab::Employeur, S_MAITRE1, "Courriel", Kind::Email).only_if(Cond::Apprentissage),
    Maitre1Emploi = f("maitre1.emploiOccupe", Tab::Employeur, S_MAITRE1, "Emploi occupé", SHORT_TEXT),
    Maitre1Diplome = f("maitre1.diplome", Tab::Employeur, S_MAITRE1, "Diplôme ou titre le plus élevé obtenu", TEXT).only_if(Cond::Apprentissage),
    Maitre1NiveauDiplome = f("maitre1.niveauDiplome", Tab::Employeur, S_MAITRE1, "Niveau de diplôme ou titre le plus élevé obtenu", code(CodeList::NiveauDiplomeMaitre))
        .only_if(Cond::Apprentissage),
    Maitre2Nom = f("maitre2.nom", Tab::Employeur, S_MAITRE2, "Nom de naissance", Kind::Name).help(H_MAITRE2).required_if(Cond::SecondMaitre),
    Maitre2Prenom = f("maitre2.prenom", Tab::Employeur, S_MAITRE2, "Prénom", Kind::Name).required_if(Cond::SecondMaitre),
    Maitre2DateNaissance = f("maitre2.dateNaissance", Tab::Employeur, S_MAITRE2, "Date de naissance", Kind::Date).required_if(Cond::SecondMaitre),
    Maitre2Courriel = f("maitre2.courriel", Tab::Employeur, S_MAITRE2, "Courriel", Kind::Email).optional_if(Cond::Apprentissage),
    Maitre2Emploi = f("maitre2.emploiOccupe", Tab::Employeur, S_MAITRE2, "Emploi occupé", SHORT_TEXT).optional(),
    Maitre2Diplome = f("maitre2.diplome", Tab::Employeur, S_MAITRE2, "Diplôme ou titre le plus élevé obtenu", TEXT).optional_if(Cond::Apprentissage),
    Maitre2NiveauDiplome = f("maitre2.niveauDiplome", Tab::Employeur, S_MAITRE2, "Niveau de diplôme ou titre le plus élevé obtenu", code(CodeList::NiveauDiplomeMaitre))
        .optional_if(Cond::Apprentissage),
    EmployeurAttestationEligibilite = f("employeur.attestationEligibilite", Tab::Employeur, S_ATTESTATIONS, "L'employeur atteste sur l'honneur que le maître d'apprentissage répond à l'ensemble des critères d'éligibilité à cette fonction", Kind::Tick)
        .help("Diplôme du domaine préparé et 1 an d'expérience, ou 2 ans d'expérience dans le domaine.")
        .only_if(Cond::Apprentissage),
    EmployeurAttestationPieces = f("employeur.attestationPieces", Tab::Employeur, S_ATTESTATIONS, "L'employeur atteste disposer de l'ensemble des pièces justificatives nécessaires au dépôt du contrat", Kind::Tick),
    EmployeurPremierEquipement = f("employeur.premierEquipement", Tab::Employeur, S_ATTESTATIONS, "Premier équipement", Kind::Tick)
        .help("Cochez toujours cette case, même si vous n'êtes pas concerné : le CFA en a besoin pour demander la prise en charge du premier équipement de l'apprenti(e).")
        .not_on_cerfa(),

    // ── Les données du contrat ───────────────────────────────────────────────────────────────
    ContratModeContractuel = f("contrat.modeContractuel", Tab::Contrat, S_CONTRAT, "Mode contractuel de l'apprentissage", code(CodeList::ModeContractuel))
        .only_if(Cond::Apprentissage),
    ContratType = f("contrat.typeContratApp", Tab::Contrat, S_CONTRAT, "Type de contrat ou d'avenant", code(CodeList::TypeContrat))
        .only_if(Cond::Apprentissage),
    ContratTypeDerogation = f("contrat.typeDerogation", Tab::Contrat, S_CONTRAT, "Type de dérogation", code(CodeList::TypeDerogation))
        .help("À renseigner seulement si une dérogation existe pour ce contrat (âge, durée…).")
        .optional_if(Cond::Apprentissage),
    ContratNumeroPrecedent = f("contrat.numeroContratPrecedent", Tab::Contrat, S_CONTRAT, "Numéro du contrat précédent ou du contrat sur lequel porte l'avenant", Kind::NumeroContrat)
        .help("Le numéro de dépôt à 15 caractères, par ex. 013202409000123.")
        .dependent(Dependent::NumeroContratPrecedent)
        .optional_if(Cond::PreviousContractAsked).required_if(Cond::Avenant),
    ContratDateConclusion = f("contrat.dateConclusion", Tab::Contrat, S_CONTRAT, "Date de conclusion (date de signature du contrat)", Kind::Date)
        .help("Le jour où employeur et apprenti(e) signent ; au plus tard le premier jour d'exécution pour un contrat initial."),
    ContratDateDebutPratique = f("contrat.dateDebutFormationPratique", Tab::Contrat, S_CONTRAT, "Date de début de formation pratique chez l'employeur", Kind::Date)
        .help("Au plus tard trois mois après le début d'exécution du contrat."),
    ContratDateEffetAvenant = f("contrat.dateEffetAvenant", Tab::Contrat, S_CONTRAT, "Si avenant, date d'effet", Kind::Date)
        .only_if(Cond::Avenant),
    ContratHeures = f("contrat.dureeTravailHebdoHeures", Tab::Contrat, S_CONTRAT, "Durée hebdomadaire du travail (heures)", Kind::Integer { min: 0, max: 40 })
        .help("Indiquez 35 si l'entreprise travaille plus de 35 heures avec des RTT. Le temps passé au CFA est du temps de travail."),
    ContratMinutes = f("contrat.dureeTravailHebdoMinutes", Tab::Contrat, S_CONTRAT, "Durée hebdomadaire du travail (minutes)", Kind::Integer { min: 0, max: 59 })
        .optional(),
    ContratTravailRisque = f("contrat.travailRisque", Tab::Contrat, S_CONTRAT, "Travail sur machines dangereuses ou exposition à des risques particuliers", Kind::Bool)
        .help("Pour un(e) mineur(e), une déclaration de dérogation aux travaux réglementés est nécessaire."),
    ContratLieuSignature = f("contrat.lieuSignatureContrat", Tab::Contrat, S_CONTRAT, "Fait à", SHORT_TEXT),
    ContratSmc = f("contrat.smc", Tab::Contrat, S_REMUNERATION, "Salaire minimum conventionnel (SMC) mensuel de l'emploi", Kind::Amount)
        .help("Le salaire minimum prévu par la convention collective pour cet emploi, en euros par mois pour 35 heures ; il remplace le SMIC quand il est plus élevé.")
        .only_if(Cond::SmcRelevant).not_on_cerfa(),
    ContratRemunerations = f("contrat.remunerationsAnnuelles", Tab::Contrat, S_REMUNERATION, "Rémunération par année et par période", Kind::RemunerationLines)
        .help("Calculée à partir de l'âge et des dates du contrat : vous pouvez augmenter un taux, jamais le baisser sous le minimum légal.")
        .optional(),
    ContratSalaireEmbauche = f("contrat.salaireEmbauche", Tab::Contrat, S_REMUNERATION, "Salaire brut mensuel à l'embauche", Kind::Amount)
        .help("Au moins le montant minimum de la première ligne de rémunération."),
    ContratCaisseRetraite = f("contrat.caisseRetraiteComplementaire", Tab::Contrat, S_REMUNERATION, "Caisse de retraite complémentaire", SHORT_TEXT)
        .help("Par ex. AG2R La Mondiale, Malakoff Humanis, Klesia, IRCANTEC, MSA."),
    ContratAvantageNature = f("contrat.avantageNature", Tab::Contrat, S_REMUNERATION, "Avantages en nature", Kind::Bool).optional().not_on_cerfa(),
    ContratAvantageNourriture = f("contrat.avantageNourriture", Tab::Contrat, S_REMUNERATION, "Nourriture (€ par repas)", Kind::Amount)
        .optional_if(Cond::BenefitsInKind),
    ContratAvantageLogement = f("contrat.avantageLogement", Tab::Contrat, S_REMUNERATION, "Logement (€ par mois)", Kind::Amount)
        .optional_if(Cond::BenefitsInKind),
    ContratAutreAvantage = f("contrat.autreAvantageEnNature", Tab::Contrat, S_REMUNERATION, "Autre avantage en nature", Kind::Bool)
        .optional_if(Cond::BenefitsInKind),
    CfaInterne = f("organismeFormation.formationInterne", Tab::Contrat, S_CFA, "CFA d'entreprise", Kind::Bool).by(CFA),
    CfaDenomination = f("organismeFormation.denomination", Tab::Contrat, S_CFA, "Dénomination du CFA responsable", TEXT).by(CFA),
    CfaUai = f("organismeFormation.uaiCfa", Tab::Contrat, S_CFA, "N° UAI du CFA", Kind::Uai).by(CFA),
    CfaSiret = f("organismeFormation.siret", Tab::Contrat, S_CFA, "N° SIRET du CFA", Kind::Siret).by(CFA),
    CfaAdresseNumero = f("organismeFormation.adresse.numero", Tab::Contrat, S_CFA, "N°", Kind::StreetNumber).optional().by(CFA),
    CfaAdresseRepetition = f("organismeFormation.adresse.repetitionVoie", Tab::Contrat, S_CFA, "Indice de répétition (bis, ter…)", code(CodeList::IndiceRepetition)).optional().by(CFA),
    CfaAdresseVoie = f("organismeFormation.adresse.voie", Tab::Contrat, S_CFA, "Voie", SHORT_TEXT).by(CFA),
    CfaAdresseComplement = f("organismeFormation.adresse.complement", Tab::Contrat, S_CFA, "Complément", SHORT_TEXT).optional().by(CFA),
    CfaAdresseCodePostal = f("organismeFormation.adresse.codePostal", Tab::Contrat, S_CFA, "Code postal", Kind::PostalCode).by(CFA),
    CfaAdresseCommune = f("organismeFormation.adresse.commune", Tab::Contrat, S_CFA, "Commune", SHORT_TEXT).by(CFA),
    FormationTypeDiplome = f("formation.typeDiplome", Tab::Contrat, S_FORMATION, "Diplôme ou titre visé par l'apprenti(e)", code(CodeList::Diplome)).by(CFA),
    FormationIntitule = f("formation.intituleQualification", Tab::Contrat, S_FORMATION, "Intitulé précis du diplôme ou titre visé", TEXT).by(CFA),
    FormationCodeDiplome = f("formation.codeDiplome", Tab::Contrat, S_FORMATION, "Code du diplôme", Kind::CodeDiplome).by(CFA),
    FormationRncp = f("formation.rncp", Tab::Contrat, S_FORMATION, "Code RNCP", Kind::Rncp).by(CFA),
    FormationDateDebut = f("formation.dateDebutFormation", Tab::Contrat, S_FORMATION, "Date de début de formation en CFA", Kind::Date).by(CFA),
    FormationDateFin = f("formation.dateFinFormation", Tab::Contrat, S_FORMATION, "Date prévue de fin des épreuves ou examens", Kind::Date).by(CFA),
    FormationDuree = f("formation.dureeFormation", Tab::Contrat, S_FORMATION, "Durée de la formation (heures)", Kind::Integer { min: 1, max: 9999 })
        .help("Au moins 25 % de la durée du contrat, sur la base de 1 607 heures par an.").by(CFA),
    FormationHeuresDistanciel = f("formation.heuresDistanciel", Tab::Contrat, S_FORMATION, "Dont heures de formation à distance", Kind::Integer { min: 0, max: 9999 })
        .optional_if(Cond::ApprentissageFromV14).by(CFA),
    LieuMemeResponsable = f("etablissementFormation.memeResponsable", Tab::Contrat, S_LIEU, "Le CFA responsable est le lieu de formation principal", Kind::Bool).by(CFA),
    LieuDenomination = f("etablissementFormation.denomination", Tab::Contrat, S_LIEU, "Dénomination du lieu de formation principal", TEXT).only_if(Cond::TrainingElsewhere).by(CFA),
    LieuUai = f("etablissementFormation.uaiCfa", Tab::Contrat, S_LIEU, "N° UAI du lieu de formation", Kind::Uai).only_if(Cond::TrainingElsewhere).by(CFA),
    LieuSiret = f("etablissementFormation.siret", Tab::Contrat, S_LIEU, "N° SIRET du lieu de formation", Kind::Siret).only_if(Cond::TrainingElsewhere).by(CFA),
    LieuAdresseNumero = f("etablissementFormation.adresse.numero", Tab::Contrat, S_LIEU, "N°", Kind::StreetNumber).optional_if(Cond::TrainingElsewhere).by(CFA),
    LieuAdresseRepetition = f("etablissementFormation.adresse.repetitionVoie", Tab::Contrat, S_LIEU, "Indice de répétition (bis, ter…)", code(CodeList::IndiceRepetition)).optional_if(Cond::TrainingElsewhere).by(CFA),
    LieuAdresseVoie = f("etablissementFormation.adresse.voie", Tab::Contrat, S_LIEU, "Voie", SHORT_TEXT).only_if(Cond::TrainingElsewhere).by(CFA),
    LieuAdresseComplement = f("etablissementFormation.adresse.complement", Tab::Contrat, S_LIEU, "Complément", SHORT_TEXT).optional_if(Cond::TrainingElsewhere).by(CFA),
    LieuAdresseCodePostal = f("etablissementFormation.adresse.codePostal", Tab::Contrat, S_LIEU, "Code postal", Kind::PostalCode).only_if(Cond::TrainingElsewhere).by(CFA),
    LieuAdresseCommune = f("etablissementFormation.adresse.commune", Tab::Contrat, S_LIEU, "Commune", SHORT_TEXT).only_if(Cond::TrainingElsewhere).by(CFA),

    // ── La mission ───────────────────────────────────────────────────────────────────────────
    MissionIntitulePoste = f("mission.intitulePoste", Tab::Mission, S_MISSION, "Intitulé du poste", TEXT).not_on_cerfa(),
    MissionActivites = f("mission.activites", Tab::Mission, S_MISSION, "Missions et activités confiées à l'alternant(e)", Kind::LongText { max: 4000 })
        .help("Décrivez les tâches confiées et leur lien avec le diplôme préparé.").not_on_cerfa(),
    MissionResponsabilites = f("mission.responsabilites", Tab::Mission, S_MISSION, "Responsabilités", Kind::LongText { max: 4000 }).not_on_cerfa(),
    MissionMoyens = f("mission.moyens", Tab::Mission, S_MISSION, "Moyens mis à disposition (équipe, outils)", Kind::LongText { max: 4000 })
        .optional().not_on_cerfa(),
}

impl FieldId {
    /// This field's definition.
    pub fn def(self) -> &'static FieldDef {
        FieldDef::of(self)
    }

    /// This field's CERFA key.
    pub fn key(self) -> &'static str {
        self.def().key
    }
}
