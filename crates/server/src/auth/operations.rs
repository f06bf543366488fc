//! Which credentials each operation accepts — declared once, next to each handler, in its
//! `#[utoipa::path(security(...))]`, and enforced here from the OpenAPI document built out of
//! those declarations, so that the code and the document cannot say different things.
//!
//! - `security(("bearer" = []))`: signed-in people only; API tokens are refused.
//! - `security(("bearer" = []), ("api_token" = ["dossiers_read"]))`: people, and API tokens
//!   holding every scope listed (OpenAPI 3.1 lets non-OAuth schemes name roles there).
//! - `security(())`: anyone; such an operation does not ask who is calling.
//! - `metrics_token`: the scraper's token of `/metrics`, checked by that handler.
//!
//! An operation without a `security` declaration is refused at start-up.

use std::collections::HashMap;

use api_types::account::TokenScope;
use serde_json::Value as Json;

/// The credentials one operation accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepts {
    /// Whether a signed-in person's access token is accepted.
    pub people: bool,
    /// `None`: API tokens are refused; otherwise the scopes a token must hold (all of them).
    pub token_scopes: Option<Vec<TokenScope>>,
}

/// Every operation's [`Accepts`], by path template then method (looked up on every
/// authenticated request without allocating).
#[derive(Debug, Default)]
pub struct OperationAccess {
    by_route: HashMap<String, HashMap<String, Accepts>>,
}

impl OperationAccess {
    /// Reads every operation's declaration from the OpenAPI document (as JSON).
    pub fn from_document(document: &Json) -> Result<Self, String> {
        let mut by_route: HashMap<String, HashMap<String, Accepts>> = HashMap::new();
        let paths = document
            .get("paths")
            .and_then(Json::as_object)
            .ok_or("the OpenAPI document has no paths")?;
        for (path, operations) in paths {
            let Some(operations) = operations.as_object() else {
                continue;
            };
            for (method, operation) in operations {
                let requirements = operation
                    .get("security")
                    .and_then(Json::as_array)
                    .ok_or_else(|| {
                        format!(
                            "{} {path} declares no `security`: say who may call it",
                            method.to_uppercase()
                        )
                    })?;
                let mut accepts = Accepts {
                    people: false,
                    token_scopes: None,
                };
                for requirement in requirements.iter().filter_map(Json::as_object) {
                    for (scheme, scopes) in requirement {
                        match scheme.as_str() {
                            "bearer" => accepts.people = true,
                            "api_token" => {
                                let scopes = scopes
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .map(|scope| {
                                        scope.as_str().and_then(TokenScope::from_key).ok_or_else(
                                            || format!("{method} {path}: unknown scope {scope}"),
                                        )
                                    })
                                    .collect::<Result<Vec<_>, _>>()?;
                                accepts.token_scopes = Some(scopes);
                            }
                            // Checked by its one handler, not by `Caller`.
                            "metrics_token" => {}
                            other => {
                                return Err(format!("{method} {path}: unknown scheme {other}"));
                            }
                        }
                    }
                }
                by_route
                    .entry(path.clone())
                    .or_default()
                    .insert(method.to_uppercase(), accepts);
            }
        }
        Ok(Self { by_route })
    }

    /// What the operation at `method` and `path_template` (`/api/v1/dossiers/{id}`) accepts;
    /// `None` for an operation the document does not have.
    pub fn of(&self, method: &str, path_template: &str) -> Option<&Accepts> {
        self.by_route.get(path_template)?.get(method)
    }

    /// The methods the document has at a concrete `path` (`/api/v1/dossiers/abc`), sorted; empty
    /// when no operation has that path. What a 405 lists in `Allow`. Where templates overlap,
    /// the most specific wins: `/dossiers/counts` is `GET /dossiers/counts`, not also the
    /// `PATCH /dossiers/{id}` its shape fits.
    pub fn methods_at(&self, path: &str) -> Vec<&str> {
        let parameters = |template: &str| template.matches('{').count();
        let fitting: Vec<&String> = self
            .by_route
            .keys()
            .filter(|template| template_matches(template, path))
            .collect();
        let fewest = fitting.iter().map(|t| parameters(t)).min();
        let mut methods: Vec<&str> = fitting
            .into_iter()
            .filter(|template| Some(parameters(template)) == fewest)
            .flat_map(|template| self.by_route[template].keys().map(String::as_str))
            .collect();
        methods.sort_unstable();
        methods.dedup();
        methods
    }
}

/// Whether `path` fits `template`, segment by segment, a `{name}` standing for one non-empty
/// segment.
fn template_matches(template: &str, path: &str) -> bool {
    let mut wanted = template.split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') && !g.is_empty() => {}
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    #[test]
    fn an_operation_without_a_security_declaration_is_refused() {
        let document = json!({"paths": {"/x": {"get": {}}}});

        let refused = OperationAccess::from_document(&document).unwrap_err();

        assert!(
            refused.contains("GET /x declares no `security`"),
            "{refused}"
        );
    }

    #[test]
    fn declarations_say_who_may_call_with_which_scopes() {
        let document = json!({"paths": {
            "/people": {"get": {"security": [{"bearer": []}]}},
            "/scripts": {"post": {"security": [{"bearer": []}, {"api_token": ["invitations"]}]}},
            "/anyone": {"get": {"security": [{}]}},
        }});

        let access = OperationAccess::from_document(&document).unwrap();

        assert_eq!(
            access.of("GET", "/people"),
            Some(&Accepts {
                people: true,
                token_scopes: None
            })
        );
        assert_eq!(
            access.of("POST", "/scripts"),
            Some(&Accepts {
                people: true,
                token_scopes: Some(vec![TokenScope::Invitations])
            })
        );
        assert_eq!(
            access.of("GET", "/anyone"),
            Some(&Accepts {
                people: false,
                token_scopes: None
            })
        );
        assert_eq!(access.of("GET", "/elsewhere"), None);
    }

    #[test]
    fn the_methods_at_a_path_are_those_of_every_template_it_fits() {
        let document = json!({"paths": {
            "/d": {"get": {"security": [{}]}},
            "/d/{id}": {"get": {"security": [{}]}, "patch": {"security": [{}]}},
            "/d/counts": {"get": {"security": [{}]}},
        }});
        let access = OperationAccess::from_document(&document).unwrap();

        assert_eq!(access.methods_at("/d/abc"), ["GET", "PATCH"]);
        assert_eq!(access.methods_at("/d/counts"), ["GET"]);
        assert_eq!(access.methods_at("/d"), ["GET"]);
        assert!(access.methods_at("/d/").is_empty());
        assert!(access.methods_at("/d/abc/more").is_empty());
        assert!(access.methods_at("/elsewhere").is_empty());
    }
}
