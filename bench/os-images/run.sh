#!/usr/bin/env bash
# OS image benchmark: configuring a 2 GiB image, that is, writing config.json into its boot
# partition and producing the configured image. It runs Slipway, balena-image-fs (the library
# behind `balena os configure`) and mtools, raw and zipped, and compares each with the machine's
# sequential copy of the same image. Every tool runs in the same script run, one after another, RUNS times; each cell
# is the median. Each output is checked: config.json reads back with mtype.
#
# The peers edit an image in place, so their raw time is `cp` of the base image plus the edit, and
# their zipped time is unzip, the edit and zip again. Slipway reads the base image and writes the
# configured one in one pass (raw to raw, zip to zip), and also writes a bmap and a SHA-256,
# which the peers do not.
#
# Usage: bash bench/os-images/run.sh
# Settings (environment):
#   RUNS=5                        measured runs per tool; each cell is the median
#   WORK=/var/tmp/slipway-os-bench  where the base image and the outputs live
#   IMAGE_MIB=2048                the base image's size in MiB
#   SLIPWAY_JAR=PATH              the fat jar; default: the one ./slipway builds
#   SLIPWAY_OPTS=-Xmx512m         JVM options of `slipway os configure`
#   RESULTS=$WORK/results.md      where the table goes

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=${RUNS:-5}
WORK=${WORK:-/var/tmp/slipway-os-bench}
IMAGE_MIB=${IMAGE_MIB:-2048}
SLIPWAY_JAR=${SLIPWAY_JAR:-}
SLIPWAY_OPTS=${SLIPWAY_OPTS:--Xmx512m}
RESULTS=${RESULTS:-$WORK/results.md}
PATH=$PATH:/usr/sbin:/sbin

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

require() {
  command -v "$1" >/dev/null || die "$1 is missing: install the Debian package $2"
}

check_tools() {
  require sfdisk fdisk
  require mkfs.vfat dosfstools
  require mkfs.ext4 e2fsprogs
  require mcopy mtools
  require mtype mtools
  require zip zip
  require unzip unzip
  require node nodejs
  require npm npm
  require java openjdk-17-jre-headless
}

slipway_jar() {
  if [[ -n "$SLIPWAY_JAR" ]]; then
    printf '%s\n' "$SLIPWAY_JAR"
    return
  fi
  "$REPO/slipway" --version >/dev/null
  ls "$REPO"/cli/target/slipway-cli-*-exec.jar | head -n 1
}

install_peer() {
  if [[ -d "$WORK/node/node_modules/balena-image-fs" ]]; then
    return
  fi
  log "installing balena-image-fs from the npm registry"
  mkdir -p "$WORK/node"
  (cd "$WORK/node" && npm init -y >/dev/null && npm install --no-audit --no-fund balena-image-fs >/dev/null)
}

