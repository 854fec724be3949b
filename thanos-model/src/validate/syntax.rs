//! The grammars of the strings a fleet holds: names, hosts, addresses, contexts, URLs,
//! versions, labels. Each is as narrow as what it names, so that no value can
//! add a line, a key or a shell word where it is written.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Longest DNS-1123 label.
const MAX_LABEL: usize = 63;
/// Longest DNS-1123 subdomain.
const MAX_SUBDOMAIN: usize = 253;

/// The first character no single-line value may hold, with its index (in characters):
/// control characters (line breaks, tabs, escape, NEL), the Unicode line and paragraph
/// separators, and the invisible characters that reorder or hide text (bidirectional
/// overrides and isolates, zero-width characters, the byte-order mark).
pub fn forbidden_char(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|&(_, c)| {
        c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
                    | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
            )
    })
}

/// How a forbidden character is named in a message.
pub fn describe_char(c: char) -> String {
    match c {
        '\n' => "a line break".to_owned(),
        '\r' => "a carriage return".to_owned(),
        '\t' => "a tab".to_owned(),
        '\u{2028}' | '\u{2029}' | '\u{85}' => format!("the line separator U+{:04X}", c as u32),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("the invisible character U+{:04X}", c as u32),
    }
}

/// A DNS-1123 label: lowercase alphanumerics and `-`, starting and ending alphanumeric,
/// at most 63 characters. Such a name can never leave a directory (`..`, `/`).
pub fn is_dns_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_LABEL
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
pub fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= MAX_SUBDOMAIN && s.split('.').all(is_dns_label)
}

/// A host with an optional port: a DNS name, an IPv4 address or a bracketed IPv6
/// address (`[fd00::1]:6443`); no scheme, no path.
pub fn is_host_port(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix('[') {
        let Some((address, after)) = rest.split_once(']') else {
            return false;
        };
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return port_ok && address.parse::<Ipv6Addr>().is_ok();
    }
    let (host, port) = match s.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (s, None),
    };
    port.is_none_or(is_port) && (is_dns_subdomain(host) || host.parse::<Ipv4Addr>().is_ok())
}

/// A host and its port, as [`is_host_port`] with the port required
/// (`smtp.example.com:587`, `[::1]:25`).
pub fn is_host_and_port(s: &str) -> bool {
    is_host_port(s)
        && s.rsplit_once(':')
            .is_some_and(|(host, port)| !host.is_empty() && !port.is_empty() && !port.contains(']'))
}

/// An e-mail address, one: `local@domain`, without spaces, commas or angle brackets.
pub fn is_mail_address(s: &str) -> bool {
    s.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.is_empty()
            && !domain.contains('@')
            && !s.contains([' ', ',', '<', '>'])
    })
}

/// A TCP port, 1 to 65535, digits only.
fn is_port(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 5
        && s.bytes().all(|b| b.is_ascii_digit())
        && s.parse::<u16>().is_ok_and(|p| p > 0)
}

/// A kubectl context name as it may be written into a command line: letters, digits and
/// `. _ : @ / -`, not starting with `-` (it would read as an option), at most 253
/// characters. Covers the names cloud tools write (`arn:aws:eks:...:cluster/x`,
/// `gke_project_zone_name`, `user@cluster`).
pub fn is_kubectl_context(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SUBDOMAIN
        && !s.starts_with('-')
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'@' | b'/' | b'-')
        })
}

/// What is wrong with a chart repository URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepoUrl {
    /// `https://host[:port][/path]` or `oci://host[:port]/path`.
    Ok,
    /// Another scheme, such as `http://`.
    Scheme,
    /// Not a URL of that shape.
    Malformed,
}

