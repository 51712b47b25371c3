#!/usr/bin/env bash
# Delta benchmark: Slipway's deltas against xdelta3, bsdiff, rdiff (librsync) with zstd, and
# zstd --patch-from, on three pairs of real data that the script makes (see make_pairs.sh). The
# pairs are a Debian root filesystem before and after a security upgrade, the jars of a Spring Boot
# application at two neighbouring versions, and one shared library from two Debian package
# versions. For each pair and tool it measures the delta's size, the time to make it, the time to
# apply it and the peak RSS while applying, checks that applying restores the new tar exactly,
# and writes the medians into docs/benchmarks/delta.md. See that page.
#
# Usage: bash bench/delta/run.sh            (as root: debootstrap and chroot need it)
# Settings (environment):
#   RUNS=3                       measured runs per pair and tool; each cell is the median
#   PAIRS="os jars binary"       which pairs to measure
#   TOOLS="slipway xdelta3 xdelta3-nosec bsdiff rdiff-zstd zstd-patch"
#                                which tools to measure
#   CACHE=/var/tmp/slipway-delta-bench   where the pairs are made and kept between runs
#   SUITE=bookworm               the Debian suite of the root filesystem
#   MIRROR=URL                   the Debian mirror; default: the first one /etc/apt names
#   BOOT_OLD=4.0.6 BOOT_NEW=4.0.7  the Spring Boot versions of the jars pair
#   BINARY_PACKAGE=libssl3 BINARY_FILE=libcrypto.so.3   the binary pair: the two newest
#                                versions of the package that apt-cache madison lists
#   SLIPWAY_JAR=PATH             the fat jar; default: the newest cli/target/slipway-cli-*-exec.jar,
#                                which ./slipway builds first when it is missing or stale
#   SLIPWAY_MAKE_OPTS=-Xmx1g     JVM options of `slipway delta make`
#   SLIPWAY_APPLY_OPTS=-Xmx64m   JVM options of `slipway delta apply`; the heap bound on devices
#   PAGE=docs/benchmarks/delta.md  the page whose results section is rewritten; PAGE= skips it
#   RESULTS_DIR=DIR              where the CSV and summary go; default bench/delta/results
#   DATA_ONLY=1                  make the pairs and stop
#   EARLIER_CSV="FILE ..."       CSVs of earlier runs whose rows fill the pairs and tools that this
#                                run does not measure, such as the peers while only Slipway reruns

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=${RUNS:-3}
PAIRS=${PAIRS:-os jars binary}
TOOLS=${TOOLS:-slipway xdelta3 xdelta3-nosec bsdiff rdiff-zstd zstd-patch}
CACHE=${CACHE:-/var/tmp/slipway-delta-bench}
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-}
BOOT_OLD=${BOOT_OLD:-4.0.6}
BOOT_NEW=${BOOT_NEW:-4.0.7}
BINARY_PACKAGE=${BINARY_PACKAGE:-libssl3}
BINARY_FILE=${BINARY_FILE:-libcrypto.so.3}
SLIPWAY_JAR=${SLIPWAY_JAR:-}
SLIPWAY_MAKE_OPTS=${SLIPWAY_MAKE_OPTS:--Xmx1g}
SLIPWAY_APPLY_OPTS=${SLIPWAY_APPLY_OPTS:--Xmx64m}
PAGE=${PAGE-$REPO/docs/benchmarks/delta.md}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
DATA_ONLY=${DATA_ONLY:-0}
EARLIER_CSV=${EARLIER_CSV:-}
PATH=$PATH:/usr/sbin:/sbin

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# shellcheck source=../lib.sh
source "$REPO/bench/lib.sh"
# shellcheck source=make_pairs.sh
source "$HERE/make_pairs.sh"

require_tools() {
  install_missing debootstrap=debootstrap xdelta3=xdelta3 bsdiff=bsdiff rdiff=rdiff zstd=zstd \
    python3=python3 mvn=maven java=openjdk-17-jre-headless
  [[ -x /usr/bin/time ]] || install_missing /usr/bin/time=time
  [[ $(id -u) == 0 ]] || die "run as root: debootstrap and chroot need it"
}

