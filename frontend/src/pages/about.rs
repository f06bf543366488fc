//! The legal notice and the accessibility statement, linked from the foot of every page: what
//! French law asks of a service open to the public, filled in with the CFA's settings.

use yew::prelude::*;

use crate::app::Platform;

/// A value of the settings, or what to do when it is missing.
fn or_unset(value: Option<&String>) -> String {
    value
        .cloned()
        .unwrap_or_else(|| "(à renseigner dans les réglages du CFA)".into())
}

/// « Mentions légales » (loi n° 2004-575 du 21 juin 2004, article 6).
#[component]
pub fn LegalNotice() -> Html {
    let platform = use_context::<Platform>().unwrap_or_default();
    let cfa = platform.0.as_deref().cloned().unwrap_or_default();
    html! {
        <main id="contenu" class="page texte">
            <h1>{ "Mentions légales" }</h1>
            <h2>{ "Éditeur" }</h2>
            <p data-testid="publisher">
                { or_unset(cfa.cfa_name.as_ref()) }<br />
                { or_unset(cfa.address.as_ref()) }<br />
                { format!("SIRET : {}", or_unset(cfa.siret.as_ref())) }
            </p>
            <p>{ format!("Directeur ou directrice de la publication : {}", or_unset(cfa.director.as_ref())) }</p>
            if let Some(email) = &cfa.contact_email {
                <p>{ "Contact : " }<a href={format!("mailto:{email}")}>{ email }</a></p>
            }
            <h2>{ "Hébergement" }</h2>
            <p>{ "Le service est hébergé par l'éditeur ou par le prestataire qu'il a choisi, sur ses propres serveurs." }</p>
            <h2>{ "Données personnelles" }</h2>
            <p>{ "Les données saisies servent à établir le contrat d'apprentissage ou de professionnalisation et la convention de formation, et à les transmettre à l'opérateur de compétences. Le numéro de sécurité sociale est chiffré. Pour exercer vos droits d'accès, de rectification ou d'effacement, écrivez au contact ci-dessus." }</p>
            <h2>{ "Logiciel" }</h2>
            <p>{ "Opuntia, logiciel libre sous licence AGPL-3.0-or-later." }</p>
        </main>
    }
}

/// « Accessibilité » (article 47 de la loi n° 2005-102 du 11 février 2005; RGAA 4.1).
#[component]
pub fn Accessibility() -> Html {
    let platform = use_context::<Platform>().unwrap_or_default();
    let cfa = platform.0.as_deref().cloned().unwrap_or_default();
    html! {
        <main id="contenu" class="page texte">
            <h1>{ "Déclaration d'accessibilité" }</h1>
            <p>{ format!("{} s'engage à rendre ce service accessible conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.", or_unset(cfa.cfa_name.as_ref())) }</p>
            <h2>{ "État de conformité" }</h2>
            <p data-testid="conformity">
                <strong>{ "Non conforme" }</strong>
                { " : le service n'a pas encore fait l'objet d'un audit selon le référentiel général d'amélioration de l'accessibilité (RGAA 4.1). Chaque page est vérifiée automatiquement (axe-core, sans erreur grave ni critique), se lit de 320 pixels de large à un grand écran, se parcourt au clavier et annonce ses erreurs aux lecteurs d'écran." }
            </p>
            <h2>{ "Retour d'information et contact" }</h2>
            <p>
                { "Si vous ne parvenez pas à accéder à un contenu ou à un service, écrivez-nous" }
                if let Some(email) = &cfa.contact_email {
                    { " : " }<a href={format!("mailto:{email}")}>{ email }</a>
                }
                { " ; nous vous répondrons ou vous proposerons une autre façon d'y accéder." }
            </p>
            <h2>{ "Voies de recours" }</h2>
            <p>{ "Si vous n'obtenez pas de réponse satisfaisante, vous pouvez écrire au Défenseur des droits (formulaire en ligne sur defenseurdesdroits.fr) ou à Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07." }</p>
        </main>
    }
}
