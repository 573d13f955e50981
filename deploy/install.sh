#!/usr/bin/env bash
# Install qualkit for a team server into a virtual environment of its own.
# The README, the Dockerfile and the test suite all install with this one script.
#
#   deploy/install.sh [PREFIX] [SOURCE]
#
# PREFIX  where the environment goes (default /opt/qualkit/venv)
# SOURCE  what pip installs: a source folder, a wheel, or a requirement such as
#         "qualkit==0.1.0" (default: the checkout this script is in)
#
# Settings (environment):
#   PYTHON               the Python that makes the environment (default python3; 3.11+)
#   QUALKIT_EXTRAS       extras to install (default ui,postgres; add topics for themes)
#   QUALKIT_VENV_ARGS    more arguments for `python -m venv` (e.g. --without-pip)
#   QUALKIT_PIP_ARGS     more arguments for `pip install` (e.g. --no-index --find-links DIR)
#   QUALKIT_EXTRA_SITE   a site-packages folder the new environment may also import from
#                        (offline installs and the test suite: nothing is downloaded)
set -euo pipefail
PREFIX="${1:-/opt/qualkit/venv}"
SOURCE="${2:-$(cd "$(dirname "$0")/.." && pwd)}"
PYTHON="${PYTHON:-python3}"
EXTRAS="${QUALKIT_EXTRAS:-ui,postgres}"
read -r -a VENV_ARGS <<<"${QUALKIT_VENV_ARGS:-}"
read -r -a PIP_ARGS <<<"${QUALKIT_PIP_ARGS:-}"

if [ -e "$PREFIX" ] && [ ! -x "$PREFIX/bin/python" ]; then
  echo "install.sh: $PREFIX exists and is not a Python environment" >&2
  exit 1
fi
"$PYTHON" -m venv "${VENV_ARGS[@]}" "$PREFIX"
PY="$PREFIX/bin/python"
if [ -n "${QUALKIT_EXTRA_SITE:-}" ]; then
  site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$QUALKIT_EXTRA_SITE" >"$site/qualkit_extra_site.pth"
fi
case ",$EXTRAS," in
  *,topics,* | *,all,*)
    # An unpinned torch is a multi-GB CUDA build; this pin is a CPU one.
    "$PY" -m pip install --quiet "${PIP_ARGS[@]}" "torch==2.13.0" ;;
esac
"$PY" -m pip install --quiet "${PIP_ARGS[@]}" "$SOURCE[$EXTRAS]"
"$PREFIX/bin/qualkit" --version
