#!/usr/bin/env bash
# Prints the path of a Python with the project's script dependency (PyYAML, for the
# real-chart tier's 10-edge fleet file in scripts/e2e.sh),
# a virtual environment in the cache directory made on first use with pip:
#   py=$(scripts/python-env.sh)
# The cache is ${THANOS_KUSTOMIZE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thanos-kustomize};
# nothing is written into the repository. Fails loudly when python3 or pip cannot.
set -euo pipefail
requirements=("PyYAML==6.0.3")
cache=${THANOS_KUSTOMIZE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thanos-kustomize}
venv=$cache/venv
stamp=$venv/.requirements
command -v python3 >/dev/null || { echo "python-env.sh: python3 is needed on PATH" >&2; exit 2; }
if [[ ! -x $venv/bin/python || "$(cat "$stamp" 2>/dev/null)" != "${requirements[*]}" ]]; then
  echo "python-env.sh: installing ${requirements[*]} into $venv" >&2
  mkdir -p "$cache"
  python3 -m venv --clear "$venv" >&2 \
    || { echo "python-env.sh: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; exit 2; }
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}" >&2 \
    || { echo "python-env.sh: pip could not install ${requirements[*]}" >&2; exit 2; }
  printf '%s' "${requirements[*]}" > "$stamp"
fi
echo "$venv/bin/python"
