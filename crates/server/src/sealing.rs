//! The apprentice's NIR, encrypted at rest.
//!
//! Every dossier read or written goes through a [`db::sealing::Seal`]; this one encrypts
//! `apprenti.nir` with AES-256-GCM under the current key of the setting `security.nir_keys`
//! (`id:base64 key`, comma-separated, current first), the dossier's id as associated data (a
//! sealed value moved to another dossier does not open). Stored, the value reads
//! `sealed:v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`.
//!
//! Rotation: put a new key first and keep the old ones after it; every write seals under the new
//! key, `opuntia reseal` seals the rest, after which the old key can go.

use std::collections::HashMap;

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use db::{DbError, DbResult};
use ring::{
    aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey},
    rand::{SecureRandom, SystemRandom},
};
use serde_json::Value as Json;

const PREFIX: &str = "sealed:v1:";

/// The development key: the demo data's NIRs are no secret. Production refuses to start
/// without keys of its own.
const DEVELOPMENT_KEYS: &str = "dev:b3B1bnRpYS1kZXZlbG9wbWVudC1rZXktbm90LXNlY3I=";

/// The NIR keys and the seal they make.
pub struct NirSeal {
    current: String,
    keys: HashMap<String, LessSafeKey>,
    random: SystemRandom,
}

impl std::fmt::Debug for NirSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NirSeal")
            .field("current", &self.current)
            .field("keys", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl NirSeal {
    /// The keys of the setting (`id:base64 key,…`, current first), or the development key when
    /// the setting is empty and `development` allows it.
    pub fn from_setting(setting: &str, development: bool) -> Result<Self, String> {
        let setting = match setting.trim() {
            "" if development => DEVELOPMENT_KEYS,
            "" => {
                return Err(
                    "security.nir_keys (OPUNTIA__SECURITY__NIR_KEYS) is required in production: make one with `opuntia nir-key`".into(),
                );
            }
            configured => configured,
        };
        let mut current = None;
        let mut keys = HashMap::new();
        for entry in setting.split(',').map(str::trim) {
            let (id, encoded) = entry
                .split_once(':')
                .ok_or("security.nir_keys: each key reads `id:base64 key`")?;
            if id.is_empty()
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            {
                return Err(format!(
                    "security.nir_keys: key id « {id} » must be letters, digits, - or _"
                ));
            }
            let bytes = STANDARD
                .decode(encoded.trim())
                .map_err(|_| format!("security.nir_keys: key {id} is not base64"))?;
            let unbound = UnboundKey::new(&AES_256_GCM, &bytes)
                .map_err(|_| format!("security.nir_keys: key {id} must be 32 bytes"))?;
            if keys
                .insert(id.to_owned(), LessSafeKey::new(unbound))
                .is_some()
            {
                return Err(format!("security.nir_keys: key id {id} appears twice"));
            }
            current.get_or_insert_with(|| id.to_owned());
        }
        Ok(Self {
            current: current.ok_or("security.nir_keys holds no key")?,
            keys,
            random: SystemRandom::new(),
        })
    }

    /// A new key entry for the setting, named `id`.
    pub fn new_key(id: &str) -> Result<String, String> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| "no randomness available")?;
        Ok(format!("{id}:{}", STANDARD.encode(bytes)))
    }

    /// Whether `text` is sealed under the current key (nothing to do for `opuntia reseal`).
    pub fn is_current(&self, text: &str) -> bool {
        text.strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(id, _)| id == self.current)
    }

    /// `nonce ‖ ciphertext ‖ tag` of `plain` under the current key, bound to `aad`.
    fn seal_raw(&self, aad: &str, plain: Vec<u8>) -> DbResult<Vec<u8>> {
        let key = self
            .keys
            .get(&self.current)
            .ok_or_else(|| DbError::Seal("the current key is missing".into()))?;
        let mut nonce = [0u8; NONCE_LEN];
        self.random
            .fill(&mut nonce)
            .map_err(|_| DbError::Seal("no randomness available".into()))?;
        let mut sealed = plain;
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad.as_bytes()),
            &mut sealed,
        )
        .map_err(|_| DbError::Seal("encryption failed".into()))?;
        let mut packed = nonce.to_vec();
        packed.extend_from_slice(&sealed);
        Ok(packed)
    }

    /// Opens `nonce ‖ ciphertext ‖ tag` sealed under key `id`, bound to `aad`.
    fn open_raw(&self, aad: &str, id: &str, mut packed: Vec<u8>) -> DbResult<Vec<u8>> {
        let refused = |why: &str| DbError::Seal(format!("{aad}: {why}"));
        let key = self
            .keys
            .get(id)
            .ok_or_else(|| refused(&format!("key {id} is not in security.nir_keys")))?;
        if packed.len() < NONCE_LEN {
            return Err(refused("malformed"));
        }
        let mut sealed = packed.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&packed).map_err(|_| refused("malformed"))?;
        let plain = key
            .open_in_place(nonce, Aad::from(aad.as_bytes()), &mut sealed)
            .map_err(|_| refused("does not open (wrong key or altered)"))?;
        Ok(plain.to_vec())
    }

    /// Whether kept bytes are sealed under the current key.
    pub fn bytes_are_current(&self, stored: &[u8]) -> bool {
        stored
            .strip_prefix(PREFIX.as_bytes())
            .and_then(|rest| rest.iter().position(|b| *b == b':').map(|at| &rest[..at]))
            .is_some_and(|id| id == self.current.as_bytes())
    }

    fn seal_text(&self, dossier_id: &str, plain: &str) -> DbResult<String> {
        let packed = self.seal_raw(dossier_id, plain.as_bytes().to_vec())?;
        Ok(format!(
            "{PREFIX}{}:{}",
            self.current,
            URL_SAFE_NO_PAD.encode(packed)
        ))
    }

    fn open_text(&self, dossier_id: &str, text: &str) -> DbResult<Option<String>> {
        let Some(rest) = text.strip_prefix(PREFIX) else {
            return Ok(None);
        };
        let refused = |why: &str| DbError::Seal(format!("dossier {dossier_id}: {why}"));
        let (id, encoded) = rest.split_once(':').ok_or_else(|| refused("malformed"))?;
        let packed = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| refused("malformed"))?;
        let plain = self.open_raw(dossier_id, id, packed)?;
        String::from_utf8(plain)
            .map(Some)
            .map_err(|_| refused("not text"))
    }
}

