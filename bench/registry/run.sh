#!/usr/bin/env bash
# Registry throughput benchmark: Slipway against the CNCF distribution registry, over loopback.
#
# Starts a Slipway server, a distribution registry (Debian's docker-registry) and nginx on free
# loopback ports. Pushes and pulls a 1 GiB blob (curl) and a 40-layer image (skopeo) through each
# registry several times, and alternates the order of the servers between runs. Times the same
# 1 GiB through nginx alone as the loopback limit. Prints markdown tables of the medians and writes
# the raw numbers under bench/registry/results/. See docs/benchmarks/registry.md.
#
# Usage: bash bench/registry/run.sh
# Settings (environment):
#   BLOB_RUNS=5 IMAGE_RUNS=5   measured runs per server (one extra warm-up run comes first)
#   BLOB_MIB=1024              size of the blob
#   IMAGE_LAYERS=40            layers per image, each 1-8 MiB of random content, gzip
#   SLIPWAY_JAVA_OPTS=-Xmx256m JVM options of the Slipway server
#   SLIPWAY_JAR=PATH           the fat jar; default: the newest cli/target/slipway-cli-*-exec.jar,
#                              which ./slipway builds first when it is missing or stale
#   BENCH_WORK_PARENT=/var/tmp where the scratch directory goes (needs ~6 GiB free)
#   KEEP_WORK=1                keep the scratch directory (data dirs, logs) afterwards
#   QUIET_BUSY_PERCENT=10      before each transfer, wait while other processes keep the cores
#   QUIET_WAIT_SECONDS=300     busier than this, up to this many seconds over the whole run
#   RESULTS_DIR=DIR            where the CSV and summary go; default bench/registry/results

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BLOB_RUNS=${BLOB_RUNS:-5}
IMAGE_RUNS=${IMAGE_RUNS:-5}
BLOB_MIB=${BLOB_MIB:-1024}
IMAGE_LAYERS=${IMAGE_LAYERS:-40}
SLIPWAY_JAVA_OPTS=${SLIPWAY_JAVA_OPTS:--Xmx256m}
SLIPWAY_JAR=${SLIPWAY_JAR:-}
BENCH_WORK_PARENT=${BENCH_WORK_PARENT:-/var/tmp}
KEEP_WORK=${KEEP_WORK:-0}
QUIET_BUSY_PERCENT=${QUIET_BUSY_PERCENT:-10}
QUIET_WAIT_SECONDS=${QUIET_WAIT_SECONDS:-300}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
PATH=$PATH:/usr/sbin:/sbin

BLOB_REPO=bench/blob
IMAGE_REPO=bench/img
PIDS=()
QUIET_WAITED=0

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# --- tools --------------------------------------------------------------------------------------

# shellcheck source=../lib.sh
source "$REPO/bench/lib.sh"

require_tools() {
  install_missing curl=curl skopeo=skopeo docker-registry=docker-registry nginx=nginx-light java=openjdk-17-jre-headless python3=python3 sha256sum=coreutils
}

# --- helpers ------------------------------------------------------------------------------------

free_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# Waits until FILE is non-empty, failing early when process PID has exited.
wait_for_file() {
  local file=$1 pid=$2 seconds=$3 name=$4
  local deadline=$((SECONDS + seconds))
  until [[ -s $file ]]; do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up; see $WORK/logs/$name.log"
    ((SECONDS < deadline)) || die "$name did not write $file within ${seconds}s"
    sleep 0.2
  done
}

wait_for_http() {
  local url=$1 pid=$2 name=$3
  local deadline=$((SECONDS + 60))
  until curl -s -o /dev/null "$url"; do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up; see $WORK/logs/$name.log"
    ((SECONDS < deadline)) || die "$name did not respond on $url within 60s; see $WORK/logs/$name.log"
    sleep 0.2
  done
}

# Reads one header's value from an HTTP response head on stdin.
header() {
  tr -d '\r' | awk -v name="$(tr '[:upper:]' '[:lower:]' <<<"$1")" \
    'index(tolower($0), name ": ") == 1 { print substr($0, length(name) + 3) }' | tail -n 1
}

# Makes a Location header absolute, because a registry may send a path only.
absolute() {
  local base=$1 location=$2
  [[ $location == http* ]] && echo "$location" || echo "$base$location"
}

difference() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

