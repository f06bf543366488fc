//! Legal checks across fields (`reference/cerfa.md` §3). A rule that makes the contract unlawful
//! refuses the field it is about (an `invalid` entry of that field's tab); one the CFA should
//! look at but may accept is a warning.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::{
    catalogue::FieldId,
    dates::{add_months, age_on, inclusive_months, sub_months},
    identifiers::{Nir, NirSex},
    regulatory::IdccState,
    remuneration::{Basis, RemunerationLine, percent_of},
    snapshot::{Issue, Snapshot},
    values::Value,
};

/// What the rules found.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub(crate) invalid: Vec<(FieldId, Issue)>,
    pub(crate) warnings: Vec<Issue>,
}

impl Findings {
    fn refuse(&mut self, id: FieldId, code: &'static str, message: impl Into<Cow<'static, str>>) {
        self.invalid.push((
            id,
            Issue {
                field: id.key(),
                code,
                message: message.into(),
            },
        ));
    }
    fn warn(&mut self, id: FieldId, code: &'static str, message: impl Into<Cow<'static, str>>) {
        self.warnings.push(Issue {
            field: id.key(),
            code,
            message: message.into(),
        });
    }
}

/// `JJ/MM/AAAA`, as French users read dates.
fn fr(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// Euros with a comma, as French users read amounts.
fn euros(cents: i64) -> String {
    format!("{},{:02} €", cents / 100, cents % 100)
}

/// Runs every legal check on the dossier.
pub(crate) fn check(s: &Snapshot<'_>, lines: &[RemunerationLine]) -> Findings {
    let mut out = Findings::default();
    apprentice_age(s, &mut out);
    contract_dates(s, &mut out);
    formation_dates(s, &mut out);
    working_time(s, &mut out);
    maitres(s, &mut out);
    remuneration(s, lines, &mut out);
    identity(s, &mut out);
    employer(s, &mut out);
    out
}

fn has_age_exemption(s: &Snapshot<'_>) -> bool {
    [
        FieldId::ApprentiHandicap,
        FieldId::ApprentiSportif,
        FieldId::ApprentiProjetCreation,
    ]
    .into_iter()
    .any(|id| s.boolean(id) == Some(true))
}

/// AGE-01 to AGE-07.
fn apprentice_age(s: &Snapshot<'_>, out: &mut Findings) {
    let Some(birth) = s.date(FieldId::ApprentiDateNaissance) else {
        return;
    };
    if birth > s.settings.today {
        out.refuse(
            FieldId::ApprentiDateNaissance,
            "birth_date_in_future",
            "La date de naissance ne peut pas être dans le futur.",
        );
        return;
    }
    let Some(start) = s.date(FieldId::ContratDateDebut) else {
        return;
    };
    let age = age_on(birth, start);
    let derogation = s.code(FieldId::ContratTypeDerogation);
    if s.facts.apprentissage {
        if age < 15 {
            out.refuse(
                FieldId::ApprentiDateNaissance,
                "age_below_minimum",
                format!("L'apprenti(e) n'aura que {age} ans au début du contrat ({}) : il faut avoir au moins 15 ans.", fr(start)),
            );
        } else if age == 15 && !matches!(derogation, Some("11" | "50")) {
            out.warn(
                FieldId::ContratTypeDerogation,
                "age_15_needs_derogation",
                "L'apprenti(e) aura 15 ans au début du contrat : c'est possible s'il ou elle a achevé la classe de 3e, avec la dérogation « 11 – âge inférieur à 16 ans ».",
            );
        }
        if age >= 30 && !has_age_exemption(s) && !matches!(derogation, Some("12" | "50")) {
            out.warn(
                FieldId::ApprentiDateNaissance,
                "age_above_maximum",
                format!("L'apprenti(e) aura {age} ans au début du contrat : au-delà de 29 ans révolus, vérifiez qu'il ou elle relève d'un cas d'exception (RQTH, sportif de haut niveau, projet de création d'entreprise, contrat successif jusqu'à 35 ans) et indiquez la dérogation 12."),
            );
        }
        derogation_by_age(age, derogation, out);
        if age >= 30 && s.code(FieldId::ContratType) == Some("11") && !has_age_exemption(s) {
            out.refuse(
                FieldId::ContratType,
                "first_contract_above_age",
                format!("L'apprenti(e) aura {age} ans au début du contrat : un premier contrat d'apprentissage (type 11) n'est possible à partir de 30 ans qu'avec une RQTH, le statut de sportif de haut niveau ou un projet de création ou de reprise d'entreprise."),
            );
        }
    } else {
        if age < 16 {
            out.refuse(
                FieldId::ApprentiDateNaissance,
                "age_below_minimum",
                format!("Le contrat de professionnalisation est ouvert à partir de 16 ans ; l'alternant(e) n'aura que {age} ans au début du contrat."),
            );
        }
        if age >= 26 && s.boolean(FieldId::ApprentiInscritFranceTravail) != Some(true) {
            out.warn(
                FieldId::ApprentiInscritFranceTravail,
                "pro_age_public",
                "À partir de 26 ans, le contrat de professionnalisation est réservé aux demandeurs d'emploi inscrits à France Travail et aux bénéficiaires de minima sociaux (RSA, ASS, AAH) ou d'un ancien contrat aidé.",
            );
        }
    }
    if s.code(FieldId::ApprentiNationalite) == Some("3") {
        out.warn(
            FieldId::ApprentiNationalite,
            "work_authorisation",
            "Pour un(e) ressortissant(e) hors Union européenne, vérifiez l'autorisation de travail (démarche « Étrangers en France ») avant le début du contrat.",
        );
        let adult_before_end = s
            .date(FieldId::ContratDateFin)
            .is_some_and(|end| age < 18 && age_on(birth, end) >= 18);
        if adult_before_end {
            out.warn(
                FieldId::ApprentiNationalite,
                "residence_permit_at_majority",
                "L'apprenti(e) deviendra majeur(e) pendant le contrat : son titre de séjour et son autorisation de travail devront être renouvelés à sa majorité.",
            );
        }
    }
}

/// AGE-04 (cerfa.md §3.1, option rule as the check): dérogation 11 only under 16, 12 only from
/// 30, and under 16 or from 30 nothing but 11, 12 or 50 (cumul).
fn derogation_by_age(age: i32, derogation: Option<&str>, out: &mut Findings) {
    let Some(code) = derogation else {
        return;
    };
    let refuse = |out: &mut Findings, message: String| {
        out.refuse(
            FieldId::ContratTypeDerogation,
            "derogation_age_inconsistent",
            message,
        );
    };
    match code {
        "11" if age >= 16 => refuse(
            out,
            format!(
                "La dérogation 11 concerne les apprentis de moins de 16 ans ; l'apprenti(e) aura {age} ans au début du contrat."
            ),
        ),
        "12" if age < 30 => refuse(
            out,
            format!(
                "La dérogation 12 concerne les apprentis de 30 ans et plus ; l'apprenti(e) aura {age} ans au début du contrat."
            ),
        ),
        "11" | "12" | "50" => {}
        other if age < 16 => refuse(
            out,
            format!(
                "L'apprenti(e) aura {age} ans au début du contrat : seules les dérogations 11 (âge inférieur à 16 ans) ou 50 (cumul) sont possibles, pas la {other}."
            ),
        ),
        other if age >= 30 => refuse(
            out,
            format!(
                "L'apprenti(e) aura {age} ans au début du contrat : seules les dérogations 12 (âge supérieur à 29 ans) ou 50 (cumul) sont possibles, pas la {other}."
            ),
        ),
        _ => {}
    }
}

/// DAT-03: whether `start` → `end` lasts more than `months`, counted inclusively like DAT-02:
/// the day after the end may be at most `months` after the start (1 Sept 2027 → 31 Aug 2030 is
/// 36 months; → 25 Sept 2030 is longer).
fn longer_than(start: NaiveDate, end: NaiveDate, months: u32) -> bool {
    end.succ_opt()
        .zip(add_months(start, months))
        .is_none_or(|(after_end, limit)| after_end > limit)
}

/// Whether the contract type is an avenant (31 to 38), which DAT-04 exempts.
fn is_avenant(contract_type: Option<&str>) -> bool {
    contract_type.is_some_and(|code| code.len() == 2 && code.starts_with('3'))
}

/// DAT-13's warning: the contract's end date is past. Though the evaluation only warns,
/// `workflow::transition` refuses « Demande de validation » and « Valider » on it, and so the
/// CERFA, which validation makes, is never made for an ended contract.
pub const CONTRACT_ENDED: &str = "contract_ended";

/// DAT-01 to DAT-05, DAT-12 and DAT-13.
fn contract_dates(s: &Snapshot<'_>, out: &mut Findings) {
    let (Some(start), Some(end)) = (
        s.date(FieldId::ContratDateDebut),
        s.date(FieldId::ContratDateFin),
    ) else {
        return;
    };
    if end <= start {
        out.refuse(
            FieldId::ContratDateFin,
            "contract_end_before_start",
            "La date de fin du contrat doit être postérieure à sa date de début.",
        );
        return;
    }
    let months = inclusive_months(start, end);
    if months < 6 {
        out.refuse(
            FieldId::ContratDateFin,
            "contract_too_short",
            format!(
                "Le contrat doit durer au moins 6 mois ; du {} au {}, il dure {months} mois.",
                fr(start),
                fr(end)
            ),
        );
    }
    if s.facts.apprentissage {
        let extended = s.boolean(FieldId::ApprentiHandicap) == Some(true)
            || s.boolean(FieldId::ApprentiSportif) == Some(true)
            || matches!(s.code(FieldId::ContratTypeDerogation), Some("22" | "50"));
        let max = if extended { 48 } else { 36 };
        if longer_than(start, end, max) {
            out.refuse(
                FieldId::ContratDateFin,
                "contract_too_long",
                format!("Le contrat d'apprentissage dure au plus {max} mois{} ; du {} au {}, il dépasse cette durée.",
                    if extended { " (RQTH, sportif de haut niveau ou allongement)" } else { " (4 ans en cas de RQTH, de sportif de haut niveau ou d'allongement)" },
                    fr(start), fr(end)),
            );
        }
    } else if longer_than(start, end, 36) {
        out.refuse(
            FieldId::ContratDateFin,
            "contract_too_long",
            "Le contrat de professionnalisation dure au plus 36 mois.",
        );
    } else if months > 12 {
        out.warn(
            FieldId::ContratDateFin,
            "pro_contract_extended",
            "Au-delà de 12 mois, le contrat de professionnalisation n'est possible que pour certains publics ou si un accord de branche le prévoit (jusqu'à 24 mois, 36 pour les publics prioritaires).",
        );
    }
    let contract_type = s.code(FieldId::ContratType);
    // DAT-04: a contract whose type is not chosen yet counts as initial; only avenants are exempt.
    let initial = !s.facts.apprentissage || !is_avenant(contract_type);
    let conclusion = s.date(FieldId::ContratDateConclusion);
    if let Some(conclusion) = conclusion
        && initial
        && conclusion > start
    {
        out.refuse(
            FieldId::ContratDateConclusion,
            "conclusion_after_start",
            format!(
                "Le contrat doit être signé au plus tard le jour de son début ({}).",
                fr(start)
            ),
        );
    }
    if let Some(practical) = s.date(FieldId::ContratDateDebutPratique) {
        let latest = add_months(start, 3).unwrap_or(start);
        if practical < start || practical > latest {
            out.refuse(
                FieldId::ContratDateDebutPratique,
                "practical_start_window",
                format!("La formation pratique chez l'employeur doit commencer entre le {} et le {} (au plus tard trois mois après le début du contrat).", fr(start), fr(latest)),
            );
        } else if practical > end {
            out.refuse(
                FieldId::ContratDateDebutPratique,
                "practical_start_after_end",
                "La formation pratique ne peut pas commencer après la fin du contrat.",
            );
        } else if conclusion.is_some_and(|c| practical < c) {
            out.refuse(
                FieldId::ContratDateDebutPratique,
                "practical_start_before_conclusion",
                "La formation pratique ne peut pas commencer avant la signature du contrat.",
            );
        }
    }
    if s.facts.avenant
        && let Some(effect) = s.date(FieldId::ContratDateEffetAvenant)
        && (effect < start || effect > end)
    {
        out.refuse(
            FieldId::ContratDateEffetAvenant,
            "avenant_effect_outside_contract",
            format!(
                "La date d'effet de l'avenant doit se situer entre le {} et le {}.",
                fr(start),
                fr(end)
            ),
        );
    }
    if end < s.settings.today {
        out.warn(
            FieldId::ContratDateFin,
            CONTRACT_ENDED,
            format!("Le contrat s'est terminé le {} : un contrat échu ne peut être ni envoyé en validation ni édité.", fr(end)),
        );
    }
    if contract_type == Some("11") && s.code(FieldId::ApprentiSituation) == Some("4") {
        out.warn(
            FieldId::ContratType,
            "first_contract_after_apprenticeship",
            "L'apprenti(e) était déjà en contrat d'apprentissage : s'agit-il vraiment d'un premier contrat (type 11) plutôt que d'un nouveau contrat (21, 22 ou 23) ?",
        );
    }
}

/// DAT-06 to DAT-11: the contract against the formation's dates and hours.
fn formation_dates(s: &Snapshot<'_>, out: &mut Findings) {
    let formation_start = s
        .date(FieldId::FormationDateDebut)
        .or(s.settings.formation.start);
    let formation_end = s
        .date(FieldId::FormationDateFin)
        .or(s.settings.formation.end);
    let start = s.date(FieldId::ContratDateDebut);
    let end = s.date(FieldId::ContratDateFin);
    if let (Some(fs), Some(start)) = (formation_start, start) {
        // DAT-06, from the contract's start: month ends clamp from there (30 April + 3 months
        // is 30 July, so a CFA start on 31 July is too late).
        let earliest = sub_months(start, 3).unwrap_or(start);
        let latest = add_months(start, 3).unwrap_or(start);
        // The formation's own dates stand in while the content has none: then the contract's
        // start is the field to change.
        let field = if s.date(FieldId::FormationDateDebut).is_some() {
            FieldId::FormationDateDebut
        } else {
            FieldId::ContratDateDebut
        };
        if fs < earliest || fs > latest {
            out.refuse(
                field,
                "formation_start_window",
                format!("Le contrat débute le {} : la formation au CFA doit commencer entre le {} et le {} (trois mois avant ou après) ; elle commence le {}.", fr(start), fr(earliest), fr(latest), fr(fs)),
            );
        } else if let Some(practical) = s.date(FieldId::ContratDateDebutPratique)
            && let Some(floor) = sub_months(practical, 3)
            && fs < floor
        {
            out.refuse(
                field,
                "formation_start_before_practical",
                format!("La formation pratique commence le {} : la formation au CFA ne peut pas commencer plus de trois mois avant (au plus tôt le {}).", fr(practical), fr(floor)),
            );
        }
        if let Some(conclusion) = s.date(FieldId::ContratDateConclusion)
            && fs < conclusion
        {
            let message = format!(
                "La formation au CFA commence le {}, avant la signature du contrat : c'est possible seulement pour un(e) apprenti(e) en formation au CFA sous statut de stagiaire avant le contrat (situation 7).",
                fr(fs)
            );
            if s.code(FieldId::ApprentiSituation) == Some("7") || !s.facts.apprentissage {
                out.warn(
                    FieldId::ContratDateConclusion,
                    "formation_before_conclusion",
                    message,
                );
            } else {
                out.refuse(
                    FieldId::ContratDateConclusion,
                    "formation_before_conclusion",
                    message,
                );
            }
        }
    }
    if let (Some(fe), Some(start), Some(end)) = (formation_end, start, end)
        && start < end
    {
        if fe > end {
            out.refuse(
                FieldId::ContratDateFin,
                "contract_ends_before_exams",
                format!("Les examens se terminent le {} : le contrat doit durer au moins jusqu'à cette date.", fr(fe)),
            );
        } else if fe < start {
            out.refuse(
                FieldId::ContratDateDebut,
                "contract_starts_after_exams",
                format!(
                    "Les examens se terminent le {}, avant le début du contrat.",
                    fr(fe)
                ),
            );
        } else if let Some(conclusion) = s.date(FieldId::ContratDateConclusion)
            && fe < conclusion
        {
            out.refuse(
                FieldId::ContratDateConclusion,
                "exams_end_before_conclusion",
                format!(
                    "Les examens se terminent le {}, avant la conclusion du contrat.",
                    fr(fe)
                ),
            );
        } else if add_months(fe, 2).is_some_and(|limit| end > limit) {
            out.refuse(
                FieldId::ContratDateFin,
                "contract_ends_long_after_exams",
                format!("Le contrat ne peut pas se terminer plus de deux mois après la fin des examens ({}).", fr(fe)),
            );
        }
    }
    if let (Some(fs), Some(fe)) = (
        s.date(FieldId::FormationDateDebut),
        s.date(FieldId::FormationDateFin),
    ) {
        if fe <= fs {
            out.refuse(
                FieldId::FormationDateFin,
                "formation_end_before_start",
                "La fin des examens doit être postérieure au début de la formation.",
            );
        } else if !(6..=48).contains(&inclusive_months(fs, fe)) {
            out.refuse(
                FieldId::FormationDateFin,
                "formation_cycle_length",
                "Le cycle de formation doit durer de 6 mois à 4 ans.",
            );
        }
    }
    if let (Some(hours), Some(start), Some(end)) = (s.int(FieldId::FormationDuree), start, end)
        && start < end
    {
        let months = i64::from(inclusive_months(start, end).max(1));
        // 1 607 h a year is the legal annual working time; training must be a share of it.
        let (share, floor) = if s.facts.apprentissage {
            (25, 0)
        } else {
            (15, 150)
        };
        let minimum = ((1607 * months * share) as f64 / 1200.0).ceil() as i64;
        let minimum = minimum.max(floor);
        if hours < minimum {
            out.warn(
                FieldId::FormationDuree,
                "formation_hours_below_minimum",
                format!("{hours} heures de formation, c'est moins de {share} % de la durée du contrat : il en faut au moins {minimum}."),
            );
        }
    }
}

/// HRS-01, HRS-03, HRS-04.
fn working_time(s: &Snapshot<'_>, out: &mut Findings) {
    let hours = s.int(FieldId::ContratHeures);
    let minutes = s.int(FieldId::ContratMinutes).unwrap_or(0);
    if hours == Some(40) && minutes > 0 {
        out.refuse(
            FieldId::ContratMinutes,
            "weekly_hours_above_40",
            "La durée hebdomadaire du travail ne peut pas dépasser 40 heures.",
        );
    }
    if s.facts.minor && hours.is_some_and(|h| h * 60 + minutes > 35 * 60) {
        out.warn(
            FieldId::ContratHeures,
            "minor_overtime",
            "Un(e) apprenti(e) mineur(e) ne peut pas travailler plus de 35 heures par semaine sans autorisation de l'inspection du travail, après avis du médecin du travail.",
        );
    }
    if s.facts.minor && s.boolean(FieldId::ContratTravailRisque) == Some(true) {
        out.warn(
            FieldId::ContratTravailRisque,
            "minor_dangerous_work",
            "Travaux dangereux avec un(e) mineur(e) : l'employeur doit avoir déclaré une dérogation aux travaux réglementés (D4153-15 et suivants).",
        );
    }
}

/// AGE-08: maîtres are adults at the contract's start.
fn maitres(s: &Snapshot<'_>, out: &mut Findings) {
    let start = s.date(FieldId::ContratDateDebut);
    for id in [FieldId::Maitre1DateNaissance, FieldId::Maitre2DateNaissance] {
        let Some(birth) = s.date(id) else { continue };
        if birth > s.settings.today {
            out.refuse(
                id,
                "birth_date_in_future",
                "La date de naissance ne peut pas être dans le futur.",
            );
        } else if let Some(start) = start
            && age_on(birth, start) < 18
        {
            out.refuse(
                id,
                "maitre_underage",
                "Le maître d'apprentissage doit être majeur au début du contrat.",
            );
        }
    }
}

/// Rates may be raised above the legal minimum, never lowered; the hiring salary is at least the
/// first line's minimum.
fn remuneration(s: &Snapshot<'_>, lines: &[RemunerationLine], out: &mut Findings) {
    if let Some(Value::Rates(chosen)) = s.valid(FieldId::ContratRemunerations) {
        for rate in chosen {
            let ordre = format!("{}.{}", rate.year, rate.period);
            let Some(line) = lines.iter().find(|l| l.line == ordre) else {
                if !lines.is_empty() {
                    out.refuse(
                        FieldId::ContratRemunerations,
                        "unknown_remuneration_line",
                        format!("La ligne {ordre} n'existe pas pour ces dates de contrat."),
                    );
                }
                continue;
            };
            let basis_amount = |basis: Basis| match basis {
                Basis::Smc => s.money(FieldId::ContratSmc),
                Basis::Smic => s.settings.data.smic.on(line.start).map(|smic| smic.monthly),
            };
            let chosen_basis = match rate.basis {
                Some("SMC") => Basis::Smc,
                Some(_) => Basis::Smic,
                None => line.basis,
            };
            let chosen_amount =
                basis_amount(chosen_basis).map(|a| percent_of(a, rate.rate_hundredths));
            let below = match (chosen_amount, line.monthly_minimum) {
                (Some(chosen), Some(minimum)) => chosen < minimum,
                _ => rate.rate_hundredths < line.rate * 100,
            };
            if below {
                out.refuse(
                    FieldId::ContratRemunerations,
                    "rate_below_minimum",
                    format!("Ligne {ordre} : le minimum légal est de {} % du {} ; le taux ne peut pas être inférieur.", line.rate, line.basis.code()),
                );
            }
        }
    }
    let (Some(salary), Some(first)) = (s.money(FieldId::ContratSalaireEmbauche), lines.first())
    else {
        return;
    };
    let Some(minimum) = first.monthly_minimum else {
        return;
    };
    // The minimum is for 35 hours a week; part-time is paid pro rata.
    let weekly_minutes = s
        .int(FieldId::ContratHeures)
        .map(|h| h * 60 + s.int(FieldId::ContratMinutes).unwrap_or(0));
    let minimum = match weekly_minutes {
        Some(m) if m > 0 && m < 35 * 60 => (minimum * m + 35 * 60 - 1) / (35 * 60),
        _ => minimum,
    };
    if salary < minimum {
        out.refuse(
            FieldId::ContratSalaireEmbauche,
            "salary_below_minimum",
            format!(
                "Le salaire à l'embauche doit être d'au moins {} ({} % du {}).",
                euros(minimum),
                first.rate,
                first.basis.code()
            ),
        );
    }
}

/// NIR ⇄ civil status (cerfa.md §3.7): warnings, since provisional numbers and incomplete civil
/// records exist.
fn identity(s: &Snapshot<'_>, out: &mut Findings) {
    let Some(nir) = s
        .text(FieldId::ApprentiNir)
        .and_then(|n| Nir::parse(n).ok())
    else {
        return;
    };
    if nir.is_provisional() {
        return;
    }
    let sex = match nir.sex() {
        NirSex::Male => "M",
        NirSex::Female => "F",
    };
    if s.code(FieldId::ApprentiSexe)
        .is_some_and(|declared| declared != sex)
    {
        out.warn(
            FieldId::ApprentiNir,
            "nir_sex_mismatch",
            "Le numéro de sécurité sociale ne correspond pas au sexe indiqué.",
        );
    }
    if let Some(birth) = s.date(FieldId::ApprentiDateNaissance) {
        use chrono::Datelike;
        if nir.departement() == "20" && birth.year() >= 1976 {
            out.refuse(
                FieldId::ApprentiNir,
                "nir_corsica",
                crate::error::FieldError::NirCorsica.to_string(),
            );
        }
        let year_ok = nir.birth_year_2() == (birth.year() % 100) as u32;
        let month_ok = nir.birth_month().is_none_or(|m| m == birth.month());
        if !year_ok || !month_ok {
            out.warn(FieldId::ApprentiNir, "nir_birth_mismatch", "Le numéro de sécurité sociale ne correspond pas à l'année ou au mois de naissance.");
        }
    }
    if let Some(dept) = s.code(FieldId::ApprentiDepartementNaissance) {
        let nir_dept = nir.departement();
        let consistent = match dept {
            "2A" | "2B" => nir_dept == dept || nir_dept == "20",
            d if d.len() == 3 => nir_dept == &d[..2],
            d => nir_dept == d,
        };
        if !consistent {
            out.warn(
                FieldId::ApprentiNir,
                "nir_departement_mismatch",
                "Le numéro de sécurité sociale ne correspond pas au département de naissance.",
            );
        }
    }
}

/// Employer sector coherence and the public-sector path.
/// §4.7: the IDCC against the official list in force, when the list is known.
fn collective_agreement(s: &Snapshot<'_>, out: &mut Findings) {
    let (Some(list), Some(code)) = (
        &s.settings.data.idcc,
        s.text(FieldId::EmployeurIdcc)
            .and_then(|code| crate::Idcc::parse(code).ok()),
    ) else {
        return;
    };
    let code = &code;
    match list.get(code) {
        None => out.refuse(
            FieldId::EmployeurIdcc,
            "idcc_unknown",
            format!(
                "Le code IDCC {} ne figure pas dans la liste officielle des conventions collectives (liste du {}) : vérifiez-le sur l'avis de situation de l'employeur ou son bulletin de paie.",
                code.as_ref(),
                list.header()
            ),
        ),
        Some(entry) if entry.state != IdccState::EnVigueur => out.refuse(
            FieldId::EmployeurIdcc,
            "idcc_not_in_force",
            format!(
                "La convention collective {} ({}) n'est plus applicable : elle est {}{}.",
                code.as_ref(),
                entry.label,
                entry.state.label(),
                entry
                    .replaced_by
                    .as_ref()
                    .map(|other| format!(" ; indiquez celle qui l'a remplacée, {other}"))
                    .unwrap_or_default()
            ),
        ),
        Some(_) => {}
    }
}

fn employer(s: &Snapshot<'_>, out: &mut Findings) {
    collective_agreement(s, out);
    let declared = s.code(FieldId::EmployeurPrivePublic);
    let public_type = s
        .code(FieldId::EmployeurType)
        .map(|t| crate::codes::PUBLIC_EMPLOYER_TYPES.contains(&t));
    match (declared, public_type) {
        (Some("prive"), Some(true)) => out.refuse(
            FieldId::EmployeurType,
            "employer_type_sector",
            "Ce type d'employeur est public, alors que l'employeur est déclaré privé.",
        ),
        (Some("public"), Some(false)) if s.code(FieldId::EmployeurType) != Some("30") => out
            .refuse(
                FieldId::EmployeurType,
                "employer_type_sector",
                "Ce type d'employeur est privé, alors que l'employeur est déclaré public.",
            ),
        _ => {}
    }
    if s.facts.public_employer {
        if s.facts.apprentissage {
            out.warn(FieldId::EmployeurPrivePublic, "public_employer_celia", "Employeur public : le contrat est déposé sur CELIA auprès de la DDETS, et non auprès d'un OPCO.");
        } else {
            out.refuse(FieldId::EmployeurPrivePublic, "pro_public_employer", "Le contrat de professionnalisation n'est pas ouvert aux employeurs publics (hors EPIC).");
        }
    }
    if s.facts.benefits
        && ![
            FieldId::ContratAvantageNourriture,
            FieldId::ContratAvantageLogement,
        ]
        .into_iter()
        .any(|id| s.money(id).is_some())
        && s.boolean(FieldId::ContratAutreAvantage) != Some(true)
    {
        out.refuse(FieldId::ContratAvantageNature, "benefits_unspecified", "Précisez les avantages en nature (nourriture, logement ou autre), ou décochez la case.");
    }
}
