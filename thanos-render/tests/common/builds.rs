//! The builds of the real-chart tier: what `scripts/e2e.sh` leaves in its build directory
//! (`target/e2e`, or `E2E_BUILDS`), read back as Kubernetes objects.
//!
//! ```text
//! <builds>/<fleet>/fleet.yaml                      the fleet file the tree was rendered from
//! <builds>/<fleet>/deploy-new/                     the rendered tree, charts unpacked in it
//! <builds>/<fleet>/builds/<dir>/build.yaml         `kubectl kustomize --enable-helm` of <dir>
//! <builds>/<fleet>/builds/<dir>/command            the command that built it, run from the tree
//! ```

use std::{
    collections::{BTreeMap, HashMap},
    fs,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, OnceLock},
};

use serde::Deserialize;
use serde_json::{Map, Value};

/// The directory `scripts/e2e.sh` builds into: `E2E_BUILDS`, else the workspace's
/// `target/e2e`.
pub fn builds_root() -> PathBuf {
    std::env::var_os("E2E_BUILDS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e"),
        PathBuf::from,
    )
}

/// The fleets built under `root`: each subdirectory with a `fleet.yaml`, by name.
pub fn built_fleets(root: &Path) -> Vec<(String, PathBuf)> {
    let mut fleets: Vec<(String, PathBuf)> = fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().join("fleet.yaml").is_file())
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .collect();
    fleets.sort();
    fleets
}

/// Every file of a tree on disk by its path relative to `root`, without the `charts`
/// directories kustomize reads the unpacked charts from.
pub fn read_tree(root: &Path) -> Result<BTreeMap<String, String>, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> Result<(), String> {
        let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "charts") {
                    walk(root, &path, out)?;
                }
            } else {
                let content =
                    fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let relative = path.strip_prefix(root).expect("under the root");
                out.insert(relative.to_string_lossy().into_owned(), content);
            }
        }
        Ok(())
    }
    let mut files = BTreeMap::new();
    walk(root, root, &mut files)?;
    Ok(files)
}

/// Every document of a YAML stream as JSON values (Kubernetes objects are JSON).
pub fn json_documents(yaml: &str) -> Result<Vec<Value>, String> {
    serde_yaml::Deserializer::from_str(yaml)
        .map(|document| Value::deserialize(document).map_err(|e| e.to_string()))
        .filter(|value| !matches!(value, Ok(Value::Null)))
        .collect()
}

/// The objects of one kustomize build.
#[derive(Debug)]
pub struct Build {
    /// The kustomization directory, relative to the tree.
    pub dir: String,
    /// Every object, in the build's order.
    pub objects: Vec<Value>,
    /// The build's CustomResourceDefinitions.
    pub crds: Crds,
}

impl Build {
    /// Reads `<builds>/<dir>/build.yaml`.
    pub fn read(builds: &Path, dir: &str) -> Result<Self, String> {
        let path = builds.join(dir).join("build.yaml");
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let objects = json_documents(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        // cert-manager is installed beside the chart, not by it: its CRDs come from the
        // reference, for the builds that hold its objects.
        let mut definitions: Vec<Value> = objects.clone();
        if objects.iter().any(|o| group_of(o) == CERT_MANAGER_GROUP) {
            definitions.extend(cert_manager_crds()?);
        }
        let crds = Crds::of(&definitions)?;
        Ok(Self {
            dir: dir.to_owned(),
            objects,
            crds,
        })
    }

    /// The objects of `kind`.
    pub fn all<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.objects.iter().filter(move |o| kind_of(o) == kind)
    }

