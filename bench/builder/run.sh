#!/usr/bin/env bash
# Builder benchmark: Slipway's three build engines against `docker build` on the same engine.
#
# Starts a Slipway server on a free loopback port with the Docker engine and its embedded BuildKit
# configured, pushes a two-platform busybox base image into its registry (make_base.py), and then
# lets drive.py time a two-service, two-platform (amd64 + arm64) project:
#   - through Slipway with each engine (jib, docker, buildkit): a cold build (cache off), a rebuild
#     with no change, and a rebuild after changing one source file, each from the upload of the
#     source to the release's final status;
#   - through `docker build` (the classic builder) on the same engine, for the same services and
#     platforms, with the same three cases, without and with `docker push` to the same registry.
# A project without RUN is built by all three engines; a project with RUN by docker and buildkit.
# Prints a markdown table of medians and writes the raw numbers under bench/builder/results/.
# See docs/benchmarks/builder.md.
#
# Usage: bash bench/builder/run.sh      (as root, with a Docker engine running, such as
#        dockerd --storage-driver=vfs --bridge=none --iptables=false, and qemu-user-static)
# Settings (environment):
#   RUNS=5                     measured runs per case (a warm-up run comes first and is not counted)
#   SLIPWAY_JAVA_OPTS=-Xmx512m JVM options of the Slipway server
#   SLIPWAY_JAR=PATH           the fat jar; default: the newest cli/target/slipway-cli-*-exec.jar,
#                              which ./slipway builds first when it is missing or stale
#   BENCH_WORK_PARENT=/var/tmp where the scratch directory goes (data dir, logs, projects)
#   KEEP_WORK=1                keep the scratch directory afterwards
#   RESULTS_DIR=DIR            where the CSV and summary go; default bench/builder/results

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=${RUNS:-5}
SLIPWAY_JAVA_OPTS=${SLIPWAY_JAVA_OPTS:--Xmx512m}
SLIPWAY_JAR=${SLIPWAY_JAR:-}
SLIPWAY_COMMIT=${SLIPWAY_COMMIT:-}
BENCH_WORK_PARENT=${BENCH_WORK_PARENT:-/var/tmp}
KEEP_WORK=${KEEP_WORK:-0}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}

SERVER_PID=

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# shellcheck source=../lib.sh
source "$REPO/bench/lib.sh"

cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $KEEP_WORK != 1 && -n ${WORK:-} ]]; then
    rm -rf "$WORK"
  else
    log "scratch directory kept: ${WORK:-none}"
  fi
}

# Prints the path of an arm64 busybox-static binary, downloading Debian's package once.
arm64_busybox() {
  local dir=$BENCH_WORK_PARENT/slipway-bench-busybox-arm64
  if [[ ! -x $dir/root/bin/busybox ]]; then
    dpkg --print-foreign-architectures | grep -qx arm64 || {
      dpkg --add-architecture arm64
      apt-get update -qq
    }
    mkdir -p "$dir"
    (cd "$dir" && apt-get download -qq busybox-static:arm64 && dpkg -x busybox-static_*_arm64.deb root)
  fi
  echo "$dir/root/bin/busybox"
}

start_server() {
  local port_file=$WORK/data/server.port waited
  log "starting Slipway from $SLIPWAY_JAR"
  # shellcheck disable=SC2086
  java $SLIPWAY_JAVA_OPTS -jar "$SLIPWAY_JAR" server --data-dir "$WORK/data" --port 0 \
    --property slipway.builder.buildkit.address=docker >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  # The server writes server.port once it listens, and the bootstrap token at its first start.
  for ((waited = 0; waited < 180; waited++)); do
    if [[ -s $port_file && -s $WORK/data/bootstrap-token ]]; then
      SERVER_PORT=$(cat "$port_file")
      log "Slipway listens on 127.0.0.1:$SERVER_PORT"
      return
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 1
  done
  tail -n 40 "$WORK/server.log" >&2
  die "the server did not start; its log is above"
}

main() {
  [[ $(id -u) == 0 ]] || die "run as root: the benchmark uses the Docker engine and apt-get"
  install_missing curl=curl java=openjdk-17-jre-headless python3=python3 skopeo=skopeo \
    docker=docker.io
  docker info >/dev/null 2>&1 || die "no Docker engine responds; start one: dockerd --storage-driver=vfs --bridge=none --iptables=false &"
  find_jar

  mkdir -p "$BENCH_WORK_PARENT" "$RESULTS_DIR"
  WORK=$(mktemp -d "$BENCH_WORK_PARENT/slipway-bench-builder.XXXXXX")
  trap cleanup EXIT
  start_server
  local token registry
  token=$(cat "$WORK/data/bootstrap-token")
  registry=127.0.0.1:$SERVER_PORT

  log "pushing the busybox base image"
  python3 "$HERE/make_base.py" "$WORK/base" /bin/busybox "$(arm64_busybox)" >/dev/null
  curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"slug":"bench"}' \
    "http://$registry/api/v1/orgs"
  skopeo copy -q --all --dest-tls-verify=false --dest-creds "admin:$token" \
    "oci:$WORK/base:1.0" "docker://$registry/bench/base/busybox:1.0"

  export DOCKER_CONFIG=$WORK/docker-config
  mkdir -p "$DOCKER_CONFIG"
  docker login -u admin --password-stdin "$registry" <<<"$token" >/dev/null

  python3 "$HERE/drive.py" --server "http://$registry" --token-file "$WORK/data/bootstrap-token" \
    --work "$WORK" --runs "$RUNS" --results "$RESULTS_DIR" \
    --commit "${SLIPWAY_COMMIT:-unknown}"
}

main "$@"