/// The NIR member of a content, if it holds text.
fn nir_of(content: &mut Json) -> Option<&mut Json> {
    content
        .get_mut("apprenti")?
        .get_mut("nir")
        .filter(|value| value.is_string())
}

impl db::sealing::Seal for NirSeal {
    fn seal(&self, dossier_id: &str, content: &mut Json) -> DbResult<()> {
        if let Some(value) = nir_of(content)
            && let Some(plain) = value.as_str()
            && !plain.starts_with(PREFIX)
        {
            *value = Json::String(self.seal_text(dossier_id, plain)?);
        }
        Ok(())
    }

    fn open(&self, dossier_id: &str, content: &mut Json) -> DbResult<()> {
        if let Some(value) = nir_of(content)
            && let Some(text) = value.as_str()
            && let Some(plain) = self.open_text(dossier_id, text)?
        {
            *value = Json::String(plain);
        }
        Ok(())
    }

    /// Kept bytes as `sealed:v1:<key id>:` then `nonce ‖ ciphertext ‖ tag`, bound to their name.
    fn seal_bytes(&self, name: &str, bytes: Vec<u8>) -> DbResult<Vec<u8>> {
        let mut stored = format!("{PREFIX}{}:", self.current).into_bytes();
        stored.extend(self.seal_raw(name, bytes)?);
        Ok(stored)
    }

