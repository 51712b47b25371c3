#!/usr/bin/env bash
# Shows where Slipway's registry spends its time on image-sized traffic, for the notes of
# docs/benchmarks/registry.md. Not part of the measured benchmark.
#
# 1. Per-request cost: times 1000 HEAD requests for one small blob over one keep-alive connection,
#    three rounds each, against Slipway (with a bearer token) and distribution (no auth).
# 2. CPU profile: records Java Flight Recorder execution samples in Slipway while skopeo pushes and
#    pulls IMAGES 40-layer images (after one warm-up image), and groups the samples by component.
#
# Usage: bash bench/registry/profile.sh   (needs run.sh's packages; reuses SLIPWAY_JAR and
# SLIPWAY_JAVA_OPTS like run.sh)

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
IMAGES=${IMAGES:-3}
SLIPWAY_JAVA_OPTS=${SLIPWAY_JAVA_OPTS:--Xmx256m}
SLIPWAY_JAR=${SLIPWAY_JAR:-}
PIDS=()

log() { printf '[profile %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}

free_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }

# Prints the mean time of 1000 HEAD requests for URL over one connection, in ms per request. Any
# further arguments go to curl.
head_latency() {
  local url=$1 count=1000 start urls=()
  shift
  for ((i = 0; i < count; i++)); do urls+=("$url"); done
  start=$EPOCHREALTIME
  curl -s -I "$@" "${urls[@]}" >/dev/null
  awk -v s="$(seconds_since "$start")" -v n="$count" 'BEGIN { printf "%.2f", s * 1000 / n }'
}

skopeo_copy() {
  skopeo --policy "$WORK/policy.json" copy --quiet "$@" >>"$WORK/skopeo.log" 2>&1
}

