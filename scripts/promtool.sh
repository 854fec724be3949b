#!/usr/bin/env bash
# Checks every Prometheus rule a rendered tree ships with the real promtool:
#   scripts/promtool.sh DIR [TESTS_DIR]
#
# TESTS_DIR (default tests/promtool) holds the rule tests for DIR's fleet: tests/promtool
# for the seed's lab (the four-clusters example), tests/promtool/new-fleet for a new
# fleet (`thanos-kustomize init`: receivers, per-cluster rules).
#
# 1. Finds every `kind: PrometheusRule` document in the *.yaml / *.yml files under DIR
#    (directories named `charts`, where kustomize unpacks helm charts, and hidden ones are
#    skipped) and writes each one's `spec` as the rule file `rules/<metadata.name>.yaml`.
# 2. `promtool check rules` on every rule file.
# 3. `promtool test rules` on the project's rule tests, tests/promtool/*.yaml, run beside
#    the extracted `rules/` directory: a test names the files it loads as
#    `rules/<metadata.name>.yaml`, so it tests exactly what DIR ships.
#
# Installs what is missing and fails loudly if it cannot (never skips): promtool from
# Debian's `prometheus` package (apt-get, as root or with sudo); PyYAML comes from the
# project's Python environment (scripts/python-env.sh), not the system's Python.
# Exits non-zero if DIR holds no PrometheusRule, two share a name, a YAML file does not
# parse, or any check or test fails.
set -euo pipefail

usage() { echo "usage: scripts/promtool.sh DIR [TESTS_DIR]" >&2; exit 2; }
fail() { echo "promtool.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || [ $# -eq 2 ] || usage
dir=$1
[ -d "$dir" ] || fail "$dir is not a directory"
repo=$(cd "$(dirname "$0")/.." && pwd)
tests_dir=$(cd "${2:-$repo/tests/promtool}" && pwd) || fail "${2:-} is not a directory"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else fail "need root (or sudo) to run: $*"
  fi
}

if ! command -v promtool >/dev/null; then
  echo "== installing promtool (Debian package prometheus)"
  as_root apt-get update -qq || fail "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus \
    || fail "apt-get install prometheus failed"
  command -v promtool >/dev/null || fail "promtool is still missing after installing prometheus"
fi
echo "== $(promtool --version 2>&1 | head -n 1)"

py=$("$repo/scripts/python-env.sh") || fail "no Python with PyYAML (scripts/python-env.sh)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/rules"

echo "== extracting PrometheusRules from $dir"
"$py" - "$dir" "$work/rules" <<'PY'
import os
import sys

import yaml

root, out = sys.argv[1], sys.argv[2]
found = {}
for folder, subdirs, files in os.walk(root):
    subdirs[:] = sorted(d for d in subdirs if d != "charts" and not d.startswith("."))
    for name in sorted(files):
        if not name.endswith((".yaml", ".yml")):
            continue
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8") as file:
                documents = list(yaml.safe_load_all(file))
        except yaml.YAMLError as error:
            sys.exit(f"promtool.sh: {path}: not valid YAML: {error}")
        for document in documents:
            if not isinstance(document, dict) or document.get("kind") != "PrometheusRule":
                continue
            rule_name = (document.get("metadata") or {}).get("name")
            if not rule_name or "/" in rule_name:
                sys.exit(f"promtool.sh: {path}: a PrometheusRule without a usable metadata.name")
            if rule_name in found:
                sys.exit(
                    f"promtool.sh: {path}: a second PrometheusRule named {rule_name} "
                    f"(first in {found[rule_name]}); rule files are named after metadata.name"
                )
            found[rule_name] = path
            groups = (document.get("spec") or {}).get("groups")
            if groups is None:
                sys.exit(f"promtool.sh: {path}: PrometheusRule {rule_name} has no spec.groups")
            # partial_response_strategy is the Thanos Ruler's, which promtool does not know.
            for group in groups:
                group.pop("partial_response_strategy", None)
            with open(os.path.join(out, f"{rule_name}.yaml"), "w", encoding="utf-8") as file:
                yaml.safe_dump({"groups": groups}, file, sort_keys=False, allow_unicode=True)
            print(f"rules/{rule_name}.yaml <- {os.path.relpath(path, root)}")
if not found:
    sys.exit(f"promtool.sh: no PrometheusRule in the YAML files under {root}")
PY

echo "== promtool check rules"
(cd "$work" && promtool check rules rules/*.yaml)

echo "== promtool test rules"
shopt -s nullglob
tests=("$tests_dir"/*.yaml)
[ ${#tests[@]} -gt 0 ] || fail "no rule tests in $tests_dir"
cp "${tests[@]}" "$work/"
(cd "$work" && promtool test rules "${tests[@]##*/}")
echo "ok: rules checked and ${#tests[@]} rule test files passed"