/// A Helm chart repository: `https://` (a classic repository) or `oci://` (a
/// registry), a host, an optional port and a path of URL-safe characters.
pub fn repo_url(s: &str) -> RepoUrl {
    let Some((scheme, rest)) = s.split_once("://") else {
        return RepoUrl::Malformed;
    };
    if scheme != "https" && scheme != "oci" {
        return if scheme.bytes().all(|b| b.is_ascii_alphabetic()) && !scheme.is_empty() {
            RepoUrl::Scheme
        } else {
            RepoUrl::Malformed
        };
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let path_ok = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/'))
        && !path.split('/').any(|segment| segment == "..");
    let host_ok = is_host_port(&authority.to_ascii_lowercase()) && !authority.contains('@');
    if host_ok && path_ok {
        RepoUrl::Ok
    } else {
        RepoUrl::Malformed
    }
}

/// An exact SemVer 2 version such as `78.2.1` or `1.0.0-rc.1+build.5` (an optional
/// leading `v`, which Helm accepts), never a range.
pub fn is_exact_semver(s: &str) -> bool {
    let s = s.strip_prefix('v').unwrap_or(s);
    let (rest, build) = match s.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let identifiers = |s: &str| {
        s.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|n| {
            !n.is_empty()
                && n.len() <= 20
                && n.bytes().all(|b| b.is_ascii_digit())
                && (n.len() == 1 || !n.starts_with('0'))
        })
        && pre.is_none_or(identifiers)
        && build.is_none_or(identifiers)
}

/// A Kubernetes label value: at most 63 letters, digits, `-`, `_` and `.`, starting and
/// ending with a letter or digit (or empty).
pub fn is_label_value(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() <= MAX_LABEL
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && bytes.first().is_none_or(u8::is_ascii_alphanumeric)
        && bytes.last().is_none_or(u8::is_ascii_alphanumeric)
}

/// A Kubernetes label key (a node label such as `topology.kubernetes.io/zone`, a pod label
/// such as `app.kubernetes.io/name`): an optional DNS-subdomain prefix and `/`, then a name
/// of at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or
/// digit.
pub fn is_label_key(s: &str) -> bool {
    let (prefix, name) = match s.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, s),
    };
    prefix.is_none_or(is_dns_subdomain)
        && !name.is_empty()
        && name.len() <= MAX_LABEL
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric()
}

