# shellcheck shell=bash
# Sourced by ./slipway and ./slipway-agent. Finds a module's runnable jar and builds it with Maven
# when it is missing, older than a pom.xml or main source file, or unreadable as a zip file. The
# last check matters because a build interrupted while writing the jar leaves a truncated file
# that is newer than every source. Builds run one at a time per checkout under a lock, so two
# scripts started together do not compile into the same target directories at once.

# Prints the path of the first file under the directory $1 that matches the glob $2, or nothing.
first_match() {
  local file
  # shellcheck disable=SC2231 # $2 is a glob pattern and must expand
  for file in "$1"/$2; do
    if [[ -f "$file" ]]; then
      printf '%s\n' "$file"
      return
    fi
  done
}

# Succeeds when a pom.xml or a file under some module's src/main under $1 is newer than $2.
sources_newer_than() {
  local newer
  newer=$(find "$1" \( -path "$1/.git" -o -name target -o -name node_modules \) -prune \
    -o -type f \( -name pom.xml -o -path '*/src/main/*' \) -newer "$2" -print -quit)
  [[ -n "$newer" ]]
}

# Succeeds when the jar $2 exists, reads as a zip file and is newer than the sources under $1.
jar_is_current() {
  local root=$1 jar=$2
  [[ -n "$jar" ]] || return 1
  jar tf "$jar" >/dev/null 2>&1 || return 1
  ! sources_newer_than "$root" "$jar"
}

# ensure_jar ROOT MODULE GLOB NAME: prints the path of MODULE's runnable jar (GLOB, relative to
# ROOT), building it first when it is not current. NAME prefixes the messages. Exits with 1 when
# the build fails or produces no jar.
ensure_jar() {
  local root=$1 module=$2 glob=$3 name=$4
  local jar
  jar=$(first_match "$root" "$glob")
  if jar_is_current "$root" "$jar"; then
    printf '%s\n' "$jar"
    return
  fi

  mkdir -p "$root/target"
  exec {lock}>"$root/target/.jar-build.lock"
  if ! flock --nonblock "$lock"; then
    echo "$name: another build in this checkout is running; waiting for it" >&2
    flock "$lock"
  fi

  # Another script may have built the jar while this one waited.
  jar=$(first_match "$root" "$glob")
  if ! jar_is_current "$root" "$jar"; then
    echo "$name: building $module's jar with Maven (the first build takes a few minutes)" >&2
    # Maven 3.8 prints colour reset codes even in batch mode; strip them from its output.
    (cd "$root" && mvn -B -q -Dmaven.test.skip=true -Dspotless.check.skip=true -pl "$module" -am package) 2>&1 |
      sed -e $'s/\x1b\\[[0-9;]*m//g' >&2
    jar=$(first_match "$root" "$glob")
    if ! jar_is_current "$root" "$jar"; then
      echo "$name: the build produced no readable $glob" >&2
      exit 1
    fi
  fi
  exec {lock}>&-
  printf '%s\n' "$jar"
}
