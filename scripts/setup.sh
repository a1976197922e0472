#!/usr/bin/env bash
# Installs what berth needs on a Debian 12 host (only what is missing), then
# builds it. Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
have runc      || need_pkgs+=(runc)
have crun      || need_pkgs+=(crun)
have conmon    || need_pkgs+=(conmon)
have busybox   || need_pkgs+=(busybox-static)
have tini      || need_pkgs+=(tini)
have cc        || need_pkgs+=(gcc libc6-dev)
have make      || need_pkgs+=(make)
have iptables  || need_pkgs+=(iptables)
have mount     || need_pkgs+=(mount)
# networks: ip (bridges, veths, addresses), unshare/nsenter (network namespaces), curl (network bench)
have ip        || need_pkgs+=(iproute2)
have unshare   || need_pkgs+=(util-linux)
have curl      || need_pkgs+=(curl)
have node      || need_pkgs+=(nodejs npm)
# The real Docker engine: a peer for interop tests and benchmarks, never a dependency of berth.
have dockerd   || need_pkgs+=(docker.io)
# Registry peers for the registry tests: Debian's reference registry, skopeo, htpasswd (bcrypt).
have docker-registry || need_pkgs+=(docker-registry)
have skopeo    || need_pkgs+=(skopeo)
have htpasswd  || need_pkgs+=(apache2-utils)
have script    || need_pkgs+=(bsdutils)
# docker-compose 1.29 (Python, docker-py): the compose interop test drives berthd with it.
have docker-compose || need_pkgs+=(docker-compose)
if ((${#need_pkgs[@]})); then
  echo "setup: installing ${need_pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if [[ ! -d node_modules/.package-lock.json && ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error </dev/null
fi

echo "setup: building" >&2
npx tsc -p tsconfig.json
make -s -C native
chmod +x dist/src/cli/main.js dist/src/daemon/main.js 2>/dev/null || true
