#!/usr/bin/env bash
# Create .venv from the exact pins in requirements.txt (re-run only when the pins change).
# On a fresh Debian machine run as root, install the few system packages the course needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

need_apt=()
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
command -v unshare >/dev/null || need_apt+=(util-linux)
command -v bwrap >/dev/null || need_apt+=(bubblewrap)  # the grader's sandbox (autograder/sandbox.py)
command -v chromium >/dev/null || need_apt+=(chromium)  # browser tests (Playwright drives Debian's Chromium)
fc-list 2>/dev/null | grep -qi wqy || need_apt+=(fonts-wqy-microhei)  # CJK glyphs in notebooks and screenshots
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing system packages ${need_apt[*]}: run 'sudo apt-get install ${need_apt[*]}' (or run make as root)" >&2
    [[ " ${need_apt[*]} " == *" python3-venv "* ]] && exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
# nbgrader's lab and server extensions (assignment list, validate, formgrader, course list) for `make lab`.
.venv/bin/jupyter labextension enable @jupyter/nbgrader >/dev/null 2>&1 || true
for x in formgrader assignment_list course_list validate_assignment; do
  .venv/bin/jupyter server extension enable --sys-prefix "nbgrader.server_extensions.$x" >/dev/null 2>&1 || true
done
touch .venv/.installed
echo "setup: .venv ready ($(.venv/bin/python --version))"