    /// The objects of `kind` named `name`.
    pub fn named<'a>(&'a self, kind: &'a str, name: &'a str) -> impl Iterator<Item = &'a Value> {
        self.all(kind).filter(move |o| name_of(o) == name)
    }

    /// The one object of `kind` (named `name`, if given) as its type, or why not.
    pub fn one<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        name: Option<&str>,
    ) -> Result<T, String> {
        let found: Vec<&Value> = self
            .all(kind)
            .filter(|o| name.is_none_or(|name| name_of(o) == name))
            .collect();
        let what = name.map_or_else(|| kind.to_owned(), |name| format!("{kind} {name}"));
        match found[..] {
            [object] => typed(object).map_err(|e| format!("{what}: {e}")),
            _ => Err(format!("expected one {what}, found {}", found.len())),
        }
    }

    /// Every object of `kind` as its type.
    pub fn typed_all<T: serde::de::DeserializeOwned>(&self, kind: &str) -> Result<Vec<T>, String> {
        self.all(kind)
            .map(|o| typed(o).map_err(|e| format!("{}: {e}", describe(o))))
            .collect()
    }

    /// Whether an object lives in a namespace: a custom kind's CRD says; otherwise every
    /// kind but Kubernetes' cluster-scoped ones.
    pub fn namespaced(&self, object: &Value) -> bool {
        let kind = kind_of(object);
        match self
            .crds
            .scopes
            .get(&(group_of(object).to_owned(), kind.to_owned()))
        {
            Some(scope) => scope == "Namespaced",
            None => !CLUSTER_SCOPED.contains(&kind),
        }
    }
}

/// Kubernetes kinds that live outside namespaces (custom kinds: their CRD's scope says).
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CSIDriver",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "PersistentVolume",
    "PriorityClass",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
];

/// An object as its type.
pub fn typed<T: serde::de::DeserializeOwned>(object: &Value) -> Result<T, String> {
    T::deserialize(object).map_err(|e| e.to_string())
}

/// `kind`.
pub fn kind_of(object: &Value) -> &str {
    object["kind"].as_str().unwrap_or_default()
}

/// `metadata.name`.
pub fn name_of(object: &Value) -> &str {
    object["metadata"]["name"].as_str().unwrap_or_default()
}

/// The API group of `apiVersion` (empty for the core group).
pub fn group_of(object: &Value) -> &str {
    object["apiVersion"]
        .as_str()
        .and_then(|v| v.rsplit_once('/'))
        .map_or("", |(group, _)| group)
}

/// `<kind> <name>`, for messages.
pub fn describe(object: &Value) -> String {
    format!("{} {}", kind_of(object), name_of(object))
}

/// cert-manager's API group.
pub const CERT_MANAGER_GROUP: &str = "cert-manager.io";