# Prints the CPU seconds (user + system) that process PID has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# Prints how busy all cores were during one second, in percent (I/O wait counts as idle).
busy_percent() {
  local before after
  before=$(head -n 1 /proc/stat)
  sleep 1
  after=$(head -n 1 /proc/stat)
  awk -v before="$before" -v after="$after" 'BEGIN {
    split(before, b); split(after, a)
    for (i = 2; i <= 9; i++) { total += a[i] - b[i] }
    idle = (a[5] - b[5]) + (a[6] - b[6])
    printf "%d", (total > 0) ? (100 * (total - idle) / total) : 0
  }'
}

# Waits until other processes leave the cores idle (below QUIET_BUSY_PERCENT) or until the wait
# budget QUIET_WAIT_SECONDS is spent, and keeps the last reading in BUSY_BEFORE.
wait_for_quiet() {
  local started=$SECONDS
  BUSY_BEFORE=$(busy_percent)
  while ((BUSY_BEFORE >= QUIET_BUSY_PERCENT && QUIET_WAITED < QUIET_WAIT_SECONDS)); do
    BUSY_BEFORE=$(busy_percent)
    QUIET_WAITED=$((QUIET_WAITED + SECONDS - started))
    started=$SECONDS
  done
}

# Starts timing a transfer by SERVER after waiting for idle cores.
begin_transfer() {
  TRANSFER_PID=$(pid_of "$1")
  wait_for_quiet
  TRANSFER_CPU=$(cpu_seconds "$TRANSFER_PID")
  TRANSFER_START=$EPOCHREALTIME
}

# Ends timing and writes one CSV row: wall-clock seconds, the server's CPU seconds, and how busy
# the cores were just before.
end_transfer() {
  local measure=$1 server=$2 run=$3 bytes=$4
  local seconds cpu warmup=$((run == 0 ? 1 : 0))
  seconds=$(difference "$TRANSFER_START" "$EPOCHREALTIME")
  cpu=$(difference "$TRANSFER_CPU" "$(cpu_seconds "$TRANSFER_PID")")
  echo "$measure,$server,$run,$warmup,$bytes,$seconds,$cpu,$BUSY_BEFORE" >>"$RUNS_CSV"
  log "$(printf '%-12s %-12s run %d%s: %8.3f s, %7.1f MiB/s, server CPU %5.2f s, busy before %d%%' \
    "$measure" "$server" "$run" "$([[ $warmup == 1 ]] && echo ' (warm-up)')" "$seconds" \
    "$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { print b / 1048576 / s }')" "$cpu" \
    "$BUSY_BEFORE")"
}

# --- servers ------------------------------------------------------------------------------------

start_slipway() {
  local data=$WORK/slipway
  cp "$SLIPWAY_JAR" "$WORK/slipway.jar" # a rebuild during the run must not touch the open jar
  # shellcheck disable=SC2086 # SLIPWAY_JAVA_OPTS holds several options
  java $SLIPWAY_JAVA_OPTS -jar "$WORK/slipway.jar" server --data-dir "$data" --port 0 \
    --property server.address=127.0.0.1 >"$WORK/logs/slipway.log" 2>&1 &
  SLIPWAY_PID=$!
  PIDS+=("$SLIPWAY_PID")
  wait_for_file "$data/server.port" "$SLIPWAY_PID" 180 slipway
  wait_for_file "$data/bootstrap-token" "$SLIPWAY_PID" 30 slipway
  SLIPWAY_URL=http://127.0.0.1:$(cat "$data/server.port")
  SLIPWAY_ADMIN_TOKEN=$(cat "$data/bootstrap-token")

  local challenge
  challenge=$(curl -s -o /dev/null -D - "$SLIPWAY_URL/v2/" | header WWW-Authenticate)
  SLIPWAY_REALM=$(sed -n 's/.*realm="\([^"]*\)".*/\1/p' <<<"$challenge")
  SLIPWAY_SERVICE=$(sed -n 's/.*service="\([^"]*\)".*/\1/p' <<<"$challenge")
  [[ -n $SLIPWAY_REALM ]] || die "Slipway's /v2/ sent no Bearer challenge: '$challenge'"
  slipway_token "$BLOB_REPO" >/dev/null
  log "Slipway (pid $SLIPWAY_PID, $SLIPWAY_JAVA_OPTS) listens on $SLIPWAY_URL"
}

# Prints a registry token for pull and push on one repository, from Slipway's token endpoint.
slipway_token() {
  local repository=$1 body
  body=$(curl -sS -G -u "admin:$SLIPWAY_ADMIN_TOKEN" "$SLIPWAY_REALM" \
    --data-urlencode "service=$SLIPWAY_SERVICE" \
    --data-urlencode "scope=repository:$repository:pull,push") ||
    die "Slipway's token endpoint $SLIPWAY_REALM did not respond; see $WORK/logs/slipway.log"
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' <<<"$body" ||
    die "Slipway's token endpoint returned no token: $body"
}