# --- OCI layouts for Slipway ---------------------------------------------------------------------

# Writes an OCI image layout in DIR with one uncompressed layer, the tar TAR, tagged bench.
make_layout() {
  local tar=$1 dir=$2
  [[ -f $dir/index.json ]] && return
  rm -rf "$dir"
  mkdir -p "$dir/blobs/sha256"
  local hex
  hex=$(sha256sum "$tar" | cut -d' ' -f1)
  ln "$tar" "$dir/blobs/sha256/$hex" 2>/dev/null || cp "$tar" "$dir/blobs/sha256/$hex"
  python3 "$HERE/layout.py" "$dir" "$hex" "$(stat -c %s "$tar")"
}

# --- one measured step --------------------------------------------------------------------------

# Runs COMMAND under /usr/bin/time and prints "WALL_SECONDS,MAX_RSS_KIB,CPU_SECONDS", where CPU is
# user plus system time of the command and the children it waited for.
timed() {
  local out=$WORK/time.txt
  /usr/bin/time -f '%e,%M,%U,%S' -o "$out" "$@" >"$WORK/step.log" 2>&1 || {
    tail -n 20 "$WORK/step.log" >&2
    die "failed: $*"
  }
  awk -F, '{printf "%s,%s,%.2f\n", $1, $2, $3 + $4}' "$out"
}

# Makes the delta of pair P with tool T into $WORK/delta.
make_delta() {
  local tool=$1 p=$2 d=$WORK/delta
  rm -f "$d"
  case $tool in
    slipway)
      timed java $SLIPWAY_MAKE_OPTS -jar "$SLIPWAY_JAR" delta make \
        --from "oci:$p/oci-old:bench" --to "oci:$p/oci-new:bench" -o "$d"
      ;;
    xdelta3) timed xdelta3 -9 -f -e -s "$p/old.tar" "$p/new.tar" "$d" ;;
    xdelta3-nosec) timed xdelta3 -9 -S none -f -e -s "$p/old.tar" "$p/new.tar" "$d" ;;
    bsdiff) timed bsdiff "$p/old.tar" "$p/new.tar" "$d" ;;
    rdiff-zstd)
      timed sh -c 'rdiff signature "$1" "$3.sig" && rdiff delta "$3.sig" "$2" "$3.raw" &&
        zstd -19 -q -f "$3.raw" -o "$3" && rm -f "$3.sig" "$3.raw"' rdiff "$p/old.tar" "$p/new.tar" "$d"
      ;;
    zstd-patch)
      timed zstd -19 --long=31 --single-thread -q -f --patch-from="$p/old.tar" "$p/new.tar" -o "$d"
      ;;
    *) die "unknown tool $tool" ;;
  esac
}

# Applies $WORK/delta of pair P with tool T, checks the result against new.tar.
apply_delta() {
  local tool=$1 p=$2 d=$WORK/delta out=$WORK/out
  rm -rf "$out" "$out.tar"
  case $tool in
    slipway)
      timed java $SLIPWAY_APPLY_OPTS -jar "$SLIPWAY_JAR" delta apply \
        --base "oci:$p/oci-old:bench" --delta "$d" --to "oci:$out:bench"
      ;;
    xdelta3 | xdelta3-nosec) timed xdelta3 -f -d -s "$p/old.tar" "$d" "$out.tar" ;;
    bsdiff) timed bspatch "$p/old.tar" "$out.tar" "$d" ;;
    rdiff-zstd)
      timed sh -c 'zstd -d -q -c "$2" | rdiff patch "$1" - "$3"' rdiff "$p/old.tar" "$d" "$out.tar"
      ;;
    zstd-patch) timed zstd -d --long=31 -q -f --patch-from="$p/old.tar" "$d" -o "$out.tar" ;;
  esac
}

