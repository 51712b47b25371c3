#!/usr/bin/env bash
# Makes the three data pairs of the delta benchmark in CACHE (see run.sh), each as old.tar and
# new.tar plus a description in pair.txt. A pair that is complete already is kept, so a rerun of
# run.sh measures the same bytes.
#
#   os      Debian root filesystem (debootstrap --variant=minbase), then the same after
#           apt-get upgrade from the security and updates suites, as uncompressed tars
#   jars    the runtime jars of a Spring Boot web application at two neighbouring Boot versions,
#           from Maven Central, as a tar of one directory
#   binary  one shared library from two versions of a Debian package (apt-get download)
#
# Sourced by run.sh, which defines log, die, CACHE, SUITE, MIRROR, BOOT_OLD, BOOT_NEW,
# BINARY_PACKAGE and BINARY_FILE.

# The fixed time of every file that is the same in both versions of a pair, so only real changes
# differ between the tars.
FIXED_MTIME='2026-01-01 00:00:00 UTC'

# Writes DIR as a reproducible tar: sorted names, numeric owners, GNU format (no pax times).
tar_tree() {
  local dir=$1 out=$2
  tar --create --file "$out.tmp" --directory "$dir" --sort=name --format=gnu --numeric-owner \
    --one-file-system --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* --exclude=./run/* \
    --exclude=./tmp/* .
  mv "$out.tmp" "$out"
}

# The first deb URI of the configured Debian mirror, from /etc/apt.
configured_mirror() {
  local uri
  uri=$(grep -rhoE '^URIs:[[:space:]]*[^[:space:]]+' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '{print $2}' | grep -v security | head -n 1 || true)
  if [[ -z $uri && -f /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
  fi
  [[ -n $uri ]] || die "found no Debian mirror in /etc/apt; set MIRROR=http://..."
  printf '%s\n' "$uri"
}

# Prints the security mirror that /etc/apt names, else MIRROR with -security appended.
configured_security_mirror() {
  local uri
  uri=$(grep -rhoE '^URIs:[[:space:]]*[^[:space:]]+security[^[:space:]]*' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -n 1 || true)
  printf '%s\n' "${uri:-${MIRROR%/}-security}"
}

with_chroot_mounts() {
  local root=$1
  shift
  mount -t proc proc "$root/proc"
  local status=0
  "$@" || status=$?
  umount "$root/proc"
  return $status
}

upgrade_rootfs() {
  local root=$1 security
  security=$(configured_security_mirror)
  cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $security $SUITE-security main
EOF
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" apt-get update -qq
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq \
    -o Dpkg::Options::=--force-confold upgrade >/dev/null
}

# Leaves only what an image layer would carry: no package lists, no downloaded debs, no logs that
# differ by the time of the run.
clean_rootfs() {
  local root=$1
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
    "$root"/var/cache/apt/archives/*.deb "$root"/var/log/apt/* "$root"/var/log/dpkg.log \
    "$root"/var/cache/ldconfig/aux-cache
  : >"$root/etc/resolv.conf"
}

# Gives every path of NEW that is the same as in OLD (same type, content and link target) the
# fixed time in both trees, and every other path of NEW a later fixed time.
align_mtimes() {
  local old=$1 new=$2
  python3 - "$old" "$new" "$FIXED_MTIME" <<'PY'
import filecmp, os, sys, datetime
old, new, fixed = sys.argv[1:]
same = datetime.datetime.strptime(fixed, "%Y-%m-%d %H:%M:%S UTC").replace(
    tzinfo=datetime.timezone.utc).timestamp()
later = same + 86400
def stamp(path, t):
    os.utime(path, (t, t), follow_symlinks=False)
def unchanged(a, b):
    if os.path.islink(a) or os.path.islink(b):
        return os.path.islink(a) and os.path.islink(b) and os.readlink(a) == os.readlink(b)
    if os.path.isdir(a) or os.path.isdir(b):
        return os.path.isdir(a) and os.path.isdir(b)
    return os.path.isfile(a) and os.path.isfile(b) and filecmp.cmp(a, b, shallow=False)
for root, dirs, files in os.walk(old, topdown=False):
    for name in files + dirs:
        stamp(os.path.join(root, name), same)
stamp(old, same)
for root, dirs, files in os.walk(new, topdown=False):
    for name in files + dirs:
        path = os.path.join(root, name)
        counterpart = os.path.join(old, os.path.relpath(path, new))
        stamp(path, same if os.path.lexists(counterpart) and unchanged(path, counterpart) else later)
stamp(new, same)
PY
}

make_os_pair() {
  local dir=$CACHE/os
  [[ -f $dir/new.tar && -f $dir/pair.txt ]] && return
  mkdir -p "$dir"
  rm -rf "$dir/rootfs-old" "$dir/rootfs-new"

  log "os: debootstrap --variant=minbase $SUITE from $MIRROR (a few minutes)"
  debootstrap --variant=minbase "$SUITE" "$dir/rootfs-old" "$MIRROR" >"$dir/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $dir/debootstrap.log"

  log "os: copying the root filesystem and upgrading the copy from $SUITE-security and -updates"
  cp -a "$dir/rootfs-old" "$dir/rootfs-new"
  chroot "$dir/rootfs-old" dpkg-query -W -f='${Package} ${Version}\n' | sort >"$dir/packages-old.txt"
  with_chroot_mounts "$dir/rootfs-new" upgrade_rootfs "$dir/rootfs-new"
  chroot "$dir/rootfs-new" dpkg-query -W -f='${Package} ${Version}\n' | sort >"$dir/packages-new.txt"

  clean_rootfs "$dir/rootfs-old"
  clean_rootfs "$dir/rootfs-new"
  align_mtimes "$dir/rootfs-old" "$dir/rootfs-new"
  tar_tree "$dir/rootfs-old" "$dir/old.tar"
  tar_tree "$dir/rootfs-new" "$dir/new.tar"

  local upgraded
  upgraded=$(join "$dir/packages-old.txt" "$dir/packages-new.txt" | awk '$2 != $3' | wc -l)
  {
    echo "Debian $SUITE minbase root filesystem, before and after apt-get upgrade from"
    echo "$SUITE-security and $SUITE-updates: $upgraded packages upgraded:"
    join "$dir/packages-old.txt" "$dir/packages-new.txt" | awk '$2 != $3 {print "  " $1 " " $2 " -> " $3}'
  } >"$dir/pair.txt"
  rm -rf "$dir/rootfs-old" "$dir/rootfs-new"
}

# Writes a pom whose runtime dependencies are a Spring Boot web application's at Boot VERSION.
write_app_pom() {
  local version=$1 out=$2
  cat >"$out" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench.delta</groupId>
  <artifactId>app</artifactId>
  <version>1</version>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-dependencies</artifactId>
        <version>$version</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-actuator</artifactId>
    </dependency>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-validation</artifactId>
    </dependency>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-jdbc</artifactId>
    </dependency>
    <dependency>
      <groupId>org.postgresql</groupId>
      <artifactId>postgresql</artifactId>
    </dependency>
  </dependencies>
</project>
EOF
}

fetch_app_jars() {
  local version=$1 dir=$2
  mkdir -p "$dir/work" "$dir/app/lib"
  write_app_pom "$version" "$dir/work/pom.xml"
  mvn -q -B -f "$dir/work/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
    dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$dir/app/lib" >"$dir/work/mvn.log" 2>&1 ||
    die "mvn dependency:copy-dependencies for Spring Boot $version failed; see $dir/work/mvn.log"
}

make_jars_pair() {
  local dir=$CACHE/jars
  [[ -f $dir/new.tar && -f $dir/pair.txt ]] && return
  rm -rf "$dir"
  mkdir -p "$dir"
  log "jars: fetching a Spring Boot $BOOT_OLD and $BOOT_NEW application's jars from Maven Central"
  fetch_app_jars "$BOOT_OLD" "$dir/old"
  fetch_app_jars "$BOOT_NEW" "$dir/new"
  align_mtimes "$dir/old/app" "$dir/new/app"
  tar_tree "$dir/old/app" "$dir/old.tar"
  tar_tree "$dir/new/app" "$dir/new.tar"
  {
    echo "Runtime jars of a Spring Boot web, actuator, validation and JDBC application with the"
    echo "PostgreSQL driver, Boot $BOOT_OLD -> $BOOT_NEW, one directory app/lib:"
    echo "  $(find "$dir/old/app/lib" -name '*.jar' | wc -l) -> $(find "$dir/new/app/lib" -name '*.jar' | wc -l) jars," \
      "$(comm -12 <(ls "$dir/old/app/lib") <(ls "$dir/new/app/lib") | wc -l) file names in both"
  } >"$dir/pair.txt"
}

make_binary_pair() {
  local dir=$CACHE/binary
  [[ -f $dir/new.tar && -f $dir/pair.txt ]] && return
  rm -rf "$dir"
  mkdir -p "$dir/debs"
  local versions
  versions=$(apt-cache madison "$BINARY_PACKAGE" | awk '{print $3}' | sort -uV | tail -n 2)
  [[ $(wc -l <<<"$versions") == 2 ]] ||
    die "apt-cache madison $BINARY_PACKAGE lists fewer than two versions; run apt-get update or set BINARY_PACKAGE"
  local old_version new_version
  old_version=$(head -n 1 <<<"$versions")
  new_version=$(tail -n 1 <<<"$versions")
  log "binary: $BINARY_FILE of $BINARY_PACKAGE $old_version and $new_version"

  (cd "$dir/debs" && apt-get download -qq "$BINARY_PACKAGE=$old_version" "$BINARY_PACKAGE=$new_version") ||
    die "apt-get download $BINARY_PACKAGE failed"
  local side version deb path
  for side in old new; do
    version=$old_version
    [[ $side == new ]] && version=$new_version
    deb=$(ls "$dir"/debs/"${BINARY_PACKAGE}_${version//:/%3a}"_*.deb)
    dpkg-deb -x "$deb" "$dir/$side-root"
    path=$(cd "$dir/$side-root" && find . -name "$BINARY_FILE" -type f | head -n 1)
    [[ -n $path ]] || die "$BINARY_PACKAGE $version has no file named $BINARY_FILE"
    mkdir -p "$dir/$side-tree/$(dirname "$path")"
    cp "$dir/$side-root/$path" "$dir/$side-tree/$path"
    cp "$dir/$side-root/$path" "$dir/$side.bin"
  done
  # Only the file differs, so it alone gets the later time; its directories keep the fixed one.
  align_mtimes "$dir/old-tree" "$dir/new-tree"
  tar_tree "$dir/old-tree" "$dir/old.tar"
  tar_tree "$dir/new-tree" "$dir/new.tar"
  echo "${path#./} from Debian $BINARY_PACKAGE $old_version -> $new_version, alone in a tar" >"$dir/pair.txt"
  rm -rf "$dir/old-root" "$dir/new-root" "$dir/old-tree" "$dir/new-tree"
}
