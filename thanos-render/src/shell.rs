//! Shell commands the tree prints for operators (the runbook, file comments): every value
//! interpolated into one is quoted for a POSIX shell unless it is a plain safe word.

use std::borrow::Cow;

/// `word` as one shell word: unchanged when it holds nothing a shell treats specially
/// (`shlex` decides), else in single quotes, or quoted by `shlex` when it holds a single
/// quote itself. Names the model validates stay bare, so commands read as typed.
pub(crate) fn quote(word: &str) -> Cow<'_, str> {
    let quoted = shlex_quote(word);
    if quoted == word || word.contains('\'') {
        return quoted;
    }
    // Inside single quotes every character but `'` stands for itself.
    Cow::Owned(format!("'{word}'"))
}

fn shlex_quote(word: &str) -> Cow<'_, str> {
    // A NUL cannot be passed to a command at all; quoting it anyway keeps this total.
    let quoted = shlex::bytes::Quoter::new()
        .allow_nul(true)
        .quote(word.as_bytes())
        .unwrap_or_else(|error| unreachable!("quoting with NUL allowed is total: {error}"));
    if *quoted == *word.as_bytes() {
        Cow::Borrowed(word)
    } else {
        // shlex only adds ASCII around and between whole UTF-8 characters.
        Cow::Owned(String::from_utf8_lossy(&quoted).into_owned())
    }
}

/// `kubectl --context <context>`.
pub(crate) fn kubectl(context: &str) -> String {
    format!("kubectl --context {}", quote(context))
}

/// `kubectl --context <context> -n <namespace>`.
pub(crate) fn kubectl_in(context: &str, namespace: &str) -> String {
    format!("{} -n {}", kubectl(context), quote(namespace))
}

/// A file named `name` in the temporary directory, as one shell word:
/// `"${TMPDIR:-/tmp}/<name>"`.
pub(crate) fn temp_file(name: &str) -> String {
    if quote(name) == name {
        format!("\"${{TMPDIR:-/tmp}}/{name}\"")
    } else {
        format!("\"${{TMPDIR:-/tmp}}\"/{}", quote(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_words_stay_bare_and_the_rest_is_quoted() {
        assert_eq!(quote("cluster-01"), "cluster-01");
        assert_eq!(
            quote("overlays/a/kube-prometheus-stack/x.yaml"),
            "overlays/a/kube-prometheus-stack/x.yaml"
        );
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "\"it's\"");
        assert_eq!(quote("$HOME"), "'$HOME'");
        assert_eq!(quote("{.data.a\\.b}"), "'{.data.a\\.b}'");
        assert_eq!(quote("a \"b\""), "'a \"b\"'");
        assert_eq!(quote(""), "''");
        assert_eq!(kubectl("c 1"), "kubectl --context 'c 1'");
        assert_eq!(
            kubectl_in("c", "monitoring"),
            "kubectl --context c -n monitoring"
        );
        assert_eq!(temp_file("c.yaml"), "\"${TMPDIR:-/tmp}/c.yaml\"");
        assert_eq!(temp_file("a b.yaml"), "\"${TMPDIR:-/tmp}\"/'a b.yaml'");
    }
}