/// The cert-manager v1.21.1 CRDs `scripts/e2e.sh` puts beside the builds
/// (`<builds root>/crds/cert-manager/`, every file there), after checking each against
/// the sha256 the reference lists.
pub fn cert_manager_crds() -> Result<Vec<Value>, String> {
    let dir = builds_root().join("crds/cert-manager");
    let mut paths = fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    paths.sort();
    let mut crds = Vec::new();
    for path in paths {
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        crds.extend(json_documents(&text).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    Ok(crds)
}

/// (group, version, kind) of a served custom resource.
type Gvk = (String, String, String);

/// The CRDs of one build: the schema of every served version, and each kind's scope.
#[derive(Debug, Default)]
pub struct Crds {
    schemas: HashMap<Gvk, Value>,
    scopes: HashMap<(String, String), String>,
}

impl Crds {
    fn of(objects: &[Value]) -> Result<Self, String> {
        let mut crds = Self::default();
        for crd in objects
            .iter()
            .filter(|o| kind_of(o) == "CustomResourceDefinition")
        {
            let spec = &crd["spec"];
            let group = spec["group"].as_str().unwrap_or_default().to_owned();
            let kind = spec["names"]["kind"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let scope = spec["scope"].as_str().unwrap_or("Namespaced").to_owned();
            crds.scopes.insert((group.clone(), kind.clone()), scope);
            for version in spec["versions"].as_array().into_iter().flatten() {
                let name = version["name"].as_str().unwrap_or_default().to_owned();
                let schema = version["schema"]["openAPIV3Schema"].clone();
                if schema.is_null() {
                    return Err(format!(
                        "CRD {}: version {name} has no schema",
                        name_of(crd)
                    ));
                }
                crds.schemas
                    .insert((group.clone(), name, kind.clone()), schema);
            }
        }
        Ok(crds)
    }

    /// The API groups the build's CRDs define.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.scopes.keys().map(|(group, _)| group.as_str())
    }

    /// Every problem of `object` against the strict schema of its CRD in this build.
    pub fn errors(&self, object: &Value) -> Vec<String> {
        let version = object["apiVersion"]
            .as_str()
            .and_then(|v| v.rsplit_once('/'))
            .map_or("", |(_, version)| version);
        let key = (
            group_of(object).to_owned(),
            version.to_owned(),
            kind_of(object).to_owned(),
        );
        let Some(schema) = self.schemas.get(&key) else {
            return vec![format!(
                "no CRD in the build serves {} {}",
                object["apiVersion"].as_str().unwrap_or_default(),
                kind_of(object)
            )];
        };
        let validator = compiled(schema);
        validator
            .iter_errors(object)
            .map(|error| {
                let path = error.instance_path().to_string();
                let mut message = error.to_string();
                message.truncate(200);
                format!(
                    "{}: {message}",
                    if path.is_empty() { "(root)" } else { &path }
                )
            })
            .collect()
    }
}

/// The validator of a CRD schema, compiled once per schema text for every build (the
/// builds of one chart share their CRDs).
fn compiled(schema: &Value) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let text = schema.to_string();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(validator) = cache.lock().expect("not poisoned").get(&text) {
        return Arc::clone(validator);
    }
    let validator = Arc::new(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(false)
            .build(&strict(schema))
            .unwrap_or_else(|e| {
                let mut message = e.to_string();
                message.truncate(300);
                panic!("a CRD schema does not compile as JSON Schema: {message}")
            }),
    );
    cache
        .lock()
        .expect("not poisoned")
        .insert(text, Arc::clone(&validator));
    validator
}

/// A CRD's OpenAPI v3 schema as JSON Schema (draft 4) that refuses unknown fields, as the
/// API server's structural pruning would drop them: `additionalProperties: false` wherever
/// `properties` are listed and unknown fields are not preserved; `nullable` and
/// `x-kubernetes-int-or-string` in JSON Schema's words; embedded resources keep their
/// `apiVersion`, `kind` and `metadata`. A `pattern` with an inline flag such as `(?i)`
/// (Go's regular expressions have them, JSON Schema's ECMA ones do not, and the schema
/// would not compile) is left out.
pub fn strict(schema: &Value) -> Value {
    match schema {
        Value::Array(items) => Value::Array(items.iter().map(strict).collect()),
        Value::Object(map) => {
            let mut out: Map<String, Value> = map
                .iter()
                .filter(|(k, v)| {
                    !(*k == "pattern" && v.as_str().is_some_and(|p| p.contains("(?i)")))
                })
                .map(|(k, v)| (k.clone(), strict(v)))
                .collect();
            if out.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true)) {
                let properties = out
                    .entry("properties")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(properties) = properties {
                    for (field, kind) in [
                        ("apiVersion", "string"),
                        ("kind", "string"),
                        ("metadata", "object"),
                    ] {
                        properties
                            .entry(field)
                            .or_insert_with(|| serde_json::json!({ "type": kind }));
                    }
                }
            }
            if out.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
                out.remove("type");
                out.entry("anyOf").or_insert_with(
                    || serde_json::json!([{ "type": "integer" }, { "type": "string" }]),
                );
            }
            if out.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(kind) = out.remove("type") {
                    out.insert("type".into(), serde_json::json!([kind, "null"]));
                }
            }
            if out.contains_key("properties")
                && !out.contains_key("additionalProperties")
                && out.get("x-kubernetes-preserve-unknown-fields") != Some(&Value::Bool(true))
            {
                out.insert("additionalProperties".into(), Value::Bool(false));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}
