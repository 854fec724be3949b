#!/usr/bin/env bash
# Runs checkov 3.3.30 (--framework kubernetes) over the Kubernetes manifests given, and
# fails unless it
#   - reports 0 failed checks, and
#   - counted every object: checkov's summary.resource_count must be at least the number
#     of YAML documents given plus one derived Pod per workload with a pod template
#     (checkov 3.3.30 adds a `Pod` resource for every Deployment, StatefulSet, DaemonSet,
#     ReplicaSet, Job and CronJob for its graph checks such as CKV2_K8S_6).
# Why the count: checkov skips a whole file that PyYAML cannot load (the chart's CRDs have
# unquoted `- =` enum items -> tag:yaml.org,2002:value) with exit 0 and no parsing error,
# and a run that evaluates nothing reports resource_count 0: without the count a scan of
# a raw `kustomize build` passes vacuously.
#
#   scripts/checkov.sh FILE...         # e.g. overlays/*/kube-prometheus-stack/{namespace,network-policies,thanos-*}.yaml
#
# .ci/run runs it on every manifest the secure fleet (examples/secure-fleet.rs) writes, and
# on the seed's lab tree, where it must fail (so the gate is proven able to fail).
#
# Documents are counted without PyYAML (a line `---` separates documents, a document
# counts when it has a top-level `kind:` line), so a file checkov cannot load is still
# counted here. Give only manifests: no values files, no kustomization.yaml, and no
# CustomResourceDefinition (strip CRDs from a build first; checkov has no checks for
# them and cannot load the chart's).
# THANOS_KUSTOMIZE_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/thanos-kustomize) holds
# the venv. CHECKOV_KEEP=FILE keeps the JSON report.
set -euo pipefail

CHECKOV_VERSION=3.3.30
[[ $# -gt 0 ]] || { echo "checkov.sh: give the manifest files to scan" >&2; exit 2; }
for f in "$@"; do
  [[ -f $f ]] || { echo "checkov.sh: $f: no such file" >&2; exit 2; }
done

cache=${THANOS_KUSTOMIZE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thanos-kustomize}
venv=$cache/checkov-$CHECKOV_VERSION
if [[ ! -x $venv/bin/checkov ]] || [[ $("$venv/bin/checkov" --version 2>/dev/null) != "$CHECKOV_VERSION" ]]; then
  command -v python3 >/dev/null || { echo "checkov.sh: python3 is needed" >&2; exit 1; }
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi
[[ $("$venv/bin/checkov" --version) == "$CHECKOV_VERSION" ]] ||
  { echo "checkov.sh: checkov $CHECKOV_VERSION not installed in $venv" >&2; exit 1; }

report=$(mktemp)
trap 'rm -f "$report"' EXIT
args=()
for f in "$@"; do args+=(-f "$f"); done
set +e
"$venv/bin/checkov" --framework kubernetes --skip-download --output json "${args[@]}" >"$report" 2>/dev/null
rc=$?
set -e
[[ -n ${CHECKOV_KEEP:-} ]] && cp "$report" "$CHECKOV_KEEP"
# checkov exits 1 when a check failed; anything else but 0 is a tool error.
[[ $rc -eq 0 || $rc -eq 1 ]] || { echo "checkov.sh: checkov exited $rc" >&2; exit 1; }

python3 - "$report" "$@" <<'PY'
import json, re, sys

report, files = sys.argv[1], sys.argv[2:]
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
docs = workloads = 0
for path in files:
    text = open(path, encoding="utf-8").read()
    for doc in re.split(r"(?m)^---[ \t]*$", text):
        kind = re.search(r"(?m)^kind:[ \t]*['\"]?([A-Za-z0-9]+)", doc)
        if not kind:
            continue
        if kind.group(1) == "CustomResourceDefinition":
            sys.exit(f"checkov.sh: {path}: strip CustomResourceDefinitions before scanning")
        docs += 1
        workloads += kind.group(1) in WORKLOADS

data = json.load(open(report))
reports = data if isinstance(data, list) else [data]
kube = [r for r in reports if r.get("check_type") == "kubernetes"]
summary = kube[0]["summary"] if kube else data.get("summary", {})
counted = int(summary.get("resource_count", 0))
failed = int(summary.get("failed", 0))
expected = docs + workloads
print(f"checkov {summary.get('checkov_version')}: {counted} resources counted for {docs} documents "
      f"({workloads} workloads, expected {expected}); {summary.get('passed', 0)} passed, {failed} failed")
ok = True
if failed:
    ok = False
    for r in kube:
        for c in r["results"].get("failed_checks", []):
            print(f"  FAILED {c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}")
if counted < expected:
    ok = False
    print(f"checkov.sh: checkov counted {counted} resources, expected {expected}: it skipped a file "
          "(unloadable YAML?); the scan proves nothing")
elif counted > expected:
    print(f"checkov.sh: note: {counted - expected} more resources than expected (a new derived kind?)")
sys.exit(0 if ok else 1)
PY
