//! The fleet file loader must never panic, whatever the text: every input is either a
//! fleet or an error. A fleet it accepts loads again from its own YAML, and none of the
//! values written into comments and commands (contexts, API addresses, the namespace)
//! can hold a line break or a shell word.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn one_word(value: &str) -> bool {
    !value.is_empty() && !value.chars().any(|c| c.is_control() || c.is_whitespace() || "';|&$`\"\\<>(){}*?!#~".contains(c))
}

fuzz_target!(|yaml: &str| {
    match thanos_model::Fleet::from_yaml_str(yaml) {
        Ok(fleet) => {
            // A loaded fleet serializes and loads back.
            let again = thanos_model::Fleet::from_yaml_str(&fleet.to_yaml_string());
            assert!(again.is_ok(), "a loaded fleet does not load back: {again:?}");
            assert!(one_word(&fleet.namespace));
            assert!(one_word(&fleet.central.context) && one_word(&fleet.central.api_address));
            for edge in &fleet.edges {
                assert!(one_word(&edge.context) && one_word(&edge.api_address));
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
