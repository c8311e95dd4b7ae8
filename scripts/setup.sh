#!/usr/bin/env bash
# Installs every Debian 12 package molt's build and tests need; `--bench` adds what the
# benchmarks compare against (PyTorch for bench/compare_torch.sh), which no test uses.
# Usage: scripts/setup.sh [--bench]
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev
  # libraries molt links
  nlohmann-json3-dev libcli11-dev libutf8proc-dev libxxhash-dev libssl-dev
  libopenblas-dev libdnnl-dev libfaiss-dev libsqlite3-dev libstemmer-dev
  libcpp-httplib-dev libcurl4-openssl-dev libzip-dev
  # LLVM's OpenMP runtime, for FAISS in clang builds (the fuzz preset)
  libomp-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy
  # the server's e2e test runs the official openai npm client
  nodejs
)
if [ "${1:-}" = "--bench" ]; then packages+=(python3-torch); fi
# Debian's nodejs comes without npm (a package of its own); NodeSource's bundles it.
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "setup: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
