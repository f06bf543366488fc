//! The stable `code` of every problem the API answers (`application/problem+json`) and of the
//! field errors the server names itself; the domain's validators carry their own (`FieldError::code`).
//! Clients switch on these; they never change meaning.

/// `access_code_taken`.
pub const ACCESS_CODE_TAKEN: &str = "access_code_taken";
/// `already_invited`.
pub const ALREADY_INVITED: &str = "already_invited";
/// `api_token_not_accepted`.
pub const API_TOKEN_NOT_ACCEPTED: &str = "api_token_not_accepted";
/// `base_incomplete`.
pub const BASE_INCOMPLETE: &str = "base_incomplete";
/// `closed_access_code`.
pub const CLOSED_ACCESS_CODE: &str = "closed_access_code";
/// `concurrent_signature`: other signatures of the circuit were being written at the same
/// moment; trying again a moment later works.
pub const CONCURRENT_SIGNATURE: &str = "concurrent_signature";
/// `concurrent_invitation`.
pub const CONCURRENT_INVITATION: &str = "concurrent_invitation";
/// `csv_encoding`.
pub const CSV_ENCODING: &str = "csv_encoding";
/// `csv_header`.
pub const CSV_HEADER: &str = "csv_header";
/// `document_unavailable`.
pub const DOCUMENT_UNAVAILABLE: &str = "document_unavailable";
/// `document_unreadable`: a document kept before the PDF gate existed cannot be completed.
pub const DOCUMENT_UNREADABLE: &str = "document_unreadable";
/// `invalid_pdf`: a PDF from outside refused by the gate, the detail saying why.
pub const INVALID_PDF: &str = "invalid_pdf";

/// `dossier_cancelled`.
pub const DOSSIER_CANCELLED: &str = "dossier_cancelled";
/// `dossier_frozen`.
pub const DOSSIER_FROZEN: &str = "dossier_frozen";
/// `dossier_incomplete`.
pub const DOSSIER_INCOMPLETE: &str = "dossier_incomplete";
/// `dossier_not_found`.
pub const DOSSIER_NOT_FOUND: &str = "dossier_not_found";
/// `economics_missing`.
pub const ECONOMICS_MISSING: &str = "economics_missing";
/// `email_in_use`.
pub const EMAIL_IN_USE: &str = "email_in_use";
/// `email_taken`.
pub const EMAIL_TAKEN: &str = "email_taken";
/// `field_forbidden`.
pub const FIELD_FORBIDDEN: &str = "field_forbidden";
/// `forbidden`.
pub const FORBIDDEN: &str = "forbidden";
/// `formation_not_found`.
pub const FORMATION_NOT_FOUND: &str = "formation_not_found";
/// `generated_password_expired`.
pub const GENERATED_PASSWORD_EXPIRED: &str = "generated_password_expired";
/// `idempotency_in_progress`.
pub const IDEMPOTENCY_IN_PROGRESS: &str = "idempotency_in_progress";
/// `insufficient_scope`.
pub const INSUFFICIENT_SCOPE: &str = "insufficient_scope";
/// `internal_error`.
pub const INTERNAL_ERROR: &str = "internal_error";
/// `invalid_body`.
pub const INVALID_BODY: &str = "invalid_body";
/// `invalid_credentials`.
pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
/// `invalid_idempotency_key`.
pub const INVALID_IDEMPOTENCY_KEY: &str = "invalid_idempotency_key";
/// `invalid_query`.
pub const INVALID_QUERY: &str = "invalid_query";
/// `invalid_reset_token`.
pub const INVALID_RESET_TOKEN: &str = "invalid_reset_token";
/// `invalid_transition`.
pub const INVALID_TRANSITION: &str = "invalid_transition";
/// `invitation_accepted`.
pub const INVITATION_ACCEPTED: &str = "invitation_accepted";
/// `invitation_not_found`.
pub const INVITATION_NOT_FOUND: &str = "invitation_not_found";
/// `malformed_csv`.
pub const MALFORMED_CSV: &str = "malformed_csv";
/// `malformed_json`.
pub const MALFORMED_JSON: &str = "malformed_json";
/// `method_not_allowed`.
pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
/// `not_found`.
pub const NOT_FOUND: &str = "not_found";
/// `payload_too_large`.
pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
/// `precondition_required`.
pub const PRECONDITION_REQUIRED: &str = "precondition_required";
/// `reason_required`.
pub const REASON_REQUIRED: &str = "reason_required";
/// `stale_version`.
pub const STALE_VERSION: &str = "stale_version";
/// `required`: a field that must be filled.
pub const REQUIRED: &str = "required";
/// `signing_link_not_found`: a signer's link that is unknown, used, expired, or of a circuit
/// that ended.
pub const SIGNING_LINK_NOT_FOUND: &str = "signing_link_not_found";
/// `signature_not_started`: a dossier never sent for signature (404).
pub const SIGNATURE_NOT_STARTED: &str = "signature_not_started";
/// `invalid_code`: a signer's one-time code that is wrong, expired or spent.
pub const INVALID_CODE: &str = "invalid_code";
/// `signer_missing`: a signer of the circuit has no address to receive their link.
pub const SIGNER_MISSING: &str = "signer_missing";
/// `signer_not_found`: no signer of this id in the dossier's circuit in progress (404).
pub const SIGNER_NOT_FOUND: &str = "signer_not_found";
/// `signer_done`: a signer who already signed or refused (409).
pub const SIGNER_DONE: &str = "signer_done";
/// `signature_provider_failed`: the signature provider (DocuSign) failed or refused (502).
pub const SIGNATURE_PROVIDER_FAILED: &str = "signature_provider_failed";
/// `sign_with_provider`: a code asked for, or a signature sent, in a circuit whose signers
/// sign at its provider (DocuSign) (409).
pub const SIGN_WITH_PROVIDER: &str = "sign_with_provider";
/// `invalid_signature`: a provider's webhook whose HMAC matches no configured key (401).
pub const INVALID_SIGNATURE: &str = "invalid_signature";
/// A formation's signature plan that misses a required signer, or has turns or reminders out of
/// range.
pub const INVALID_SIGNATURE_PLAN: &str = "invalid_signature_plan";
/// `too_many_attempts`.
pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";
/// 429: the account already had its password links for the throttling window.
pub const TOO_MANY_MAILS: &str = "too_many_mails";
/// `too_many_rows`.
pub const TOO_MANY_ROWS: &str = "too_many_rows";
/// `unauthenticated`.
pub const UNAUTHENTICATED: &str = "unauthenticated";
/// `unknown_access_code`.
pub const UNKNOWN_ACCESS_CODE: &str = "unknown_access_code";
/// `unknown_field`.
pub const UNKNOWN_FIELD: &str = "unknown_field";
/// `unreadable_body`.
pub const UNREADABLE_BODY: &str = "unreadable_body";
/// `unsupported_media_type`.
pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
/// `validation_failed`.
pub const VALIDATION_FAILED: &str = "validation_failed";
/// `variant_not_found`.
pub const VARIANT_NOT_FOUND: &str = "variant_not_found";
