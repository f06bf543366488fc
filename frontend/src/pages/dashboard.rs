//! The staff dashboard (formation managers and CFA staff): counts per status, the filterable
//! list of their scope's dossiers with each one's progress, the CSV export, and inviting one
//! apprentice or many from a CSV file with a per-row report.

use crate::router::{Link, Redirect};
use api_types::{
    dossiers::{DossierCountsBody, DossierListBody},
    invitations::{BulkRowStatus, InvitationRequest},
};
use domain::Status;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::{
    api::{self, to_json},
    app::Route,
    components::{
        TextInput, count,
        notice::{Notice, NoticeArea},
        plural, value_of,
    },
    state::session::{SignedIn, use_signed_in},
};

/// A formation as the dashboard offers it: in the formation filter, and by its open access
/// codes in the invitation form (read from the formations list, whose other members are left).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct FormationChoice {
    id: String,
    title: String,
    variants: Vec<VariantChoice>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct VariantChoice {
    access_code: String,
    label: String,
    open: bool,
}

/// The list's filters.
#[derive(Debug, Clone, PartialEq, Default)]
struct Filters {
    formation_id: String,
    status: String,
    complete: String,
    words: String,
    sort: String,
    /// The `next_cursor` of each page before this one: page 1 has none, page n has n − 1. A
    /// cursor costs the server the same at any depth, where a page number makes it skip rows.
    trail: Vec<String>,
}

impl Filters {
    fn query(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |name: &str, value: &str| {
            if !value.is_empty() {
                parts.push(format!("{name}={}", js_sys::encode_uri_component(value)));
            }
        };
        add("formation_id", &self.formation_id);
        add("status", &self.status);
        add("complete", &self.complete);
        add("q", self.words.trim());
        add("sort", &self.sort);
        let page = (self.trail.len() + 1).to_string();
        add("page", &page);
        if let Some(cursor) = self.trail.last() {
            add("cursor", cursor);
        }
        add("per_page", "25");
        parts.join("&")
    }
}

