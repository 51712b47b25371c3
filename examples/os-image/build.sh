#!/usr/bin/env bash
# Builds a small base OS image for one device type with standard tools: a GPT disk with a FAT
# boot partition named and labelled resin-boot and an ext4 root filesystem made from a directory.
# The image has the layout that Slipway's server configures, but it boots nothing: its root
# filesystem contains a few text files and no kernel. A real one comes from a Yocto build, or from
# `slipway os assemble` (docs/os-images.md).
set -euo pipefail

SCRIPT_NAME=$(basename "$0")
readonly SCRIPT_NAME

# Partition sizes in MiB. FAT16 needs at least 4085 clusters, and mkfs.vfat makes about 16,000 of
# 2 KiB on 32 MiB; the root filesystem contains only a few files.
readonly BOOT_MIB=32
readonly ROOT_MIB=24
# The boot partition's GPT name and FAT label, one of those the server looks for by default.
readonly BOOT_LABEL=resin-boot

usage() {
  cat <<EOF
Usage: $SCRIPT_NAME --device-type SLUG --version VERSION --output FILE.img [--force]

Builds a raw base OS image for Slipway: a GPT disk with a FAT boot partition named resin-boot
and an ext4 root filesystem. Upload it with
  slipway os upload FILE.img --device-type SLUG --version VERSION
as a server administrator.

Options:
  --device-type SLUG  the device type the image is for, such as generic-amd64
  --version VERSION   the OS version, 1 to 64 letters, digits, '.', '+', '_' or '-'
  -o, --output FILE   where to write the raw image; its directory must exist
  --force             replace FILE when it exists
  -h, --help          show this help

SOURCE_DATE_EPOCH (seconds since 1970), when set, is the time stamp of the files in both
filesystems.
EOF
}

die() {
  printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2
  exit 1
}

usage_error() {
  printf '%s: %s\nRun %s --help for the options.\n' "$SCRIPT_NAME" "$*" "$SCRIPT_NAME" >&2
  exit 2
}

require_command() {
  local command_name=$1 package=$2
  command -v "$command_name" >/dev/null ||
    die "'$command_name' is not installed; install it with: apt-get install -y $package"
}

parse_arguments() {
  DEVICE_TYPE=''
  VERSION=''
  OUTPUT=''
  FORCE=false
  while (($# > 0)); do
    case "$1" in
      --device-type | --version | -o | --output)
        (($# >= 2)) || usage_error "$1 needs a value"
        case "$1" in
          --device-type) DEVICE_TYPE=$2 ;;
          --version) VERSION=$2 ;;
          *) OUTPUT=$2 ;;
        esac
        shift 2
        ;;
      --force)
        FORCE=true
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done

  [[ -n "$DEVICE_TYPE" ]] || usage_error "--device-type is missing, such as --device-type generic-amd64"
  [[ "$DEVICE_TYPE" =~ ^[a-z0-9][a-z0-9-]*$ ]] ||
    usage_error "--device-type '$DEVICE_TYPE' is not a slug of lower-case letters, digits and '-'"
  [[ -n "$VERSION" ]] || usage_error "--version is missing, such as --version 1.0.0"
  # The server's rule for OS versions, checked here so that an upload does not fail later.
  [[ "$VERSION" =~ ^[A-Za-z0-9.+_-]{1,64}$ ]] ||
    usage_error "--version '$VERSION' must be 1 to 64 letters, digits, '.', '+', '_' or '-'"
  [[ -n "$OUTPUT" ]] || usage_error "--output is missing, such as --output base.img"
  [[ -d "$(dirname "$OUTPUT")" ]] || usage_error "the directory of --output '$OUTPUT' does not exist; create it first"
  [[ ! -d "$OUTPUT" ]] || usage_error "--output '$OUTPUT' is a directory; name the image file, such as $OUTPUT/base.img"
  if [[ -e "$OUTPUT" && "$FORCE" != true ]]; then
    usage_error "--output '$OUTPUT' exists; pass --force to replace it"
  fi
}

# The scratch directory that the EXIT trap removes. A global read by a function, so that its path is
# never parsed as shell code, whatever characters the output's directory name contains.
SCRATCH=''

remove_scratch() {
  [[ -z "$SCRATCH" ]] || rm -rf -- "$SCRATCH"
}

