# shellcheck shell=bash
# Root filesystems for build.sh: one tarball per architecture, made by mmdebstrap or, where it is
# not installed, by debootstrap, and cached by everything that changes its content. Sourced by
# build.sh, which sets SUITE, PACKAGES, PACKAGE_LIST, SOURCES, BOOTSTRAPPER, CACHE_DIR and
# SOURCE_DATE_EPOCH, and provides log and die.

# Bump when the content of the cached root filesystem changes, so old tarballs are not reused.
readonly ROOTFS_FORMAT=2

# Documentation is about a third of a minbase root filesystem (43 of 122 MB for bookworm on
# amd64), and no service reads it. Copyright files stay, because Debian's licences ask for them.
readonly DPKG_OPTIONS=(
  'path-exclude=/usr/share/man/*'
  'path-exclude=/usr/share/info/*'
  'path-exclude=/usr/share/locale/*'
  'path-exclude=/usr/share/doc/*'
  'path-include=/usr/share/doc/*/copyright'
)

# Without a hook, mmdebstrap satisfies bookworm's merged /usr by installing usrmerge, which pulls
# in perl (47 MiB unpacked on amd64). The hook makes the /usr symbolic links itself, as
# debootstrap does.
readonly MMDEBSTRAP_MERGED_USR_HOOK=/usr/share/mmdebstrap/hooks/maybe-merged-usr

# Chooses the apt sources to download from: the files given with --sources, else those of
# /etc/apt that name the suite, so the bootstrapper contacts no mirror that apt does not use.
select_sources() {
  local file
  if ((${#SOURCES[@]} > 0)); then
    for file in "${SOURCES[@]}"; do
      [[ -r $file ]] || die "cannot read the apt sources file '$file' given with --sources"
    done
    return
  fi

  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -r $file ]] || continue
    if grep -v '^[[:space:]]*#' "$file" | grep -qw "$SUITE"; then
      SOURCES+=("$file")
    fi
  done
  ((${#SOURCES[@]} > 0)) ||
    die "no file in /etc/apt names the suite '$SUITE'; add a Debian mirror for it there or give --sources FILE"
}

# Picks mmdebstrap when it is installed, else debootstrap, unless --bootstrapper chose one. Sets
# DEBOOTSTRAP_MIRROR for debootstrap, which takes one mirror URL instead of sources files.
select_bootstrapper() {
  if [[ -z $BOOTSTRAPPER ]]; then
    if command -v mmdebstrap >/dev/null 2>&1; then
      BOOTSTRAPPER=mmdebstrap
    else
      BOOTSTRAPPER=debootstrap
    fi
  fi

  case $BOOTSTRAPPER in
    mmdebstrap)
      require_command mmdebstrap mmdebstrap
      # mmdebstrap rejects a foreign architecture (arm64 here) when arch-test is missing.
      require_command arch-test arch-test
      ;;
    debootstrap) require_command debootstrap debootstrap ;;
    *) die "unknown --bootstrapper '$BOOTSTRAPPER'; use mmdebstrap or debootstrap" ;;
  esac

  [[ $BOOTSTRAPPER == debootstrap ]] || return 0
  DEBOOTSTRAP_MIRROR=$(debootstrap_mirror)
  [[ -n $DEBOOTSTRAP_MIRROR ]] ||
    die "no 'deb' line or deb822 stanza in ${SOURCES[*]} names the suite '$SUITE'; debootstrap needs one mirror URL"
}

# A foreign architecture's package scripts run through qemu-user-static. Without it, the
# bootstrapper fails late with an "Exec format error".
check_emulator() {
  local arch=$1 host_arch qemu_name
  host_arch=$(dpkg --print-architecture)
  [[ $arch == "$host_arch" ]] && return

  case $arch in
    arm64) qemu_name=qemu-aarch64 ;;
    amd64) qemu_name=qemu-x86_64 ;;
  esac
  grep -qx enabled "/proc/sys/fs/binfmt_misc/$qemu_name" 2>/dev/null ||
    die "building $arch on $host_arch needs $qemu_name in binfmt_misc; run: apt-get install -y qemu-user-static binfmt-support && update-binfmts --enable $qemu_name"
}

