//! The French e-mails, each with a plain-text and an HTML part written from the same words.
//! Plain text first (spam filters and text-only clients read it), no images, no tracking, one
//! link per mail at most, spelled out in full.

use db::queries::outbox::NewMail;

/// A mail's words, rendered to both parts.
struct Letter<'a> {
    to: &'a str,
    subject: String,
    greeting: String,
    paragraphs: Vec<String>,
    /// `(label, value)` lines shown as a block: login, password, code…
    details: Vec<(&'static str, String)>,
    /// A link and what it does.
    link: Option<(String, &'static str)>,
    closing: Vec<String>,
}

fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

const SIGNATURE: &str = "L'équipe Opuntia";
const FOOTER: &str = "Ce message vous est envoyé automatiquement par la plateforme Opuntia de \
    votre CFA, à la suite d'une démarche vous concernant. Ne répondez pas à ce message : \
    écrivez au contact indiqué dans votre dossier.";

impl Letter<'_> {
    fn render(self) -> NewMail {
        let mut text = format!("{}\n\n", self.greeting);
        let mut html = format!(
            "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
             <body style=\"font-family: Arial, Helvetica, sans-serif; color: #1d2a33; line-height: 1.5;\">\
             <p>{}</p>",
            escape_html(&self.subject),
            escape_html(&self.greeting)
        );
        for paragraph in &self.paragraphs {
            text.push_str(paragraph);
            text.push_str("\n\n");
            html.push_str(&format!("<p>{}</p>", escape_html(paragraph)));
        }
        if !self.details.is_empty() {
            html.push_str("<table role=\"presentation\" style=\"border-collapse: collapse; margin: 0 0 1em 0;\">");
            for (label, value) in &self.details {
                text.push_str(&format!("  {label} : {value}\n"));
                html.push_str(&format!(
                    "<tr><td style=\"padding: 2px 12px 2px 0;\">{}</td><td style=\"padding: 2px 0;\"><strong style=\"font-family: monospace; font-size: 1.1em;\">{}</strong></td></tr>",
                    escape_html(label),
                    escape_html(value)
                ));
            }
            text.push('\n');
            html.push_str("</table>");
        }
        if let Some((url, label)) = &self.link {
            text.push_str(&format!("{label} :\n{url}\n\n"));
            html.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p><p style=\"font-size: 0.9em;\">Si le lien ne s'ouvre pas, copiez cette adresse dans votre navigateur : {}</p>",
                escape_html(url),
                escape_html(label),
                escape_html(url)
            ));
        }
        for paragraph in &self.closing {
            text.push_str(paragraph);
            text.push_str("\n\n");
            html.push_str(&format!("<p>{}</p>", escape_html(paragraph)));
        }
        text.push_str(&format!("{SIGNATURE}\n\n-- \n{FOOTER}\n"));
        html.push_str(&format!(
            "<p>{}</p><hr style=\"border: none; border-top: 1px solid #ccd;\"><p style=\"font-size: 0.85em; color: #555;\">{}</p></body></html>\n",
            escape_html(SIGNATURE),
            escape_html(FOOTER)
        ));
        NewMail {
            to: vec![self.to.to_owned()],
            subject: self.subject,
            text,
            html,
        }
    }
}

fn hour_phrase(minutes: i64) -> String {
    if minutes == 60 {
        "une heure".to_owned()
    } else if minutes % 60 == 0 {
        format!("{} heures", minutes / 60)
    } else {
        format!("{minutes} minutes")
    }
}

/// What an invitation mail says about where the account leads.
pub struct InvitationMail<'a> {
    /// Recipient.
    pub to: &'a str,
    /// First name, for the greeting.
    pub first_name: &'a str,
    /// « Diplôme d'ingénieur … – 2e année », or the role for staff accounts.
    pub purpose: String,
    /// The generated password.
    pub password: &'a str,
    /// Minutes the password works.
    pub valid_minutes: i64,
    /// The login page.
    pub login_url: &'a str,
}

