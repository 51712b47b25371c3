# shellcheck shell=bash
# Step 5: start a device agent per fleet from the config.json of its configured OS image. Both
# agents share this machine's Docker engine; the arm64 one runs its fleet's linux/arm64 images
# through qemu-user-static. Exports DEVICE_AMD64 and DEVICE_ARM64, the devices' UUIDs, and
# WEB_PORT_AMD64 and WEB_PORT_ARM64, where each device's web service listens. Also contains the
# helpers that later steps use to read a device's reported state and its containers.

# How often the agents poll their target state. Releases reach them sooner over the control
# channel, so the poll is only a fallback, shorter than config.json's 10 minutes to keep runs short.
readonly AGENT_POLL_INTERVAL=5s

# The agents' process ids by architecture, for the cleanup and for noticing an agent that exited.
declare -gA AGENT_PIDS=()

step_5_devices() {
  # Containers use the host's network, and both devices run on this machine, so each fleet's web
  # service needs its own port. Fleet variables override the compose file's environment.
  WEB_PORT_AMD64=$(free_port)
  WEB_PORT_ARM64=$(free_port)
  while [[ "$WEB_PORT_ARM64" == "$WEB_PORT_AMD64" ]]; do
    WEB_PORT_ARM64=$(free_port)
  done
  export WEB_PORT_AMD64 WEB_PORT_ARM64
  say "Fleet variables put each web service on its own loopback port: WEB_PORT=$WEB_PORT_AMD64" \
    "for $ORG/$FLEET_AMD64, $WEB_PORT_ARM64 for $ORG/$FLEET_ARM64, WEB_ADDRESS=127.0.0.1"
  check "fleet variables WEB_PORT and WEB_ADDRESS are set" set_web_variables || return 1

  say "\$ ./slipway-agent --version   (builds the agent's jar when it is missing or stale)"
  check "./slipway-agent builds and runs" "$AGENT_BIN" --version || return 1

  start_device amd64 "$CONFIG_AMD64"
  start_device arm64 "$CONFIG_ARM64"
  capture DEVICE_AMD64 "the amd64 agent registers and writes its UUID into config.json" \
    registered_uuid amd64 || return 1
  capture DEVICE_ARM64 "the arm64 agent registers and writes its UUID into config.json" \
    registered_uuid arm64 || return 1
  export DEVICE_AMD64 DEVICE_ARM64

  say "Waiting for both devices to pull release $RELEASE1_AMD64 and $RELEASE1_ARM64 and run every service"
  check_device_runs amd64 "$DEVICE_AMD64" "$RELEASE1_AMD64" 600 || return 1
  check_device_runs arm64 "$DEVICE_ARM64" "$RELEASE1_ARM64" 600 || return 1

  check "both devices keep a control channel connection" \
    wait_for 60 "both devices to connect to the control channel" \
    channels_connected "$DEVICE_AMD64" "$DEVICE_ARM64" || return 1

  say "\$ ./slipway device list --fleet $ORG/$FLEET_AMD64; ./slipway device list --fleet $ORG/$FLEET_ARM64"
  "$SLIPWAY" device list --fleet "$ORG/$FLEET_AMD64" | indent
  "$SLIPWAY" device list --fleet "$ORG/$FLEET_ARM64" | tail -n +2 | indent

  say "\$ docker ps --filter label=io.slipway.device=UUID"
  show_containers "$DEVICE_AMD64" "$DEVICE_ARM64"
  check "the amd64 device runs a container per service, from linux/amd64 images" \
    containers_run "$DEVICE_AMD64" "$RELEASE1_AMD64" amd64 || return 1
  check "the arm64 device runs a container per service, from linux/arm64 images" \
    containers_run "$DEVICE_ARM64" "$RELEASE1_ARM64" arm64 || return 1

  say "\$ curl http://127.0.0.1:$WEB_PORT_AMD64/cgi-bin/reading"
  check "the amd64 device's web service serves the page" \
    page_shows "$WEB_PORT_AMD64" "Weather station" || return 1
  check "the web service returns the sensor's reading through their shared volume" \
    wait_for 60 "a reading on port $WEB_PORT_AMD64" reading_arrives "$WEB_PORT_AMD64" || return 1
  curl -sS "http://127.0.0.1:$WEB_PORT_AMD64/cgi-bin/reading" | indent
}