# Writes the root filesystem's files into DIR.
write_root_files() {
  local dir=$1
  mkdir -p "$dir/etc" "$dir/data" "$dir/var/lib/slipway"
  cat >"$dir/etc/os-release" <<EOF
NAME="Slipway example OS"
ID=slipway-example
VERSION_ID=$VERSION
PRETTY_NAME="Slipway example OS $VERSION ($DEVICE_TYPE)"
SLIPWAY_DEVICE_TYPE=$DEVICE_TYPE
EOF
  printf '%s\n' "slipway-$DEVICE_TYPE" >"$dir/etc/hostname"
  cat >"$dir/etc/motd" <<EOF
This root filesystem is a stand-in made by examples/os-image/build.sh: it holds no kernel and
boots nothing. The device agent of the quickstart runs on the host instead.
EOF
}

# Writes the boot partition's files into DIR.
write_boot_files() {
  local dir=$1
  mkdir -p "$dir"
  cat >"$dir/README.txt" <<EOF
Boot partition of the Slipway example OS $VERSION for $DEVICE_TYPE.
Slipway writes config.json here when it configures the image for a fleet.
EOF
  printf 'root=PARTLABEL=resin-rootA rootwait\n' >"$dir/cmdline.txt"
}

# Makes a FAT filesystem image FILE of BOOT_MIB MiB labelled BOOT_LABEL, with the files of DIR.
make_boot_filesystem() {
  local dir=$1 file=$2
  mkfs.vfat -C -F 16 -n "${BOOT_LABEL^^}" "$file" $((BOOT_MIB * 1024)) >/dev/null
  # -m keeps the files' times, which main set to SOURCE_DATE_EPOCH.
  mcopy -i "$file" -s -p -Q -m "$dir"/* ::
}

# Makes an ext4 filesystem image FILE of ROOT_MIB MiB with the files of DIR.
make_root_filesystem() {
  local dir=$1 file=$2
  mkfs.ext4 -q -F -L resin-rootA -d "$dir" "$file" "${ROOT_MIB}M" >/dev/null
}

# Writes the GPT of IMAGE: the EFI system partition, then the root partition.
write_partition_table() {
  local image=$1
  sfdisk --quiet --no-reread --no-tell-kernel "$image" <<EOF
label: gpt
start=1MiB, size=${BOOT_MIB}MiB, type=uefi, name=$BOOT_LABEL
size=${ROOT_MIB}MiB, type=linux, name=resin-rootA
EOF
}

# Prints the start of partition NUMBER of IMAGE in bytes.
partition_offset() {
  local image=$1 number=$2
  sfdisk --json "$image" | jq -r --argjson n "$number" '.partitiontable.partitions[$n - 1].start * 512'
}

main() {
  parse_arguments "$@"
  require_command sfdisk fdisk
  require_command mkfs.vfat dosfstools
  require_command mcopy mtools
  require_command mkfs.ext4 e2fsprogs
  require_command jq jq
  # 2023-11-14, an arbitrary fixed time, unless the caller sets one.
  export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
  [[ "$SOURCE_DATE_EPOCH" =~ ^[0-9]+$ ]] || usage_error "SOURCE_DATE_EPOCH '$SOURCE_DATE_EPOCH' is not a number of seconds"

  local output_dir scratch
  output_dir=$(dirname "$OUTPUT")
  trap remove_scratch EXIT
  SCRATCH=$(mktemp -d "$output_dir/.os-image.XXXXXX" 2>/dev/null) ||
    die "cannot create a scratch directory in '$output_dir', the directory of --output '$OUTPUT'; name a directory you can write to"
  scratch=$SCRATCH

  write_root_files "$scratch/root"
  write_boot_files "$scratch/boot"
  find "$scratch/root" "$scratch/boot" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  make_boot_filesystem "$scratch/boot" "$scratch/boot.fat"
  make_root_filesystem "$scratch/root" "$scratch/root.ext4"

  # 1 MiB before the first partition and 1 MiB after the last, for the GPT and its backup.
  local image="$scratch/image.img"
  truncate -s $((1 + BOOT_MIB + ROOT_MIB + 1))M "$image"
  write_partition_table "$image"
  dd if="$scratch/boot.fat" of="$image" bs=1M seek="$(($(partition_offset "$image" 1) / 1048576))" \
    conv=notrunc,sparse status=none
  dd if="$scratch/root.ext4" of="$image" bs=1M seek="$(($(partition_offset "$image" 2) / 1048576))" \
    conv=notrunc,sparse status=none

  mv -f "$image" "$OUTPUT"
  printf 'Wrote %s: %s MiB, GPT with %s (FAT16, %s MiB) and resin-rootA (ext4, %s MiB), for %s version %s\n' \
    "$OUTPUT" $((1 + BOOT_MIB + ROOT_MIB + 1)) "$BOOT_LABEL" "$BOOT_MIB" "$ROOT_MIB" "$DEVICE_TYPE" "$VERSION"
}

main "$@"