    fn open_bytes(&self, name: &str, stored: Vec<u8>) -> DbResult<Vec<u8>> {
        let Some(rest) = stored.strip_prefix(PREFIX.as_bytes()) else {
            return Ok(stored);
        };
        let at = rest
            .iter()
            .position(|b| *b == b':')
            .ok_or_else(|| DbError::Seal(format!("{name}: malformed")))?;
        let id = String::from_utf8_lossy(&rest[..at]).into_owned();
        self.open_raw(name, &id, rest[at + 1..].to_vec())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use db::sealing::Seal;
    use serde_json::json;

    use super::*;

    const OLD: &str = "old:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const NEW: &str = "new:HxwdHhscGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE=";

    fn content() -> Json {
        json!({"apprenti": {"nir": "104031000100197", "nom": "Martin"}})
    }

    #[test]
    fn a_sealed_nir_reads_as_nothing_and_opens_back_to_itself() {
        let seal = NirSeal::from_setting(NEW, false).unwrap();
        let mut stored = content();

        seal.seal("d1", &mut stored).unwrap();

        let text = stored["apprenti"]["nir"].as_str().unwrap();
        assert!(text.starts_with("sealed:v1:new:"), "{text}");
        assert!(!text.contains("10403"));
        assert_eq!(stored["apprenti"]["nom"], "Martin");
        seal.open("d1", &mut stored).unwrap();
        assert_eq!(stored, content());
    }

    #[test]
    fn kept_bytes_seal_to_unreadable_bytes_bound_to_their_name() {
        let seal = NirSeal::from_setting(NEW, false).unwrap();
        let pdf = b"%PDF-1.7 NIR 104031000100197".to_vec();

        let stored = seal.seal_bytes("abc", pdf.clone()).unwrap();

        assert!(stored.starts_with(b"sealed:v1:new:"));
        assert!(!stored.windows(5).any(|w| w == b"10403"));
        assert!(seal.bytes_are_current(&stored));
        assert_eq!(seal.open_bytes("abc", stored.clone()).unwrap(), pdf);
        assert!(seal.open_bytes("abd", stored).is_err(), "bound to its name");
        assert_eq!(
            seal.open_bytes("abc", pdf.clone()).unwrap(),
            pdf,
            "kept before sealing"
        );
    }

    #[test]
    fn the_same_nir_seals_differently_each_time() {
        let seal = NirSeal::from_setting(NEW, false).unwrap();
        let (mut a, mut b) = (content(), content());
        seal.seal("d1", &mut a).unwrap();
        seal.seal("d1", &mut b).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn a_sealed_nir_moved_to_another_dossier_or_altered_does_not_open() {
        let seal = NirSeal::from_setting(NEW, false).unwrap();
        let mut stored = content();
        seal.seal("d1", &mut stored).unwrap();

        assert!(seal.open("d2", &mut stored.clone()).is_err());
        let text = stored["apprenti"]["nir"].as_str().unwrap().to_owned();
        let mut altered = stored.clone();
        let last = if text.ends_with('A') { "B" } else { "A" };
        altered["apprenti"]["nir"] = json!(format!("{}{last}", &text[..text.len() - 1]));
        assert!(seal.open("d1", &mut altered).is_err());
    }

    #[test]
    fn after_rotation_old_values_still_open_and_new_ones_use_the_new_key() {
        let before = NirSeal::from_setting(OLD, false).unwrap();
        let mut stored = content();
        before.seal("d1", &mut stored).unwrap();

        let after = NirSeal::from_setting(&format!("{NEW},{OLD}"), false).unwrap();
        assert!(!after.is_current(stored["apprenti"]["nir"].as_str().unwrap()));
        let mut opened = stored.clone();
        after.open("d1", &mut opened).unwrap();
        assert_eq!(opened, content());
        after.seal("d1", &mut opened).unwrap();
        assert!(after.is_current(opened["apprenti"]["nir"].as_str().unwrap()));

        let without_old = NirSeal::from_setting(NEW, false).unwrap();
        assert!(without_old.open("d1", &mut stored).is_err());
    }

    #[test]
    fn a_value_stored_before_sealing_existed_reads_as_it_is() {
        let seal = NirSeal::from_setting(NEW, false).unwrap();
        let mut plain = content();
        seal.open("d1", &mut plain).unwrap();
        assert_eq!(plain, content());
    }

    #[test]
    fn keys_are_required_in_production_and_must_be_well_formed() {
        assert!(NirSeal::from_setting("", false).is_err());
        assert!(NirSeal::from_setting("", true).is_ok());
        assert!(NirSeal::from_setting("k:c2hvcnQ=", false).is_err());
        assert!(NirSeal::from_setting("a b:AAAA", false).is_err());
        assert!(NirSeal::from_setting(&format!("{NEW},{NEW}"), false).is_err());
        let made = NirSeal::new_key("2027").unwrap();
        assert!(NirSeal::from_setting(&made, false).is_ok());
    }
}
