//! Why a value was refused: one error type for every parser and field check of the domain.
//!
//! Each variant has a stable snake_case [`FieldError::code`] that integrations may match on, and a
//! French [`Display`](std::fmt::Display) message shown to users as is.

/// A value that cannot be accepted, with a stable code and a French message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// Nothing was typed where a value is needed.
    #[error("Ce champ est obligatoire.")]
    Required,
    /// A control character (NUL and the like) where only text makes sense.
    #[error("Ce texte contient un caractère invisible non autorisé (caractère de contrôle).")]
    ControlCharacter,
    /// The JSON value has the wrong shape (a number where text is expected, …).
    #[error("Le type de la valeur est incorrect ({expected} attendu).")]
    WrongType {
        /// What was expected, in French (« texte », « nombre », …).
        expected: &'static str,
    },
    /// Text longer than the CERFA box allows.
    #[error("La valeur ne doit pas dépasser {max} caractères.")]
    TooLong {
        /// The maximum number of characters.
        max: usize,
    },
    /// A number outside its allowed range.
    #[error("La valeur doit être comprise entre {min} et {max}.")]
    OutOfRange {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// Not a whole number.
    #[error("Saisissez un nombre entier.")]
    NotAnInteger,
    /// Not an amount in euros with at most two decimals.
    #[error("Saisissez un montant en euros (deux décimales au plus).")]
    NotAnAmount,
    /// A negative amount.
    #[error("Le montant ne peut pas être négatif.")]
    NegativeAmount,
    /// Not a calendar date in `AAAA-MM-JJ` form.
    #[error("Saisissez une date valide (AAAA-MM-JJ).")]
    NotADate,
    /// A date outside 1900–2100, most likely a typing error.
    #[error("La date doit être comprise entre 1900 et 2100.")]
    ImplausibleDate,
    /// A code that is not in the field's code list.
    #[error("Choisissez une valeur de la liste.")]
    UnknownCode,
    /// A box that must be ticked (attestation, « Premier équipement »).
    #[error("Cette case doit être cochée.")]
    MustBeTicked,

    /// An access code that does not have the `F724` / `F724-2` shape.
    #[error(
        "Le code d'accès doit commencer par F suivi de 2 ou 3 chiffres, éventuellement d'un tiret et d'un chiffre (ex. F728 ou F724-2)."
    )]
    AccessCodeFormat,

    /// SIREN not made of 9 digits.
    #[error("Le numéro SIREN doit comporter 9 chiffres.")]
    SirenFormat,
    /// SIREN whose Luhn key is wrong.
    #[error("Le numéro SIREN est invalide (clé de contrôle incorrecte).")]
    SirenChecksum,
    /// SIRET not made of 14 digits.
    #[error("Le numéro SIRET doit comporter 14 chiffres.")]
    SiretFormat,
    /// SIRET whose key is wrong (Luhn, or the La Poste rule).
    #[error(
        "Le numéro SIRET est invalide (clé de contrôle incorrecte) : vérifiez les 14 chiffres."
    )]
    SiretChecksum,

    /// NIR not of the `1 85 01 2A 123 456 66` shape.
    #[error(
        "Le numéro de sécurité sociale doit comporter 13 caractères suivis d'une clé de 2 chiffres."
    )]
    NirFormat,
    /// NIR whose first digit is not a sex code.
    #[error("Le numéro de sécurité sociale doit commencer par 1, 2, 7 ou 8.")]
    NirSex,
    /// NIR whose month digits are impossible.
    #[error("Le mois de naissance du numéro de sécurité sociale est invalide.")]
    NirMonth,
    /// NIR whose département digits are impossible.
    #[error("Le département de naissance du numéro de sécurité sociale est invalide.")]
    NirDepartement,
    /// NIR with the département `20`, which only people born in Corsica before 1976 carry.
    #[error(
        "Le département 20 ne figure que dans les numéros des personnes nées en Corse avant 1976 ; depuis, 2A ou 2B."
    )]
    NirCorsica,
    /// NIR whose key does not match its body.
    #[error("La clé du numéro de sécurité sociale est incorrecte.")]
    NirKey,
    /// A masked NIR sent back as a new value.
    #[error(
        "Ce numéro de sécurité sociale est masqué : pour le remplacer, saisissez le numéro complet."
    )]
    NirMasked,

    /// INE of none of the known formats.
    #[error(
        "Le numéro INE doit comporter 11 caractères (ex. 123456789AB, 1234567890A, 1234A12345F)."
    )]
    IneFormat,
    /// INE of the académie format whose check letter is wrong.
    #[error("La lettre de contrôle du numéro INE est incorrecte.")]
    IneKey,

    /// UAI not of the `0561910X` shape.
    #[error("Le numéro UAI doit comporter 7 chiffres suivis d'une lettre (ex. 0561910X).")]
    UaiFormat,
    /// UAI whose check letter is wrong.
    #[error("La lettre de contrôle du numéro UAI est incorrecte.")]
    UaiKey,

    /// NAF code not of the `62.01Z` shape.
    #[error("Le code NAF doit comporter 4 chiffres et une lettre (ex. 62.01Z).")]
    NafFormat,
    /// IDCC not of 1 to 4 digits.
    #[error("Le code IDCC doit comporter 4 chiffres (ex. 1486 ; 9999 si aucune convention).")]
    IdccFormat,
    /// Code diplôme not of 8 characters (+ optional letter).
    #[error(
        "Le code diplôme doit comporter 8 caractères, éventuellement suivis d'une lettre (ex. 32031213)."
    )]
    CodeDiplomeFormat,
    /// RNCP code not of `RNCP` + 3 to 5 digits.
    #[error("Le code RNCP doit s'écrire RNCP suivi de 3 à 5 chiffres (ex. RNCP35185).")]
    RncpFormat,
    /// A Répertoire spécifique code, which cannot be prepared in apprenticeship.
    #[error(
        "Les certifications du répertoire spécifique (RS) ne peuvent pas être préparées en apprentissage : indiquez un code RNCP."
    )]
    RncpRepertoireSpecifique,

    /// Not a French phone number.
    #[error(
        "Saisissez un numéro de téléphone français à 10 chiffres (ex. 06 12 34 56 78) ou au format +33."
    )]
    PhoneFormat,
    /// Not a French postal code.
    #[error("Le code postal doit comporter 5 chiffres (ex. 13001).")]
    PostalCodeFormat,
    /// Not a département code.
    #[error("Le département doit être un code comme 13, 2A, 974 ou 99 (né à l'étranger).")]
    DepartementFormat,
    /// Not an e-mail address.
    #[error("Saisissez une adresse électronique valide (ex. prenom.nom@exemple.fr).")]
    EmailFormat,
    /// A name with characters other than letters, spaces, hyphens and apostrophes.
    #[error("Le nom ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.")]
    NameCharacters,
    /// A street number that starts with 0 or is not a number.
    #[error("Le numéro de voie doit être un nombre sans zéro initial.")]
    StreetNumber,
}

