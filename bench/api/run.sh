#!/usr/bin/env bash
# Target-state polling benchmark: many devices poll GET /device/v1/{uuid}/state over loopback.
#
# Starts a Slipway server on a free loopback port and prepares it through its HTTP API only
# (setup.py): an organization, a fleet, a provisioning key, DEVICES registered devices with their
# own device keys, and one finished release with two services. Then wrk drives the state endpoint
# with a fixed number of connections, rotating over all devices, in three modes:
#   conditional  every request sends If-None-Match with the device's current ETag, so the server
#                responds 304 Not Modified
#   full         no If-None-Match, so the server responds 200 with the whole target state
#   paced        conditional, but PACED_CONNECTIONS connections each wait between polls, so that
#                the offered rate is about PACED_RATE polls per second instead of as many as the
#                server can take. This measures the latency at a given rate, not at saturation.
# Each measured run has a short wrk warm-up that is not counted, then DURATION seconds of load.
# The order of the modes rotates between rounds. After the rounds, a short stale pass
# (STALE_SECONDS) measures polls that also write the device's last-seen time. For each run the script records requests per
# second, latency percentiles, the status codes, the server's RSS (peak and median of samples,
# from /proc) and the CPU time of the server, of wrk and of everything else on the machine.
# Prints markdown tables of the medians and writes the raw numbers under bench/api/results/.
# See docs/benchmarks/api.md.
#
# Usage: bash bench/api/run.sh
# Settings (environment):
#   DEVICES=10000              devices to register and poll
#   RUNS=5                     measured runs per mode (one unmeasured warm-up round comes first)
#   CONNECTIONS=64 THREADS=2   wrk's connections and threads
#   PACED_RATE=6000            the rate that the paced mode aims at (it lands a little lower,
#   PACED_CONNECTIONS=256      because each wait adds to the latency), and its connections
#   DURATION=30 WARMUP=5       seconds of measured load per run, and of wrk warm-up before it
#   SLIPWAY_JAVA_OPTS=-Xmx256m JVM options of the Slipway server
#   SLIPWAY_JAR=PATH           the fat jar; default: the newest cli/target/slipway-cli-*-exec.jar,
#                              which ./slipway builds first when it is missing or stale
#   SLIPWAY_COMMIT=ID          the commit the jar was built from, for the summary (default: unknown
#                              with SLIPWAY_JAR, else this checkout's commit)
#   BENCH_WORK_PARENT=/var/tmp where the scratch directory goes (data dir, logs, device keys)
#   KEEP_WORK=1                keep the scratch directory afterwards
#   QUIET_BUSY_PERCENT=10      before each run, wait while other processes keep the cores
#   QUIET_WAIT_SECONDS=300     busier than this, up to this many seconds over the whole run
#   STALE_SECONDS=2            after the runs, pause 65 s so that every device's last-seen time is
#                              over a minute old, then poll (conditional) for this many seconds: the
#                              first poll of each device then also writes its last-seen time (0: skip)
#   PROFILE=1                  after the runs, record a Java Flight Recorder profile of the server
#                              during one more conditional run and print where it spent its time
#                              (the recording stays in the scratch directory, see KEEP_WORK)
#   RESULTS_DIR=DIR            where the CSV and summary go; default bench/api/results

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DEVICES=${DEVICES:-10000}
RUNS=${RUNS:-5}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PACED_RATE=${PACED_RATE:-6000}
PACED_CONNECTIONS=${PACED_CONNECTIONS:-256}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-5}
SLIPWAY_JAVA_OPTS=${SLIPWAY_JAVA_OPTS:--Xmx256m}
SLIPWAY_JAR=${SLIPWAY_JAR:-}
SLIPWAY_COMMIT=${SLIPWAY_COMMIT:-}
BENCH_WORK_PARENT=${BENCH_WORK_PARENT:-/var/tmp}
KEEP_WORK=${KEEP_WORK:-0}
QUIET_BUSY_PERCENT=${QUIET_BUSY_PERCENT:-10}
QUIET_WAIT_SECONDS=${QUIET_WAIT_SECONDS:-300}
STALE_SECONDS=${STALE_SECONDS:-2}
PROFILE=${PROFILE:-0}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}

