# shellcheck shell=bash
# Step 8: an operator restarts a service of the amd64 device over the control channel, then opens
# terminals through the server: one in the arm64 device's web container and one on the amd64
# device itself. Exports OPERATOR_TOKEN.

step_8_control() {
  say "The owner adds an operator, who may control devices but not change releases"
  capture OPERATOR_TOKEN "user operator joins $ORG with the operator role" \
    create_member operator operator || return 1
  export OPERATOR_TOKEN
  check "the release manager may not restart a service" restart_is_rejected || return 1

  local container before
  container=$(device_container "$DEVICE_AMD64" web)
  capture before "the amd64 device's web container runs" container_start "$container" || return 1
  say "$container started at ${before#* }"

  say "\$ ./slipway device restart $DEVICE_AMD64 web --wait   (as operator)"
  check_shown "the device acknowledges the restart" \
    slipway_as "$OPERATOR_TOKEN" device restart "$DEVICE_AMD64" web --wait --timeout 1m || return 1
  check "the web container restarted" container_restarted "$container" "$before" || return 1
  check "the restarted web service serves its page" \
    wait_for 30 "the page on port $WEB_PORT_AMD64" page_shows "$WEB_PORT_AMD64" "Weather station" ||
    return 1

  say "\$ printf 'uname -m; ...; exit\\n' | ./slipway ssh $DEVICE_ARM64 web   (as operator)"
  # shellcheck disable=SC2016 # the container's shell expands the variables.
  check_shown "a terminal in the arm64 device's web container runs as aarch64 with the device's variables" \
    terminal_prints "$DEVICE_ARM64" web 'uname -m; echo "machine=$MACHINE_NAME port=$WEB_PORT"; exit' \
    aarch64 "machine=$DEVICE_TYPE_ARM64 port=$WEB_PORT_ARM64" || return 1

  say "\$ printf 'tr \"\\\\0\" \" \" </proc/\$PPID/cmdline; exit\\n' | ./slipway ssh $DEVICE_AMD64   (as operator)"
  # shellcheck disable=SC2016 # the device's shell expands $PPID.
  check_shown "a terminal on the amd64 device is a child of its agent" \
    terminal_prints "$DEVICE_AMD64" '' 'tr "\0" " " </proc/$PPID/cmdline; echo; exit' \
    "--data-dir $WORK/device-amd64/data" || return 1
}

# Runs the slipway command with TOKEN_VALUE as the API token: slipway_as TOKEN_VALUE ARGS...
slipway_as() {
  local token_value=$1
  shift
  SLIPWAY_SERVER=$API SLIPWAY_TOKEN=$token_value "$SLIPWAY" "$@"
}

# Succeeds when the release manager's restart fails with exit code 3, because the role does not
# allow it.
restart_is_rejected() {
  local status=0
  slipway_as "$RELEASE_MANAGER_TOKEN" device restart "$DEVICE_AMD64" web || status=$?
  if ((status != 3)); then
    echo "slipway device restart as release-manager exited with $status, expected 3 (not allowed)"
    return 1
  fi
}

# Prints the engine's name of SERVICE's container on device UUID.
device_container() {
  local uuid=$1 service=$2
  printf 'slipway_%s_%s\n' "${uuid:0:8}" "$service"
}

# Prints the id and start time of CONTAINER when it runs.
container_start() {
  docker inspect --format '{{if .State.Running}}{{.Id}} {{.State.StartedAt}}{{end}}' "$1" |
    grep . || {
    echo "Container $1 does not run"
    return 1
  }
}

# Succeeds when CONTAINER runs and its id or start time differs from BEFORE ("ID STARTED_AT").
container_restarted() {
  local container=$1 before=$2 after
  after=$(container_start "$container") || return 1
  echo "before: $before"
  echo "after:  $after"
  [[ "$after" != "$before" ]]
}

# Opens a terminal on device UUID, in SERVICE's container when SERVICE is not empty, types INPUT
# and shows the session. Succeeds when the output contains each EXPECTED text. The terminal echoes
# the input, so an expected text must be one that only the command's output can contain.
terminal_prints() {
  local uuid=$1 service=$2 input=$3
  shift 3
  local arguments=(ssh "$uuid")
  [[ -z "$service" ]] || arguments+=("$service")

  # The end of piped input does not end the session; the typed exit does, and timeout bounds it.
  local output status=0
  output=$(printf '%s\n' "$input" |
    SLIPWAY_SERVER=$API SLIPWAY_TOKEN=$OPERATOR_TOKEN timeout 120 "$SLIPWAY" "${arguments[@]}" 2>&1) ||
    status=$?
  # Drop the terminal's control sequences so the shown session reads as plain text.
  sed -e $'s/\x1b\\[[0-9;?]*[a-zA-Z]//g' -e 's/\r$//' <<<"$output"
  if ((status != 0)); then
    echo "slipway ssh exited with $status"
    return 1
  fi

  local expected
  for expected in "$@"; do
    if ! grep -qF -- "$expected" <<<"$output"; then
      echo "The terminal's output does not contain '$expected'"
      return 1
    fi
  done
}
