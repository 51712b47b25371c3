#!/usr/bin/env bash
# Walks through Slipway end to end, unattended, as docs/quickstart.md describes. It starts a
# server, creates accounts and fleets, git pushes the example project and configures OS images.
# It then runs a device agent per fleet, updates the devices by delta, pins a release, uses the
# control channel and tampers with a blob. Each step is a function step_N_NAME in lib/*.sh. The
# last line of output is "N passed, M failed", and the exit status is 0 only when every check
# passed.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
set -E

QUICKSTART_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
REPO_ROOT=$(cd "$QUICKSTART_DIR/../.." && pwd)
readonly QUICKSTART_DIR REPO_ROOT

STEP_TITLES=(
  [1]="start the server with embedded defaults"
  [2]="create a user with TOTP, an organization, two fleets and an API token"
  [3]="git push the example to both fleets"
  [4]="download a configured OS image for each fleet"
  [5]="start a device agent per fleet"
  [6]="change one source file and push again: the devices update by delta"
  [7]="pin the amd64 fleet back to the first release"
  [8]="restart a service and open a terminal through the control channel"
  [9]="tamper with a blob in storage: the device refuses the update"
)
readonly LAST_DEFINED_STEP=9

usage() {
  cat <<EOF
Usage: examples/quickstart/run.sh [--work-dir DIR] [--keep] [--stop-after N] [--help]

Runs the Slipway quickstart unattended: a server on a free port of 127.0.0.1, a user with TOTP,
an organization with an amd64 and an arm64 fleet, git push of examples/weather-station to both,
configured OS images, a device agent per fleet on the local Docker engine, a delta update, a
pinned release, the control channel and a tampered blob. docs/quickstart.md explains each step.

Options:
  --work-dir DIR   where everything goes: server data, agent data, the project's git
                   repository, OS images and logs. DIR must be empty or missing. Default: a new
                   directory from mktemp -d, deleted after a run in which every check passed.
  --keep           leave the server, the agents and their containers running at the end, and
                   keep the work directory.
  --stop-after N   run steps 1 to N only (1 to $LAST_DEFINED_STEP); for working on one step.
  --help           print this text.

The last line is "N passed, M failed"; the exit status is 0 when every check passed, 1 when a
check failed and 2 for bad options.
EOF
}

# Prints MESSAGE and the usage hint on standard error and exits with 2.
usage_error() {
  printf 'run.sh: %s\nRun examples/quickstart/run.sh --help for the options.\n' "$1" >&2
  exit 2
}

