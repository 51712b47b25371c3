#!/usr/bin/env bash
# Builds a Debian root filesystem for each architecture with mmdebstrap (or debootstrap where
# mmdebstrap is not installed) and turns each into an OCI image whose configuration records its
# platform. Pushes them into Slipway's registry under one multi-platform image index, such as
# 127.0.0.1:8080/acme/base/debian:bookworm.
#
# Run it as root, because both bootstrappers need root to make device nodes and to run package
# scripts. A foreign architecture's package scripts run through qemu-user-static, registered in
# binfmt_misc.
set -euo pipefail

SCRIPT_NAME=$(basename "$0")
readonly SCRIPT_NAME
# shellcheck source=examples/base-image/rootfs.sh
source "$(dirname "$(readlink -f "$0")")/rootfs.sh"

# Bump when build_image writes a different image configuration, so old OCI images are not reused.
readonly IMAGE_FORMAT=2

usage() {
  cat <<EOF
Usage: $SCRIPT_NAME --registry HOST:PORT --org ORG --user NAME --token-file FILE [options]

Builds Debian root filesystems with mmdebstrap or debootstrap (variant minbase plus --packages)
and pushes them as one multi-platform image to REGISTRY/ORG/REPOSITORY:TAG in Slipway's registry.

Options (environment variable in brackets):
  --registry HOST:PORT  Slipway's registry, such as 127.0.0.1:8080 [SLIPWAY_REGISTRY]
  --org ORG             the organization that owns the image [SLIPWAY_ORG]
  --user NAME           user name for the registry [SLIPWAY_USER]
  --token-file FILE     file holding the user's API token (slw_...), the registry password
                        [SLIPWAY_TOKEN_FILE; or the token itself in SLIPWAY_TOKEN]
  --repository NAME     repository inside the organization (default: base/debian)
  --tag TAG             tag of the image index (default: the suite, bookworm)
  --suite SUITE         Debian suite (default: bookworm)
  --arch LIST           Debian architectures, comma-separated: amd64, arm64 (default: amd64,arm64)
  --packages LIST       packages beyond minbase, comma-separated (default: busybox)
  --sources FILE        apt sources to download from, one-line or deb822 format; repeat for
                        several (default: the files in /etc/apt that name the suite)
  --bootstrapper NAME   mmdebstrap or debootstrap (default: mmdebstrap when installed);
                        only mmdebstrap's tarballs are reproducible
  --cache-dir DIR       where root filesystems and OCI layouts are kept between runs
                        (default: \${XDG_CACHE_HOME:-\$HOME/.cache}/slipway-examples)
  -h, --help            show this help

SOURCE_DATE_EPOCH (seconds since 1970) sets file times and image creation times. It defaults to
a fixed time (2024-01-01), so that the same packages give the same tarball.
EOF
}

log() {
  printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

die() {
  printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2
  exit 1
}

require_command() {
  local command_name=$1 package=$2
  command -v "$command_name" >/dev/null 2>&1 ||
    die "'$command_name' is not installed; install it with: apt-get install -y $package"
}

parse_arguments() {
  REGISTRY=${SLIPWAY_REGISTRY:-}
  ORG=${SLIPWAY_ORG:-}
  USER_NAME=${SLIPWAY_USER:-}
  TOKEN_FILE=${SLIPWAY_TOKEN_FILE:-}
  REPOSITORY=base/debian
  TAG=
  SUITE=bookworm
  ARCHES=amd64,arm64
  PACKAGES=busybox
  SOURCES=()
  BOOTSTRAPPER=
  CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/slipway-examples"

  while (($# > 0)); do
    case $1 in
      --registry) REGISTRY=$(option_value "$@"); shift 2 ;;
      --org) ORG=$(option_value "$@"); shift 2 ;;
      --user) USER_NAME=$(option_value "$@"); shift 2 ;;
      --token-file) TOKEN_FILE=$(option_value "$@"); shift 2 ;;
      --repository) REPOSITORY=$(option_value "$@"); shift 2 ;;
      --tag) TAG=$(option_value "$@"); shift 2 ;;
      --suite) SUITE=$(option_value "$@"); shift 2 ;;
      --arch) ARCHES=$(option_value "$@"); shift 2 ;;
      --packages) PACKAGES=$(option_value "$@"); shift 2 ;;
      --sources) SOURCES+=("$(option_value "$@")"); shift 2 ;;
      --bootstrapper) BOOTSTRAPPER=$(option_value "$@"); shift 2 ;;
      --cache-dir) CACHE_DIR=$(option_value "$@"); shift 2 ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown argument '$1'; see $SCRIPT_NAME --help" ;;
    esac
  done

  TAG=${TAG:-$SUITE}
}

