//! The regulatory data the browser's rules read: the server's tables in force (a CFA may have
//! replaced the embedded ones), read once from `GET /api/v1/regulatory-data/{name}` and parsed
//! by the same code as the server's. The IDCC list (64 KB) is not in the app at all.

use std::sync::OnceLock;

use domain::regulatory::{Ceilings, IdccList, RegulatoryData, SmicTable};

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
    let mut data = RegulatoryData::embedded().clone();
    if let Ok(text) = crate::api::regulatory_file("smic").await
        && let Ok(table) = SmicTable::parse(&text)
    {
        data.smic = table;
    }
    if let Ok(text) = crate::api::regulatory_file("ceilings").await
        && let Ok(ceilings) = Ceilings::parse(&text)
    {
        data.ceilings = ceilings;
    }
    if let Ok(text) = crate::api::regulatory_file("idcc").await {
        data.idcc = IdccList::parse(&text).ok();
    }
    let _ = IN_FORCE.set(Box::leak(Box::new(data)));
}