# The cache key covers everything that changes the root filesystem: bootstrapper, suite,
# architecture, packages, the sources' content, dpkg options and the tarball's time.
rootfs_key() {
  local arch=$1
  {
    printf 'format=%s\nbootstrapper=%s\n' "$ROOTFS_FORMAT" "$BOOTSTRAPPER"
    printf 'suite=%s\narch=%s\nvariant=minbase\n' "$SUITE" "$arch"
    printf 'packages=%s\n' "$(printf '%s\n' "${PACKAGE_LIST[@]}" | sort -u | paste -sd, -)"
    printf 'dpkg=%s\n' "${DPKG_OPTIONS[@]}"
    printf 'epoch=%s\n' "$SOURCE_DATE_EPOCH"
    cat "${SOURCES[@]}"
  } | sha256sum | cut -c1-16
}

# Prints the path of an architecture's cached root filesystem tarball.
rootfs_path() {
  printf '%s' "$CACHE_DIR/rootfs/$SUITE-minbase-$1-$(rootfs_key "$1").tar"
}

# Builds the root filesystem of every architecture that the cache lacks at the same time, so
# amd64 builds while arm64's package scripts run through qemu, which takes several times longer.
build_root_filesystems() {
  local arch jobs=() job failed=0
  mkdir -p "$CACHE_DIR/rootfs"
  for arch in "$@"; do
    build_rootfs "$arch" &
    jobs+=("$!")
  done

  for job in "${jobs[@]}"; do
    wait "$job" || failed=1
  done
  ((failed == 0)) || die "building a root filesystem failed; the error is above"
}

# Writes the root filesystem tarball of one architecture into the cache unless it is there. The
# tarball appears under its final name only when the bootstrapper succeeded.
build_rootfs() {
  local arch=$1 tarball partial output started
  tarball=$(rootfs_path "$arch")
  if [[ -s $tarball ]]; then
    log "$arch: reusing cached root filesystem $tarball"
    return
  fi

  check_emulator "$arch"
  partial="$tarball.partial"
  output="$CACHE_DIR/rootfs/$BOOTSTRAPPER-$arch.log"
  log "$arch: running $BOOTSTRAPPER for $SUITE (minbase + $PACKAGES) from ${SOURCES[*]}, output in $output"
  started=$SECONDS
  if ! "rootfs_with_$BOOTSTRAPPER" "$arch" "$partial" >"$output" 2>&1; then
    rm -f "$partial"
    tail -n 30 "$output" >&2
    die "$BOOTSTRAPPER failed for $arch; the end of its output is above, all of it in $output"
  fi

  mv "$partial" "$tarball"
  log "$arch: root filesystem built in $((SECONDS - started)) s"
}

# mmdebstrap writes the tarball itself. With SOURCE_DATE_EPOCH set, it clamps file times and
# leaves out what differs between runs, so the same packages give the same bytes.
rootfs_with_mmdebstrap() {
  local arch=$1 output=$2 option dpkg_arguments=()
  for option in "${DPKG_OPTIONS[@]}"; do
    dpkg_arguments+=("--dpkgopt=$option")
  done

  [[ -d $MMDEBSTRAP_MERGED_USR_HOOK ]] ||
    die "mmdebstrap's hook $MMDEBSTRAP_MERGED_USR_HOOK is missing; install mmdebstrap 1.0 or later, or use --bootstrapper debootstrap"

  mmdebstrap --quiet --variant=minbase --arch="$arch" --include="$PACKAGES" \
    --hook-dir="$MMDEBSTRAP_MERGED_USR_HOOK" --format=tar "${dpkg_arguments[@]}" \
    "$SUITE" "$output" "${SOURCES[@]}"
}

