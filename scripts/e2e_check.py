#!/usr/bin/env python3
"""The checks of the real-chart tier (scripts/e2e.sh), and the tree reading it needs.

    e2e_check.py dirs TREE              every kustomization directory of a rendered tree
    e2e_check.py charts TREE            "<dir> <chart> <version> <chartHome>" per helmCharts entry
    e2e_check.py runbook TREE BLOCKS    the runbook's ```sh blocks into BLOCKS/block-NN.sh, and
                                        "<dir><TAB><command>" per kustomization: the runbook's
                                        build line (the base's own command if it has none)
    e2e_check.py check --tree TREE --builds DIR --fleet NAME --namespace NS --domain D
                 --central NAME --edges A,B,... --receive-replicas N
                                        checks DIR/<dir>/build.yaml of every kustomization
                                        directory; one line per build, then a summary

Needs PyYAML and jsonschema (scripts/python-env.sh installs both).
"""

import argparse
import base64
import copy
import json
import os
import re
import shlex
import sys
import time
import urllib.parse
from collections import Counter

import jsonschema
import yaml

BUILD = ["kubectl", "kustomize", "--enable-helm", "--load-restrictor", "LoadRestrictionsNone"]

# Kubernetes kinds that live outside namespaces (custom kinds: their CRD's scope says).
CLUSTER_SCOPED = {
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
}

THANOS_WORKLOADS = [
    ("Deployment", "thanos-query"),
    ("StatefulSet", "thanos-receive"),
    ("StatefulSet", "thanos-store"),
    ("StatefulSet", "thanos-compactor"),
]
S3_SECRET = "thanos-s3-config"
GRAFANA_ADMIN_SECRET = "grafana-admin"
# Secret keys, and keys inside Secret content, that hold credentials.
CREDENTIAL_KEY = re.compile(r"pass(word|wd)?|secret[_-]?key|access[_-]?key|token", re.I)
PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
CREDENTIAL_LINE = re.compile(
    r"^\s*[\"']?[\w.-]*(pass(word|wd)?|secret[_-]?key|access[_-]?key|token)[\"']?\s*[:=]\s*(\S.*)$",
    re.I | re.M,
)


class Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
    """YAML as Kubernetes reads it: `=` is a string and dates stay strings."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:value", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in Loader.yaml_implicit_resolvers.items()
}


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.load_all(f, Loader=Loader) if d is not None]


# --- The tree ---------------------------------------------------------------------------


def kustomization_dirs(tree):
    """Every directory with a kustomization.yaml, base first, not inside a chart home."""
    found = []
    for folder, subfolders, files in os.walk(tree):
        subfolders[:] = sorted(d for d in subfolders if d != "charts")
        if "kustomization.yaml" in files:
            found.append(os.path.relpath(folder, tree))
    return sorted(found, key=lambda d: (not d.startswith("base/"), d))


def cmd_dirs(args):
    for d in kustomization_dirs(args.tree):
        print(d)


def cmd_charts(args):
    for d in kustomization_dirs(args.tree):
        kustomization = load_all(os.path.join(args.tree, d, "kustomization.yaml"))[0]
        home = (kustomization.get("helmGlobals") or {}).get("chartHome", "charts")
        for chart in kustomization.get("helmCharts") or []:
            print(d, chart["name"], chart["version"], home)


def sh_blocks(markdown):
    """The bodies of the ```sh (```bash, ```shell) fenced blocks of a Markdown text, also
    those indented in a list item (the indent is taken off)."""
    fence = re.compile(r"^([ \t]*)```(?:sh|bash|shell)[ \t]*\n(.*?)^\1```[ \t]*$", re.M | re.S)
    blocks = []
    for indent, body in fence.findall(markdown):
        lines = body.splitlines(keepends=True)
        blocks.append("".join(line[len(indent):] if line.startswith(indent) else line for line in lines))
    return blocks


def build_lines(block):
    """Every `kubectl kustomize ...` command of a shell block, up to its pipe or redirection."""
    joined = re.sub(r"\\\n", " ", block)
    commands = []
    for line in joined.splitlines():
        if "kubectl kustomize" not in line:
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
        for start in range(len(tokens) - 1):
            if tokens[start:start + 2] == ["kubectl", "kustomize"]:
                end = start
                while end < len(tokens) and not set(tokens[end]) <= set("|&;<>()"):
                    end += 1
                commands.append(tokens[start:end])
    return commands


def cmd_runbook(args):
    """Writes the runbook's shell blocks and prints the build command of every kustomization."""
    runbook = os.path.join(args.tree, "README.md")
    blocks = sh_blocks(open(runbook, encoding="utf-8").read())
    os.makedirs(args.blocks, exist_ok=True)
    for index, block in enumerate(blocks, 1):
        with open(os.path.join(args.blocks, f"block-{index:02}.sh"), "w", encoding="utf-8") as f:
            f.write(block)
    by_dir, problems = {}, []
    for block in blocks:
        for tokens in build_lines(block):
            command = shlex.join(tokens)
            positional = [t for t in tokens[2:] if not t.startswith("-") and t != "LoadRestrictionsNone"]
            if tokens[:len(BUILD)] != BUILD or len(positional) != 1:
                problems.append(f"the runbook's build line is not `{' '.join(BUILD)} <dir>`: {command}")
                continue
            directory = os.path.normpath(positional[0])
            if "$" in directory or not os.path.isdir(os.path.join(args.tree, directory)):
                problems.append(
                    f"the runbook builds {positional[0]}, which is not a directory of the tree "
                    "(its commands are run from the tree's root)"
                )
                continue
            by_dir.setdefault(directory, command)
    for d in kustomization_dirs(args.tree):
        if d in by_dir:
            print(f"{d}\t{by_dir[d]}")
        elif d.startswith("overlays/"):
            problems.append(f"the runbook has no build command for {d}")
        else:
            print(f"{d}\t{shlex.join(BUILD + [d])}")
    if problems:
        for problem in problems:
            print(f"e2e_check.py: {runbook}: {problem}", file=sys.stderr)
        sys.exit(1)


# --- Custom resources against their CRDs -----------------------------------------------


def strict(schema):
    """An OpenAPI v3 schema of a CRD as JSON Schema that refuses unknown fields."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) for k, v in schema.items()}
    if out.get("x-kubernetes-embedded-resource"):
        properties = out.setdefault("properties", {})
        properties.setdefault("apiVersion", {"type": "string"})
        properties.setdefault("kind", {"type": "string"})
        properties.setdefault("metadata", {"type": "object"})
    if out.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out.setdefault("anyOf", [{"type": "integer"}, {"type": "string"}])
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


class Crds:
    """The CRDs of one build, as strict validators per (group, version, kind)."""

    def __init__(self, objects):
        self.schemas, self.validators, self.scopes = {}, {}, {}
        for o in objects:
            if o.get("kind") != "CustomResourceDefinition":
                continue
            spec = o["spec"]
            self.scopes[(spec["group"], spec["names"]["kind"])] = spec.get("scope", "Namespaced")
            for version in spec["versions"]:
                key = (spec["group"], version["name"], spec["names"]["kind"])
                self.schemas[key] = version["schema"]["openAPIV3Schema"]

    def validator(self, key):
        if key not in self.validators and key in self.schemas:
            self.validators[key] = jsonschema.Draft4Validator(strict(self.schemas[key]))
        return self.validators.get(key)

    def groups(self):
        return {group for group, _ in self.scopes}

    def errors(self, o):
        group, _, version = o["apiVersion"].rpartition("/")
        validator = self.validator((group, version, o["kind"]))
        if validator is None:
            return [f"no CRD in the build serves {o['apiVersion']} {o['kind']}"]
        return [
            f"{'.'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message[:200]}"
            for e in validator.iter_errors(o)
        ]


# --- Checks ------------------------------------------------------------------------------


def name_of(o):
    return f"{o.get('kind')} {o.get('metadata', {}).get('name')}"


def find(objects, kind, name=None):
    return [o for o in objects if o.get("kind") == kind and (name is None or o["metadata"].get("name") == name)]


def one(objects, kind, name=None):
    found = find(objects, kind, name)
    return found[0] if len(found) == 1 else None


def count(objects, kind, name=None):
    what = f"{kind} {name}" if name else kind
    return f"expected one {what}, found {len(find(objects, kind, name))}"


class Build:
    """The objects of one kustomize build and what is expected of them."""

    def __init__(self, directory, objects, expect):
        self.dir = directory
        self.objects = objects
        self.expect = expect
        self.crds = Crds(objects)
        parts = directory.split("/")
        self.cluster = parts[1] if parts[0] == "overlays" and len(parts) > 1 else None

    def namespaced(self, o):
        kind = o.get("kind")
        group = o.get("apiVersion", "").rpartition("/")[0]
        scope = self.crds.scopes.get((group, kind))
        if scope is not None:
            return scope == "Namespaced"
        return kind not in CLUSTER_SCOPED

    def service_port(self, url):
        """Problems with a URL that should reach a Service of the build."""
        parsed = urllib.parse.urlsplit(url)
        labels = (parsed.hostname or "").split(".")
        service, namespace = labels[0], labels[1] if len(labels) > 1 else self.expect.namespace
        match = [s for s in find(self.objects, "Service", service)
                 if s["metadata"].get("namespace") == namespace]
        if not match:
            return [f"{url}: no Service {service} in namespace {namespace}"]
        ports = [p.get("port") for p in match[0]["spec"].get("ports", [])]
        if parsed.port not in ports:
            return [f"{url}: Service {service} has ports {ports}, not {parsed.port}"]
        return []


def check_custom_resources(b):
    """Every custom resource is valid against its CRD from the same build, unknown fields refused."""
    problems, groups, checked = [], b.crds.groups() | {"monitoring.coreos.com"}, 0
    for o in b.objects:
        if o.get("apiVersion", "").rpartition("/")[0] in groups and o["kind"] != "CustomResourceDefinition":
            checked += 1
            problems += [f"{name_of(o)}: {e}" for e in b.crds.errors(o)]
    return problems, f"every custom resource ({checked}) valid against its CRD, unknown fields refused"


def check_namespace(b):
    ns = b.expect.namespace
    problems = [
        f"{name_of(o)} is in namespace {o['metadata'].get('namespace')!r}"
        for o in b.objects
        if b.namespaced(o) and o["metadata"].get("namespace") != ns
    ]
    return problems, f"every namespaced object in {ns}"


def check_secrets(b):
    problems = []
    for secret in find(b.objects, "Secret"):
        values = {k: base64.b64decode(v).decode("utf-8", "replace") for k, v in (secret.get("data") or {}).items()}
        values.update(secret.get("stringData") or {})
        for key, value in values.items():
            placeholder = PLACEHOLDER.search(value)
            if placeholder:
                problems.append(f"{name_of(secret)}: {key} holds a placeholder {placeholder.group()}")
            if CREDENTIAL_KEY.search(key) and value.strip():
                problems.append(f"{name_of(secret)}: {key} is a literal credential")
            for line in CREDENTIAL_LINE.finditer(value):
                if line.group(3).strip().strip("\"'") not in ("", "null", "~"):
                    problems.append(f"{name_of(secret)}: {key} holds a literal credential ({line.group(0).split(':')[0].strip()})")
    return problems, "no Secret with a placeholder or a literal password"


def check_no_test_pod(b):
    problems = [
        f"{name_of(o)} has helm.sh/hook: {hook}"
        for o in b.objects
        for hook in [((o.get("metadata") or {}).get("annotations") or {}).get("helm.sh/hook", "")]
        if "test" in [h.strip() for h in hook.split(",")] or "test-success" in hook
    ]
    return problems, "no helm test hook (helm.sh/hook: test) object"


def check_namespace_first(b):
    ns = b.expect.namespace
    index = next((i for i, o in enumerate(b.objects)
                  if o.get("kind") == "Namespace" and o["metadata"].get("name") == ns), None)
    if index is None:
        return [f"no Namespace {ns} in the build"], f"Namespace {ns} before what needs it"
    first = next((i for i, o in enumerate(b.objects) if b.namespaced(o)), None)
    if first is not None and first < index:
        return [f"{name_of(b.objects[first])} comes before Namespace {ns}"], f"Namespace {ns} before what needs it"
    return [], f"Namespace {ns} before what needs it"


def s3_secret_keys(tree, directory):
    """The keys of the S3 Secret manifest the tree keeps beside the central overlay."""
    keys = set()
    for folder, subfolders, files in os.walk(os.path.join(tree, directory)):
        subfolders[:] = [d for d in subfolders if d != "charts"]
        for file in files:
            if file.endswith(".yaml"):
                for o in load_all(os.path.join(folder, file)):
                    if o.get("kind") == "Secret" and o["metadata"].get("name") == S3_SECRET:
                        keys |= set(o.get("stringData") or {}) | set(o.get("data") or {})
    return keys


def check_prometheus(b):
    what = f"Prometheus: 2 replicas, sidecar uploads through {S3_SECRET}, cluster={b.cluster}"
    prometheus = one(b.objects, "Prometheus")
    if prometheus is None:
        return [count(b.objects, "Prometheus")], what
    spec, problems = prometheus["spec"], []
    if spec.get("replicas") != 2:
        problems.append(f"replicas is {spec.get('replicas')}")
    storage = (spec.get("thanos") or {}).get("objectStorageConfig") or {}
    keys = s3_secret_keys(b.expect.tree, b.dir)
    if storage.get("name") != S3_SECRET:
        problems.append(f"thanos.objectStorageConfig is {storage}, not Secret {S3_SECRET}")
    elif storage.get("key") not in keys:
        problems.append(f"thanos.objectStorageConfig key {storage.get('key')!r} is not a key of the tree's {S3_SECRET} ({sorted(keys)})")
    labels = spec.get("externalLabels") or {}
    if labels.get("cluster") != b.cluster:
        problems.append(f"externalLabels.cluster is {labels.get('cluster')!r}")
    return problems, what


def check_alertmanager(b):
    alertmanager = one(b.objects, "Alertmanager")
    if alertmanager is None:
        return [count(b.objects, "Alertmanager")], "Alertmanager: 2 replicas"
    replicas = alertmanager["spec"].get("replicas")
    return ([] if replicas == 2 else [f"replicas is {replicas}"]), "Alertmanager: 2 replicas"


def grafana_datasources(b):
    found = []
    for cm in find(b.objects, "ConfigMap"):
        if (cm["metadata"].get("labels") or {}).get("grafana_datasource") is None:
            continue
        for text in (cm.get("data") or {}).values():
            for document in yaml.load_all(text, Loader=Loader):
                found += (document or {}).get("datasources") or []
    return found


def check_grafana_datasources(b):
    what = "Grafana: Thanos Query the default datasource, Alertmanager kept"
    datasources = grafana_datasources(b)
    defaults = [d for d in datasources if d.get("isDefault")]
    if len(defaults) != 1:
        return [f"{len(defaults)} default datasources among {[d.get('name') for d in datasources]}"], what
    default, problems = defaults[0], []
    if default.get("type") != "prometheus" or (default.get("jsonData") or {}).get("prometheusType") != "Thanos":
        problems.append(f"the default datasource {default.get('name')!r} is not of type prometheus with prometheusType Thanos")
    if (urllib.parse.urlsplit(default.get("url", "")).hostname or "").split(".")[0] != "thanos-query":
        problems.append(f"the default datasource points at {default.get('url')}, not thanos-query")
    problems += b.service_port(default.get("url", ""))
    alertmanagers = [d for d in datasources if d.get("type") == "alertmanager"]
    if len(alertmanagers) != 1:
        problems.append(f"{len(alertmanagers)} Alertmanager datasources")
    else:
        problems += b.service_port(alertmanagers[0].get("url", ""))
    return problems, what


def check_grafana_admin(b):
    what = f"Grafana: admin from Secret {GRAFANA_ADMIN_SECRET}"
    grafana = [d for d in find(b.objects, "Deployment") if d["metadata"]["name"].endswith("grafana")]
    if len(grafana) != 1:
        return [f"{len(grafana)} Grafana Deployments"], what
    problems = []
    env = {
        e["name"]: e
        for c in grafana[0]["spec"]["template"]["spec"]["containers"]
        for e in c.get("env") or []
    }
    for name in ("GF_SECURITY_ADMIN_USER", "GF_SECURITY_ADMIN_PASSWORD"):
        ref = ((env.get(name) or {}).get("valueFrom") or {}).get("secretKeyRef") or {}
        if ref.get("name") != GRAFANA_ADMIN_SECRET:
            problems.append(f"{name} is {env.get(name)}, not from Secret {GRAFANA_ADMIN_SECRET}")
    problems += [f"env {n} holds a literal value" for n, e in env.items() if "PASSWORD" in n and "value" in e]
    problems += [
        f"{name_of(s)} holds an admin password"
        for s in find(b.objects, "Secret")
        if {"admin-password", "admin_password"} & (set(s.get("data") or {}) | set(s.get("stringData") or {}))
    ]
    return problems, what


def references_secret(workload, secret):
    spec = workload["spec"]["template"]["spec"]
    volumes = [(v.get("secret") or {}).get("secretName") for v in spec.get("volumes") or []]
    env = [
        ((e.get("valueFrom") or {}).get("secretKeyRef") or {}).get("name")
        for c in spec.get("containers", []) for e in c.get("env") or []
    ]
    return secret in volumes + env


def check_thanos_workloads(b):
    what = "Thanos: " + ", ".join(f"{k} {n}" for k, n in THANOS_WORKLOADS)
    problems = []
    for kind, name in THANOS_WORKLOADS:
        workload = one(b.objects, kind, name)
        if workload is None:
            problems.append(count(b.objects, kind, name))
        elif name != "thanos-query" and not references_secret(workload, S3_SECRET):
            problems.append(f"{kind} {name} does not read Secret {S3_SECRET}")
    return problems, what


def check_receive(b):
    n = b.expect.receive_replicas
    what = f"Receive: {n} replicas, hashring of {n} endpoints"
    receiver = one(b.objects, "StatefulSet", "thanos-receive")
    if receiver is None:
        return [count(b.objects, "StatefulSet", "thanos-receive")], what
    problems = []
    if receiver["spec"].get("replicas") != n:
        problems.append(f"replicas is {receiver['spec'].get('replicas')}")
    names = [(v.get("configMap") or {}).get("name") for v in receiver["spec"]["template"]["spec"].get("volumes") or []]
    rings = [cm for cm in find(b.objects, "ConfigMap") if cm["metadata"]["name"] in names and "hashrings.json" in (cm.get("data") or {})]
    if len(rings) != 1:
        return problems + [f"{len(rings)} hashring ConfigMaps mounted by thanos-receive"], what
    endpoints = [e for ring in json.loads(rings[0]["data"]["hashrings.json"]) for e in ring.get("endpoints", [])]
    addresses = [e if isinstance(e, str) else e.get("address") for e in endpoints]
    if len(set(addresses)) != n or len(addresses) != n:
        problems.append(f"the hashring lists {addresses}")
    return problems, what


def check_query_endpoints(b):
    what = "Query: every dnssrv endpoint is a Service with a grpc port"
    endpoints = set()
    for cm in find(b.objects, "ConfigMap"):
        if cm["metadata"]["name"].startswith("thanos-query"):
            for text in (cm.get("data") or {}).values():
                endpoints |= set(re.findall(r"dnssrv\+_grpc\._tcp\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc", text))
    if not endpoints:
        return ["no dnssrv endpoint in Query's ConfigMaps"], what
    problems = []
    for service, namespace in sorted(endpoints):
        match = [s for s in find(b.objects, "Service", service) if s["metadata"].get("namespace") == namespace]
        owner = OPERATOR_SERVICES.get(service)
        if not match and owner is not None:
            # Made by the Prometheus Operator at run time (ports grpc 10901 and web 10902)
            # for the custom resource of this kind in the same namespace.
            if not [o for o in find(b.objects, owner) if o["metadata"].get("namespace") == namespace]:
                problems.append(f"{service} is made by the operator for a {owner}, and the build has none in {namespace}")
        elif not match:
            problems.append(f"no Service {service} in {namespace}")
        elif "grpc" not in [p.get("name") for p in match[0]["spec"].get("ports", [])]:
            problems.append(f"Service {service} has no port named grpc")
    return problems, what


# Services the Prometheus Operator makes at run time for a custom resource of a kind.
OPERATOR_SERVICES = {"thanos-ruler-operated": "ThanosRuler"}


def selects(selector, labels):
    """Whether a Kubernetes label selector (matchLabels, matchExpressions) selects `labels`."""
    if selector is None:
        return False
    labels = labels or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[operator]
        if not ok:
            return False
    return True


def check_rule_evaluation(b):
    what = ("Thanos Ruler over Query, to Alertmanager and the bucket; every PrometheusRule "
            "evaluated by exactly one of Prometheus and the Ruler, the chart's by the Ruler")
    ruler, prometheus = one(b.objects, "ThanosRuler"), one(b.objects, "Prometheus")
    if ruler is None or prometheus is None:
        return [count(b.objects, "ThanosRuler"), count(b.objects, "Prometheus")], what
    spec, problems = ruler["spec"], []
    for endpoint in spec.get("queryEndpoints") or []:
        problems += b.service_port(f"http://{endpoint}")
    if not spec.get("queryEndpoints"):
        problems.append("no queryEndpoints")
    if (spec.get("objectStorageConfig") or {}).get("name") != "thanos-s3-config":
        problems.append(f"objectStorageConfig is {spec.get('objectStorageConfig')}")
    ref = spec.get("alertmanagersConfig") or {}
    secrets = find(b.objects, "Secret", ref.get("name"))
    if not secrets:
        problems.append(f"alertmanagersConfig names Secret {ref.get('name')!r}, which the build does not hold")
    else:
        # Every Alertmanager address is the operator's governing Service of an Alertmanager
        # of the build, by the port name that Alertmanager uses.
        text = base64.b64decode((secrets[0].get("data") or {}).get(ref.get("key"), "")).decode()
        config = yaml.safe_load(text) or {}
        addresses = [a for am in config.get("alertmanagers") or [] for a in am.get("static_configs") or []]
        ports = {a["spec"].get("portName", "web") for a in find(b.objects, "Alertmanager")}
        wanted = {f"dnssrv+_{port}._tcp.alertmanager-operated.{b.expect.namespace}.svc" for port in ports}
        if not addresses or not set(addresses) <= wanted:
            problems.append(f"the Ruler sends alerts to {addresses}, the Alertmanagers are at {sorted(wanted)}")
    if spec.get("replicas", 1) < 2:
        problems.append(f"{spec.get('replicas')} Ruler replica(s): a node loss stops every alert")
    for rule in find(b.objects, "PrometheusRule"):
        labels = rule["metadata"].get("labels")
        by = [who for who, selector in (("Prometheus", prometheus["spec"].get("ruleSelector")),
                                       ("ThanosRuler", spec.get("ruleSelector")))
              if selects(selector, labels)]
        if len(by) != 1:
            problems.append(f"{name_of(rule)} is evaluated by {by or 'nobody'}")
        elif (labels or {}).get("app") == "kube-prometheus-stack" and by != ["ThanosRuler"]:
            problems.append(f"the chart's {name_of(rule)} is evaluated by {by[0]}, which sees only its own series")
    return problems, what


def check_thanos_watched(b):
    what = "a ServiceMonitor reaching each Thanos component (Query, Receive, Store, Compactor, sidecar, Ruler)"
    services = find(b.objects, "Service")
    covered, problems = set(), []
    for monitor in find(b.objects, "ServiceMonitor"):
        ports = {e.get("port") for e in monitor["spec"].get("endpoints") or []}
        for service in services:
            if selects(monitor["spec"].get("selector"), service["metadata"].get("labels")):
                names = {p.get("name") for p in service["spec"].get("ports") or []}
                if ports & names:
                    covered.add(service["metadata"]["name"])
    wanted = {"thanos-query", "thanos-receive", "thanos-store", "thanos-compactor",
              "kube-prometheus-stack-thanos-discovery", "kube-prometheus-stack-thanos-ruler"}
    problems += [f"nothing scrapes Service {name}" for name in sorted(wanted - covered)]
    return problems, what


def check_silent_edges(b):
    what = f"one ThanosEdgeSilent alert per edge ({len(b.expect.edges)}), for the Ruler"
    rule = one(b.objects, "PrometheusRule", "thanos-silent-edges")
    if rule is None:
        return [count(b.objects, "PrometheusRule", "thanos-silent-edges")], what
    clusters = sorted(r.get("labels", {}).get("cluster")
                      for g in rule["spec"]["groups"] for r in g["rules"] if r.get("alert") == "ThanosEdgeSilent")
    problems = []
    if clusters != sorted(b.expect.edges):
        problems.append(f"alerts for {clusters}, edges are {sorted(b.expect.edges)}")
    return problems, what


def check_grafana_cluster_variable(b):
    what = "the chart's dashboards show their cluster variable"
    hidden, seen = [], 0
    for cm in find(b.objects, "ConfigMap"):
        if (cm["metadata"].get("labels") or {}).get("grafana_dashboard") != "1":
            continue
        for text in (cm.get("data") or {}).values():
            try:
                dashboard = json.loads(text)
            except ValueError:
                continue
            for variable in (dashboard.get("templating") or {}).get("list") or []:
                if variable.get("name") == "cluster":
                    seen += 1
                    if variable.get("hide") not in (0, None):
                        hidden.append(name_of(cm))
    problems = [f"{name} hides its cluster variable" for name in hidden]
    if not seen:
        problems.append("no dashboard has a cluster variable")
    return problems, what


def check_agent(b):
    url = f"http://thanos-receive.{b.expect.domain}/api/v1/receive"
    what = f"PrometheusAgent, no Prometheus, cluster={b.cluster}, writing to {url}"
    problems = [f"{name_of(o)} on an edge" for o in find(b.objects, "Prometheus")]
    agent = one(b.objects, "PrometheusAgent")
    if agent is None:
        return problems + [count(b.objects, "PrometheusAgent")], what
    labels = agent["spec"].get("externalLabels") or {}
    if labels.get("cluster") != b.cluster:
        problems.append(f"externalLabels.cluster is {labels.get('cluster')!r}")
    urls = [w.get("url") for w in agent["spec"].get("remoteWrite") or []]
    if urls != [url]:
        problems.append(f"remoteWrite URLs are {urls}")
    return problems, what


def check_exporters(b):
    what = "node-exporter DaemonSet, kube-state-metrics Deployment"
    problems = []
    if not [d for d in find(b.objects, "DaemonSet") if "node-exporter" in d["metadata"]["name"]]:
        problems.append("no node-exporter DaemonSet")
    if not [d for d in find(b.objects, "Deployment") if "kube-state-metrics" in d["metadata"]["name"]]:
        problems.append("no kube-state-metrics Deployment")
    return problems, what


def check_edge_runs_nothing_else(b):
    what = "no Alertmanager, Grafana, rules or Thanos on an edge"
    problems = [name_of(o) for o in b.objects if o.get("kind") in ("Alertmanager", "PrometheusRule")]
    problems += [
        name_of(o) for o in b.objects
        if o.get("kind") not in ("CustomResourceDefinition",)
        and ("grafana" in o["metadata"].get("name", "") or o["metadata"].get("name", "").startswith("thanos-"))
    ]
    return [f"{p} on an edge" for p in problems], what


def checks_for(b):
    checks = [check_custom_resources, check_namespace, check_no_test_pod]
    if b.cluster is not None:
        # What is applied to a cluster; the base only builds (its Grafana keeps the chart's
        # default admin Secret, which no overlay deploys).
        checks += [check_secrets, check_namespace_first]
    if b.cluster == b.expect.central:
        checks += [check_prometheus, check_alertmanager, check_grafana_datasources, check_grafana_admin,
                   check_thanos_workloads, check_receive, check_query_endpoints, check_rule_evaluation,
                   check_thanos_watched, check_silent_edges, check_grafana_cluster_variable]
    elif b.cluster is not None:
        checks += [check_agent, check_exporters, check_edge_runs_nothing_else]
    return checks


def self_test(b):
    """The CR check must be able to fail: an unknown field in each kind is refused."""
    problems = []
    for kind in sorted({o["kind"] for o in b.objects if o.get("apiVersion", "").startswith("monitoring.coreos.com/")}):
        sample = copy.deepcopy(next(o for o in b.objects if o["kind"] == kind))
        sample.setdefault("spec", {})["notAField"] = 1
        if not b.crds.errors(sample):
            problems.append(f"the {kind} CRD validator accepts an unknown field spec.notAField")
    return problems


def cmd_check(args):
    args.edges = [e for e in args.edges.split(",") if e]
    started = time.monotonic()
    dirs = kustomization_dirs(args.tree)
    expected = {f"overlays/{c}" for c in [args.central, *args.edges]}
    seen = {"/".join(d.split("/")[:2]) for d in dirs if d.startswith("overlays/")}
    totals = Counter()
    failures = []
    if seen != expected:
        failures.append("the tree's overlays")
        print(f"{args.fleet}: FAIL the tree has overlays {sorted(seen)}, expected {sorted(expected)}")
    for d in dirs:
        b = Build(d, load_all(os.path.join(args.builds, d, "build.yaml")), args)
        passed, failed = 0, []
        for check in checks_for(b):
            problems, what = check(b)
            if problems:
                failed.append((what, problems))
            else:
                passed += 1
        bad_test = self_test(b)
        if bad_test:
            failed.append(("the CRD check can fail", bad_test))
        kinds = Counter(o.get("kind") for o in b.objects)
        summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
        status = f"{passed}/{passed + len(failed)} checks passed"
        print(f"{args.fleet} {d}: {len(b.objects)} objects ({summary}); {status}")
        for what, problems in failed:
            print(f"  FAIL {what}:")
            for problem in problems[:10]:
                print(f"    {problem}")
            if len(problems) > 10:
                print(f"    ... and {len(problems) - 10} more")
            failures.append(f"{d}: {what}")
        totals.update(builds=1, objects=len(b.objects), passed=passed)
    elapsed = time.monotonic() - started
    print(
        f"{args.fleet}: {totals['builds']} builds, {totals['objects']} objects, "
        f"{totals['passed']} checks passed, {len(failures)} failed ({elapsed:.1f}s to check)"
    )
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("dirs", "charts"):
        sub.add_parser(name).add_argument("tree")
    runbook = sub.add_parser("runbook")
    runbook.add_argument("tree")
    runbook.add_argument("blocks")
    check = sub.add_parser("check")
    for option in ("tree", "builds", "fleet", "namespace", "domain", "central", "edges"):
        check.add_argument(f"--{option}", required=True)
    check.add_argument("--receive-replicas", type=int, required=True)
    args = parser.parse_args()
    handler = {"dirs": cmd_dirs, "charts": cmd_charts, "runbook": cmd_runbook, "check": cmd_check}
    sys.exit(handler[args.command](args) or 0)


if __name__ == "__main__":
    main()