#[component]
pub fn Dashboard() -> Html {
    let SignedIn { token, .. } = use_signed_in();
    let filters = use_state(Filters::default);
    let counts = use_state(|| None::<DossierCountsBody>);
    let list = use_state(|| None::<DossierListBody>);
    let formations = use_state(Vec::<FormationChoice>::new);
    let notice = use_state(|| None::<Notice>);
    let refreshed = use_state(|| 0_u32);

    // Answers may come back out of order: only the latest request's are shown.
    let latest = use_mut_ref(|| 0_u64);
    {
        let (counts, list, formations, notice, token) = (
            counts.clone(),
            list.clone(),
            formations.clone(),
            notice.clone(),
            token.clone(),
        );
        let latest = latest.clone();
        use_effect_with(
            ((*filters).clone(), *refreshed, token.clone()),
            move |(filters, _, _)| {
                let filters = filters.clone();
                *latest.borrow_mut() += 1;
                let mine = *latest.borrow();
                let current = move || *latest.borrow() == mine;
                yew::platform::spawn_local(async move {
                    let Some(token) = token else { return };
                    let found = api::counts(&filters.formation_id, &token).await;
                    if !current() {
                        return;
                    }
                    match found {
                        Ok(body) => counts.set(Some(body)),
                        Err(problem) => notice.set(Some(Notice::problem(&problem))),
                    }
                    let found = api::dossiers(&filters.query(), &token).await;
                    if !current() {
                        return;
                    }
                    match found {
                        Ok(body) => list.set(Some(body)),
                        Err(problem) => notice.set(Some(Notice::problem(&problem))),
                    }
                    if let Ok(found) = api::formations::<FormationChoice>(&token).await {
                        formations.set(found);
                    }
                });
            },
        );
    }
    let Some(token) = token else {
        return html! { <Redirect to={Route::Home} /> };
    };
    let set_filter = |apply: fn(&mut Filters, String)| {
        let filters = filters.clone();
        Callback::from(move |event: Event| {
            let mut next = (*filters).clone();
            apply(&mut next, value_of(&event));
            next.trail.clear();
            filters.set(next);
        })
    };
    let on_words = {
        let filters = filters.clone();
        Callback::from(move |event: InputEvent| {
            let mut next = (*filters).clone();
            next.words = value_of(&event);
            next.trail.clear();
            filters.set(next);
        })
    };
    let on_page = {
        let (filters, list) = (filters.clone(), list.clone());
        Callback::from(move |page: u64| {
            let mut next = (*filters).clone();
            if page as usize > next.trail.len() + 1 {
                let Some(cursor) = list.as_ref().and_then(|l| l.next_cursor.clone()) else {
                    return;
                };
                next.trail.push(cursor);
            } else {
                next.trail.pop();
            }
            filters.set(next);
        })
    };
    let export = {
        let (filters, token, notice) = (filters.clone(), token.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let (query, token, notice) = (filters.query(), token.clone(), notice.clone());
            yew::platform::spawn_local(async move {
                match api::export(&query, &token).await {
                    Ok(text) => crate::components::save_bytes(
                        "dossiers.csv",
                        text.as_bytes(),
                        "text/csv;charset=utf-8",
                    ),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    let on_invited = {
        let refreshed = refreshed.clone();
        Callback::from(move |_| refreshed.set(*refreshed + 1))
    };
    let current = (*filters).clone();
    // A status counter changes the status filter too: the select is told, since its options'
    // `selected` only counts until the user has chosen one by hand.
    let status_select = use_node_ref();
    {
        let status_select = status_select.clone();
        use_effect_with(current.status.clone(), move |status| {
            if let Some(select) = status_select.cast::<web_sys::HtmlSelectElement>() {
                select.set_value(status);
            }
        });
    }
    html! {
        <main id="contenu" class="page tableau">
            <h1>{ "Tableau de bord" }</h1>
            <NoticeArea notice={(*notice).clone()} />
            if let Some(counts) = &*counts {
                <section aria-labelledby="titre-compteurs">
                    <h2 id="titre-compteurs">{ "Dossiers par statut" }</h2>
                    <ul class="compteurs" data-testid="counts">
                        <li data-testid="count-total"><strong>{ counts.total }</strong>{ " au total" }</li>
                        <li data-testid="count-complete"><strong>{ counts.complete }</strong>{ " " }{ plural(counts.complete, "complet", "complets") }</li>
                        // Each status is a queue: a click lists its dossiers (« Validation
                        // demandée » is the responsable's « à valider »).
                        { for Status::ALL.iter().filter(|s| counts.by_status.get(s.key()).copied().unwrap_or(0) > 0).map(|s| {
                            let shown = current.status == s.key();
                            let onclick = {
                                let (filters, key) = (filters.clone(), s.key());
                                Callback::from(move |_: MouseEvent| {
                                    let mut next = (*filters).clone();
                                    next.status = if next.status == key { String::new() } else { key.to_owned() };
                                    next.trail.clear();
                                    filters.set(next);
                                })
                            };
                            html! {
                                <li data-testid={format!("count-{}", s.key())} class={classes!((*s == Status::ValidationRequested).then_some("a-valider"))}>
                                    <button type="button" class="lien" aria-pressed={shown.to_string()} onclick={onclick}
                                        title={if shown { "Voir tous les statuts" } else { "Voir ces dossiers" }}>
                                        <strong>{ counts.by_status.get(s.key()).copied().unwrap_or(0) }</strong>
                                        { format!(" {}", if *s == Status::ValidationRequested { "à valider" } else { s.label() }) }
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                </section>
            }
            <section aria-labelledby="titre-liste">
                <h2 id="titre-liste">{ "Dossiers" }</h2>
                <form class="filtres" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())} role="search">
                    <div class="champ">
                        <label for="filtre-formation">{ "Formation" }</label>
                        <select id="filtre-formation" onchange={set_filter(|f, v| f.formation_id = v)} data-testid="filter-formation">
                            <option value="" selected={current.formation_id.is_empty()}>{ "Toutes" }</option>
                            { for formations.iter().map(|f| html! { <option value={f.id.clone()} selected={current.formation_id == f.id}>{ &f.title }</option> }) }
                        </select>
                    </div>
                    <div class="champ">
                        <label for="filtre-statut">{ "Statut" }</label>
                        <select id="filtre-statut" ref={status_select} onchange={set_filter(|f, v| f.status = v)} data-testid="filter-status">
                            <option value="" selected={current.status.is_empty()}>{ "Tous" }</option>
                            { for Status::ALL.iter().map(|s| html! { <option value={s.key()} selected={current.status == s.key()}>{ s.label() }</option> }) }
                        </select>
                    </div>
                    <div class="champ">
                        <label for="filtre-complet">{ "Complétude" }</label>
                        <select id="filtre-complet" onchange={set_filter(|f, v| f.complete = v)} data-testid="filter-complete">
                            <option value="" selected={current.complete.is_empty()}>{ "Tous" }</option>
                            <option value="true" selected={current.complete == "true"}>{ "Complets" }</option>
                            <option value="false" selected={current.complete == "false"}>{ "À compléter" }</option>
                        </select>
                    </div>
                    <div class="champ">
                        <label for="filtre-texte">{ "Rechercher (nom, courriel, SIRET)" }</label>
                        <input id="filtre-texte" type="search" value={current.words.clone()} oninput={on_words} data-testid="filter-words" />
                    </div>
                    <div class="champ">
                        <label for="filtre-tri">{ "Trier par" }</label>
                        <select id="filtre-tri" onchange={set_filter(|f, v| f.sort = v)} data-testid="filter-sort">
                            <option value="-updated_at" selected={current.sort.is_empty() || current.sort == "-updated_at"}>{ "Dernière modification" }</option>
                            <option value="name" selected={current.sort == "name"}>{ "Nom de l'alternant" }</option>
                            <option value="status" selected={current.sort == "status"}>{ "Statut" }</option>
                            <option value="contract_start" selected={current.sort == "contract_start"}>{ "Début du contrat" }</option>
                        </select>
                    </div>
                </form>
                <button type="button" class="secondaire" onclick={export} data-testid="export">{ "Exporter la liste (CSV)" }</button>
                <BatchDownload query={filters.query()} token={token.clone()} />
                {
                    match &*list {
                        None => html! { <p aria-busy="true">{ "Chargement…" }</p> },
                        Some(list) if list.items.is_empty() => html! { <p data-testid="empty-list">{ "Aucun dossier ne correspond." }</p> },
                        Some(list) => html! {
                            <>
                                <table class="liste" data-testid="dossier-list">
                                    <caption class="visuellement-cache">{ "Dossiers de votre périmètre" }</caption>
                                    <thead><tr>
                                        <th scope="col">{ "Alternant" }</th><th scope="col">{ "Formation" }</th>
                                        <th scope="col">{ "Employeur" }</th><th scope="col">{ "Statut" }</th>
                                        <th scope="col">{ "Progression" }</th><th scope="col">{ "Début du contrat" }</th>
                                    </tr></thead>
                                    <tbody>
                                        { for list.items.iter().map(|d| html! {
                                            <tr data-testid="dossier-row" data-status={d.status.clone()}>
                                                <td data-label="Alternant"><Link to={Route::Dossier { id: d.id.clone() }}>
                                                    { d.apprentice_name.clone().or_else(|| d.apprentice_email.clone()).unwrap_or_else(|| "(sans nom)".into()) }
                                                </Link></td>
                                                <td data-label="Formation">{ format!("{} ({})", d.formation_title, d.access_code) }</td>
                                                <td data-label="Employeur">{ d.employer_name.clone().unwrap_or_else(|| "—".into()) }</td>
                                                <td data-label="Statut">{ &d.status_label }</td>
                                                <td data-label="Progression">{ if d.complete { "Complet ✓" } else { "À compléter" } }</td>
                                                <td data-label="Début du contrat">{ d.contract_start.map(domain::print::date_text).unwrap_or_else(|| "—".into()) }</td>
                                            </tr>
                                        }) }
                                    </tbody>
                                </table>
                                <crate::components::Pager total={list.total} page={list.page} per_page={list.per_page}
                                    noun={("dossier", "dossiers")} on_page={on_page.clone()} label="Pages des dossiers" />
                            </>
                        },
                    }
                }
            </section>
            <div class="colonnes">
                <InviteOne token={token.clone()} formations={(*formations).clone()} on_done={on_invited.clone()} />
                <InviteMany token={token.clone()} on_done={on_invited} />
            </div>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct InviteProps {
    token: String,
    on_done: Callback<()>,
}

#[derive(Properties, PartialEq)]
struct InviteOneProps {
    token: String,
    /// The formations whose open codes may be picked.
    formations: Vec<FormationChoice>,
    on_done: Callback<()>,
}

/// Invite one apprentice.
#[component]
fn InviteOne(props: &InviteOneProps) -> Html {
    let email = use_state(String::new);
    let first_name = use_state(String::new);
    let last_name = use_state(String::new);
    let code = use_state(String::new);
    let notice = use_state(|| None::<Notice>);
    let onsubmit = {
        let (email, first_name, last_name, code, notice) = (
            email.clone(),
            first_name.clone(),
            last_name.clone(),
            code.clone(),
            notice.clone(),
        );
        let (token, on_done) = (props.token.clone(), props.on_done.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let body = to_json(&InvitationRequest {
                email: email.trim().to_owned(),
                first_name: first_name.trim().to_owned(),
                last_name: last_name.trim().to_owned(),
                access_code: code.trim().to_owned(),
            });
            let (notice, token, on_done) = (notice.clone(), token.clone(), on_done.clone());
            let address = (*email).clone();
            yew::platform::spawn_local(async move {
                match api::invite(&body, &token).await {
                    Ok(_) => {
                        notice.set(Some(Notice::Success(format!(
                            "Invitation envoyée à {address}."
                        ))));
                        on_done.emit(());
                    }
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    html! {
        <section class="carte" aria-labelledby="titre-inviter">
            <h2 id="titre-inviter">{ "Inviter un alternant" }</h2>
            <form onsubmit={onsubmit} novalidate=true>
                <TextInput id="invite-first-name" label="Prénom" value={first_name} required=true />
                <TextInput id="invite-last-name" label="Nom" value={last_name} required=true />
                <TextInput id="invite-email" label="Courriel" kind="email" value={email} required=true />
                // The code is picked among the open ones, never typed.
                <div class="champ">
                    <label for="invite-code">{ "Formation et code d'accès" }<span class="obligatoire" aria-hidden="true">{ " *" }</span></label>
                    <select id="invite-code" required=true onchange={{ let code = code.clone(); Callback::from(move |e: Event| code.set(value_of(&e))) }}
                        aria-describedby="invite-code-aide" data-testid="invite-code">
                        <option value="" selected={code.is_empty()}>{ "— Choisir —" }</option>
                        { for props.formations.iter().flat_map(|f| f.variants.iter().filter(|v| v.open).map(move |v| (f, v))).map(|(f, v)| html! {
                            <option value={v.access_code.clone()} selected={*code == v.access_code}>
                                { format!("{} — {} ({})", f.title, v.label, v.access_code) }
                            </option>
                        }) }
                    </select>
                    <p class="aide" id="invite-code-aide">{ "Seuls les codes ouverts sont proposés." }</p>
                </div>
                <NoticeArea notice={(*notice).clone()} />
                <button type="submit" data-testid="invite-submit">{ "Inviter" }</button>
            </form>
        </section>
    }
}

/// A CSV file read for its preview: the header line and each record, a quoted cell's line
/// breaks kept inside its record.
#[derive(Debug, Clone, PartialEq)]
struct CsvFile {
    header: String,
    records: Vec<String>,
}

impl CsvFile {
    /// Splits `text` into records at the line breaks outside quotes; blank records are left.
    fn read(text: &str) -> Option<Self> {
        let text = text.trim_start_matches('\u{feff}');
        let mut records = Vec::new();
        let (mut start, mut quoted) = (0, false);
        let bytes = text.as_bytes();
        for (at, &byte) in bytes.iter().enumerate() {
            match byte {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => {
                    records.push(text[start..at].trim_end_matches('\r'));
                    start = at + 1;
                }
                _ => {}
            }
        }
        records.push(&text[start..]);
        let mut records = records.into_iter().filter(|r| !r.trim().is_empty());
        let header = records.next()?.to_owned();
        Some(Self {
            header,
            records: records.map(str::to_owned).collect(),
        })
    }

    /// The cells of a record, unquoted, for the preview.
    fn cells(&self, record: &str) -> Vec<String> {
        let separator = char::from(api_types::invitations::csv_delimiter(&self.header));
        let (mut cells, mut cell, mut quoted) = (Vec::new(), String::new(), false);
        let mut chars = record.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    cell.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                c if c == separator && !quoted => cells.push(std::mem::take(&mut cell)),
                c => cell.push(c),
            }
        }
        cells.push(cell);
        cells.into_iter().map(|c| c.trim().to_owned()).collect()
    }
}

/// What an import did, row by row.
#[derive(Debug, Clone, PartialEq, Default)]
struct ImportReport {
    rows: Vec<(usize, String, &'static str, String)>,
    created: u64,
    already: u64,
    errors: u64,
}

/// Rows sent per request, so that the bar moves and each answer stays small.
const SLICE: usize = 500;

/// Invite many from a CSV file: a preview of what was read, a confirmation, then the rows in
/// slices with a progress bar, each row's fate and a summary.
#[component]
fn InviteMany(props: &InviteProps) -> Html {
    let notice = use_state(|| None::<Notice>);
    let pending = use_state(|| None::<CsvFile>);
    let progress = use_state(|| None::<(usize, usize)>);
    let report = use_state(ImportReport::default);
    let onchange = {
        let (notice, pending, progress, report) = (
            notice.clone(),
            pending.clone(),
            progress.clone(),
            report.clone(),
        );
        Callback::from(move |event: Event| {
            let Some(file) = crate::components::file_of(&event) else {
                return;
            };
            let (notice, pending, progress, report) = (
                notice.clone(),
                pending.clone(),
                progress.clone(),
                report.clone(),
            );
            yew::platform::spawn_local(async move {
                progress.set(None);
                report.set(ImportReport::default());
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|text| text.as_string());
                match text.as_deref().map(CsvFile::read) {
                    None => notice.set(Some(Notice::Error(
                        "Le fichier n'a pas pu être lu.".into(),
                        Vec::new(),
                    ))),
                    Some(Some(csv)) if !csv.records.is_empty() => {
                        notice.set(None);
                        pending.set(Some(csv));
                    }
                    Some(_) => notice.set(Some(Notice::Error(
                        "Le fichier ne contient aucune ligne à inviter sous sa ligne d'en-tête."
                            .into(),
                        Vec::new(),
                    ))),
                }
            });
        })
    };
    let cancel = {
        let pending = pending.clone();
        Callback::from(move |_: MouseEvent| pending.set(None))
    };
    let confirm = {
        let (notice, pending, progress, report) = (
            notice.clone(),
            pending.clone(),
            progress.clone(),
            report.clone(),
        );
        let (token, on_done) = (props.token.clone(), props.on_done.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(csv) = (*pending).clone() else {
                return;
            };
            pending.set(None);
            let (notice, progress, report, token, on_done) = (
                notice.clone(),
                progress.clone(),
                report.clone(),
                token.clone(),
                on_done.clone(),
            );
            yew::platform::spawn_local(async move {
                let total = csv.records.len();
                let mut done = 0;
                let mut out = ImportReport::default();
                progress.set(Some((0, total)));
                for (index, slice) in csv.records.chunks(SLICE).enumerate() {
                    let body = format!("{}\n{}\n", csv.header, slice.join("\n"));
                    match api::invite_csv(body, &token).await {
                        Ok(answer) => {
                            for row in answer.results {
                                let status = match row.status {
                                    BulkRowStatus::Created => {
                                        out.created += 1;
                                        "invitation envoyée"
                                    }
                                    BulkRowStatus::AlreadyInvited => {
                                        out.already += 1;
                                        "déjà invité(e)"
                                    }
                                    BulkRowStatus::Error => {
                                        out.errors += 1;
                                        "erreur"
                                    }
                                };
                                let why = row
                                    .errors
                                    .iter()
                                    .map(|e| e.message.clone())
                                    .collect::<Vec<_>>()
                                    .join(" ; ");
                                out.rows
                                    .push((index * SLICE + row.row, row.email, status, why));
                            }
                        }
                        Err(problem) => {
                            notice.set(Some(Notice::problem(&problem)));
                            break;
                        }
                    }
                    done += slice.len();
                    progress.set(Some((done, total)));
                    report.set(out.clone());
                }
                on_done.emit(());
            });
        })
    };
    let finished = matches!(*progress, Some((done, total)) if done == total);
    html! {
        <section class="carte" aria-labelledby="titre-import">
            <h2 id="titre-import">{ "Inviter plusieurs alternants (fichier CSV)" }</h2>
            <p class="aide" id="import-aide">{ "Une ligne d'en-tête : courriel;prénom;nom;code d'accès (séparateur « ; », « , » ou tabulation). Vous verrez les lignes lues avant de confirmer ; chaque alternant reçoit ensuite ses identifiants par courriel." }</p>
            <label for="import-csv">{ "Fichier CSV" }</label>
            <input id="import-csv" type="file" accept=".csv,text/csv" onchange={onchange} aria-describedby="import-aide" data-testid="bulk-file" />
            <NoticeArea notice={(*notice).clone()} />
            if let Some(csv) = &*pending {
                <div class="confirmation" data-testid="bulk-preview">
                    <p><strong>{ format!("{} à inviter.", count(csv.records.len() as u64, "ligne", "lignes")) }</strong>
                        { if csv.records.len() > 5 { " Les cinq premières :" } else { "" } }</p>
                    <table>
                        <caption class="visuellement-cache">{ "Aperçu du fichier" }</caption>
                        <thead><tr>{ for csv.cells(&csv.header).into_iter().map(|h| html! { <th scope="col">{ h }</th> }) }</tr></thead>
                        <tbody>
                            { for csv.records.iter().take(5).map(|record| {
                                let headers = csv.cells(&csv.header);
                                html! {
                                    <tr data-testid="bulk-preview-row">
                                        { for csv.cells(record).into_iter().enumerate().map(|(i, cell)| html! {
                                            <td data-label={headers.get(i).cloned().unwrap_or_default()}>{ cell }</td>
                                        }) }
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                    <button type="button" onclick={confirm} data-testid="bulk-confirm">
                        { format!("Inviter {}", count(csv.records.len() as u64, "alternant", "alternants")) }
                    </button>
                    <button type="button" class="secondaire" onclick={cancel} data-testid="bulk-cancel">{ "Annuler" }</button>
                </div>
            }
            if let Some((done, total)) = *progress {
                <label for="import-progression">{ format!("Progression : {done} / {total}") }</label>
                <progress id="import-progression" max={total.max(1).to_string()} value={done.to_string()} data-testid="bulk-progress" />
            }
            if finished {
                <p class="message info" role="status" data-testid="bulk-summary">
                    { format!("Import terminé : {}, {}, {}.",
                        count(report.created, "invitation envoyée", "invitations envoyées"),
                        count(report.already, "déjà invité(e)", "déjà invité(e)s"),
                        count(report.errors, "erreur", "erreurs")) }
                </p>
            }
            if !report.rows.is_empty() {
                <table data-testid="bulk-report">
                    <caption>{ "Compte rendu, ligne par ligne" }</caption>
                    <thead><tr><th scope="col">{ "Ligne" }</th><th scope="col">{ "Courriel" }</th><th scope="col">{ "Résultat" }</th><th scope="col">{ "Détail" }</th></tr></thead>
                    <tbody>
                        { for report.rows.iter().map(|(row, email, status, why)| html! {
                            <tr data-testid="bulk-row"><td data-label="Ligne">{ row }</td><td data-label="Courriel">{ email }</td><td data-label="Résultat">{ *status }</td><td data-label="Détail">{ why }</td></tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BatchProps {
    query: String,
    token: String,
}

/// Counts the entries of a ZIP as its bytes arrive: each starts with `PK\x03\x04`. `tail` keeps
/// the last bytes of the previous chunk, where a signature may have begun.
fn entries_in(tail: &mut Vec<u8>, chunk: &[u8]) -> usize {
    let mut window = std::mem::take(tail);
    window.extend_from_slice(chunk);
    let count = window.windows(4).filter(|w| *w == b"PK\x03\x04").count();
    *tail = window[window.len().saturating_sub(3)..].to_vec();
    count
}

/// Reads a download to its end, telling `progress` of each entry that arrives.
async fn read_zip(response: gloo_net::http::Response, progress: impl Fn(usize)) -> Option<Vec<u8>> {
    let body = response.body()?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().dyn_into().ok()?;
    let (mut bytes, mut tail, mut entries) = (Vec::new(), Vec::new(), 0);
    loop {
        let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .ok()?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()?
            .is_truthy();
        if done {
            return Some(bytes);
        }
        let value: js_sys::Uint8Array = js_sys::Reflect::get(&chunk, &"value".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let part = value.to_vec();
        entries += entries_in(&mut tail, &part);
        bytes.extend_from_slice(&part);
        progress(entries);
    }
}

/// « Télécharger les CERFA de la liste » with a progress bar: the documents of every dossier the
/// filters select, as one ZIP the server makes while it sends it.
#[component]
fn BatchDownload(props: &BatchProps) -> Html {
    let kind = use_state(|| "cerfa".to_owned());
    let progress = use_state(|| None::<(usize, u64)>);
    let notice = use_state(|| None::<Notice>);
    let onclick = {
        let (kind, progress, notice) = (kind.clone(), progress.clone(), notice.clone());
        let (query, token) = (props.query.clone(), props.token.clone());
        Callback::from(move |_: MouseEvent| {
            let (kind, progress, notice, query, token) = (
                (*kind).clone(),
                progress.clone(),
                notice.clone(),
                query.clone(),
                token.clone(),
            );
            notice.set(None);
            yew::platform::spawn_local(async move {
                let (response, name) = match api::document_batch(&kind, &query, &token).await {
                    Ok(answer) => answer,
                    Err(problem) => return notice.set(Some(Notice::problem(&problem))),
                };
                let total: u64 = response
                    .headers()
                    .get("x-document-count")
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                progress.set(Some((0, total)));
                let shown = progress.clone();
                let read = read_zip(response, move |done| shown.set(Some((done, total)))).await;
                progress.set(None);
                match read {
                    Some(bytes) => crate::components::save_bytes(
                        &name.unwrap_or_else(|| format!("{kind}.zip")),
                        &bytes,
                        "application/zip",
                    ),
                    None => notice.set(Some(Notice::Error(
                        "Le téléchargement s'est interrompu : relancez-le.".into(),
                        Vec::new(),
                    ))),
                }
            });
        })
    };
    html! {
        <div class="lot" data-testid="batch">
            <label for="lot-type">{ "Documents de la liste" }</label>
            <select id="lot-type" onchange={{ let kind = kind.clone(); Callback::from(move |e: Event| kind.set(value_of(&e))) }}>
                <option value="cerfa" selected={*kind == "cerfa"}>{ "CERFA" }</option>
                <option value="convention" selected={*kind == "convention"}>{ "Conventions de formation" }</option>
            </select>
            <button type="button" class="secondaire" onclick={onclick} disabled={progress.is_some()} data-testid="batch-download">
                { "Télécharger (ZIP)" }
            </button>
            if let Some((done, total)) = *progress {
                <progress max={total.max(1).to_string()} value={done.to_string()} data-testid="batch-progress">
                    { format!("{done} sur {total}") }
                </progress>
                <span aria-live="polite">{ format!(" {done} document(s) sur {total} dossier(s)") }</span>
            }
            <NoticeArea notice={(*notice).clone()} />
        </div>
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_quoted_line_break_stays_inside_its_record_and_blank_lines_are_left() {
        let csv = CsvFile::read(
            "\u{feff}courriel;prénom;nom;code\r\na@x.fr;\"Anne\nMarie\";Durand;F724\r\n\r\nb@x.fr;Bob;\"Le \"\"Roi\"\"\";F724\n",
        )
        .unwrap();

        assert_eq!(csv.header, "courriel;prénom;nom;code");
        assert_eq!(csv.records.len(), 2);
        assert_eq!(
            csv.cells(&csv.records[0]),
            ["a@x.fr", "Anne\nMarie", "Durand", "F724"]
        );
        assert_eq!(csv.cells(&csv.records[1])[2], "Le \"Roi\"");
    }

    #[test]
    fn a_file_of_a_header_alone_has_no_record() {
        let header_only = CsvFile::read("email,first_name,last_name,access_code\n").unwrap();
        assert!(header_only.records.is_empty());
        assert!(CsvFile::read("  \n").is_none());
    }
}
