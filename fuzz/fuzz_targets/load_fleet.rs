//! The fleet file loader must never panic, whatever the text: every input is either a
//! fleet or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|yaml: &str| {
    match thanos_model::Fleet::from_yaml_str(yaml) {
        Ok(fleet) => {
            // A loaded fleet serializes and loads back.
            let again = thanos_model::Fleet::from_yaml_str(&fleet.to_yaml_string());
            assert!(again.is_ok(), "a loaded fleet does not load back: {again:?}");
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