/// An S3 region: 1 to 63 letters, digits, `-` and `_` (`us-east-1`, MinIO's own names).
pub fn is_region(s: &str) -> bool {
    (1..=MAX_LABEL).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An S3 bucket name: 3 to 63 lowercase letters, digits, `.` and `-`, starting and ending
/// with a letter or digit, no `..`, not an IP address.
pub fn is_s3_bucket(s: &str) -> bool {
    (3..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric()
        && !s.contains("..")
        && s.parse::<Ipv4Addr>().is_err()
}

/// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not reserved (`__` prefix).
pub fn is_label_name(s: &str) -> bool {
    is_env_var(s) && !s.starts_with("__")
}

/// A shell environment variable name usable by `envsubst`: `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_env_var(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Looks like an AWS-style access key ID rather than the name of a variable holding one.
pub fn looks_like_access_key(s: &str) -> bool {
    s.len() == 20
        && (s.starts_with("AKIA") || s.starts_with("ASIA"))
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A key of a Secret or ConfigMap: alphanumerics, `-`, `_` and `.`.
pub fn is_config_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SUBDOMAIN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && s != "."
        && s != ".."
}

/// An image tag: 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`.
pub fn is_image_tag(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        && !s.starts_with(['.', '-'])
}

/// A release version tag such as `v0.42.4` or `0.42.4-rc.0`: the kind of tag that is
/// never moved to another image.
pub fn is_release_tag(s: &str) -> bool {
    is_exact_semver(s)
}

/// An image repository such as `quay.io/thanos/thanos` or `registry:5000/thanos`: an
/// optional registry host (with port) and lowercase path components.
pub fn is_image_repository(s: &str) -> bool {
    let mut components = s.split('/').peekable();
    let first = components.next().unwrap_or_default();
    let registry = s.contains('/') && (first.contains(['.', ':']) || first == "localhost");
    let path_component = |c: &str| {
        !c.is_empty()
            && c.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && c.as_bytes()[0].is_ascii_alphanumeric()
            && c.as_bytes()[c.len() - 1].is_ascii_alphanumeric()
    };
    s.len() <= 255
        && if registry {
            is_host_port(&first.to_ascii_lowercase())
        } else {
            path_component(first)
        }
        && components.all(path_component)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters() {
        assert_eq!(forbidden_char("cluster-01"), None);
        assert_eq!(forbidden_char("élan"), None);
        assert_eq!(forbidden_char("a\nb"), Some((1, '\n')));
        assert_eq!(forbidden_char("a\u{202E}b"), Some((1, '\u{202E}')));
        assert_eq!(forbidden_char("\u{85}"), Some((0, '\u{85}')));
        assert_eq!(forbidden_char("x\u{2028}"), Some((1, '\u{2028}')));
        assert_eq!(describe_char('\n'), "a line break");
        assert_eq!(describe_char('\u{1b}'), "the control character U+001B");
    }

    /// Asserts that `grammar` takes every value of `good` and refuses every one of `bad`.
    #[track_caller]
    fn grammar(grammar: fn(&str) -> bool, good: &[&str], bad: &[&str]) {
        for value in good {
            assert!(grammar(value), "{value:?} refused");
        }
        for value in bad {
            assert!(!grammar(value), "{value:?} accepted");
        }
    }

    #[test]
    fn dns_labels_refuse_path_tricks() {
        let long = "a".repeat(64);
        let longest = "a".repeat(63);
        grammar(
            is_dns_label,
            &["a", "cluster-01-central", &longest],
            &["", "..", "../x", "/", "a/b", "A", "-a", "a-", &long],
        );
    }

    #[test]
    fn contexts_are_one_shell_word() {
        grammar(
            is_kubectl_context,
            &[
                "cluster-01",
                "arn:aws:eks:eu-west-1:123456789012:cluster/prod",
                "gke_project_europe-west1-b_prod",
                "admin@lab",
            ],
            &[
                "", "-n", "a b", "a;b", "a$(x)", "a\nb", "a'b", "a`b", "a|b", "ü",
            ],
        );
    }

    #[test]
    fn hosts_and_addresses() {
        grammar(
            is_host_port,
            &[
                "s3.minio.example.com",
                "10.0.0.1:9000",
                "192.168.101.194",
                "api.example.com:6443",
                "[fd00::1]:6443",
                "[::1]",
            ],
            &[
                "https://s3.example.com",
                "s3.example.com:0",
                "s3.example.com:",
                "s3.example.com:+80",
                "10.0.0.1 # x",
                "[fd00::1",
                "fd00::1",
                "a\nb",
                "",
            ],
        );
    }

    #[test]
    fn chart_repositories() {
        for (url, kind) in [
            (
                "https://prometheus-community.github.io/helm-charts",
                RepoUrl::Ok,
            ),
            ("oci://registry.example.com/charts", RepoUrl::Ok),
            ("https://charts.example.com:8443", RepoUrl::Ok),
            ("http://charts.example.com", RepoUrl::Scheme),
            ("file://charts", RepoUrl::Scheme),
            ("charts.example.com", RepoUrl::Malformed),
            ("https://", RepoUrl::Malformed),
            ("https://a b", RepoUrl::Malformed),
            ("https://x.com/a?b", RepoUrl::Malformed),
            ("https://user:pw@x.com", RepoUrl::Malformed),
            ("https://x.com/../y", RepoUrl::Malformed),
            ("https://x.com/\n", RepoUrl::Malformed),
        ] {
            assert_eq!(repo_url(url), kind, "{url:?}");
        }
    }

    #[test]
    fn versions_and_labels() {
        grammar(
            is_exact_semver,
            &["78.2.1", "v0.42.4", "1.0.0-rc.1", "1.0.0+build.5", "0.0.0"],
            &[
                "78", "78.2", "78.x", "^78.2.1", ">=78.0.0", "01.2.3", "1.2.3-", "",
            ],
        );
        grammar(is_label_value, &["v0.42.4", ""], &["v1_", &"a".repeat(64)]);
        grammar(
            is_label_key,
            &[
                "topology.kubernetes.io/zone",
                "zone",
                "example.com/rack-1",
                "app.kubernetes.io/name",
                &"a".repeat(63),
            ],
            &[
                "",
                "/zone",
                "Example.com/zone",
                "zone-",
                "a/b/c",
                "topology.kubernetes.io/",
                "zone/",
                "a b",
                &"a".repeat(64),
            ],
        );
    }

    #[test]
    fn images() {
        grammar(
            is_image_repository,
            &[
                "quay.io/thanos/thanos",
                "thanos",
                "localhost:5000/thanos/thanos",
            ],
            &["", "Quay.io", "quay.io//thanos", "quay.io/thanos/thanos:v1"],
        );
        grammar(is_image_tag, &["v0.42.4"], &["", "v0.42 4", "-v1"]);
        grammar(is_release_tag, &["v0.42.4"], &["main-2024-01-01-abc"]);
    }

    #[test]
    fn mail_addresses_and_smarthosts() {
        grammar(
            is_mail_address,
            &["oncall@example.com"],
            &["oncall", "a@b, c@d", "@example.com", "a@", "a@b@c"],
        );
        grammar(
            is_host_and_port,
            &["smtp.example.com:587", "[::1]:25", "10.0.0.1:25"],
            &[
                "smtp.example.com",
                "[::1]",
                "smtp.example.com:",
                ":25",
                "smtp.example.com:0",
            ],
        );
    }

    #[test]
    fn buckets_and_regions() {
        grammar(
            is_s3_bucket,
            &["thanos"],
            &["Thanos", "ab", "a..b", "192.168.1.1"],
        );
        grammar(is_region, &["us-east-1"], &["", "us east"]);
    }
}
