//! Every identifier parser, on any text: never a panic, and what one accepts it accepts again
//! from its own spelling, unchanged.
#![no_main]

use domain::{AccessCode, CodeDiplome, Idcc, Ine, Naf, Nir, Rncp, Siren, Siret, Uai};
use libfuzzer_sys::fuzz_target;

macro_rules! round_trip {
    ($text:expr, $($parser:ty),*) => {$(
        if let Ok(parsed) = <$parser>::parse($text) {
            let again = <$parser>::parse(parsed.as_str()).expect("its own spelling parses");
            assert_eq!(again, parsed);
        }
    )*};
}

fuzz_target!(|text: &str| {
    round_trip!(text, Siren, Siret, Nir, Ine, Uai, Naf, Idcc, CodeDiplome, Rncp);
    if let Ok(code) = AccessCode::parse(text) {
        assert_eq!(AccessCode::parse(&code.to_string()), Ok(code));
    }
    if let Ok(nir) = Nir::parse(text) {
        assert!(domain::is_masked_nir(&nir.masked()));
    }
    let _ = domain::has_control_characters(text);
});