start_slipway() {
  if [[ -z $SLIPWAY_JAR ]]; then
    "$REPO/slipway" --version >/dev/null
    SLIPWAY_JAR=$(ls -t "$REPO"/cli/target/slipway-cli-*-exec.jar | head -n 1)
  fi
  # shellcheck disable=SC2086 # SLIPWAY_JAVA_OPTS holds several options
  java $SLIPWAY_JAVA_OPTS -jar "$SLIPWAY_JAR" server --data-dir "$WORK/slipway" --port 0 \
    --property server.address=127.0.0.1 >"$WORK/slipway.log" 2>&1 &
  SLIPWAY_PID=$!
  PIDS+=("$SLIPWAY_PID")
  until [[ -s $WORK/slipway/server.port && -s $WORK/slipway/bootstrap-token ]]; do
    if ! kill -0 "$SLIPWAY_PID" 2>/dev/null; then
      log "error: Slipway exited during start-up; its log follows"
      cat "$WORK/slipway.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  SLIPWAY_HOST=127.0.0.1:$(cat "$WORK/slipway/server.port")
  ADMIN_TOKEN=$(cat "$WORK/slipway/bootstrap-token")
  TOKEN=$(curl -sS -G -u "admin:$ADMIN_TOKEN" "http://$SLIPWAY_HOST/auth/token" \
    --data-urlencode service=slipway-registry \
    --data-urlencode "scope=repository:bench/small:pull,push" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

start_distribution() {
  local port
  port=$(free_port)
  mkdir -p "$WORK/distribution"
  printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$WORK/distribution" "$port" >"$WORK/distribution.yml"
  docker-registry serve "$WORK/distribution.yml" >"$WORK/distribution.log" 2>&1 &
  PIDS+=("$!")
  DISTRIBUTION_HOST=127.0.0.1:$port
  until curl -s -o /dev/null "http://$DISTRIBUTION_HOST/v2/"; do sleep 0.2; done
}

# Pushes the small blob with a POST and a PUT of the whole content.
push_small_blob() {
  local host=$1 location
  shift
  location=$(curl -sS "$@" -X POST -o /dev/null -D - "http://$host/v2/bench/small/blobs/uploads/" |
    tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }')
  [[ $location == http* ]] || location=http://$host$location
  [[ $location == *\?* ]] && location+="&" || location+="?"
  curl -sS "$@" -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/small" \
    -o /dev/null "${location}digest=$SMALL_DIGEST"
}

request_costs() {
  local round
  head -c 4096 /dev/urandom >"$WORK/small"
  SMALL_DIGEST=sha256:$(sha256sum "$WORK/small" | cut -d ' ' -f 1)
  push_small_blob "$SLIPWAY_HOST" -H "Authorization: Bearer $TOKEN"
  push_small_blob "$DISTRIBUTION_HOST"
  echo "| round | Slipway ms per HEAD | distribution ms per HEAD |"
  echo "| ---: | ---: | ---: |"
  for round in 1 2 3; do
    echo "| $round | $(head_latency "http://$SLIPWAY_HOST/v2/bench/small/blobs/$SMALL_DIGEST" \
      -H "Authorization: Bearer $TOKEN") | $(head_latency \
      "http://$DISTRIBUTION_HOST/v2/bench/small/blobs/$SMALL_DIGEST") |"
  done
}

image_profile() {
  local run start
  for ((run = 0; run <= IMAGES; run++)); do
    python3 "$HERE/make_image.py" "$WORK/images/image-$run" >/dev/null
  done
  skopeo_copy --dest-tls-verify=false --dest-creds "admin:$ADMIN_TOKEN" \
    "oci:$WORK/images/image-0:bench" "docker://$SLIPWAY_HOST/bench/img:run-0"
  jcmd "$SLIPWAY_PID" JFR.start name=bench settings=profile >/dev/null
  echo "| run | push s | pull s |"
  echo "| ---: | ---: | ---: |"
  for ((run = 1; run <= IMAGES; run++)); do
    start=$EPOCHREALTIME
    skopeo_copy --dest-tls-verify=false --dest-creds "admin:$ADMIN_TOKEN" \
      "oci:$WORK/images/image-$run:bench" "docker://$SLIPWAY_HOST/bench/img:run-$run"
    local pushed
    pushed=$(seconds_since "$start")
    start=$EPOCHREALTIME
    skopeo_copy --src-tls-verify=false --src-creds "admin:$ADMIN_TOKEN" \
      "docker://$SLIPWAY_HOST/bench/img:run-$run" "dir:$WORK/pulled"
    echo "| $run | $pushed | $(seconds_since "$start") |"
    rm -rf "$WORK/pulled"
  done
  jcmd "$SLIPWAY_PID" JFR.dump name=bench filename="$WORK/image.jfr" >/dev/null
  jfr print --json --stack-depth 128 --events jdk.ExecutionSample "$WORK/image.jfr" \
    >"$WORK/samples.json"
  echo
  python3 - "$WORK/samples.json" <<'EOF'
import collections
import json
import sys

# The first rule whose marker occurs anywhere in a sample's stack names its component.
RULES = [
    ("bearer token check (ECDSA P-256 signature)", "ECDSASignature.engineVerify"),
    ("bearer token check (other)", "io/slipway/registry/auth/TokenVerifier"),
    ("token issuing (/auth/token)", "io/slipway/api/registry/token"),
    ("H2 database", "org/h2/"),
    ("blob store (write, hash, sync)", "io/slipway/storage/"),
    ("JSON and manifests", "io/slipway/registry/manifest"),
    ("Tomcat and socket I/O", "org/apache/"),
]
events = json.load(open(sys.argv[1]))["recording"]["events"]
counts = collections.Counter()
for event in events:
    frames = event["values"]["stackTrace"]["frames"]
    stack = " ".join(f["method"]["type"]["name"] + "." + f["method"]["name"] for f in frames)
    counts[next((name for name, marker in RULES if marker in stack), "other")] += 1
print("| component | share of Java execution samples |")
print("| --- | ---: |")
for name, count in counts.most_common():
    print("| %s | %d%% (%d) |" % (name, round(100 * count / len(events)), count))
print()
print("%d samples; JFR samples threads that run Java code, so time in system calls"
      " (socket, file, fsync) and sendfile is not counted." % len(events))
EOF
}

main() {
  WORK=$(mktemp -d "${BENCH_WORK_PARENT:-/var/tmp}/slipway-registry-profile.XXXXXX")
  trap cleanup EXIT
  mkdir -p "$WORK/images"
  echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$WORK/policy.json"
  start_slipway
  start_distribution
  log "per-request cost: 1000 HEADs per round over one connection"
  request_costs
  echo
  log "JFR profile of Slipway during $IMAGES image pushes and pulls"
  image_profile
}

main "$@"
