//! Writing values into PromQL and Prometheus regular expressions, where a value from the
//! fleet (an edge's `cluster` label) must never change the meaning of the expression.

use std::fmt::Write as _;

/// `value` as a double-quoted PromQL string literal: `\` and `"` are escaped, and so are
/// line breaks, tabs and other control characters, so any value stays one literal.
#[must_use]
pub fn string_literal(value: &str) -> String {
    let mut literal = String::with_capacity(value.len() + 2);
    literal.push('"');
    for character in value.chars() {
        match character {
            '\\' => literal.push_str(r"\\"),
            '"' => literal.push_str("\\\""),
            '\n' => literal.push_str(r"\n"),
            '\r' => literal.push_str(r"\r"),
            '\t' => literal.push_str(r"\t"),
            control if control.is_control() => {
                let _ = write!(literal, "\\u{:04x}", u32::from(control));
            }
            other => literal.push(other),
        }
    }
    literal.push('"');
    literal
}

/// `value` as an RE2 pattern matching exactly `value` (Prometheus anchors relabelling
/// and label-matcher regexes itself).
#[must_use]
pub fn regex_literal(value: &str) -> String {
    let mut pattern = String::with_capacity(value.len());
    for character in value.chars() {
        if r"\.+*?()|[]{}^$".contains(character) {
            pattern.push('\\');
        }
        pattern.push(character);
    }
    pattern
}

#[cfg(test)]
mod tests {
    use super::{regex_literal, string_literal};

    #[test]
    fn plain_values_are_only_quoted() {
        assert_eq!(string_literal("cluster-02-edge"), r#""cluster-02-edge""#);
    }

    #[test]
    fn quotes_and_backslashes_cannot_end_the_literal() {
        assert_eq!(string_literal(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(string_literal(r#"\""#), r#""\\\"""#);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(string_literal("a\nb\tc\u{7}"), r#""a\nb\tc\u0007""#);
    }

    #[test]
    fn regex_metacharacters_match_themselves() {
        assert_eq!(regex_literal("thanos-receive"), "thanos-receive");
        assert_eq!(regex_literal("a.b|c(d)"), r"a\.b\|c\(d\)");
    }
}