/// « Bienvenue sur Opuntia »: an invitation with its one-hour password (user guides A.1, A.2, B.2).
pub fn invitation(mail: InvitationMail<'_>) -> NewMail {
    let validity = hour_phrase(mail.valid_minutes);
    Letter {
        to: mail.to,
        subject: "Bienvenue sur Opuntia : vos identifiants de connexion".into(),
        greeting: format!("Bonjour {},", mail.first_name),
        paragraphs: vec![
            format!("Un compte a été créé pour vous sur Opuntia, la plateforme de votre CFA, pour : {}.", mail.purpose),
            "Connectez-vous avec votre adresse e-mail et le mot de passe ci-dessous, dans la partie gauche de la page d'accueil :".into(),
        ],
        details: vec![
            ("Identifiant", mail.to.to_owned()),
            ("Mot de passe", mail.password.to_owned()),
        ],
        link: Some((mail.login_url.to_owned(), "Se connecter à Opuntia")),
        closing: vec![
            format!("Ce mot de passe n'est valable que pendant {validity}. Passé ce délai, cliquez sur « Mot de passe oublié » sur la page de connexion : vous recevrez un lien pour choisir votre propre mot de passe."),
            "Si vous ne recevez pas nos messages, vérifiez votre dossier de courrier indésirable.".into(),
        ],
    }
    .render()
}

/// An existing apprentice account gets a new dossier in another formation.
pub fn new_dossier(to: &str, first_name: &str, purpose: &str, login_url: &str) -> NewMail {
    Letter {
        to,
        subject: "Opuntia : un nouveau dossier d'alternance vous attend".into(),
        greeting: format!("Bonjour {first_name},"),
        paragraphs: vec![
            format!("Un nouveau dossier a été ouvert pour vous sur Opuntia, pour : {purpose}."),
            "Connectez-vous avec votre compte habituel pour le remplir. Si vous avez oublié votre mot de passe, utilisez « Mot de passe oublié » sur la page de connexion.".into(),
        ],
        details: vec![("Identifiant", to.to_owned())],
        link: Some((login_url.to_owned(), "Se connecter à Opuntia")),
        closing: Vec::new(),
    }
    .render()
}

/// Confirmation of a self-registration with an access code (user guide B.4).
pub fn registration(to: &str, first_name: &str, purpose: &str, login_url: &str) -> NewMail {
    Letter {
        to,
        subject: "Bienvenue sur Opuntia : votre inscription est enregistrée".into(),
        greeting: format!("Bonjour {first_name},"),
        paragraphs: vec![
            format!("Votre inscription sur Opuntia est enregistrée, pour : {purpose}."),
            "Votre dossier est ouvert sur l'écran « Données de base » : renseignez-le puis cliquez sur « Valider » pour ouvrir les autres onglets et inviter le contact de votre entreprise.".into(),
        ],
        details: vec![("Identifiant", to.to_owned())],
        link: Some((login_url.to_owned(), "Se connecter à Opuntia")),
        closing: vec!["Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message et prévenez votre CFA.".into()],
    }
    .render()
}

/// The link of « Mot de passe oublié » (user guides A.2, B.3).
pub fn password_reset(to: &str, first_name: &str, link: &str, valid_minutes: i64) -> NewMail {
    Letter {
        to,
        subject: "Opuntia : choisissez votre mot de passe".into(),
        greeting: format!("Bonjour {first_name},"),
        paragraphs: vec![
            "Vous avez demandé à choisir un nouveau mot de passe pour votre compte Opuntia.".into(),
        ],
        details: Vec::new(),
        link: Some((link.to_owned(), "Choisir mon mot de passe")),
        closing: vec![
            format!("Ce lien fonctionne une seule fois, pendant {}.", hour_phrase(valid_minutes)),
            "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe actuel reste valable.".into(),
        ],
    }
    .render()
}

/// Notice that the password changed, so that a stolen session is noticed.
pub fn password_changed(to: &str, first_name: &str, login_url: &str) -> NewMail {
    Letter {
        to,
        subject: "Opuntia : votre mot de passe a été modifié".into(),
        greeting: format!("Bonjour {first_name},"),
        paragraphs: vec![
            "Le mot de passe de votre compte Opuntia vient d'être modifié, et vos autres sessions ont été fermées.".into(),
            "Si vous n'êtes pas à l'origine de ce changement, utilisez sans attendre « Mot de passe oublié » sur la page de connexion et prévenez votre CFA.".into(),
        ],
        details: Vec::new(),
        link: Some((login_url.to_owned(), "Se connecter à Opuntia")),
        closing: Vec::new(),
    }
    .render()
}