start_distribution() {
  local port
  port=$(free_port)
  mkdir -p "$WORK/distribution/data"
  cat >"$WORK/distribution/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/distribution/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$port
EOF
  docker-registry serve "$WORK/distribution/config.yml" >"$WORK/logs/distribution.log" 2>&1 &
  DISTRIBUTION_PID=$!
  PIDS+=("$DISTRIBUTION_PID")
  DISTRIBUTION_URL=http://127.0.0.1:$port
  wait_for_http "$DISTRIBUTION_URL/v2/" "$DISTRIBUTION_PID" distribution
  log "distribution (pid $DISTRIBUTION_PID) listens on $DISTRIBUTION_URL"
}

# Starts nginx as the loopback limit. It serves the blob as a static file (sendfile) and accepts
# WebDAV PUTs, which it writes to a temporary file and renames.
start_nginx() {
  local port dir=$WORK/nginx
  port=$(free_port)
  mkdir -p "$dir/www/upload" "$dir/temp"
  ln "$BLOB" "$dir/www/blob.bin"
  cat >"$dir/nginx.conf" <<EOF
user $(id -un) $(id -gn);
daemon off;
master_process off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  sendfile_max_chunk 0;
  tcp_nopush on;
  default_type application/octet-stream;
  client_body_temp_path $dir/temp/body;
  proxy_temp_path $dir/temp/proxy;
  fastcgi_temp_path $dir/temp/fastcgi;
  uwsgi_temp_path $dir/temp/uwsgi;
  scgi_temp_path $dir/temp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $dir/www;
    location /upload/ {
      dav_methods PUT;
      client_max_body_size 0;
    }
  }
}
EOF
  nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" >"$WORK/logs/nginx.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  NGINX_URL=http://127.0.0.1:$port
  wait_for_http "$NGINX_URL/" "$NGINX_PID" nginx
  log "nginx (pid $NGINX_PID) listens on $NGINX_URL"
}

stop_servers() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
QUIET_WAITED=0
}

cleanup() {
  stop_servers
  if [[ -n ${WORK:-} && -d $WORK && $KEEP_WORK != 1 ]]; then
    rm -rf "$WORK"
  fi
}

pid_of() {
  case $1 in
    slipway) echo "$SLIPWAY_PID" ;;
    distribution) echo "$DISTRIBUTION_PID" ;;
    nginx) echo "$NGINX_PID" ;;
  esac
}

url_of() {
  case $1 in
    slipway) echo "$SLIPWAY_URL" ;;
    distribution) echo "$DISTRIBUTION_URL" ;;
    nginx) echo "$NGINX_URL" ;;
  esac
}

# Sets AUTH to the curl options that authorize on SERVER's repository. Slipway's token is fetched
# here, before the timed part.
authorize() {
  local server=$1 repository=$2
  AUTH=()
  if [[ $server == slipway ]]; then
    AUTH=(-H "Authorization: Bearer $(slipway_token "$repository")")
  fi
}

# --- data ---------------------------------------------------------------------------------------

make_blob() {
  BLOB=$WORK/blob.bin
  log "writing a ${BLOB_MIB} MiB blob of random bytes"
  head -c "$((BLOB_MIB * 1024 * 1024))" /dev/urandom >"$BLOB"
  BLOB_BYTES=$(stat -c %s "$BLOB")
  BLOB_DIGEST=sha256:$(sha256sum "$BLOB" | cut -d ' ' -f 1)
}

# Writes one image per run (run 0 is the warm-up). All have the same layer sizes but distinct
# content, so that no push finds its layers already stored.
make_images() {
  local run
  log "writing $((IMAGE_RUNS + 1)) OCI images of $IMAGE_LAYERS layers"
  for ((run = 0; run <= IMAGE_RUNS; run++)); do
    IMAGE_BYTES[run]=$(python3 "$HERE/make_image.py" "$WORK/images/image-$run" \
      --layers "$IMAGE_LAYERS" --seed 1)
  done
}

# --- transfers ----------------------------------------------------------------------------------

