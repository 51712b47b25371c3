#!/usr/bin/env bash
# Device update benchmark: one device's agent moves through three consecutive releases of one
# service, once with deltas and once with full pulls. For each step the script measures the bytes
# the device received and the wall time until the new release runs, and the agent's peak RSS.
# Each run starts a fresh Slipway server, pushes the three releases (make_images.py) and deploys
# release 1. It starts the agent on an empty data directory and waits until it runs release 1,
# then deploys release 2 and release 3 one after the other. The agent reaches the server only through a
# loopback proxy that counts bytes (count_proxy.py). Full pulls come from the same server with
# slipway.delta.enabled=false. Writes the medians into docs/benchmarks/device-update.md.
#
# Usage: bash bench/device-update/run.sh        (needs a running Docker engine and skopeo)
# Settings (environment):
#   RUNS=3                       runs per mode; each cell is the median
#   MODES="delta full"           which modes to measure
#   AGENT_OPTS=...               JVM options of the agent; default: the options lines of
#                                device-agent's jvm.options, which also sets the agent's
#                                environment (MALLOC_ARENA_MAX)
#   SLIPWAY_JAVA_OPTS=-Xmx512m   JVM options of the server
#   SLIPWAY_JAR=PATH             the server's fat jar; default: cli/target's, which ./slipway builds
#   AGENT_JAR=PATH               the agent's runnable jar; default: device-agent/target's
#                                slipway-device-agent-*-exec.jar, built with Maven when missing
#   CACHE=/var/tmp/slipway-device-update-bench   where the runtime, jars and images are kept
#   BENCH_WORK_PARENT=/var/tmp   where each run's scratch directory goes
#   KEEP_WORK=1                  keep the scratch directories afterwards
#   PAGE=docs/benchmarks/device-update.md   the page whose results section is rewritten; PAGE=
#                                skips it
#   RESULTS_DIR=DIR              where the CSV goes; default bench/device-update/results

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=${RUNS:-3}
MODES=${MODES:-delta full}
JVM_OPTIONS_FILE=$REPO/device-agent/src/main/resources/io/slipway/agent/jvm.options
AGENT_ENV=$(grep -E '^[A-Z_]+=' "$JVM_OPTIONS_FILE" | tr '\n' ' ')
AGENT_OPTS=${AGENT_OPTS:-$(grep -E '^-' "$JVM_OPTIONS_FILE" | tr '\n' ' ')}
SLIPWAY_JAVA_OPTS=${SLIPWAY_JAVA_OPTS:--Xmx512m}
SLIPWAY_JAR=${SLIPWAY_JAR:-}
AGENT_JAR=${AGENT_JAR:-}
CACHE=${CACHE:-/var/tmp/slipway-device-update-bench}
BENCH_WORK_PARENT=${BENCH_WORK_PARENT:-/var/tmp}
KEEP_WORK=${KEEP_WORK:-0}
PAGE=${PAGE-$REPO/docs/benchmarks/device-update.md}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
STEP_TIMEOUT=600
ORG=acme
FLEET=bench
SERVICE=app

# Library versions of the app layer, one column per release: each release moves every library one
# version on, as a routine dependency update would.
JARS_R1="org.apache.commons:commons-lang3:3.16.0 commons-io:commons-io:2.17.0 com.fasterxml.jackson.core:jackson-databind:2.19.0 com.fasterxml.jackson.core:jackson-core:2.19.0"
JARS_R2="org.apache.commons:commons-lang3:3.17.0 commons-io:commons-io:2.18.0 com.fasterxml.jackson.core:jackson-databind:2.20.0 com.fasterxml.jackson.core:jackson-core:2.20.0"
JARS_R3="org.apache.commons:commons-lang3:3.18.0 commons-io:commons-io:2.19.0 com.fasterxml.jackson.core:jackson-databind:2.21.0 com.fasterxml.jackson.core:jackson-core:2.21.0"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# shellcheck source=../lib.sh
source "$REPO/bench/lib.sh"

SERVER_PID=""
PROXY_PID=""
AGENT_PID=""
WORK=""
DEVICE_SHORT=""

require_tools() {
  install_missing skopeo=skopeo python3=python3 curl=curl jq=jq mvn=maven java=openjdk-17-jdk-headless
  [[ -x /bin/busybox ]] || install_missing /bin/busybox=busybox-static
  docker info >/dev/null 2>&1 || die "no Docker engine responds: start one (dockerd --storage-driver=vfs --bridge=none --iptables=false)"
}

