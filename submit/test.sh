#!/usr/bin/env bash
# README's test command (CI runs it through .ci/run): makes sure the Debian packages the tests use are
# installed, checks the formatting (seconds), then runs every test with `mvn -B verify` (arguments go to Maven).
#
# The packages: Jupyter's nbconvert, its notebook client and kernel client (the notebook test executes
# notebooks/results.ipynb with /usr/bin/jupyter), and Chromium (the report test renders the page in
# headless /usr/bin/chromium), and botocore (EmrRequestsTest checks the EMR requests against AWS's EMR
# API model that it ships). As root, or with password-less sudo, missing ones are installed with
# apt-get; otherwise it prints the one apt-get line to run and stops, because those tests would fail.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PACKAGES=(jupyter-nbconvert python3-nbconvert python3-nbclient python3-ipykernel jupyter-client
  python3-jupyter-client chromium python3-botocore)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if (( ${#missing[@]} > 0 )); then
  install=(apt-get install -y --no-install-recommends "${missing[@]}")
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    sudo=()
  elif command -v apt-get >/dev/null && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  else
    echo "error: the tests need Debian packages that are not installed. Run, as root:" >&2
    echo "  ${install[*]}" >&2
    echo "then submit/test.sh again." >&2
    exit 1
  fi
  echo "Installing the Debian packages the tests use: ${missing[*]}" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${install[@]}" >&2
fi
cd "$ROOT"
# The formatting check is also part of verify, but there it comes after the suite: say it in seconds.
mvn -B -q spotless:check || { echo "error: unformatted Java files; run mvn spotless:apply" >&2; exit 1; }
exec mvn -B verify "$@"
