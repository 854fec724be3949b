//! Rules 29-31: values of a valid grammar whose meaning is dangerous. Each names a thing
//! the cluster, the shell or the data already gives a meaning to, which the fleet would
//! then overwrite, delete or merge.

use super::{shown, Checker};

/// Namespaces the cluster or a shared system owns: the edge-removal step deletes the
/// fleet's namespace, and PSS labels on it would restrict every pod there.
const SYSTEM_NAMESPACES: &[&str] = &[
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "cert-manager",
    "ingress-nginx",
    "longhorn-system",
    "metallb-system",
    "calico-system",
    "tigera-operator",
    "gatekeeper-system",
    "istio-system",
    "argocd",
    "flux-system",
];

/// Whether `namespace` belongs to the cluster or a shared system: the list above, any
/// `kube-*` and any `cilium*`.
fn is_system_namespace(namespace: &str) -> bool {
    SYSTEM_NAMESPACES.contains(&namespace)
        || namespace.starts_with("kube-")
        || namespace.starts_with("cilium")
        || namespace.starts_with("openshift")
}

/// Variables the shell or common tools give a meaning to: the runbook exports the S3 key
/// into the variable, so the key would replace it (`PATH`: no command found; `IFS`: every
/// word split differently; `BASH_ENV`, `PROMPT_COMMAND`: the key run as code) or leak
/// (`PS1`, `PS4` print it).
const SHELL_VARIABLES: &[&str] = &[
    "PATH",
    "HOME",
    "IFS",
    "PS1",
    "PS2",
    "PS4",
    "PROMPT_COMMAND",
    "BASH_ENV",
    "ENV",
    "CDPATH",
    "SHELL",
    "SHELLOPTS",
    "BASHOPTS",
    "GLOBIGNORE",
    "KUBECONFIG",
    "SHLVL",
    "OLDPWD",
    "PWD",
    "UID",
    "EUID",
    "PPID",
    "RANDOM",
    "SECONDS",
    "LINENO",
    "HOSTNAME",
    "TERM",
    "USER",
    "LOGNAME",
    "LANG",
    "TMPDIR",
    "HISTFILE",
    "HISTCONTROL",
    "EDITOR",
    "PAGER",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "SSH_AUTH_SOCK",
    "GRAFANA_ADMIN_PASSWORD",
];

/// Whether `name` is a variable the shell or common tools use (the list above, and the
/// prefixes `BASH_`, `LD_`, `LC_`, `KUBE`, `AWS_`).
fn is_shell_variable(name: &str) -> bool {
    SHELL_VARIABLES.contains(&name)
        || ["BASH_", "LD_", "LC_", "KUBE", "AWS_"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

/// Labels the fleet's series carry as dimensions: deduplicating on one merges series of
/// different clusters, namespaces, jobs or pods into one.
const DIMENSIONS: &[&str] = &[
    "cluster",
    "namespace",
    "job",
    "instance",
    "pod",
    "container",
    "node",
    "service",
    "endpoint",
    "prometheus",
    "tenant_id",
    "__name__",
];

impl Checker<'_> {
    /// Rule 29: the fleet's namespace is its own, not one the cluster or a shared
    /// system owns.
    pub(crate) fn namespace_meaning(&mut self) {
        let namespace = &self.fleet.namespace;
        if is_system_namespace(namespace) {
            self.error(
                "namespace",
                format!(
                    "{} belongs to the cluster or a shared system: the runbook's edge-removal step deletes the fleet's namespace, and everything the cluster keeps there with it",
                    shown(namespace)
                ),
                "use a namespace of its own, such as monitoring",
            );
        }
    }

    /// Rule 30: the runbook exports the S3 keys into variables of these names; none may
    /// be one the shell or a tool gives a meaning to.
    pub(crate) fn credential_variable_meaning(&mut self, path: &str, name: &str) {
        if is_shell_variable(name) {
            self.error(
                path,
                format!(
                    "the runbook would export the S3 key into {}, which the shell or a tool already uses",
                    shown(name)
                ),
                "use a name of its own, such as S3_ACCESS_KEY and S3_SECRET_KEY",
            );
        }
    }

    /// Rule 31: Query deduplicates on replica labels only, never on a dimension.
    pub(crate) fn replica_label_meaning(&mut self, path: &str, label: &str) {
        let receive_label = self.fleet.central.receive.labels.contains_key(label);
        if DIMENSIONS.contains(&label) || receive_label {
            self.error(
                path,
                format!(
                    "{} is a dimension of the fleet's series: deduplicating on it merges series of different {}s into one",
                    shown(label),
                    label.trim_matches('_')
                ),
                "list only replica labels (prometheus_replica, receive_replica, thanos_ruler_replica)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists() {
        for namespace in ["kube-system", "default", "kube-foo", "cilium-secrets"] {
            assert!(is_system_namespace(namespace), "{namespace}");
        }
        assert!(!is_system_namespace("monitoring"));
        for name in [
            "PATH",
            "IFS",
            "LD_PRELOAD",
            "BASH_ENV",
            "KUBECONFIG",
            "AWS_SECRET_ACCESS_KEY",
        ] {
            assert!(is_shell_variable(name), "{name}");
        }
        assert!(!is_shell_variable("S3_ACCESS_KEY"));
    }
}
