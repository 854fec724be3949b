//! What every rule reports through: the fleet under validation and the diagnostics found
//! so far, with the grammar checks the parts share.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::{syntax, Diagnostic, Severity};
use crate::{Bytes, Duration, Fleet};

/// Most replicas of any workload: beyond it a number is a typo (the Receive hashring and
/// the Kubernetes `int32` replica count would follow it).
const MAX_REPLICAS: u32 = 1000;

/// Collects the diagnostics of one validation pass.
pub(crate) struct Checker<'a> {
    /// The fleet, for rules whose answer depends on other parts (defaults, the pinned
    /// image against the fleet's).
    pub(crate) fleet: &'a Fleet,
    out: Vec<Diagnostic>,
    /// Values the loader could not read by their grammar (a [`Duration`](crate::Duration),
    /// [`Cpu`](crate::Cpu) or [`Bytes`](crate::Bytes) that did not parse), each reported
    /// where a rule visits its field; the field holds a placeholder, so no other
    /// diagnostic is reported on its path. By path, those not reported yet.
    grammar: IndexMap<String, Vec<Diagnostic>>,
    /// The paths of `grammar`, reported or not.
    grammar_paths: HashSet<String>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(fleet: &'a Fleet, grammar: Vec<Diagnostic>) -> Self {
        let grammar_paths = grammar.iter().map(|d| d.path.clone()).collect();
        let mut by_path: IndexMap<String, Vec<Diagnostic>> = IndexMap::new();
        for diagnostic in grammar {
            by_path
                .entry(diagnostic.path.clone())
                .or_default()
                .push(diagnostic);
        }
        Self {
            fleet,
            out: Vec::new(),
            grammar: by_path,
            grammar_paths,
        }
    }

    /// The diagnostics, in the order they were found; grammar errors of fields no rule
    /// visited last.
    pub(crate) fn finish(mut self) -> Vec<Diagnostic> {
        let mut unvisited: Vec<Diagnostic> = self.grammar.into_values().flatten().collect();
        unvisited.sort_by_key(|d| (d.line, d.column));
        self.out.append(&mut unvisited);
        self.out
    }

    /// Whether the typed value at `path` was read (`false`: its grammar error is reported
    /// here, and the value is a placeholder no rule may look at).
    pub(crate) fn parsed(&mut self, path: &str) -> bool {
        if let Some(diagnostics) = self.grammar.swap_remove(path) {
            self.out.extend(diagnostics);
        }
        !self.after_grammar_error(path)
    }

    /// The scrape interval of every cluster, with the path of the field that sets it:
    /// the fleet's, and each edge's own.
    pub(crate) fn scrape_intervals(&self) -> Vec<(String, &'a Duration)> {
        let fleet = self.fleet;
        std::iter::once(("scrapeInterval".to_owned(), &fleet.scrape_interval))
            .chain(fleet.edges.iter().enumerate().filter_map(|(index, edge)| {
                let interval = edge.agent.scrape_interval.as_ref()?;
                Some((format!("edges[{index}].agent.scrapeInterval"), interval))
            }))
            .collect()
    }

    /// Whether a diagnostic at `path` would follow from a value that did not parse.
    fn after_grammar_error(&self, path: &str) -> bool {
        self.grammar_paths.contains(path)
    }

    /// Reports an error at `path`, unless a value there did not parse.
    pub(crate) fn error(
        &mut self,
        path: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.report(Diagnostic::error(path, message, hint));
    }

    /// Reports a warning at `path`, unless a value there did not parse.
    pub(crate) fn warning(
        &mut self,
        path: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.report(Diagnostic::warning(path, message, hint));
    }

    /// Reports a diagnostic of `severity` at `path` when its value was read and is zero:
    /// a size that holds nothing, a timeout that cancels at once or waits for ever, an
    /// interval or retention that means "never" rather than what was meant.
    pub(crate) fn when_zero(
        &mut self,
        severity: Severity,
        path: &str,
        value: &impl Amount,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        if self.parsed(path) && value.is_zero() {
            self.report(Diagnostic::new(severity, path, message, hint));
        }
    }

    /// Reports `diagnostic`, unless it follows from a value that did not parse.
    fn report(&mut self, diagnostic: Diagnostic) {
        if !self.after_grammar_error(&diagnostic.path) {
            self.out.push(diagnostic);
        }
    }

    /// A single line of visible text: no control character (a line break would start a
    /// new line, key or command where the value is written), no invisible character
    /// that reorders or hides text. `false` after reporting one; the field's grammar is
    /// not checked then.
    pub(crate) fn clean(&mut self, path: &str, value: &str) -> bool {
        let Some((index, c)) = syntax::forbidden_char(value) else {
            return true;
        };
        self.error(
            path,
            format!(
                "{} contains {} (character {})",
                shown(value),
                syntax::describe_char(c),
                index + 1
            ),
            "a value is one line of visible text: remove it (a `|` or `>` block, or \\n in double quotes, makes one)",
        );
        false
    }

    /// A clean value of a grammar: `valid` says whether it matches, `what` names it.
    pub(crate) fn grammar(
        &mut self,
        path: &str,
        value: &str,
        valid: fn(&str) -> bool,
        what: &str,
        hint: &str,
    ) -> bool {
        if !self.clean(path, value) {
            return false;
        }
        if valid(value) {
            return true;
        }
        self.error(
            path,
            format!("{} is not a valid {what}", shown(value)),
            hint,
        );
        false
    }

    pub(crate) fn dns_label(&mut self, path: &str, value: &str, what: &str) -> bool {
        self.grammar(
            path,
            value,
            syntax::is_dns_label,
            what,
            "use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
        )
    }

    pub(crate) fn dns_subdomain(
        &mut self,
        path: &str,
        value: &str,
        what: &str,
        hint: &str,
    ) -> bool {
        self.grammar(path, value, syntax::is_dns_subdomain, what, hint)
    }

    /// Set, and clean.
    pub(crate) fn not_empty(&mut self, path: &str, value: &str) -> bool {
        if value.trim().is_empty() {
            self.error(path, "must not be empty", "set a value");
            return false;
        }
        self.clean(path, value)
    }

    /// A duration that must not be zero, such as an interval: `None` when it did not
    /// parse or is zero (reported).
    pub(crate) fn interval<'d>(
        &mut self,
        path: &str,
        value: &'d crate::Duration,
    ) -> Option<&'d crate::Duration> {
        if !self.parsed(path) {
            return None;
        }
        if value.is_zero() {
            self.error(
                path,
                format!("{} is zero", shown(value.as_str())),
                "an interval of 0 never fires: use a positive duration such as 30s",
            );
            return None;
        }
        Some(value)
    }

    /// A replica count: at least 1, at most [`MAX_REPLICAS`].
    pub(crate) fn replicas(&mut self, path: &str, value: u32) {
        if value == 0 {
            self.error(path, "must be at least 1", "set 1 or more replicas");
        } else if value > MAX_REPLICAS {
            self.error(
                path,
                format!("{value} replicas is more than {MAX_REPLICAS}"),
                "set a realistic number of replicas",
            );
        }
    }

    /// Rule 27: Store's and Compactor's admin API (marking blocks for deletion) on warns.
    pub(crate) fn admin_operations(&mut self, path: &str, on: bool) {
        if on {
            self.warning(
                path,
                "any pod that reaches its HTTP port can mark every block for deletion (POST /api/v1/blocks/mark), and the compactor deletes them",
                "set adminOperations: false (--disable-admin-operations)",
            );
        }
    }

    /// A value that must be set and then follow `is_valid`.
    fn required_grammar(
        &mut self,
        path: &str,
        value: &str,
        is_valid: fn(&str) -> bool,
        what: &str,
        hint: &str,
    ) {
        if value.trim().is_empty() {
            self.error(path, "must not be empty", "set a value");
        } else {
            let _ = self.grammar(path, value, is_valid, what, hint);
        }
    }

    /// The kubectl context a cluster's overlay is applied with. It is written into the
    /// overlay's comment and into `kubectl --context <context>` commands.
    pub(crate) fn context(&mut self, path: &str, value: &str) {
        self.required_grammar(
            path,
            value,
            syntax::is_kubectl_context,
            "kubectl context for a command line",
            "use the name `kubectl config get-contexts` shows: letters, digits and . _ : @ / -, not starting with -",
        );
    }

    /// A cluster's API server address, written into the overlay's comment.
    pub(crate) fn api_address(&mut self, path: &str, value: &str) {
        self.required_grammar(
            path,
            value,
            syntax::is_host_port,
            "API server address",
            "write an IP address or lowercase DNS name with an optional port and no scheme, such as 10.0.0.1, [fd00::1]:6443 or api.example.com:6443",
        );
    }
}

/// A value as quoted in a message: escaped, and cut after 60 characters.
pub(crate) fn shown(value: &str) -> String {
    const SHOWN: usize = 60;
    if value.chars().nth(SHOWN + 20).is_none() {
        format!("{value:?}")
    } else {
        let cut: String = value.chars().take(SHOWN).collect();
        format!("{cut:?}... ({} characters)", value.chars().count())
    }
}

/// A value read by its grammar that can be zero, for [`Checker::when_zero`].
pub(crate) trait Amount {
    /// Whether it is zero.
    fn is_zero(&self) -> bool;
}

impl Amount for Duration {
    fn is_zero(&self) -> bool {
        Duration::is_zero(self)
    }
}

impl Amount for Bytes {
    fn is_zero(&self) -> bool {
        Bytes::is_zero(self)
    }
}