parse_arguments() {
  WORK=''
  KEEP=false
  LAST_STEP=$LAST_DEFINED_STEP
  while (($# > 0)); do
    case "$1" in
      --work-dir)
        (($# >= 2)) || usage_error "--work-dir needs a directory"
        [[ -n "$2" ]] || usage_error "--work-dir needs a directory"
        WORK=$2
        shift 2
        ;;
      --work-dir=*)
        WORK=${1#--work-dir=}
        [[ -n "$WORK" ]] || usage_error "--work-dir needs a directory"
        shift
        ;;
      --keep)
        KEEP=true
        shift
        ;;
      --stop-after)
        (($# >= 2)) || usage_error "--stop-after needs a step number"
        LAST_STEP=$2
        shift 2
        ;;
      --stop-after=*)
        LAST_STEP=${1#--stop-after=}
        shift
        ;;
      --help | -h)
        usage
        exit 0
        ;;
      *)
        usage_error "unknown argument '$1'"
        ;;
    esac
  done

  if ! [[ "$LAST_STEP" =~ ^[1-9]$ ]] || ((LAST_STEP > LAST_DEFINED_STEP)); then
    usage_error "--stop-after '$LAST_STEP' is not a step number from 1 to $LAST_DEFINED_STEP"
  fi
}

# Creates the work directory, or checks that the one given is empty: a server started on an old
# data directory would find no bootstrap token, as the server writes it only once.
prepare_work_dir() {
  CREATED_WORK=false
  if [[ -z "$WORK" ]]; then
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/slipway-quickstart.XXXXXX")
    CREATED_WORK=true
  else
    if [[ -e "$WORK" && ! -d "$WORK" ]]; then
      usage_error "--work-dir '$WORK' is not a directory; name a new or empty directory"
    fi
    if [[ -d "$WORK" && -n "$(ls -A "$WORK")" ]]; then
      usage_error "--work-dir '$WORK' is not empty; name a new or empty directory, or delete its contents"
    fi
    mkdir -p "$WORK"
    WORK=$(cd "$WORK" && pwd)
  fi
  # Tokens, passwords and configured OS images land here: only the owner may read them.
  chmod 700 "$WORK"
  export WORK

  # The CLI's login and skopeo's credentials stay in the work directory, away from the user's own.
  export XDG_CONFIG_HOME="$WORK/config"
  export REGISTRY_AUTH_FILE="$WORK/registry-auth.json"
}

# Tool, then the Debian package that brings it.
PREREQUISITES=(
  java:openjdk-17-jdk-headless
  mvn:maven
  git:git
  curl:curl
  jq:jq
  skopeo:skopeo
  umoci:umoci
  docker:docker.io
  mmdebstrap:mmdebstrap
  arch-test:arch-test
  sfdisk:fdisk
  mkfs.vfat:dosfstools
  mkfs.ext4:e2fsprogs
  mcopy:mtools
  column:bsdextrautils
)

# Prints one line for each missing tool or service, naming what to install or start.
find_missing_prerequisites() {
  local entry tool package
  local packages=()
  for entry in "${PREREQUISITES[@]}"; do
    tool=${entry%%:*}
    package=${entry#*:}
    if ! command -v "$tool" >/dev/null; then
      printf 'missing: %s, from the package %s\n' "$tool" "$package"
      packages+=("$package")
    fi
  done

  if ! command -v oathtool >/dev/null && ! command -v python3 >/dev/null; then
    echo "missing: oathtool or python3 to compute TOTP codes, from the package oathtool or python3"
    packages+=(oathtool)
  fi

  if command -v java >/dev/null; then
    local version
    version=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
    if [[ -z "$version" ]] || ((version < 17)); then
      echo "too old: java '${version:-unknown}'; Slipway needs Java 17 or later (openjdk-17-jdk-headless)"
    fi
  fi

  if command -v docker >/dev/null && ! docker info >/dev/null 2>&1; then
    echo "not running: the Docker engine at /var/run/docker.sock does not answer 'docker info';" \
      "start it, for example with: dockerd --storage-driver=vfs --bridge=none --iptables=false &"
  fi

  local binfmt=/proc/sys/fs/binfmt_misc/qemu-aarch64
  if [[ ! -r "$binfmt" ]] || ! grep -qx enabled "$binfmt"; then
    echo "not registered: qemu-aarch64 in binfmt_misc, which runs the arm64 device's containers;" \
      "apt-get install -y qemu-user-static binfmt-support && update-binfmts --enable qemu-aarch64"
  fi

  if ((${#packages[@]} > 0)); then
    echo "Install the missing packages with: apt-get install -y ${packages[*]}"
  fi
}

check_prerequisites() {
  local missing
  missing=$(find_missing_prerequisites)
  if [[ -n "$missing" ]]; then
    fail "the tools and services the quickstart needs are present" "$missing"
    return 1
  fi
  pass "the tools and services the quickstart needs are present"
}

# Prints the name of the function of step NUMBER, or nothing when no lib file defines one.
step_function() {
  declare -F | awk -v prefix="step_$1_" 'index($3, prefix) == 1 { print $3; exit }'
}

# Remembers the first command that failed in a step, for the report when the step stops.
record_error() {
  local status=$1 command=$2 file=$3 line=$4
  if [[ -z "$LAST_ERROR" ]]; then
    LAST_ERROR="'$command' exited with status $status at ${file#"$REPO_ROOT"/}:$line"
  fi
}

# Prints what --keep left running. Without --keep, stops what the steps started and removes the
# work directory when this run created it and every check passed.
clean_up() {
  if [[ "$KEEP" == true ]]; then
    printf '\nLeft running (--keep); the work directory is %s\n' "$WORK"
    local note
    for note in "${KEEP_NOTES[@]}"; do
      printf '  %s\n' "$note"
    done
    return
  fi

  run_cleanups
  if [[ "$CREATED_WORK" == true && "$FAILED" -eq 0 && "$COMPLETED" == true ]]; then
    rm -rf "$WORK"
  else
    printf '\nLogs and data are in %s\n' "$WORK"
  fi
}

print_summary() {
  printf '\n== Summary\n'
  local n
  for ((n = 1; n <= LAST_STEP; n++)); do
    printf '   Step %s, %s: %s\n' "$n" "${STEP_TITLES[n]}" "${STEP_RESULTS[n]:-not run}"
  done
}

# Runs on every exit: reports a step that stopped, counts the steps left out as failed, cleans up
# and prints the final line.
finish() {
  local status=$?
  trap - ERR
  set +e

  if [[ -n "$CURRENT_STEP" ]]; then
    if ((FAILED == FAILED_BEFORE_STEP)); then
      fail "step $CURRENT_STEP runs to completion" "${LAST_ERROR:-the script stopped with exit status $status}"
    fi
    STEP_RESULTS[CURRENT_STEP]="failed after $((SECONDS - STEP_STARTED)) s"
    local n
    for ((n = CURRENT_STEP + 1; n <= LAST_STEP; n++)); do
      STEP_RESULTS[n]="skipped"
      FAILED=$((FAILED + 1))
    done
  fi

  print_summary
  clean_up
  printf '%s passed, %s failed\n' "$PASSED" "$FAILED"
  if ((FAILED > 0 || status != 0)); then
    exit 1
  fi
  exit 0
}

run_steps() {
  local n function
  for ((n = 1; n <= LAST_STEP; n++)); do
    step_header "$n" "${STEP_TITLES[n]}"
    CURRENT_STEP=$n
    FAILED_BEFORE_STEP=$FAILED
    STEP_STARTED=$SECONDS
    LAST_ERROR=''

    function=$(step_function "$n")
    if [[ -z "$function" ]]; then
      fail "step $n is defined" "no lib/*.sh file defines a function step_${n}_NAME"
      exit 1
    fi

    # A plain call, not in a condition, so that errexit stays on inside the step.
    "$function"
    if ((FAILED > FAILED_BEFORE_STEP)); then
      exit 1
    fi
    STEP_RESULTS[n]="passed in $((SECONDS - STEP_STARTED)) s"
    CURRENT_STEP=''
  done
  COMPLETED=true
}

main() {
  parse_arguments "$@"

  PASSED=0
  FAILED=0
  CURRENT_STEP=''
  FAILED_BEFORE_STEP=0
  STEP_STARTED=0
  LAST_ERROR=''
  COMPLETED=false
  STEP_RESULTS=()

  # shellcheck source=lib/common.sh
  source "$QUICKSTART_DIR/lib/common.sh"
  local lib
  for lib in "$QUICKSTART_DIR"/lib/*.sh; do
    if [[ "$lib" != */common.sh ]]; then
      # shellcheck source=/dev/null
      source "$lib"
    fi
  done

  prepare_work_dir
  trap finish EXIT
  trap 'LAST_ERROR="interrupted by SIGINT"; exit 130' INT
  trap 'LAST_ERROR="stopped by SIGTERM"; exit 143' TERM
  trap 'record_error "$?" "$BASH_COMMAND" "${BASH_SOURCE[0]}" "$LINENO"' ERR

  printf 'Slipway quickstart in %s (repository %s)\n' "$WORK" "$REPO_ROOT"
  printf '\n== Prerequisites\n'
  # Counted as step 0, so that finish reports every step as skipped when a prerequisite is missing.
  CURRENT_STEP=0
  STEP_STARTED=$SECONDS
  FAILED_BEFORE_STEP=$FAILED
  check_prerequisites || exit 1
  CURRENT_STEP=''

  run_steps
}

main "$@"
