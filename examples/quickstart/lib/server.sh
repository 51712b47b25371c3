# shellcheck shell=bash
# Step 1: start the server as the README does, with embedded defaults (H2 database, blobs on the
# filesystem), its data under $WORK and a free port, so that it never collides with a server
# the user runs on 8080. Exports SLIPWAY, AGENT_BIN, API, REG and ADMIN_TOKEN.

SERVER_PID=''
SERVER_DATA=''

step_1_server() {
  SLIPWAY="$REPO_ROOT/slipway"
  AGENT_BIN="$REPO_ROOT/slipway-agent"
  SERVER_DATA="$WORK/server-data"
  export SLIPWAY AGENT_BIN

  say "./slipway builds its jar with Maven when the jar is missing or older than the sources"
  check "./slipway builds and runs" "$SLIPWAY" --version || return 1

  start_server
  if ! wait_for 300 "the server to write server.port and bootstrap-token and answer on /v2/" server_ready; then
    fail "the server starts and answers" "$(printf 'the last lines of %s:\n' "$WORK/server.log"; tail -n 30 "$WORK/server.log")"
    return 1
  fi

  local port
  port=$(<"$SERVER_DATA/server.port")
  API="http://127.0.0.1:$port"
  REG="127.0.0.1:$port"
  ADMIN_TOKEN=$(<"$SERVER_DATA/bootstrap-token")
  export API REG ADMIN_TOKEN
  pass "the server answers on $API after $((SECONDS - STEP_STARTED)) s"
  on_keep "server: $API, pid $SERVER_PID, log $WORK/server.log; stop it with: kill $SERVER_PID"

  check "the bootstrap token file is readable by its owner only" \
    file_mode_is 600 "$SERVER_DATA/bootstrap-token" || return 1
  check "the bootstrap token signs in a server administrator" admin_token_works || return 1
}

# Starts the server in the background with its output in $WORK/server.log. With --port 0 the
# control broker and the SSH gateway take free ports too, instead of 8883 and 2222.
start_server() {
  mkdir -p "$SERVER_DATA"
  say "\$ ./slipway server --data-dir $SERVER_DATA --port 0   (output in $WORK/server.log)"
  "$SLIPWAY" server --data-dir "$SERVER_DATA" --port 0 </dev/null >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  # Registered first, so it runs after stop_server: no build can pull a new image in between.
  on_exit remove_registry_images
  on_exit stop_server
}

# Succeeds once the server wrote its port and bootstrap token and its registry responds. Aborts the
# wait when the server process ended.
server_ready() {
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "The server process $SERVER_PID exited; see $WORK/server.log"
    return "$WAIT_ABORT"
  fi
  if [[ ! -s "$SERVER_DATA/server.port" || ! -s "$SERVER_DATA/bootstrap-token" ]]; then
    echo "The server has not written $SERVER_DATA/server.port and bootstrap-token yet"
    return 1
  fi

  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(<"$SERVER_DATA/server.port")/v2/")
  echo "GET /v2/ returned HTTP $status"
  [[ "$status" == 401 || "$status" == 200 ]]
}

# Succeeds when FILE has the octal permission bits MODE.
file_mode_is() {
  local mode=$1 file=$2 actual
  actual=$(stat -c %a "$file")
  echo "$file has mode $actual"
  [[ "$actual" == "$mode" ]]
}

admin_token_works() {
  SESSION=$ADMIN_TOKEN api GET /api/v1/user | jq -e '.serverAdmin == true'
}

# Stops the server with SIGTERM, and with SIGKILL when it has not ended 30 seconds later.
stop_server() {
  if [[ -z "$SERVER_PID" ]] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
    return 0
  fi
  kill -TERM "$SERVER_PID"
  local waited
  for ((waited = 0; waited < 30; waited++)); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" 2>/dev/null || true
      return 0
    fi
    sleep 1
  done
  echo "The server (pid $SERVER_PID) did not stop within 30 s of SIGTERM; killing it" >&2
  kill -KILL "$SERVER_PID" 2>/dev/null || true
}

# Removes the images that this run's server left in the Docker engine, such as the base image that
# its Docker-engine builds pulled as 127.0.0.1:PORT/acme/base/debian. It removes them by name
# (repository:tag or repository@digest), never by image id and never with --force, because other
# runs hold the same image ids under their own ports' names. Docker deletes an image only with its
# last name, and it rejects removing the last name of an image that a container uses.
remove_registry_images() {
  [[ -n "${REG:-}" ]] || return 0
  local names
  names=$(registry_image_names "$REG/") || return 1
  [[ -n "$names" ]] || return 0
  printf '%s\n' "$names" | xargs -r docker rmi >/dev/null
}

# Prints every repository:tag and repository@digest name in the Docker engine that starts with PREFIX.
registry_image_names() {
  local prefix=$1
  # Another run may delete one of the listed images before inspect reads it; that image is not
  # ours, so inspect's error about it is dropped.
  docker images --quiet --no-trunc | sort -u |
    {
      xargs -r docker image inspect \
        --format '{{range .RepoTags}}{{println .}}{{end}}{{range .RepoDigests}}{{println .}}{{end}}' \
        2>/dev/null || true
    } |
    awk -v prefix="$prefix" 'index($0, prefix) == 1' | sort -u
}
