#!/usr/bin/env bash
# Builds every overlay of a rendered tree whole, with the real chart:
#   scripts/build-overlays.sh deploy-new
# Needs kubectl (kustomize v5.5) and helm v3 on PATH, and the chart repository reachable
# (or the chart unpacked at <overlay>/charts/kube-prometheus-stack-<version>/).
# Prints one line per overlay with the number and kinds of objects built; exits non-zero
# on the first overlay that does not build.
set -euo pipefail
tree=${1:-deploy-new}
command -v helm >/dev/null || { echo "helm v3 is needed on PATH" >&2; exit 2; }
for overlay in "$tree"/base/*/ "$tree"/overlays/*/*/; do
  out=$(kubectl kustomize --enable-helm --load-restrictor LoadRestrictionsNone "$overlay")
  kinds=$(printf '%s\n' "$out" | grep -E '^kind: ' | sort | uniq -c | awk '{printf "%s %s, ", $1, $3}')
  echo "$overlay: ${kinds%, }"
done