# Builds base.img, an MBR image shaped like a Raspberry Pi image: a FAT32 boot partition labelled
# resin-boot with boot files, an ext4 root filesystem filled from /usr, and an extended partition
# with state and data. It is written out in full (no holes), as a downloaded image is. Also
# builds base.img.zip.
make_base_image() {
  if [[ -f "$WORK/base.img" && -f "$WORK/base.img.zip" ]]; then
    return
  fi
  log "making a ${IMAGE_MIB} MiB base image in $WORK"
  local scratch="$WORK/scratch"
  rm -rf "$scratch" && mkdir -p "$scratch/boot" "$scratch/root"
  head -c $((8 * 1024 * 1024)) /dev/urandom >"$scratch/boot/kernel8.img"
  head -c $((2 * 1024 * 1024)) /dev/urandom >"$scratch/boot/bootcode.bin"
  for i in $(seq 1 40); do head -c 40000 /dev/urandom >"$scratch/boot/board-$i.dtb"; done
  printf 'console=serial0,115200 root=LABEL=resin-rootA\n' >"$scratch/boot/cmdline.txt"
  cp -a /usr/share/doc /usr/share/man /usr/lib/x86_64-linux-gnu "$scratch/root/" 2>/dev/null || true

  local boot_mib=256 root_mib=1024
  local image="$WORK/base.img"
  rm -f "$image" && truncate -s "${IMAGE_MIB}M" "$image"
  sfdisk -q "$image" <<SFDISK
label: dos
unit: sectors
start=8192, size=$((boot_mib * 2048)), type=c, bootable
start=$(((4 + boot_mib) * 2048)), size=$((root_mib * 2048)), type=83
start=$(((4 + boot_mib + root_mib) * 2048)), type=5
start=$(((8 + boot_mib + root_mib) * 2048)), size=$((20 * 2048)), type=83
start=$(((32 + boot_mib + root_mib) * 2048)), type=83
SFDISK
  mkfs.vfat -F 32 -s 1 -n resin-boot --offset 8192 "$image" $((boot_mib * 1024)) >/dev/null
  mcopy -s -i "$image@@$((8192 * 512))" "$scratch"/boot/* ::
  mkfs.ext4 -q -L resin-rootA -d "$scratch/root" -E offset=$(((4 + boot_mib) * 1024 * 1024)) \
    "$image" "${root_mib}M"
  # Fill the holes, as an image that was downloaded and decompressed has none.
  cp --sparse=never "$image" "$image.full" && mv "$image.full" "$image"
  (cd "$WORK" && rm -f base.img.zip && zip -q base.img.zip base.img)
  rm -rf "$scratch"
}

write_config() {
  cat >"$WORK/config.json" <<'JSON'
{
  "schemaVersion" : 1,
  "fleetId" : 7,
  "fleet" : "acme/signs",
  "deviceType" : "raspberrypi4-64",
  "provisioningKey" : "slp_benchmarkbenchmarkbenchmark",
  "apiEndpoint" : "https://slipway.example.com",
  "registryEndpoint" : "https://slipway.example.com",
  "deltaEndpoint" : "https://slipway.example.com",
  "pollIntervalSeconds" : 600,
  "persistentLogging" : false,
  "developmentMode" : false
}
JSON
}

now() { date +%s.%N; }

# Runs "$@" and prints its wall time in seconds.
timed() {
  local start end
  start=$(now)
  "$@" >/dev/null
  end=$(now)
  echo "$end - $start" | bc -l
}

median() {
  sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

check_config() {
  local image=$1 offset=$((8192 * 512))
  mtype -i "$image@@$offset" ::config.json | grep -q '"fleet" : "acme/signs"' \
    || die "config.json did not read back from $image"
}

copy_raw() { cp --sparse=never "$WORK/base.img" "$WORK/out.img"; }

slipway_raw() {
  rm -f "$WORK"/out.img "$WORK"/out.img.bmap "$WORK"/out.img.sha256
  java $SLIPWAY_OPTS -jar "$JAR" os configure "$WORK/base.img" --config "$WORK/config.json" \
    --output "$WORK/out.img" --quiet
}

balena_raw() {
  cp --sparse=never "$WORK/base.img" "$WORK/out.img"
  node "$HERE/balena-configure.js" "$WORK/out.img" 1 "$WORK/config.json"
}

mtools_raw() {
  cp --sparse=never "$WORK/base.img" "$WORK/out.img"
  mcopy -o -i "$WORK/out.img@@$((8192 * 512))" "$WORK/config.json" ::config.json
}

slipway_zip() {
  rm -f "$WORK"/out.img.zip "$WORK"/out.img.bmap "$WORK"/out.img.sha256
  java $SLIPWAY_OPTS -jar "$JAR" os configure "$WORK/base.img.zip" --config "$WORK/config.json" \
    --output "$WORK/out.img.zip" --quiet
}

balena_zip() {
  rm -f "$WORK/out.img.zip"
  unzip -p "$WORK/base.img.zip" base.img >"$WORK/out.img"
  node "$HERE/balena-configure.js" "$WORK/out.img" 1 "$WORK/config.json"
  (cd "$WORK" && zip -q out.img.zip out.img)
}

mtools_zip() {
  rm -f "$WORK/out.img.zip"
  unzip -p "$WORK/base.img.zip" base.img >"$WORK/out.img"
  mcopy -o -i "$WORK/out.img@@$((8192 * 512))" "$WORK/config.json" ::config.json
  (cd "$WORK" && zip -q out.img.zip out.img)
}

check_output() {
  case $1 in
    copy_raw) ;;
    *_zip)
      rm -f "$WORK/check.img"
      unzip -p "$WORK/out.img.zip" '*.img' >"$WORK/check.img"
      check_config "$WORK/check.img"
      ;;
    *) check_config "$WORK/out.img" ;;
  esac
}

main() {
  check_tools
  mkdir -p "$WORK"
  JAR=$(slipway_jar)
  install_peer
  export NODE_PATH="$WORK/node/node_modules"
  make_base_image
  write_config

  local tools="copy_raw slipway_raw balena_raw mtools_raw slipway_zip balena_zip mtools_zip"
  declare -A times
  for run in $(seq 1 "$RUNS"); do
    for tool in $tools; do
      local seconds
      seconds=$(timed "$tool")
      check_output "$tool"
      times[$tool]+="$seconds "
      log "run $run $tool ${seconds}s"
    done
  done

  local size_mib copy
  size_mib=$(($(stat -c %s "$WORK/base.img") / 1024 / 1024))
  copy=$(tr ' ' '\n' <<<"${times[copy_raw]}" | grep . | median)
  {
    echo "| tool | median seconds | MiB/s of the raw image | share of cp's speed |"
    echo "| --- | --- | --- | --- |"
    for tool in $tools; do
      local m
      m=$(tr ' ' '\n' <<<"${times[$tool]}" | grep . | median)
      printf '| %s | %.2f | %.0f | %.0f%% |\n' "$tool" "$m" "$(echo "$size_mib / $m" | bc -l)" \
        "$(echo "100 * $copy / $m" | bc -l)"
    done
    echo
    echo "Runs: $RUNS; image: ${size_mib} MiB; $(nproc) cores; $(date -u +%Y-%m-%d)."
  } | tee "$RESULTS"
}

main "$@"