set_web_variables() {
  set_fleet_variable "$FLEET_AMD64" WEB_PORT "$WEB_PORT_AMD64" &&
    set_fleet_variable "$FLEET_ARM64" WEB_PORT "$WEB_PORT_ARM64" &&
    set_fleet_variable "$FLEET_AMD64" WEB_ADDRESS 127.0.0.1 &&
    set_fleet_variable "$FLEET_ARM64" WEB_ADDRESS 127.0.0.1
}

set_fleet_variable() {
  local fleet=$1 name=$2 value=$3
  api PUT "/api/v1/orgs/$ORG/fleets/$fleet/variables/$name" \
    "$(jq -n --arg value "$value" '{value: $value}')" >/dev/null
}

# Starts the agent of the ARCH device in the background, on CONFIG, with its data directory and
# log under $WORK/device-ARCH. The agent rewrites CONFIG with its UUID and device key in place of
# the provisioning key, as on a device's boot partition.
start_device() {
  local arch=$1 config=$2
  local dir="$WORK/device-$arch"
  mkdir -p "$dir"
  say "\$ ./slipway-agent run --config $config --data-dir $dir/data \\"
  say "    --poll-interval $AGENT_POLL_INTERVAL --report-interval 1s   (log in $dir/agent.log)"
  "$AGENT_BIN" run --config "$config" --data-dir "$dir/data" \
    --poll-interval "$AGENT_POLL_INTERVAL" --report-interval 1s \
    </dev/null >"$dir/agent.log" 2>&1 &
  AGENT_PIDS[$arch]=$!
  on_exit stop_device "$arch" "${AGENT_PIDS[$arch]}" "$config"
  on_keep "device $arch: agent pid ${AGENT_PIDS[$arch]}, log $dir/agent.log; stop it with: kill ${AGENT_PIDS[$arch]}"
}

# Prints the UUID that the ARCH agent wrote into its config.json once it registered.
registered_uuid() {
  local arch=$1
  local config
  if [[ "$arch" == amd64 ]]; then
    config=$CONFIG_AMD64
  else
    config=$CONFIG_ARM64
  fi
  wait_for 300 "the $arch agent to register" config_has_uuid "$arch" "$config" || return 1
  jq -er .uuid "$config"
}

config_has_uuid() {
  local arch=$1 config=$2
  agent_alive "$arch" || return "$WAIT_ABORT"
  if ! jq -e '.uuid and .deviceApiKey' "$config" >/dev/null 2>&1; then
    echo "$config has no uuid yet; the agent's last lines:"
    tail -n 5 "$WORK/device-$arch/agent.log"
    return 1
  fi
}

# Succeeds while the ARCH agent runs. Otherwise prints the end of its log and fails.
agent_alive() {
  local arch=$1
  if kill -0 "${AGENT_PIDS[$arch]}" 2>/dev/null; then
    return 0
  fi
  echo "The $arch agent (pid ${AGENT_PIDS[$arch]}) exited; the last lines of $WORK/device-$arch/agent.log:"
  tail -n 20 "$WORK/device-$arch/agent.log"
  return 1
}

# Prints the state that device UUID last reported, with the release the server wants it to run:
# GET /api/v1/devices/UUID/state.
device_state() {
  api GET "/api/v1/devices/$1/state"
}

# Waits up to SECONDS for device UUID, of architecture ARCH, to run RELEASE, and counts the result
# as one check.
check_device_runs() {
  local arch=$1 uuid=$2 release=$3 seconds=$4
  check "device ${uuid:0:8} ($arch) runs release $release" \
    wait_for "$seconds" "device $uuid to run release $release" \
    device_runs_release "$arch" "$uuid" "$release"
}