/// What a dossier event says: a subject and its paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The mail's subject.
    pub subject: String,
    /// Its paragraphs.
    pub paragraphs: Vec<String>,
}

/// « le contrat de Léa Martin (Titre – variante) », as invitations of a company contact say.
pub fn contract_purpose(apprentice: &str, formation: &str, variant: &str) -> String {
    format!("le contrat de {apprentice} ({formation} – {variant})")
}

/// « Titre – variante », as mails name a formation and its variant.
pub fn formation_purpose(formation: &str, variant: &str) -> String {
    format!("{formation} – {variant}")
}

/// « votre rôle « CFA » », as the invitation of a staff account says.
pub fn role_purpose(role: &str) -> String {
    format!("votre rôle « {role} »")
}

/// « Demande de validation », told to the responsables (user guide B.15).
pub fn validation_requested(apprentice: &str, formation: &str, variant: &str) -> Notice {
    Notice {
        subject: format!("Opuntia : demande de validation du dossier de {apprentice}"),
        paragraphs: vec![format!(
            "Le dossier de {apprentice} ({formation} – {variant}) est complet et attend votre validation. Vous pouvez le valider, ou le renvoyer pour correction avec un commentaire."
        )],
    }
}

/// A request that validated the dossier at once (automatic mode, user guide B.15).
pub fn validated_automatically(apprentice: &str, formation: &str) -> Notice {
    Notice {
        subject: "Opuntia : votre dossier est validé".into(),
        paragraphs: vec![format!(
            "Le dossier de {apprentice} a été validé automatiquement par la formation « {formation} ». Ses données sont désormais figées ; le CERFA est disponible dans « Suivi – Info »."
        )],
    }
}

/// The responsable validated the dossier.
pub fn validated(apprentice: &str, formation: &str) -> Notice {
    Notice {
        subject: "Opuntia : votre dossier est validé".into(),
        paragraphs: vec![format!(
            "Le dossier de {apprentice} a été validé par la formation « {formation} ». Ses données sont désormais figées ; le CERFA est disponible dans « Suivi – Info ». Le CFA valide ensuite les éléments économiques."
        )],
    }
}

/// The responsable returned the dossier with a comment.
pub fn returned(apprentice: &str, formation: &str, comment: &str) -> Notice {
    Notice {
        subject: "Opuntia : votre dossier est à corriger".into(),
        paragraphs: vec![
            format!(
                "La formation « {formation} » vous renvoie le dossier de {apprentice} pour correction, avec ce commentaire :"
            ),
            format!("« {comment} »"),
            "Corrigez les données concernées puis cliquez de nouveau sur « Demande de validation » dans « Suivi – Info ».".into(),
        ],
    }
}

/// The CFA validated the economic elements: the convention exists (user guide B.16).
pub fn economics_validated(apprentice: &str) -> Notice {
    Notice {
        subject: "Opuntia : la convention de formation est disponible".into(),
        paragraphs: vec![format!(
            "Le CFA a validé les éléments économiques du dossier de {apprentice} : la convention de formation est disponible dans « Suivi – Info »."
        )],
    }
}

/// The CFA reopened a frozen dossier with a reason.
pub fn reopened(apprentice: &str, reason: &str) -> Notice {
    Notice {
        subject: "Opuntia : votre dossier est rouvert".into(),
        paragraphs: vec![
            format!("Le CFA a rouvert le dossier de {apprentice} pour le motif suivant :"),
            format!("« {reason} »"),
            "Les données peuvent de nouveau être modifiées ; une nouvelle demande de validation sera nécessaire.".into(),
        ],
    }
}

/// A dossier event told to one of its parties.
pub fn dossier_notice(to: &str, first_name: &str, notice: &Notice, login_url: &str) -> NewMail {
    Letter {
        to,
        subject: notice.subject.clone(),
        greeting: format!("Bonjour {first_name},"),
        paragraphs: notice.paragraphs.clone(),
        details: Vec::new(),
        link: Some((login_url.to_owned(), "Ouvrir le dossier sur Opuntia")),
        closing: Vec::new(),
    }
    .render()
}