find_agent_jar() {
  if [[ -n $AGENT_JAR ]]; then
    [[ -f $AGENT_JAR ]] || die "AGENT_JAR=$AGENT_JAR does not exist"
    return
  fi
  AGENT_JAR=$(ls -t "$REPO"/device-agent/target/slipway-device-agent-*-exec.jar 2>/dev/null | head -n 1 || true)
  if [[ -z $AGENT_JAR ]]; then
    log "building the agent's runnable jar"
    (cd "$REPO" && mvn -q -pl device-agent -am package -DskipTests -Dspotless.check.skip -Djacoco.skip=true) >&2
    AGENT_JAR=$(ls -t "$REPO"/device-agent/target/slipway-device-agent-*-exec.jar 2>/dev/null | head -n 1 || true)
  fi
  [[ -n $AGENT_JAR ]] || die "found no device-agent/target/slipway-device-agent-*-exec.jar"
}

# --- images -------------------------------------------------------------------------------------

fetch_jars() {
  local release=$1 coordinates=$2 directory=$CACHE/jars/r$1 coordinate group artifact version
  [[ -d $directory ]] && return
  mkdir -p "$directory.partial"
  for coordinate in $coordinates; do
    IFS=: read -r group artifact version <<<"$coordinate"
    mvn -q dependency:get -Dartifact="$coordinate" -Dtransitive=false >&2
    cp "$HOME/.m2/repository/${group//.//}/$artifact/$version/$artifact-$version.jar" "$directory.partial/"
  done
  mv "$directory.partial" "$directory"
  log "jars of release $release: $(ls "$directory" | tr '\n' ' ')"
}

make_images() {
  [[ -f $CACHE/layout/index.json ]] && return
  if [[ ! -d $CACHE/jre ]]; then
    jlink --add-modules java.base,java.logging,java.net.http,java.xml --strip-debug \
      --no-header-files --no-man-pages --output "$CACHE/jre"
  fi
  fetch_jars 1 "$JARS_R1"
  fetch_jars 2 "$JARS_R2"
  fetch_jars 3 "$JARS_R3"
  rm -rf "$CACHE/layout"
  python3 "$HERE/make_images.py" "$CACHE/layout" "$CACHE/jre" /bin/busybox "$CACHE/jars"
  log "made releases r1 r2 r3 in $CACHE/layout"
}

# --- server, proxy and agent ------------------------------------------------------------------

start_server() {
  local mode=$1 data=$WORK/slipway
  local properties=(--property server.address=127.0.0.1)
  [[ $mode == full ]] && properties+=(--property slipway.delta.enabled=false)
  # shellcheck disable=SC2086 # SLIPWAY_JAVA_OPTS holds several options
  java $SLIPWAY_JAVA_OPTS -jar "$WORK/slipway.jar" server --data-dir "$data" --port 0 \
    "${properties[@]}" >"$WORK/slipway.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + 180))
  until [[ -s $data/server.port && -s $data/bootstrap-token ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || die "Slipway exited during start-up; see $WORK/slipway.log"
    ((SECONDS < deadline)) || die "Slipway wrote no $data/server.port within 180s"
    sleep 0.2
  done
  PORT=$(cat "$data/server.port")
  SERVER_URL=http://127.0.0.1:$PORT
  ADMIN_TOKEN=$(cat "$data/bootstrap-token")

  python3 "$HERE/count_proxy.py" "$PORT" "$WORK/proxy.port" "$WORK/proxy.counts" &
  PROXY_PID=$!
  until [[ -s $WORK/proxy.port ]]; do sleep 0.1; done
  PROXY_URL=http://127.0.0.1:$(cat "$WORK/proxy.port")
}

api() {
  local method=$1 path=$2 body=${3:-}
  curl -sS --fail-with-body -X "$method" -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'Content-Type: application/json' ${body:+--data "$body"} "$SERVER_URL$path"
}

prepare_fleet() {
  api POST /api/v1/orgs "{\"slug\":\"$ORG\"}" >/dev/null
  api POST "/api/v1/orgs/$ORG/fleets" "{\"slug\":\"$FLEET\",\"deviceType\":\"generic-amd64\"}" >/dev/null
  local release
  for release in 1 2 3; do
    skopeo copy -q --all --dest-tls-verify=false --dest-creds "admin:$ADMIN_TOKEN" \
      "oci:$CACHE/layout:r$release" "docker://127.0.0.1:$PORT/$ORG/$FLEET/$SERVICE:$release" >&2
  done
  # Issued through the proxy, so every endpoint in config.json points at the proxy.
  mkdir -p "$WORK/boot"
  curl -sS --fail-with-body -X POST -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'Content-Type: application/json' --data '{}' \
    "$PROXY_URL/api/v1/orgs/$ORG/fleets/$FLEET/os-config" >"$WORK/boot/config.json"
}

deploy() {
  local release=$1
  local body
  body=$(jq -n --arg image "127.0.0.1:$PORT/$ORG/$FLEET/$SERVICE:$release" --arg version "1.0.$release" \
    '{version: $version, services: {app: {image: $image,
      configuration: {network_mode: "host", command: ["sh", "-c", "exec sleep 86400"]}}}}')
  api POST "/api/v1/orgs/$ORG/fleets/$FLEET/deployments" "$body" | jq -e '.status == "SUCCESS"' >/dev/null \
    || die "deploying release $release failed"
}