SERVER_PID=
SAMPLER_PID=
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
  install_missing wrk=wrk curl=curl java=openjdk-17-jre-headless python3=python3
}

# --- measuring ----------------------------------------------------------------------------------

difference() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# Prints the CPU seconds (user + system) that process PID has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# Prints the CPU seconds that all cores have spent busy so far (I/O wait counts as idle).
machine_busy_seconds() {
  awk -v hz="$(getconf CLK_TCK)" 'NR == 1 {
    for (i = 2; i <= 9; i++) { total += $i }
    printf "%.2f", (total - $5 - $6) / hz
  }' /proc/stat
}

# Prints how busy all cores were during one second, in percent.
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

status_kib() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

# Samples the server's VmRSS (KiB) twice a second into FILE until stop_sampler.
start_sampler() {
  local file=$1
  : >"$file"
  (
    while kill -0 "$SERVER_PID" 2>/dev/null; do
      status_kib "$SERVER_PID" VmRSS >>"$file" || true
      sleep 0.5
    done
  ) &
  SAMPLER_PID=$!
}

stop_sampler() {
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=
}

median_of_file() {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print 0 } else if (NR % 2) { print v[(NR + 1) / 2] }
    else { print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }
  }'
}

# Runs wrk for SECONDS in MODE and prints its RESULT line followed by "client_cpu=SECONDS", the
# CPU time of wrk itself (read from the children's times of the shell that waited for it).
run_wrk() {
  local mode=$1 seconds=$2 connections=$CONNECTIONS delay_ms=0
  if [[ $mode == paced ]]; then
    mode=conditional
    connections=$PACED_CONNECTIONS
    delay_ms=$((PACED_CONNECTIONS * 1000 / PACED_RATE))
  fi
  POLL_DELAY_MS=$delay_ms bash -c '
    wrk -t "$1" -c "$2" -d "$3s" --timeout 10s -s "$4" "$5" -- "$6" "$7" "$1" |
      grep "^RESULT " || exit 1
    awk -v hz="$(getconf CLK_TCK)" "{ printf \"client_cpu=%.2f\\n\", (\$16 + \$17) / hz }" /proc/$$/stat
  ' run_wrk "$THREADS" "$connections" "$seconds" "$HERE/poll.lua" "$SERVER_URL" \
    "$WORK/devices.txt" "$mode"
}

# Prints the value of KEY=VALUE from TEXT.
field() { tr ' ' '\n' <<<"$2" | awk -F= -v key="$1" '$1 == key { print $2 }'; }

# One run of MODE: warm-up, then the measured load. Appends one CSV row. Mode "stale" is a
# conditional run of STALE_SECONDS with neither a warm-up nor a wait for idle cores, so that it
# starts right after the pause that made every device's last-seen time stale.
measure() {
  local run=$1 mode=$2 warmup_row=$((run == 0 ? 1 : 0)) wrk_mode=$2 seconds=$DURATION
  if [[ $mode == stale ]]; then
    wrk_mode=conditional
    seconds=$STALE_SECONDS
    BUSY_BEFORE=$(busy_percent)
  else
    wait_for_quiet
    run_wrk "$mode" "$WARMUP" >/dev/null || die "wrk warm-up failed in mode $mode"
  fi

  echo 5 >"/proc/$SERVER_PID/clear_refs" # resets VmHWM to the current RSS
  start_sampler "$WORK/rss-$run-$mode.txt"
  local server_cpu machine_busy output
  server_cpu=$(cpu_seconds "$SERVER_PID")
  machine_busy=$(machine_busy_seconds)
  output=$(run_wrk "$wrk_mode" "$seconds") || die "wrk failed in mode $mode"
  machine_busy=$(difference "$machine_busy" "$(machine_busy_seconds)")
  server_cpu=$(difference "$server_cpu" "$(cpu_seconds "$SERVER_PID")")
  stop_sampler

  local result client_cpu peak steady other
  result=$(head -n 1 <<<"$output")
  client_cpu=$(field client_cpu "$(tail -n 1 <<<"$output")")
  peak=$(status_kib "$SERVER_PID" VmHWM)
  steady=$(median_of_file "$WORK/rss-$run-$mode.txt")
  other=$(awk -v m="$machine_busy" -v s="$server_cpu" -v c="$client_cpu" \
    'BEGIN { o = m - s - c; printf "%.2f", (o < 0) ? 0 : o }')
  local columns=(requests seconds rps p50_ms p90_ms p99_ms p999_ms max_ms status_200 status_304
    status_other errors)
  local connections=$CONNECTIONS
  [[ $mode == paced ]] && connections=$PACED_CONNECTIONS
  local name row="$run,$mode,$warmup_row,$connections,$THREADS"
  for name in "${columns[@]}"; do
    row+=",$(field "$name" "$result")"
  done
  row+=",$server_cpu,$client_cpu,$other,$peak,$steady,$BUSY_BEFORE"
  echo "$row" >>"$RUNS_CSV"
  log "$(printf 'run %d%s %-11s %8.0f req/s, p99 %7.2f ms, 200/304/other %s/%s/%s, errors %s, peak RSS %d MiB, server CPU %.1f s, wrk %.1f s, others %.1f s' \
    "$run" "$([[ $warmup_row == 1 ]] && echo ' (warm-up)')" "$mode" \
    "$(field rps "$result")" "$(field p99_ms "$result")" "$(field status_200 "$result")" \
    "$(field status_304 "$result")" "$(field status_other "$result")" \
    "$(field errors "$result")" "$((peak / 1024))" "$server_cpu" "$client_cpu" "$other")"
  check_statuses "$mode" "$result"
}

