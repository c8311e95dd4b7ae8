#!/usr/bin/env bash
# README's test command: installs dependencies, builds, and runs every test, first in the
# release build, then under AddressSanitizer + UndefinedBehaviorSanitizer.
# Test data comes from ../shared (override with MOLT_TEST_MODELS / _FIXTURES / _DATA).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

scripts/build.sh release
scripts/make_test_models.sh
ctest --preset release -j "$(nproc)" --timeout 1800

scripts/build.sh sanitizers
ctest --preset sanitizers -j "$(nproc)" --timeout 1800