# debootstrap unpacks into a directory in two stages, the second inside the new root, so
# binfmt_misc runs a foreign architecture's programs through qemu. The tarball is then packed with
# sorted names and clamped times.
# NOTE: unlike mmdebstrap's, these tarballs differ between runs (two runs with the same inputs
# gave different layer digests), so each cold run pushes new layers.
rootfs_with_debootstrap() {
  local arch=$1 output=$2 directory status=0

  # An interrupted run leaves its directory behind. build.sh holds the cache's lock, so no other
  # run is using one.
  for directory in "$CACHE_DIR/rootfs/debootstrap-$arch".*; do
    [[ -d $directory ]] || continue
    unmount_below "$directory"
    rm -rf --one-file-system "$directory"
  done

  directory=$(mktemp -d "$CACHE_DIR/rootfs/debootstrap-$arch.XXXXXX")
  bootstrap_directory "$arch" "$DEBOOTSTRAP_MIRROR" "$directory" &&
    tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime --numeric-owner --format=pax \
      --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
      -C "$directory" -cf "$output" . || status=$?

  unmount_below "$directory"
  # --one-file-system keeps rm out of /proc or /sys should an unmount have failed.
  rm -rf --one-file-system "$directory"
  return "$status"
}

bootstrap_directory() {
  local arch=$1 mirror=$2 directory=$3 option
  debootstrap --foreign --variant=minbase --arch="$arch" --include="$PACKAGES" \
    "$SUITE" "$directory" "$mirror" || return 1

  # dpkg reads this in the second stage, and later apt-get installs in the image keep to it too.
  for option in "${DPKG_OPTIONS[@]}"; do
    printf '%s\n' "$option"
  done >"$directory/etc/dpkg/dpkg.cfg.d/99-slipway-excludes"

  chroot "$directory" /debootstrap/debootstrap --second-stage || return 1
  remove_excluded_documentation "$directory"
  remove_host_state "$directory"
}

# The first stage unpacked the essential packages without dpkg, so their documentation is there
# in spite of the excludes.
remove_excluded_documentation() {
  local directory=$1
  find "$directory/usr/share/man" "$directory/usr/share/info" "$directory/usr/share/locale" \
    -mindepth 1 -delete 2>/dev/null || true
  find "$directory/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
}

# Removes downloaded packages, package lists and files that debootstrap copied from this machine
# (its host name and resolver configuration; the container engine provides both).
remove_host_state() {
  local directory=$1
  rm -rf "$directory/var/cache/apt/archives/"*.deb "$directory/var/cache/apt/"*.bin \
    "$directory/var/lib/apt/lists/"* "$directory/var/log/bootstrap.log" \
    "$directory/etc/hostname"
  : >"$directory/etc/resolv.conf"
}

unmount_below() {
  local directory=$1 mount_point
  awk -v prefix="$directory/" 'index($2, prefix) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r mount_point; do
      umount -l "$mount_point" || log "could not unmount $mount_point; unmount it by hand"
    done
}

# Prints the first mirror URL that the sources give for the suite, from one-line entries
# ("deb [options] URL SUITE COMPONENTS") or deb822 stanzas (URIs and Suites fields).
debootstrap_mirror() {
  awk -v suite="$SUITE" '
    function flush() {
      if (found && uri != "") { print uri; printed = 1; exit }
      uri = ""; found = 0
    }
    FNR == 1 { flush() }
    /^[[:space:]]*#/ { next }
    /^[[:space:]]*$/ { flush(); next }
    $1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
      if ($(i + 1) == suite) { print $i; printed = 1; exit }
      next
    }
    $1 == "URIs:" { uri = $2 }
    $1 == "Suites:" { for (j = 2; j <= NF; j++) if ($j == suite) found = 1 }
    END { if (!printed && found && uri != "") print uri }
  ' "${SOURCES[@]}"
}