impl FieldError {
    /// The stable, snake_case code of this error, part of the public API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::WrongType { .. } => "wrong_type",
            Self::TooLong { .. } => "too_long",
            Self::ControlCharacter => "control_character",
            Self::OutOfRange { .. } => "out_of_range",
            Self::NotAnInteger => "not_an_integer",
            Self::NotAnAmount => "not_an_amount",
            Self::NegativeAmount => "negative_amount",
            Self::NotADate => "not_a_date",
            Self::ImplausibleDate => "implausible_date",
            Self::UnknownCode => "unknown_code",
            Self::MustBeTicked => "must_be_ticked",
            Self::AccessCodeFormat => "access_code_format",
            Self::SirenFormat => "siren_format",
            Self::SirenChecksum => "siren_checksum",
            Self::SiretFormat => "siret_format",
            Self::SiretChecksum => "siret_checksum",
            Self::NirFormat => "nir_format",
            Self::NirSex => "nir_sex",
            Self::NirMonth => "nir_month",
            Self::NirDepartement => "nir_departement",
            Self::NirCorsica => "nir_corsica",
            Self::NirKey => "nir_key",
            Self::NirMasked => "nir_masked",
            Self::IneFormat => "ine_format",
            Self::IneKey => "ine_key",
            Self::UaiFormat => "uai_format",
            Self::UaiKey => "uai_key",
            Self::NafFormat => "naf_format",
            Self::IdccFormat => "idcc_format",
            Self::CodeDiplomeFormat => "code_diplome_format",
            Self::RncpFormat => "rncp_format",
            Self::RncpRepertoireSpecifique => "rncp_repertoire_specifique",
            Self::PhoneFormat => "phone_format",
            Self::PostalCodeFormat => "postal_code_format",
            Self::DepartementFormat => "departement_format",
            Self::EmailFormat => "email_format",
            Self::NameCharacters => "name_characters",
            Self::StreetNumber => "street_number",
        }
    }
}