# Pushes the blob: POST opens the upload session, one PATCH streams the file, PUT completes it.
blob_push() {
  local server=$1 run=$2 base location head code
  base=$(url_of "$server")
  authorize "$server" "$BLOB_REPO"

  begin_transfer "$server"
  head=$(curl -sS "${AUTH[@]}" -X POST -H 'Content-Length: 0' -o /dev/null -D - \
    "$base/v2/$BLOB_REPO/blobs/uploads/")
  [[ $head == *" 202"* ]] || die "$server: POST upload failed with response: $head"
  location=$(absolute "$base" "$(header Location <<<"$head")")
  head=$(curl -sS "${AUTH[@]}" -X PATCH -H 'Expect:' -H 'Content-Type: application/octet-stream' \
    -T "$BLOB" -o /dev/null -D - "$location")
  [[ $head == *" 202"* ]] || die "$server: PATCH upload failed with response: $head"
  location=$(absolute "$base" "$(header Location <<<"$head")")
  [[ $location == *\?* ]] && location+="&" || location+="?"
  code=$(curl -sS "${AUTH[@]}" -X PUT -H 'Content-Length: 0' -o /dev/null -w '%{http_code}' \
    "${location}digest=$BLOB_DIGEST")
  end_transfer blob-push "$server" "$run" "$BLOB_BYTES"
  [[ $code == 201 ]] || die "$server: completing the upload failed with HTTP $code"
}

blob_pull() {
  local server=$1 run=$2 base result digest
  base=$(url_of "$server")
  authorize "$server" "$BLOB_REPO"
  if [[ $run == 0 ]]; then
    digest=sha256:$(curl -sS "${AUTH[@]}" "$base/v2/$BLOB_REPO/blobs/$BLOB_DIGEST" |
      sha256sum | cut -d ' ' -f 1)
    [[ $digest == "$BLOB_DIGEST" ]] || die "$server returned content with digest $digest for blob $BLOB_DIGEST"
  fi

  begin_transfer "$server"
  result=$(curl -sS "${AUTH[@]}" -o /dev/null -w '%{http_code} %{size_download}' \
    "$base/v2/$BLOB_REPO/blobs/$BLOB_DIGEST")
  end_transfer blob-pull "$server" "$run" "$BLOB_BYTES"
  [[ $result == "200 $BLOB_BYTES" ]] || die "$server: GET blob failed: HTTP status and size '$result'"
}

# Both registries fsync each blob before they respond, and nginx does not. So the timed part ends
# with a sync, which makes the limit pay for the same flush.
loopback_put() {
  local run=$1 code
  begin_transfer nginx
  code=$(curl -sS -H 'Expect:' -T "$BLOB" -o /dev/null -w '%{http_code}' \
    "$NGINX_URL/upload/blob-$run.bin")
  sync
  end_transfer loopback-put nginx "$run" "$BLOB_BYTES"
  [[ $code == 201 ]] || die "nginx: PUT failed with HTTP $code; see $WORK/nginx/error.log"
  rm -f "$WORK/nginx/www/upload/blob-$run.bin"
}

loopback_get() {
  local run=$1 result
  begin_transfer nginx
  result=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' "$NGINX_URL/blob.bin")
  end_transfer loopback-get nginx "$run" "$BLOB_BYTES"
  [[ $result == "200 $BLOB_BYTES" ]] || die "nginx: GET failed: HTTP status and size '$result'"
}

skopeo_copy() {
  skopeo --policy "$WORK/policy.json" copy --quiet "$@" >>"$WORK/logs/skopeo.log" 2>&1 ||
    die "skopeo copy $* failed; see $WORK/logs/skopeo.log"
}

image_push() {
  local server=$1 run=$2 base creds=()
  base=$(url_of "$server")
  [[ $server == slipway ]] && creds=(--dest-creds "admin:$SLIPWAY_ADMIN_TOKEN")
  begin_transfer "$server"
  skopeo_copy --dest-tls-verify=false "${creds[@]}" "oci:$WORK/images/image-$run:bench" \
    "docker://${base#http://}/$IMAGE_REPO:run-$run"
  end_transfer image-push "$server" "$run" "${IMAGE_BYTES[run]}"
}

image_pull() {
  local server=$1 run=$2 base creds=() target=$WORK/pulled
  base=$(url_of "$server")
  [[ $server == slipway ]] && creds=(--src-creds "admin:$SLIPWAY_ADMIN_TOKEN")
  rm -rf "$target"
  begin_transfer "$server"
  skopeo_copy --src-tls-verify=false "${creds[@]}" \
    "docker://${base#http://}/$IMAGE_REPO:run-$run" "dir:$target"
  end_transfer image-pull "$server" "$run" "${IMAGE_BYTES[run]}"
  rm -rf "$target"
}