option_value() {
  (($# >= 2)) || die "option $1 needs a value; see $SCRIPT_NAME --help"
  printf '%s' "$2"
}

validate_arguments() {
  [[ -n $REGISTRY ]] || die "missing --registry HOST:PORT (or SLIPWAY_REGISTRY), such as 127.0.0.1:8080"
  [[ $REGISTRY =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] ||
    die "invalid --registry '$REGISTRY'; give HOST:PORT without a scheme, such as 127.0.0.1:8080"
  [[ -n $ORG ]] || die "missing --org ORG (or SLIPWAY_ORG)"
  [[ $ORG =~ ^[a-z0-9]+([._-][a-z0-9]+)*$ ]] ||
    die "invalid --org '$ORG'; an organization slug has lower-case letters, digits and . _ -"
  [[ $REPOSITORY =~ ^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)+$ ]] ||
    die "invalid --repository '$REPOSITORY'; give at least two lower-case path components, such as base/debian (ORG/NAME alone is reserved for a fleet's releases)"
  [[ $TAG =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] ||
    die "invalid --tag '$TAG'; a tag has letters, digits, _ . - and at most 128 characters"
  [[ -n $USER_NAME ]] || die "missing --user NAME (or SLIPWAY_USER)"
  read_token
  validate_arches
  validate_packages
  select_sources
  select_bootstrapper
}

read_token() {
  if [[ -n $TOKEN_FILE ]]; then
    [[ -r $TOKEN_FILE ]] || die "cannot read the token file '$TOKEN_FILE'; check the path and its permissions"
    TOKEN=$(tr -d '[:space:]' <"$TOKEN_FILE")
  else
    TOKEN=${SLIPWAY_TOKEN:-}
  fi
  [[ -n $TOKEN ]] || die "missing token; give --token-file FILE with an API token of user '$USER_NAME' (or set SLIPWAY_TOKEN)"
}

validate_arches() {
  local arch
  IFS=, read -r -a ARCH_LIST <<<"$ARCHES"
  ((${#ARCH_LIST[@]} > 0)) || die "empty --arch; give amd64, arm64 or both, comma-separated"
  for arch in "${ARCH_LIST[@]}"; do
    oci_architecture "$arch" >/dev/null
  done
}

# Maps a Debian architecture to the OCI architecture recorded in the image. Variants are not
# needed for these two (OCI's arm64 variant v8 is optional and Slipway's platforms omit it).
oci_architecture() {
  case $1 in
    amd64) printf 'amd64' ;;
    arm64) printf 'arm64' ;;
    *) die "unsupported architecture '$1' in --arch; use amd64, arm64 or both, comma-separated" ;;
  esac
}

validate_packages() {
  local package
  IFS=, read -r -a PACKAGE_LIST <<<"$PACKAGES"
  for package in "${PACKAGE_LIST[@]}"; do
    [[ $package =~ ^[a-z0-9][a-z0-9+.-]+$ ]] ||
      die "invalid package name '$package' in --packages; give Debian package names, comma-separated"
  done
}

check_tools() {
  ((EUID == 0)) || die "run as root, because $BOOTSTRAPPER needs root to create device nodes and run package scripts"
  require_command umoci umoci
  require_command skopeo skopeo
  require_command jq jq
  require_command curl curl
  require_command sha256sum coreutils
  require_command flock util-linux
}

check_registry() {
  local status
  status=$(curl -sS -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/" 2>/dev/null) || status=000
  [[ $status == 200 || $status == 401 ]] ||
    die "no registry responds at http://$REGISTRY/v2/ (HTTP status $status); start the server and pass its port, such as --registry 127.0.0.1:\$(cat data/server.port)"
}

# Makes the OCI image of one architecture in the cached layout, tagged ARCH-KEY-FORMAT, unless it is
# there. Every timestamp comes from SOURCE_DATE_EPOCH, so the manifest digest is stable.
build_image() {
  local arch=$1 tarball=$2 layout=$3 key ref partial created
  key=$(rootfs_key "$arch")
  ref="$arch-$key-$IMAGE_FORMAT"
  if [[ -n $(layout_descriptor "$layout" "$ref") ]]; then
    log "$arch: reusing cached OCI image $layout:$ref"
    printf '%s' "$ref"
    return
  fi

  created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
  log "$arch: compressing the root filesystem into an OCI layer"
  # The image is assembled under a temporary name and gets its final name in the last step, so an
  # interrupted run never leaves a half-made image that a later run would reuse.
  partial="$ref.partial"
  umoci new --image "$layout:$partial" >&2
  umoci raw add-layer --image "$layout:$partial" \
    --history.created "$created" \
    --history.created_by "$BOOTSTRAPPER --variant=minbase --include=$PACKAGES $SUITE" \
    "$tarball" >&2
  umoci config --image "$layout:$partial" --tag "$ref" --no-history \
    --os linux --architecture "$(oci_architecture "$arch")" --created "$created" \
    --config.env 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --config.cmd /bin/bash >&2
  umoci rm --image "$layout:$partial" >&2
  printf '%s' "$ref"
}

# Prints the descriptor that the layout's index.json gives for a reference name, or nothing.
layout_descriptor() {
  local layout=$1 ref=$2
  [[ -f $layout/index.json ]] || return 0
  jq -c --arg ref "$ref" \
    'first((.manifests // [])[] | select(.annotations["org.opencontainers.image.ref.name"] == $ref)) // empty' \
    "$layout/index.json"
}

# Writes an image index over the per-architecture manifests as a blob of the layout and names it
# INDEX_REF in index.json, replacing an older entry of that name.
write_index() {
  local layout=$1 index_ref=$2
  shift 2
  local entries='[]' arch ref descriptor platform index_file digest size
  while (($# > 0)); do
    arch=$1 ref=$2
    shift 2
    descriptor=$(layout_descriptor "$layout" "$ref")
    platform=$(jq -nc --arg arch "$(oci_architecture "$arch")" '{architecture: $arch, os: "linux"}')
    entries=$(jq -c --argjson d "$descriptor" --argjson p "$platform" \
      '. + [{mediaType: $d.mediaType, digest: $d.digest, size: $d.size, platform: $p}]' <<<"$entries")
  done

  index_file=$(mktemp "$layout/index-blob.XXXXXX")
  jq -cj --argjson m "$entries" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: $m}' \
    <<<'{}' >"$index_file"
  digest=$(sha256sum "$index_file" | cut -d' ' -f1)
  size=$(stat -c %s "$index_file")
  mv "$index_file" "$layout/blobs/sha256/$digest"

  jq --arg ref "$index_ref" --arg digest "sha256:$digest" --argjson size "$size" '
    .manifests |= ((. // []) | map(select(.annotations["org.opencontainers.image.ref.name"] != $ref))
      + [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $digest, size: $size,
          annotations: {"org.opencontainers.image.ref.name": $ref}}])' \
    "$layout/index.json" >"$layout/index.json.new"
  mv "$layout/index.json.new" "$layout/index.json"
}

# Writes a registry auth file readable by its owner only, so the token stays out of the process
# list that skopeo's --dest-creds would put it in.
write_auth_file() {
  local auth_file=$1
  (
    umask 077
    jq -n --arg registry "$REGISTRY" --arg auth "$(printf '%s:%s' "$USER_NAME" "$TOKEN" | base64 -w0)" \
      '{auths: {($registry): {auth: $auth}}}' >"$auth_file"
  )
}

push_index() {
  local layout=$1 index_ref=$2 auth_file=$3 destination
  destination="docker://$REGISTRY/$ORG/$REPOSITORY:$TAG"
  log "pushing $layout:$index_ref to $destination"
  if ! skopeo copy --all --quiet --dest-tls-verify=false --dest-authfile "$auth_file" \
    "oci:$layout:$index_ref" "$destination"; then
    die "pushing to $destination failed; check that user '$USER_NAME' is a developer or owner of organization '$ORG' and that the token is valid"
  fi
}

human_size() {
  numfmt --to=iec-i --suffix=B --format='%.1f' "$1"
}

print_sizes() {
  local layout=$1 arch ref manifest_digest layer_size tarball
  shift
  printf '%-6s %-14s %-16s %s\n' arch rootfs-tar 'layer (gzip)' tarball
  while (($# > 0)); do
    arch=$1 ref=$2 tarball=$3
    shift 3
    manifest_digest=$(layout_descriptor "$layout" "$ref" | jq -r .digest)
    layer_size=$(jq '[.layers[].size] | add' "$layout/blobs/sha256/${manifest_digest#sha256:}")
    printf '%-6s %-14s %-16s %s\n' "$arch" "$(human_size "$(stat -c %s "$tarball")")" \
      "$(human_size "$layer_size")" "$tarball"
  done
}

print_pushed() {
  local auth_file=$1 image="$REGISTRY/$ORG/$REPOSITORY:$TAG" raw
  raw=$(skopeo inspect --raw --tls-verify=false --authfile "$auth_file" "docker://$image")
  printf 'pushed %s as %s\n' "$image" "sha256:$(printf '%s' "$raw" | sha256sum | cut -d' ' -f1)"
  jq -r '.manifests[] | "  \(.platform.os)/\(.platform.architecture): \(.digest)"' <<<"$raw"
}

# Holds a lock on the cache directory until the script exits, because two runs writing the same
# tarball or OCI layout would corrupt it. A second run waits for the first.
lock_cache() {
  local lock_fd
  exec {lock_fd}>"$CACHE_DIR/lock"
  if ! flock --nonblock "$lock_fd"; then
    log "waiting for another run of $SCRIPT_NAME that uses $CACHE_DIR"
    flock "$lock_fd"
  fi
}

# The directory of the push's credentials, removed by the EXIT trap. A global read by a function, so
# that its path is never parsed as shell code, whatever TMPDIR contains.
TEMPORARY=''

remove_temporary() {
  [[ -z "$TEMPORARY" ]] || rm -rf -- "$TEMPORARY"
}

main() {
  parse_arguments "$@"
  validate_arguments
  check_tools
  check_registry

  export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
  [[ $SOURCE_DATE_EPOCH =~ ^[0-9]+$ ]] ||
    die "invalid SOURCE_DATE_EPOCH '$SOURCE_DATE_EPOCH'; give whole seconds since 1970"

  local layout="$CACHE_DIR/oci" arch tarball ref started=$SECONDS
  local index_arguments=() size_arguments=() auth_file
  mkdir -p "$CACHE_DIR"
  lock_cache
  [[ -f $layout/index.json ]] || umoci init --layout "$layout" >&2

  build_root_filesystems "${ARCH_LIST[@]}"
  for arch in "${ARCH_LIST[@]}"; do
    tarball=$(rootfs_path "$arch")
    ref=$(build_image "$arch" "$tarball" "$layout")
    index_arguments+=("$arch" "$ref")
    size_arguments+=("$arch" "$ref" "$tarball")
  done
  write_index "$layout" "$TAG" "${index_arguments[@]}"
  # Drops blobs that no tag names any more, such as replaced image indexes.
  umoci gc --layout "$layout" >&2

  trap remove_temporary EXIT
  TEMPORARY=$(mktemp -d)
  auth_file="$TEMPORARY/auth.json"
  write_auth_file "$auth_file"
  push_index "$layout" "$TAG" "$auth_file"

  print_sizes "$layout" "${size_arguments[@]}"
  print_pushed "$auth_file"
  log "done in $((SECONDS - started)) s"
}

main "$@"
