#!/usr/bin/env bash
# Control-channel benchmark: DEVICES simulated devices connect over MQTT with TLS to the control
# channel's broker, then one fleet-wide command goes to all of them.
#
# Each run starts a fresh Slipway server on free loopback ports and registers DEVICES devices
# through its HTTP API, each with its own device key (register.py). Every device then calls
# GET /device/v1/{uuid}/control-channel once, which returns the broker's URL and CA certificate.
# One Python process (load.py, with the MQTT client of mqtt_device.py) opens all the devices'
# connections and measures the time from the first CONNECT to the last SUBACK. Then it sends
# {"type": "identify"} through POST /api/v1/orgs/bench/fleets/control/commands and measures, per
# device, the time from that request to the command's arrival; the devices acknowledge, and it
# measures the time until the API reports every command SUCCEEDED. The server's memory (VmRSS,
# VmHWM) is read after the connect phase and after the delivery.
#
# Brokers (BROKERS):
#   embedded  the server's embedded broker (HiveMQ Community Edition), on its own TLS port
#   external  the same server with slipway.control.broker=external and a Mosquitto 2.0 from Debian
#             with its dynamic-security plugin, started by this script on free loopback ports: a
#             plain listener for the server and a TLS listener for the devices
#   bare      no Slipway: an open Mosquitto with TLS, and load.py publishes the commands over one
#             more connection itself. It shows what the load client and Mosquitto alone reach.
# Writes one CSV row per run and broker under bench/control-channel/results and rewrites the
# results section of docs/benchmarks/control-channel.md with the medians.
#
# Usage: bash bench/control-channel/run.sh
# Settings (environment):
#   DEVICES=10000                simulated devices
#   RUNS=3                       runs per broker; the page shows medians
#   BROKERS="embedded external"  which brokers to measure, in this order within each run
#   CONCURRENCY=100              devices connecting at the same time (load.py --concurrency)
#   REGISTER_WORKERS=8           threads registering devices and calling the control-channel endpoint
#   SLIPWAY_JAVA_OPTS=-Xmx1g     JVM options of the server
#   SLIPWAY_JAR=PATH             the server's fat jar; default: cli/target's, which ./slipway builds
#   BENCH_WORK_PARENT=/var/tmp   where each run's scratch directory goes
#   KEEP_WORK=1                  keep the scratch directories (logs, device keys) afterwards
#   PAGE=docs/benchmarks/control-channel.md   the page whose results section is rewritten; PAGE=
#                                skips it
#   RESULTS_DIR=DIR              where the CSV goes; default bench/control-channel/results

set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1 # keep the checkout free of __pycache__

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DEVICES=${DEVICES:-10000}
RUNS=${RUNS:-3}
BROKERS=${BROKERS:-embedded external}
CONCURRENCY=${CONCURRENCY:-100}
REGISTER_WORKERS=${REGISTER_WORKERS:-8}
SLIPWAY_JAVA_OPTS=${SLIPWAY_JAVA_OPTS:--Xmx1g}
SLIPWAY_JAR=${SLIPWAY_JAR:-}
BENCH_WORK_PARENT=${BENCH_WORK_PARENT:-/var/tmp}
KEEP_WORK=${KEEP_WORK:-0}
PAGE=${PAGE-$REPO/docs/benchmarks/control-channel.md}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
MOSQUITTO_ADMIN=slipway-admin

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# shellcheck source=../lib.sh
source "$REPO/bench/lib.sh"

SERVER_PID=""
MOSQUITTO_PID=""
WORK=""