# Prints the order of the registries in a run. It alternates, so neither always goes first.
order_of_run() {
  if (($1 % 2 == 1)); then echo slipway distribution; else echo distribution slipway; fi
}

run_blob_transfers() {
  local run server
  for ((run = 0; run <= BLOB_RUNS; run++)); do
    for server in $(order_of_run "$run"); do
      blob_push "$server" "$run"
      sync # write back outside the timed part, so that it does not slow the next transfer
      blob_pull "$server" "$run"
    done
    loopback_put "$run"
    loopback_get "$run"
  done
}

run_image_transfers() {
  local run server
  for ((run = 0; run <= IMAGE_RUNS; run++)); do
    for server in $(order_of_run "$run"); do
      image_push "$server" "$run"
      sync
      image_pull "$server" "$run"
    done
  done
}

# --- report -------------------------------------------------------------------------------------

# Prints one row of the processes CSV. CPU time counts from the end of start-up (START_CPU) on.
process_row() {
  local name=$1 pid=$2 start_cpu=$3 hwm rss cpu
  hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  cpu=$(difference "$start_cpu" "$(cpu_seconds "$pid")")
  echo "$name,$pid,$hwm,$rss,$cpu"
}

describe_environment() {
  local os cpu
  os=$(. /etc/os-release && echo "$PRETTY_NAME")
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  local device block
  device=$(df --output=source,fstype "$WORK" | tail -n 1 | tr -s ' ')
  block=${device%% *}
  block=${block#/dev/}
  echo "- date: $(date -u +'%Y-%m-%d %H:%M UTC')"
  echo "- checkout: commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- machine: $(nproc) cores, $cpu; $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
  echo "- scratch: $WORK on $device (rotational=$(cat "/sys/block/$block/queue/rotational" \
    2>/dev/null || echo unknown))"
  echo "- OS: $os, kernel $(uname -r)"
  echo "- Slipway: $SLIPWAY_JAR (built $(date -u -r "$SLIPWAY_JAR" +'%Y-%m-%d %H:%M UTC')), JVM options $SLIPWAY_JAVA_OPTS"
  echo "- java: $(java -version 2>&1 | sed -n 2p)"
  echo "- distribution: $(docker-registry --version)"
  echo "- skopeo: $(skopeo --version)"
  echo "- curl: $(curl --version | head -n 1 | cut -d ' ' -f 1-2)"
  echo "- nginx: $(nginx -v 2>&1 | cut -d ' ' -f 3)"
  echo "- runs: $BLOB_RUNS per server for the blob, $IMAGE_RUNS for the image, after one warm-up"
  echo "- blob: $BLOB_BYTES bytes; image: $IMAGE_LAYERS gzip layers, ${IMAGE_BYTES[1]} bytes"
}

main() {
  require_tools
  find_jar
  mkdir -p "$BENCH_WORK_PARENT" "$RESULTS_DIR"
  WORK=$(mktemp -d "$BENCH_WORK_PARENT/slipway-registry-bench.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$WORK/logs" "$WORK/images"
  echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$WORK/policy.json"

  local stamp
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  RUNS_CSV=$RESULTS_DIR/registry-$stamp.csv
  local processes_csv=$RESULTS_DIR/registry-$stamp-processes.csv
  local summary=$RESULTS_DIR/registry-$stamp.md
  echo "measure,server,run,warmup,bytes,seconds,server_cpu_seconds,busy_before_percent" \
    >"$RUNS_CSV"

  make_blob
  declare -ga IMAGE_BYTES=()
  make_images
  start_slipway
  start_distribution
  start_nginx
  local slipway_start_cpu distribution_start_cpu
  slipway_start_cpu=$(cpu_seconds "$SLIPWAY_PID")
  distribution_start_cpu=$(cpu_seconds "$DISTRIBUTION_PID")

  run_blob_transfers
  run_image_transfers

  {
    echo "server,pid,vmhwm_kib,vmrss_kib,cpu_seconds"
    process_row slipway "$SLIPWAY_PID" "$slipway_start_cpu"
    process_row distribution "$DISTRIBUTION_PID" "$distribution_start_cpu"
  } >"$processes_csv"

  {
    echo "# Registry benchmark $stamp"
    echo
    python3 "$HERE/summarize.py" "$RUNS_CSV" "$processes_csv"
    echo
    describe_environment
  } >"$summary"
  cat "$summary"
  log "raw numbers: $RUNS_CSV, $processes_csv; summary: $summary"
}

main "$@"