/// A signer's turn: the single-use link to the documents to sign (user guide A.13). `reminder`
/// says it again after some days.
pub fn signature_request(
    to: &str,
    name: &str,
    apprentice: &str,
    documents: &str,
    link: &str,
    valid_days: i64,
    reminder: bool,
) -> NewMail {
    let subject = if reminder {
        format!("Rappel : documents à signer pour le contrat de {apprentice}")
    } else {
        format!("Documents à signer pour le contrat de {apprentice}")
    };
    Letter {
        to,
        subject,
        greeting: format!("Bonjour {name},"),
        paragraphs: vec![
            format!("Le CFA vous invite à signer électroniquement : {documents}."),
            "Le lien ci-dessous vous est personnel : il ouvre les documents tels qu'ils ont été validés, puis vous demande votre consentement, votre nom, et un code à six chiffres envoyé à cette même adresse.".into(),
        ],
        details: Vec::new(),
        link: Some((link.to_owned(), "Lire et signer les documents")),
        closing: vec![format!(
            "Ce lien est valable {valid_days} jours{}. Si vous ne souhaitez pas signer, la même page vous permet de refuser en indiquant votre motif.",
            if reminder { " et remplace celui du message précédent" } else { "" }
        )],
    }
    .render()
}

/// The one-time code that confirms a signature.
pub fn signature_code(to: &str, name: &str, code: &str, valid_minutes: i64) -> NewMail {
    Letter {
        to,
        subject: format!("Votre code de signature : {code}"),
        greeting: format!("Bonjour {name},"),
        paragraphs: vec![
            "Voici le code qui confirme votre signature électronique. Saisissez-le sur la page de signature.".into(),
        ],
        details: vec![
            ("Code", code.to_owned()),
            ("Valable", hour_phrase(valid_minutes)),
        ],
        link: None,
        closing: vec![
            "Si vous n'avez pas demandé ce code, ne le communiquez à personne et ignorez ce message.".into(),
        ],
    }
    .render()
}

/// A circuit that ended without every signature: refused by a signer, or voided by the CFA.
pub fn signature_ended(apprentice: &str, why: &str) -> Notice {
    Notice {
        subject: format!("Signature interrompue : contrat de {apprentice}"),
        paragraphs: vec![
            format!("La signature des documents du contrat de {apprentice} est interrompue :"),
            format!("« {why} »"),
            "Les liens de signature envoyés ne fonctionnent plus. Le CFA reviendra vers vous."
                .into(),
        ],
    }
}

/// The last signature: the signed documents can be downloaded.
pub fn signature_completed(apprentice: &str) -> Notice {
    Notice {
        subject: format!("Contrat de {apprentice} signé"),
        paragraphs: vec![
            format!(
                "Toutes les parties ont signé le contrat et la convention de formation de {apprentice}."
            ),
            "Les documents signés et scellés sont disponibles dans le dossier, onglet Suivi."
                .into(),
        ],
    }
}

/// A circuit's end told to a signer who has no account (the legal representative).
pub fn signature_notice(to: &str, name: &str, notice: &Notice) -> NewMail {
    Letter {
        to,
        subject: notice.subject.clone(),
        greeting: format!("Bonjour {name},"),
        paragraphs: notice.paragraphs.clone(),
        details: Vec::new(),
        link: None,
        closing: Vec::new(),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_carries_login_password_and_validity_in_both_parts() {
        let mail = invitation(InvitationMail {
            to: "lea@example.fr",
            first_name: "Léa",
            purpose: "Master <Management>".into(),
            password: "abcde-fghij",
            valid_minutes: 60,
            login_url: "http://localhost:8000/",
        });
        assert!(mail.subject.starts_with("Bienvenue sur Opuntia"));
        for part in [&mail.text, &mail.html] {
            assert!(part.contains("abcde-fghij"));
            assert!(part.contains("une heure"));
            assert!(part.contains("Mot de passe oublié"));
        }
        assert!(
            mail.html.contains("Master &lt;Management&gt;"),
            "values are escaped"
        );
        assert!(!mail.text.contains("&lt;"));
    }
}
