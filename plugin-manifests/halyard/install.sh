#!/usr/bin/env bash
# Halyard: copy outrigger's profiles into the deployment, then apply. Usage: install.sh [deployment-name]
set -euo pipefail
deployment="${1:-default}"
here="$(cd "$(dirname "$0")/.." && pwd)"
profiles="$HOME/.hal/$deployment/profiles"
mkdir -p "$profiles"
for service in orca clouddriver; do
  target="$profiles/$service-local.yml"
  if [ -e "$target" ]; then
    echo "$target exists: merge $here/$service/$service-local.yml into it by hand" >&2
  else
    cp "$here/$service/$service-local.yml" "$target"
    echo "wrote $target"
  fi
done
echo "now run: hal deploy apply"
