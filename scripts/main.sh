#!/usr/bin/env bash
# README's main command: installs dependencies, builds molt and runs its main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release
build/molt --help
