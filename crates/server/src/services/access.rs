//! The one resolver that feeds `domain::access`: the caller, with what access decisions need to
//! know of them (the formations a responsable de formation manages). Every path that reads,
//! lists or writes dossiers, formations or invitations asks through a [`Subject`].

use domain::{
    Role,
    access::{self, DossierScope, FormationScope, Parties, Viewer},
};

use crate::{auth::Caller, error::ApiError, startup::AppState};

/// The caller, resolved for access decisions.
#[derive(Debug, Clone)]
pub struct Subject {
    /// Who is calling.
    pub caller: Caller,
    managed_formations: Vec<String>,
}

impl Subject {
    /// Loads what access decisions need of `caller` (one query, for responsables only).
    pub async fn resolve(state: &AppState, caller: &Caller) -> Result<Self, ApiError> {
        let managed_formations = match caller.role {
            Role::Formation => {
                db::queries::formations::ids_of_responsable(&state.db, &caller.user_id).await?
            }
            Role::Alternant | Role::Employeur | Role::Cfa => Vec::new(),
        };
        Ok(Self {
            caller: caller.clone(),
            managed_formations,
        })
    }

    /// The caller as `domain::access` sees them.
    pub fn viewer(&self) -> Viewer<'_> {
        Viewer {
            user_id: &self.caller.user_id,
            role: self.caller.role,
            managed_formations: &self.managed_formations,
        }
    }

    /// The caller's role.
    pub fn role(&self) -> Role {
        self.caller.role
    }

    /// Whether the caller sees the dossier of `parties`.
    pub fn sees_dossier(&self, parties: Parties<'_>) -> bool {
        access::sees_dossier(self.viewer(), parties)
    }

    /// The dossiers the caller sees, as lists filter them.
    pub fn dossier_scope(&self) -> DossierScope<'_> {
        access::dossier_scope(self.viewer())
    }

    /// The formations the caller sees, as queries filter them: `None` for all of them; refused
    /// for those who see none (apprentices, company contacts).
    pub fn formation_filter(&self) -> Result<Option<&[String]>, ApiError> {
        match access::formation_scope(self.viewer()) {
            FormationScope::All => Ok(None),
            FormationScope::Only(ids) => Ok(Some(ids)),
            FormationScope::None => Err(ApiError::Forbidden),
        }
    }

    /// Whether the caller sees the formation `id`.
    pub fn sees_formation(&self, id: &str) -> bool {
        access::formation_scope(self.viewer()).contains(id)
    }
}