start_agent() {
  mkdir -p "$WORK/data"
  # shellcheck disable=SC2086 # AGENT_ENV and AGENT_OPTS hold several words
  env $AGENT_ENV java $AGENT_OPTS -jar "$AGENT_JAR" run --config "$WORK/boot/config.json" --data-dir "$WORK/data" \
    --poll-interval 1s --report-interval 1s >"$WORK/agent.log" 2>&1 &
  AGENT_PID=$!
}

downstream_bytes() { cut -d' ' -f1 "$WORK/proxy.counts"; }

# Waits until the service's container runs release $1, and prints nothing.
await_release() {
  local release=$1 deadline=$((SECONDS + STEP_TIMEOUT)) uuid name running
  while true; do
    kill -0 "$AGENT_PID" 2>/dev/null || die "the agent exited; see $WORK/agent.log"
    ((SECONDS < deadline)) || die "release $release did not run within ${STEP_TIMEOUT}s; see $WORK/agent.log"
    if [[ -z $DEVICE_SHORT ]]; then
      uuid=$(jq -r '.uuid // empty' "$WORK/boot/config.json" 2>/dev/null || true)
      DEVICE_SHORT=${uuid:0:8}
    fi
    if [[ -n $DEVICE_SHORT ]]; then
      name=slipway_${DEVICE_SHORT}_$SERVICE
      running=$(docker exec "$name" cat /etc/bench-release 2>/dev/null || true)
      [[ $running == "$release" ]] && return
    fi
    sleep 0.2
  done
}

peak_rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$AGENT_PID/status"; }

remove_device() {
  [[ -n $DEVICE_SHORT ]] || return 0
  docker rm --force "slipway_${DEVICE_SHORT}_$SERVICE" >/dev/null 2>&1 || true
  docker images --filter "reference=slipway/$DEVICE_SHORT/*" --format '{{.Repository}}:{{.Tag}}' |
    xargs -r docker rmi --force >/dev/null 2>&1 || true
  DEVICE_SHORT=""
}

stop_all() {
  local pid
  for pid in "$AGENT_PID" "$PROXY_PID" "$SERVER_PID"; do
    [[ -n $pid ]] || continue
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  AGENT_PID="" PROXY_PID="" SERVER_PID=""
  remove_device
  if [[ -n $WORK && -d $WORK && $KEEP_WORK != 1 ]]; then
    rm -rf "$WORK"
  fi
}
trap stop_all EXIT

# --- one run ------------------------------------------------------------------------------------

# Prints one CSV row per step: mode,run,step,bytes,seconds,peak_rss_kib.
measure_run() {
  local mode=$1 run=$2 release before started bytes seconds
  # measure_run runs in a pipeline's subshell, which does not inherit the EXIT trap, so without
  # its own trap a failed step would leave the server and proxy running.
  trap stop_all EXIT
  WORK=$(mktemp -d "$BENCH_WORK_PARENT/slipway-device-update.XXXXXX")
  cp "$SLIPWAY_JAR" "$WORK/slipway.jar"
  start_server "$mode"
  prepare_fleet
  deploy 1
  before=$(downstream_bytes)
  started=$(date +%s.%N)
  start_agent
  await_release 1
  bytes=$(($(downstream_bytes) - before))
  seconds=$(echo "$(date +%s.%N) - $started" | bc)
  echo "$mode,$run,first boot to release 1,$bytes,$seconds,$(peak_rss_kib)"
  for release in 2 3; do
    before=$(downstream_bytes)
    started=$(date +%s.%N)
    deploy "$release"
    await_release "$release"
    bytes=$(($(downstream_bytes) - before))
    seconds=$(echo "$(date +%s.%N) - $started" | bc)
    echo "$mode,$run,release $((release - 1)) to $release,$bytes,$seconds,$(peak_rss_kib)"
  done
  stop_all
}

main() {
  require_tools
  [[ -x $(command -v bc) ]] || install_missing bc=bc
  find_jar
  find_agent_jar
  mkdir -p "$CACHE" "$RESULTS_DIR"
  make_images
  local csv=$RESULTS_DIR/device-update-$(date +%Y%m%d-%H%M%S).csv mode run
  echo "mode,run,step,bytes,seconds,peak_rss_kib" >"$csv"
  for ((run = 1; run <= RUNS; run++)); do
    for mode in $MODES; do
      log "run $run of $RUNS, $mode"
      measure_run "$mode" "$run" | tee -a "$csv" >&2
    done
  done
  python3 "$HERE/summarize.py" "$csv" "$CACHE/layout" "${PAGE:-}" "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
}

main "$@"