require_tools() {
  install_missing python3=python3 java=openjdk-17-jre-headless openssl=openssl \
    mosquitto=mosquitto mosquitto_ctrl=mosquitto-clients
  DYNSEC_PLUGIN=$(ls /usr/lib/*/mosquitto_dynamic_security.so 2>/dev/null | head -n 1 || true)
  [[ -n $DYNSEC_PLUGIN ]] || die "found no /usr/lib/*/mosquitto_dynamic_security.so: install Debian's mosquitto package"
  local broker
  for broker in $BROKERS; do
    [[ $broker =~ ^(embedded|external|bare)$ ]] || die "unknown broker '$broker' in BROKERS: use embedded, external or bare"
  done
  [[ $DEVICES =~ ^[1-9][0-9]*$ ]] || die "DEVICES=$DEVICES is not a positive number"
}

# Every device is one socket of the load process and one of the broker, so raise the open file
# limit of this shell, which its children inherit, as far as the hard limit allows.
raise_file_limit() {
  ulimit -n "$(ulimit -Hn)"
  (($(ulimit -n) >= DEVICES + 200)) || log "warning: the open file limit $(ulimit -n) is below DEVICES + 200; connections will fail"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- Mosquitto ----------------------------------------------------------------------------------

# Writes a CA and a server certificate for 127.0.0.1 and localhost into $WORK/tls.
make_certificates() {
  local tls=$WORK/tls
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=slipway-bench-ca -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tls/san.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 2 -extfile "$tls/san.ext" -out "$tls/server.pem" 2>/dev/null
}

# Starts Mosquitto with a plain and a TLS listener on loopback. Mode "dynsec" loads the
# dynamic-security plugin with one admin user, as test-support's MosquittoProcess does; mode "open"
# lets anyone connect. Sets MOSQUITTO_PID, MOSQUITTO_PORT, MOSQUITTO_TLS_PORT.
start_mosquitto() {
  local mode=$1 config=$WORK/mosquitto.conf
  make_certificates
  MOSQUITTO_PORT=$(free_port)
  MOSQUITTO_TLS_PORT=$(free_port)

  {
    echo "per_listener_settings false"
    echo "persistence false"
    echo "log_dest file $WORK/mosquitto.log"
    # As root Mosquitto would switch to the 'mosquitto' user, which cannot write the plugin's state
    # file in the scratch directory.
    echo "user $(id -un)"
    if [[ $mode == dynsec ]]; then
      echo "allow_anonymous false"
      echo "plugin $DYNSEC_PLUGIN"
      echo "plugin_opt_config_file $WORK/dynamic-security.json"
    else
      echo "allow_anonymous true"
    fi
    echo "listener $MOSQUITTO_PORT 127.0.0.1"
    echo "listener $MOSQUITTO_TLS_PORT 127.0.0.1"
    echo "cafile $WORK/tls/ca.pem"
    echo "certfile $WORK/tls/server.pem"
    echo "keyfile $WORK/tls/server.key"
  } >"$config"

  if [[ $mode == dynsec ]]; then
    MOSQUITTO_PASSWORD=$(openssl rand -hex 18)
    mosquitto_ctrl dynsec init "$WORK/dynamic-security.json" "$MOSQUITTO_ADMIN" "$MOSQUITTO_PASSWORD" >/dev/null
  fi

  mosquitto -c "$config" >>"$WORK/mosquitto.out" 2>&1 &
  MOSQUITTO_PID=$!
  local deadline=$((SECONDS + 20))
  until grep -q ' running' "$WORK/mosquitto.log" 2>/dev/null; do
    kill -0 "$MOSQUITTO_PID" 2>/dev/null || die "Mosquitto exited during start-up: $(tail -n 5 "$WORK/mosquitto.log" "$WORK/mosquitto.out" 2>/dev/null)"
    ((SECONDS < deadline)) || die "Mosquitto did not report running within 20 s; see $WORK/mosquitto.log"
    sleep 0.1
  done
  log "Mosquitto $mode (pid $MOSQUITTO_PID) listens on $MOSQUITTO_PORT, TLS on $MOSQUITTO_TLS_PORT"
}

# --- Slipway ------------------------------------------------------------------------------------

start_server() {
  local broker=$1 data=$WORK/slipway
  local properties=(--property server.address=127.0.0.1 --property slipway.control.ssh.port=0
    --property slipway.control.embedded.bind-address=127.0.0.1
    --property slipway.control.embedded.tls-port=0)
  if [[ $broker == external ]]; then
    properties+=(--property slipway.control.broker=external
      --property "slipway.control.external.url=tcp://127.0.0.1:$MOSQUITTO_PORT"
      --property "slipway.control.external.username=$MOSQUITTO_ADMIN"
      --property "slipway.control.device-url=mqtts://127.0.0.1:$MOSQUITTO_TLS_PORT")
  fi
  cp "$SLIPWAY_JAR" "$WORK/slipway.jar" # a rebuild during the run must not touch the open jar
  # The password goes through the environment, so that it does not show in the process list.
  # shellcheck disable=SC2086 # SLIPWAY_JAVA_OPTS holds several options
  SLIPWAY_CONTROL_EXTERNAL_PASSWORD=${MOSQUITTO_PASSWORD:-} \
    java $SLIPWAY_JAVA_OPTS -jar "$WORK/slipway.jar" server --data-dir "$data" --port 0 \
    "${properties[@]}" >"$WORK/slipway.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + 180))
  until [[ -s $data/server.port && -s $data/bootstrap-token ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || die "Slipway exited during start-up; see $WORK/slipway.log"
    ((SECONDS < deadline)) || die "Slipway wrote no $data/server.port within 180 s; see $WORK/slipway.log"
    sleep 0.2
  done
  SERVER_URL=http://127.0.0.1:$(cat "$data/server.port")
  cp "$data/bootstrap-token" "$WORK/admin-token"
  log "Slipway $broker (pid $SERVER_PID, $SLIPWAY_JAVA_OPTS) listens on $SERVER_URL"
}

stop_all() {
  local pid
  for pid in "$SERVER_PID" "$MOSQUITTO_PID"; do
    [[ -n $pid ]] || continue
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SERVER_PID="" MOSQUITTO_PID="" MOSQUITTO_PASSWORD=""
  if [[ -n $WORK && -d $WORK && $KEEP_WORK != 1 ]]; then
    rm -rf "$WORK"
  fi
}
trap stop_all EXIT

# --- one run ------------------------------------------------------------------------------------

# Prints the value of KEY=VALUE from a line of such pairs.
field() { tr ' ' '\n' <<<"$2" | awk -F= -v key="$1" '$1 == key { print substr($0, length(key) + 2) }'; }

# Measures one broker once and appends its CSV row to $1.
measure_run() {
  local csv=$1 broker=$2 run=$3 setup url
  WORK=$(mktemp -d "$BENCH_WORK_PARENT/slipway-control-channel.XXXXXX")
  local load=(python3 "$HERE/load.py" --devices-file "$WORK/devices.txt" --result "$WORK/result.json"
    --concurrency "$CONCURRENCY")
  case $broker in
    bare)
      start_mosquitto open
      python3 -c 'import sys, uuid
for number in range(int(sys.argv[1])):
    print(uuid.uuid4().hex, "sld_bench%d" % number)' "$DEVICES" >"$WORK/devices.txt"
      url=mqtts://127.0.0.1:$MOSQUITTO_TLS_PORT
      load+=(--url "$url" --ca "$WORK/tls/ca.pem" --publisher-user bench-publisher
        --pid "mosquitto=$MOSQUITTO_PID")
      setup=""
      ;;
    *)
      if [[ $broker == external ]]; then
        start_mosquitto dynsec
        load+=(--pid "mosquitto=$MOSQUITTO_PID")
      fi
      start_server "$broker"
      load+=(--pid "server=$SERVER_PID")
      log "registering $DEVICES devices; each calls the control-channel endpoint once"
      setup=$(cd "$HERE" && python3 register.py "$SERVER_URL" "$WORK/admin-token" "$WORK/devices.txt" \
        "$WORK/ca.pem" --devices "$DEVICES" --workers "$REGISTER_WORKERS") ||
        die "registering the devices failed; see $WORK/slipway.log"
      url=$(field url "$setup")
      # An external broker's URL comes from slipway.control.device-url, which carries no CA
      # certificate, so the devices trust the CA this script made for Mosquitto.
      [[ -s $WORK/ca.pem ]] || cp "$WORK/tls/ca.pem" "$WORK/ca.pem"
      load+=(--url "$url" --ca "$WORK/ca.pem" --api "$SERVER_URL" --admin-token-file "$WORK/admin-token")
      ;;
  esac
  (cd "$HERE" && "${load[@]}") || die "the load client failed; see $WORK"
  python3 "$HERE/summarize.py" append "$csv" "$broker" "$run" "$WORK/result.json" \
    "register_seconds=$(field register_seconds "$setup")" \
    "channel_seconds=$(field channel_seconds "$setup")" \
    "channel_max_ms=$(field channel_max_ms "$setup")"
  stop_all
}

main() {
  require_tools
  raise_file_limit
  if [[ $BROKERS != bare ]]; then
    find_jar
  fi
  mkdir -p "$BENCH_WORK_PARENT" "$RESULTS_DIR"
  local csv=$RESULTS_DIR/control-channel-$(date -u +%Y%m%d-%H%M%S).csv broker run
  python3 "$HERE/summarize.py" header "$csv"
  for ((run = 1; run <= RUNS; run++)); do
    for broker in $BROKERS; do
      log "run $run of $RUNS: $broker broker, $DEVICES devices"
      measure_run "$csv" "$broker" "$run"
    done
  done
  python3 "$HERE/summarize.py" page "$csv" "${PAGE:-}" "${SLIPWAY_COMMIT:-$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)}" \
    "$SLIPWAY_JAVA_OPTS" "$CONCURRENCY"
}

main "$@"