# Fails the benchmark when any response has a status other than the mode expects, because such a
# run measures something else.
check_statuses() {
  local mode=$1 result=$2 expected=status_304 unexpected=status_200
  if [[ $mode == full ]]; then
    expected=status_200
    unexpected=status_304
  fi
  if (($(field "$unexpected" "$result") + $(field status_other "$result") + $(field errors \
    "$result") > 0)); then
    die "mode $mode expected only ${expected#status_} responses but got: $result; see $WORK/logs/slipway.log"
  fi
}

# Prints the order of the modes in a run. It rotates, so no mode always goes first.
order_of_run() {
  case $(($1 % 3)) in
    1) echo conditional full paced ;;
    2) echo full paced conditional ;;
    *) echo paced conditional full ;;
  esac
}

# --- server -------------------------------------------------------------------------------------

start_slipway() {
  local data=$WORK/slipway
  cp "$SLIPWAY_JAR" "$WORK/slipway.jar" # a rebuild during the run must not touch the open jar
  # shellcheck disable=SC2086 # SLIPWAY_JAVA_OPTS holds several options
  java $SLIPWAY_JAVA_OPTS -jar "$WORK/slipway.jar" server --data-dir "$data" --port 0 \
    --property server.address=127.0.0.1 >"$WORK/logs/slipway.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + 180))
  until [[ -s $data/server.port && -s $data/bootstrap-token ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || die "Slipway exited during start-up; see $WORK/logs/slipway.log"
    ((SECONDS < deadline)) || die "Slipway wrote no $data/server.port within 180s"
    sleep 0.2
  done
  SERVER_URL=http://127.0.0.1:$(cat "$data/server.port")
  ADMIN_TOKEN=$(cat "$data/bootstrap-token")
  log "Slipway (pid $SERVER_PID, $SLIPWAY_JAVA_OPTS) listens on $SERVER_URL"
}

cleanup() {
  [[ -n $SAMPLER_PID ]] && stop_sampler
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n ${WORK:-} && -d $WORK && $KEEP_WORK != 1 ]]; then
    rm -rf "$WORK"
  fi
}

# Records a JFR profile during one more conditional run and prints the share of samples per
# component. Not part of the measured figures: the recording itself costs some CPU.
profile() {
  log "profiling: JFR during $DURATION s of conditional polling"
  jcmd "$SERVER_PID" JFR.start name=bench settings=profile >/dev/null
  run_wrk conditional "$DURATION" >"$WORK/profile-wrk.txt" || die "wrk failed while profiling"
  jcmd "$SERVER_PID" JFR.dump name=bench filename="$WORK/poll.jfr" >/dev/null
  jcmd "$SERVER_PID" JFR.stop name=bench >/dev/null
  jfr print --json --stack-depth 96 --events jdk.ExecutionSample "$WORK/poll.jfr" \
    >"$WORK/samples.json"
  {
    echo
    echo "## Profile (JFR, one extra conditional run, not counted above)"
    echo
    echo "wrk during the recording: $(head -n 1 "$WORK/profile-wrk.txt")"
    echo
    python3 "$HERE/profile_summary.py" "$WORK/samples.json"
  } | tee -a "$SUMMARY"
}

