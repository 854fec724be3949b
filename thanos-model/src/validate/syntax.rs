//! Syntax checks of the strings a fleet holds: names, hosts, quantities, durations.

/// Longest DNS-1123 label.
const MAX_LABEL: usize = 63;
/// Longest DNS-1123 subdomain.
const MAX_SUBDOMAIN: usize = 253;

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

/// A host with an optional port, such as `s3.example.com:9000`; no scheme, no path.
pub fn is_host_port(s: &str) -> bool {
    let (host, port) = match s.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (s, None),
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    port_ok && (is_dns_subdomain(host) || host.parse::<std::net::Ipv4Addr>().is_ok())
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
        && s.parse::<std::net::Ipv4Addr>().is_err()
}

/// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not reserved (`__` prefix).
pub fn is_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with("__")
}

/// A shell environment variable name usable by `envsubst`.
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

/// A Kubernetes quantity such as `50Gi`, `500m`, `1.5` or `1e3`.
pub fn is_quantity(s: &str) -> bool {
    let number_end = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && (c == '+' || c == '-'))))
        .map_or(s.len(), |(i, _)| i);
    let (number, suffix) = s.split_at(number_end);
    let digits = number.trim_start_matches(['+', '-']);
    let number_ok = !digits.is_empty()
        && digits != "."
        && digits.matches('.').count() <= 1
        && !number.starts_with('-');
    let suffix_ok = matches!(
        suffix,
        "" | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
            | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
    ) || suffix.strip_prefix(['e', 'E']).is_some_and(|exp| {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit())
    });
    number_ok && suffix_ok
}

/// Parses a Prometheus duration (`1y2w3d4h5m6s7ms`, units in that order, each at most
/// once, or `0`) into milliseconds; `None` when malformed or overflowing.
pub fn parse_duration_ms(s: &str) -> Option<u64> {
    const UNITS: [(&str, u64); 7] = [
        ("y", 365 * 24 * 3_600_000),
        ("w", 7 * 24 * 3_600_000),
        ("d", 24 * 3_600_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ];
    if s == "0" {
        return Some(0);
    }
    let mut rest = s;
    let mut total: u64 = 0;
    let mut next_unit = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let value: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        // "ms" must be tried before "m".
        let (index, (unit, factor)) = UNITS
            .iter()
            .enumerate()
            .skip(next_unit)
            .filter(|(_, (unit, _))| rest.starts_with(unit))
            .max_by_key(|(_, (unit, _))| unit.len())?;
        rest = &rest[unit.len()..];
        total = total.checked_add(value.checked_mul(*factor)?)?;
        next_unit = index + 1;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels_refuse_path_tricks() {
        for bad in [
            "",
            "..",
            "../x",
            "/",
            "a/b",
            "A",
            "-a",
            "a-",
            &"a".repeat(64),
        ] {
            assert!(!is_dns_label(bad), "{bad:?} accepted");
        }
        for good in ["a", "cluster-01-central", &"a".repeat(63)] {
            assert!(is_dns_label(good), "{good:?} refused");
        }
    }

    #[test]
    fn quantities() {
        for good in ["50Gi", "500m", "1", "1.5", "0.5Gi", "1e3", "128974848"] {
            assert!(is_quantity(good), "{good:?} refused");
        }
        for bad in ["", "Gi", "50GB", "-1Gi", "1..2", ".", "50 Gi", "1e"] {
            assert!(!is_quantity(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("0"), Some(0));
        assert_eq!(parse_duration_ms("0d"), Some(0));
        assert_eq!(parse_duration_ms("30s"), Some(30_000));
        assert_eq!(parse_duration_ms("1h30m"), Some(5_400_000));
        assert_eq!(parse_duration_ms("100ms"), Some(100));
        assert_eq!(parse_duration_ms("1m5ms"), Some(60_005));
        assert_eq!(parse_duration_ms("40h"), Some(40 * 3_600_000));
        for bad in [
            "",
            "d",
            "10",
            "1m1h",
            "1d1d",
            "1x",
            "-1d",
            "99999999999999999999y",
        ] {
            assert_eq!(parse_duration_ms(bad), None, "{bad:?} accepted");
        }
    }

    #[test]
    fn images() {
        assert!(is_image_repository("quay.io/thanos/thanos"));
        assert!(is_image_repository("thanos"));
        assert!(is_image_repository("localhost:5000/thanos/thanos"));
        assert!(!is_image_repository(""));
        assert!(!is_image_repository("Quay.io"));
        assert!(!is_image_repository("quay.io//thanos"));
        assert!(!is_image_repository("quay.io/thanos/thanos:v1"));
        assert!(is_image_tag("v0.42.4"));
        assert!(!is_image_tag(""));
        assert!(!is_image_tag("v0.42 4"));
        assert!(!is_image_tag("-v1"));
    }

    #[test]
    fn buckets_and_hosts() {
        assert!(is_s3_bucket("thanos"));
        assert!(!is_s3_bucket("Thanos"));
        assert!(!is_s3_bucket("ab"));
        assert!(!is_s3_bucket("a..b"));
        assert!(!is_s3_bucket("192.168.1.1"));
        assert!(is_host_port("s3.minio.example.com"));
        assert!(is_host_port("10.0.0.1:9000"));
        assert!(!is_host_port("https://s3.example.com"));
        assert!(!is_host_port("s3.example.com:0"));
    }
}