# Checks that the applied output equals new.tar: the file, or the layer blob in the output layout.
check_output() {
  local tool=$1 p=$2 out=$WORK/out expected
  expected=$(cat "$p/new.sha256")
  if [[ $tool == slipway ]]; then
    [[ -f $out/blobs/sha256/$expected ]] || die "slipway's output layout lacks the layer $expected"
    [[ $(sha256sum "$out/blobs/sha256/$expected" | cut -d' ' -f1) == "$expected" ]] ||
      die "slipway's output layer does not hash to $expected"
    return
  fi
  [[ $(sha256sum "$out.tar" | cut -d' ' -f1) == "$expected" ]] || die "$tool did not restore new.tar"
}

measure() {
  local pair=$1 tool=$2 run=$3 p=$CACHE/$1
  local made applied size
  made=$(make_delta "$tool" "$p")
  size=$(stat -c %s "$WORK/delta")
  sync
  applied=$(apply_delta "$tool" "$p")
  check_output "$tool" "$p"
  printf '%s,%s,%s,%s,%s,%s,%s\n' "$pair" "$tool" "$run" "$size" "$(stat -c %s "$p/new.tar")" \
    "$made" "$applied" >>"$CSV"
  log "$pair $tool run $run: $size bytes; make $made; apply $applied (seconds,KiB,CPU seconds)"
}

# --- versions and the page ----------------------------------------------------------------------

describe_machine() {
  {
    echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores"
    echo "memory=$(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "kernel=$(uname -r)"
    echo "java=$(java -version 2>&1 | head -n 1)"
    echo "xdelta3=$(xdelta3 -V 2>&1 | head -n 1 | awk '{print $3}' | tr -d ,)"
    echo "bsdiff=$(dpkg-query -W -f='${Version}' bsdiff)"
    echo "rdiff=$(rdiff --version | head -n 1)"
    echo "zstd=$(zstd --version | grep -oE 'v[0-9.]+')"
    echo "slipway=${SLIPWAY_COMMIT:-unknown}"
  } >"$1"
}

main() {
  require_tools
  MIRROR=${MIRROR:-$(configured_mirror)}
  mkdir -p "$CACHE"
  for pair in $PAIRS; do
    "make_${pair}_pair"
    sha256sum "$CACHE/$pair/new.tar" | cut -d' ' -f1 >"$CACHE/$pair/new.sha256"
  done
  if [[ $DATA_ONLY == 1 ]]; then
    log "pairs ready in $CACHE"
    return
  fi

  if [[ " $TOOLS " == *" slipway "* ]]; then
    find_jar
    for pair in $PAIRS; do
      make_layout "$CACHE/$pair/old.tar" "$CACHE/$pair/oci-old"
      make_layout "$CACHE/$pair/new.tar" "$CACHE/$pair/oci-new"
    done
  fi

  WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/slipway-delta-run.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  mkdir -p "$RESULTS_DIR"
  local stamp
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  CSV=$RESULTS_DIR/delta-$stamp.csv
  echo 'pair,tool,run,delta_bytes,new_bytes,make_seconds,make_rss_kib,make_cpu_seconds,apply_seconds,apply_rss_kib,apply_cpu_seconds' >"$CSV"
  describe_machine "$RESULTS_DIR/delta-$stamp.machine"

  local run tool
  for pair in $PAIRS; do
    for run in $(seq 1 "$RUNS"); do
      for tool in $TOOLS; do
        measure "$pair" "$tool" "$run"
      done
    done
  done

  # shellcheck disable=SC2086 # EARLIER_CSV is a list of paths
  python3 "$HERE/summarize.py" "$RESULTS_DIR/delta-$stamp.machine" "$CACHE" "$CSV" $EARLIER_CSV \
    >"$RESULTS_DIR/delta-$stamp.md"
  log "summary in $RESULTS_DIR/delta-$stamp.md"
  if [[ -n $PAGE ]]; then
    python3 "$HERE/summarize.py" --page "$PAGE" "$RESULTS_DIR/delta-$stamp.md"
    log "results written into $PAGE"
  fi
}

main "$@"
