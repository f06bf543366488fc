//! What keeps the secret parts of a dossier's content (the apprentice's NIR) encrypted in the
//! database. The storage layer does not know how: every dossier query that reads or writes
//! content takes a [`Seal`], so that no path can store or hand out a dossier without going
//! through it. The server's implementation encrypts with a key from its settings.

use serde_json::Value as Json;

use crate::DbResult;

/// Seals content before it is stored and opens it when it is read.
pub trait Seal: Send + Sync {
    /// Replaces, in `content` of dossier `dossier_id`, each secret value by its sealed form.
    fn seal(&self, dossier_id: &str, content: &mut Json) -> DbResult<()>;

    /// Replaces each sealed value of `content` by the value itself. A value stored before
    /// sealing existed is left as it is (it is sealed at the dossier's next write).
    fn open(&self, dossier_id: &str, content: &mut Json) -> DbResult<()>;

    /// Seals kept bytes (a document, which may print the NIR), bound to their `name`.
    fn seal_bytes(&self, _name: &str, bytes: Vec<u8>) -> DbResult<Vec<u8>> {
        Ok(bytes)
    }

    /// Opens what [`Seal::seal_bytes`] made; bytes kept unsealed come back as they are.
    fn open_bytes(&self, _name: &str, bytes: Vec<u8>) -> DbResult<Vec<u8>> {
        Ok(bytes)
    }
}

/// Content stored as it is: for tools that only count or move rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSeal;

impl Seal for NoSeal {
    fn seal(&self, _dossier_id: &str, _content: &mut Json) -> DbResult<()> {
        Ok(())
    }

    fn open(&self, _dossier_id: &str, _content: &mut Json) -> DbResult<()> {
        Ok(())
    }
}
