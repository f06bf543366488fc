//! The regulatory data the browser's rules read: the server's tables in force (a CFA may have
//! replaced the embedded ones), read once from `GET /api/v1/regulatory-data/{name}` and parsed
//! by the same code as the server's. Neither the IDCC list (64 KB) nor the code lists are in the
//! app: both are read here, before a dossier is shown; the SMIC table and the ceilings are, as
//! this release embeds them, so they are read only when a CFA replaced them.

use std::sync::OnceLock;

use domain::{
    codes::CodeLists,
    regulatory::{Ceilings, IdccList, RegulatoryData, SmicTable},
};

static IN_FORCE: OnceLock<&'static RegulatoryData> = OnceLock::new();

/// The data in force: the server's once read, the app's embedded SMIC and ceilings before.
pub fn in_force() -> &'static RegulatoryData {
    IN_FORCE
        .get()
        .copied()
        .unwrap_or_else(RegulatoryData::embedded)
}

/// Reads the server's tables once. A table that cannot be read leaves the embedded one (the
/// IDCC is then checked for its form only in the browser); the server checks either way.
pub async fn load() {
    if IN_FORCE.get().is_some() {
        return;
    }
    let replaced: Vec<String> = crate::api::regulatory_data()
        .await
        .map(|body| {
            body.datasets
                .into_iter()
                // The IDCC list and the code lists are read below whatever their origin.
                .filter(|dataset| {
                    dataset.origin != "embedded"
                        && !["idcc", "codes"].contains(&dataset.name.as_str())
                })
                .map(|dataset| dataset.name)
                .collect()
        })
        .unwrap_or_default();
    let mut data = RegulatoryData::embedded().clone();
    for name in replaced {
        let Ok(text) = crate::api::regulatory_file(&name).await else {
            continue;
        };
        match name.as_str() {
            "smic" => {
                if let Ok(table) = SmicTable::parse(&text) {
                    data.smic = table;
                }
            }
            "ceilings" => {
                if let Ok(ceilings) = Ceilings::parse(&text) {
                    data.ceilings = ceilings;
                }
            }
            _ => {}
        }
    }
    // The codes a dossier holds are slices of the file: it lives as long as the page.
    if let Ok(text) = crate::api::regulatory_file("codes").await
        && let Ok(lists) = CodeLists::parse(text.leak())
    {
        domain::codes::install(lists);
    }
    if let Ok(text) = crate::api::regulatory_file("idcc").await {
        data.idcc = IdccList::parse(&text).ok();
    }
    let _ = IN_FORCE.set(Box::leak(Box::new(data)));
}