# --- report -------------------------------------------------------------------------------------

describe_environment() {
  local os cpu
  os=$(. /etc/os-release && echo "$PRETTY_NAME")
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  echo "- date: $(date -u +'%Y-%m-%d %H:%M UTC')"
  echo "- checkout: commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- machine: $(nproc) cores, $cpu; $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
  echo "- OS: $os, kernel $(uname -r)"
  echo "- Slipway: $SLIPWAY_JAR from commit ${SLIPWAY_COMMIT:-unknown} (file dated $(date -u -r "$SLIPWAY_JAR" +'%Y-%m-%d %H:%M UTC')), JVM options $SLIPWAY_JAVA_OPTS"
  echo "- java: $(java -version 2>&1 | sed -n 2p)"
  echo "- wrk: $(wrk -v 2>&1 | head -n 1 | cut -d ' ' -f 1-2), $THREADS threads, $CONNECTIONS connections, --timeout 10s; paced mode: $PACED_CONNECTIONS connections, each waiting $((PACED_CONNECTIONS * 1000 / PACED_RATE)) ms between polls (aiming at $PACED_RATE/s)"
  echo "- devices: $DEVICES; $RUNS measured runs per mode of ${DURATION}s, each after a ${WARMUP}s wrk warm-up"
  echo "- setup: $SETUP_RESULT"
  echo "- server RSS: $((RSS_AFTER_START / 1024)) MiB after start-up, $((RSS_AFTER_SETUP / 1024)) MiB after the setup (peak until then $((RSS_PEAK_SETUP / 1024)) MiB)"
}

main() {
  require_tools
  find_jar
  mkdir -p "$BENCH_WORK_PARENT" "$RESULTS_DIR"
  WORK=$(mktemp -d "$BENCH_WORK_PARENT/slipway-api-bench.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$WORK/logs"

  local stamp
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  RUNS_CSV=$RESULTS_DIR/api-$stamp.csv
  SUMMARY=$RESULTS_DIR/api-$stamp.md
  echo "run,mode,warmup,connections,threads,requests,seconds,rps,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,status_200,status_304,status_other,errors,server_cpu_seconds,client_cpu_seconds,other_cpu_seconds,rss_peak_kib,rss_steady_kib,busy_before_percent" \
    >"$RUNS_CSV"

  start_slipway
  RSS_AFTER_START=$(status_kib "$SERVER_PID" VmRSS)
  log "registering $DEVICES devices and creating a release through the API"
  SETUP_RESULT=$(python3 "$HERE/setup.py" "$SERVER_URL" "$ADMIN_TOKEN" "$WORK/devices.txt" \
    --devices "$DEVICES") || die "setup failed; see $WORK/logs/slipway.log"
  RSS_AFTER_SETUP=$(status_kib "$SERVER_PID" VmRSS)
  RSS_PEAK_SETUP=$(status_kib "$SERVER_PID" VmHWM)

  local run mode
  for ((run = 0; run <= RUNS; run++)); do
    for mode in $(order_of_run "$run"); do
      measure "$run" "$mode"
    done
  done
  if ((STALE_SECONDS > 0)); then
    log "pausing 65 s, so that every device's last-seen time is over a minute old"
    sleep 65
    measure "$((RUNS + 1))" stale
  fi

  {
    echo "# API benchmark $stamp: target-state polling"
    echo
    python3 "$HERE/summarize.py" "$RUNS_CSV"
    echo
    describe_environment
  } | tee "$SUMMARY"
  if [[ $PROFILE == 1 ]]; then
    profile
  fi
  log "wrote $RUNS_CSV and $SUMMARY"
}

main "$@"