# Succeeds when device UUID reports running RELEASE with every service of that release running.
# Prints the reported state in short, which wait_for shows when it gives up.
device_runs_release() {
  local arch=$1 uuid=$2 release=$3
  agent_alive "$arch" || return "$WAIT_ABORT"
  local services state
  services=$(release_services "$release") || return 1
  state=$(device_state "$uuid") || return 1
  jq -c '{target: .targetReleaseId, reported: .reported.releaseId,
    services: (.reported.services // {} | map_values(.status + (if .message then ": " + .message else "" end)))}' \
    <<<"$state"
  jq -e --argjson release "$release" --argjson services "$services" '
    .reported.releaseId == $release
    and ([$services[] as $name | .reported.services[$name].status == "running"] | all)' \
    <<<"$state" >/dev/null
}

# Succeeds when every device UUID given is connected to the control channel; prints each state.
channels_connected() {
  local uuid state all=0
  for uuid in "$@"; do
    state=$(api GET "/api/v1/devices/$uuid/control-channel") || return 1
    echo "$uuid: $state"
    jq -e '.enabled and .connected' <<<"$state" >/dev/null || all=1
  done
  return "$all"
}

# Prints the names of RELEASE's services as a JSON array.
release_services() {
  api GET "/api/v1/releases/$1" | jq -ce '.services // {} | keys'
}

# Prints the containers of the given devices as docker ps shows them, indented.
show_containers() {
  local device
  for device in "$@"; do
    docker ps --all --filter "label=io.slipway.device=$device" \
      --format '{{.Names}}\t{{.Status}}\t{{.Image}}\trelease {{.Label "io.slipway.release"}}'
  done | column -t -s $'\t' | indent
}

# Succeeds when device UUID has a running container for each service of RELEASE. With ARCH, also
# checks that each container's image is for linux/ARCH. A container's io.slipway.release label
# names the release that created it: a service whose image and settings a release leaves
# unchanged keeps its container.
containers_run() {
  local uuid=$1 release=$2 arch=${3-}
  local services service line name image created_by architecture
  services=$(release_services "$release") || return 1

  for service in $(jq -r '.[]' <<<"$services"); do
    line=$(docker ps --filter "label=io.slipway.device=$uuid" \
      --filter "label=io.slipway.service=$service" --filter status=running \
      --format '{{.Names}} {{.Image}} {{.Label "io.slipway.release"}}') || return 1
    if [[ -z "$line" ]]; then
      echo "No running container of service $service on device $uuid"
      return 1
    fi
    read -r name image created_by <<<"$line"
    if [[ -z "$arch" ]]; then
      echo "$name runs, created for release $created_by"
      continue
    fi
    architecture=$(docker image inspect --format '{{.Architecture}}' "$image") || return 1
    echo "$name runs an image for $architecture, created for release $created_by"
    [[ "$architecture" == "$arch" ]] || return 1
  done
}

# Prints the ids of device UUID's containers, sorted, one a line.
container_ids() {
  docker ps --all --quiet --no-trunc --filter "label=io.slipway.device=$1" | sort
}

# Succeeds when the page at 127.0.0.1:PORT contains TEXT.
page_shows() {
  local port=$1 text=$2 page
  page=$(curl -fsS --max-time 10 "http://127.0.0.1:$port/") || return 1
  if ! grep -qF "$text" <<<"$page"; then
    echo "The page on port $port does not contain '$text'; it shows:"
    grep -i -m 3 'version\|<h1' <<<"$page"
    return 1
  fi
}

reading_arrives() {
  curl -fsS --max-time 10 "http://127.0.0.1:$1/cgi-bin/reading" | jq -ce '., (.celsius != null)' |
    tail -n 1 | grep -qx true
}

# Stops the ARCH agent (pid PID) and removes what it made in the engine: its device's containers,
# named volumes and images. Reads the device's UUID from CONFIG, where the agent wrote it.
stop_device() {
  local arch=$1 pid=$2 config=$3
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    local waited
    for ((waited = 0; waited < 20; waited++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "The $arch agent (pid $pid) did not stop within 20 s of SIGTERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi

  local uuid
  uuid=$(jq -r '.uuid // empty' "$config" 2>/dev/null) || true
  [[ -n "$uuid" ]] || return 0
  local short=${uuid:0:8}
  docker ps --all --quiet --filter "label=io.slipway.device=$uuid" | xargs -r docker rm --force >/dev/null
  docker volume ls --quiet --filter "name=slipway_${short}_" | xargs -r docker volume rm >/dev/null
  # By name, not by image id: another run on the same engine may hold identical images under its
  # own names, and removing the shared id would take them from it.
  docker images --format '{{.Repository}}:{{.Tag}}' --filter "reference=slipway/$short/*" |
    { grep -v ':<none>$' || true; } | xargs -r docker rmi >/dev/null
}
