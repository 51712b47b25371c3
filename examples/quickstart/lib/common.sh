# shellcheck shell=bash
# Helpers that every quickstart step uses: progress lines, counted checks, bounded waits, free
# ports, cleanup on exit and calls of the server's API. run.sh sources this file first.

# Checks counted so far; run.sh prints them as "N passed, M failed".
PASSED=0
FAILED=0

# Cleanup commands, run in reverse order when the script exits, and the lines printed in their
# place when run.sh --keep leaves everything running.
CLEANUPS=()
KEEP_NOTES=()

# The exit status with which a command polled by wait_for signals that waiting longer cannot help.
readonly WAIT_ABORT=99

# Prints the header of step NUMBER.
step_header() {
  local number=$1 title=$2
  printf '\n== Step %s: %s\n' "$number" "$title"
}

# Prints one progress line of the current step.
say() {
  printf '   %s\n' "$*"
}

# Copies standard input to standard output, indented under the step's lines, as it arrives. Drops
# trailing blanks, such as those git pads its remote: lines with.
indent() {
  sed -u -e 's/[[:space:]]*$//' -e 's/^/   | /'
}

# Counts a passed check and prints it.
pass() {
  PASSED=$((PASSED + 1))
  printf '   PASS: %s\n' "$1"
}

# Counts a failed check and prints it with its reason, which may span several lines.
fail() {
  local description=$1 reason=${2-}
  FAILED=$((FAILED + 1))
  printf '   FAIL: %s\n' "$description"
  if [[ -n "$reason" ]]; then
    printf '%s\n' "$reason" | sed 's/^/         /'
  fi
}

# Counts the check DESCRIPTION as passed when STATUS is 0, else as failed with the exit status and
# REASON.
count_check() {
  local status=$1 description=$2 reason=$3
  if ((status == 0)); then
    pass "$description"
  else
    fail "$description" "exit status $status; $reason"
  fi
}

# Runs CMD with its arguments and counts the result as the check DESCRIPTION. Returns CMD's exit
# status, so that a step can stop with `check ... || return 1`. CMD runs in a subshell, so it
# cannot set variables of the caller. Bash ignores errexit inside a function that is called from
# a condition such as `check ... || return 1`, so a function given as CMD must return non-zero
# itself when one of its commands fails, for example with `|| return 1`. On failure the last 20
# lines of its output are the reason.
check() {
  local description=$1
  shift
  local output status=0
  output=$(mktemp "${WORK:-/tmp}/check.XXXXXX")
  ("$@") >"$output" 2>&1 || status=$?

  count_check "$status" "$description" "$(printf 'the last lines of its output:\n'; tail -n 20 "$output")"
  rm -f "$output"
  return "$status"
}

# Runs CMD with its arguments like check, but shows its output indented as it arrives, for long
# commands whose progress the reader should see, such as a build.
check_shown() {
  local description=$1
  shift
  local status=0
  # With pipefail, which run.sh sets, the pipeline fails with CMD's status.
  ("$@") 2>&1 | indent || status=$?

  count_check "$status" "$description" "its output is above"
  return "$status"
}

# Runs CMD with its arguments, assigns its standard output to the variable NAME and counts the
# result as the check DESCRIPTION: capture NAME DESCRIPTION CMD... As in check, a function given as
# CMD must return non-zero itself on failure. On failure its standard error is the reason.
# Returns CMD's exit status.
capture() {
  local capture_name=$1 capture_description=$2
  shift 2
  local capture_output capture_errors capture_status=0
  capture_errors=$(mktemp "${WORK:-/tmp}/capture.XXXXXX")
  capture_output=$("$@" 2>"$capture_errors") || capture_status=$?

  if ((capture_status == 0)); then
    printf -v "$capture_name" '%s' "$capture_output"
  fi
  count_check "$capture_status" "$capture_description" \
    "$(printf 'the last lines of its errors:\n'; tail -n 20 "$capture_errors")"
  rm -f "$capture_errors"
  return "$capture_status"
}

# Runs CMD with its arguments once a second until it succeeds, for at most SECONDS. Gives up at
# once when CMD exits with WAIT_ABORT (99). On a timeout or abort it prints DESCRIPTION and the
# last output of CMD to standard error and returns 1. CMD runs in a subshell and must report its
# own failures, as in check.
wait_for() {
  local seconds=$1 description=$2
  shift 2
  local output status deadline
  output=$(mktemp "${WORK:-/tmp}/wait.XXXXXX")
  deadline=$((SECONDS + seconds))

  while true; do
    status=0
    ("$@") >"$output" 2>&1 || status=$?

    if ((status == 0)); then
      rm -f "$output"
      return 0
    fi
    if ((status == WAIT_ABORT)); then
      printf 'Gave up waiting for %s; the last output:\n' "$description" >&2
      break
    fi
    if ((SECONDS >= deadline)); then
      printf 'Timed out after %s s waiting for %s; the last output:\n' "$seconds" "$description" >&2
      break
    fi
    sleep 1
  done

  tail -n 20 "$output" | sed 's/^/  /' >&2
  rm -f "$output"
  return 1
}

# Prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi

  # Without Python: try random ports from the range Linux does not hand out as ephemeral ports
  # by default, and skip those that appear in /proc/net/tcp as listening (state 0A).
  local port hex attempt
  for attempt in {1..50}; do
    port=$((20000 + RANDOM % 12000))
    printf -v hex '%04X' "$port"
    if ! awk -v hex=":$hex" '$2 ~ hex"$" && $4 == "0A" { found = 1 } END { exit !found }' \
      /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
      printf '%s\n' "$port"
      return
    fi
  done
  echo "free_port: found no free port after $attempt tries; install python3" >&2
  return 1
}

# Registers COMMAND with its ARGUMENTS to run when the script exits: on_exit COMMAND [ARGUMENT...].
# Each word is stored quoted with printf %q, so a path with spaces or quotes stays one argument and
# is never parsed as shell code. Commands run in reverse order of registration, so what started
# last stops first.
on_exit() {
  local quoted
  printf -v quoted '%q ' "$@"
  CLEANUPS+=("${quoted% }")
}

# Registers a line that shows the user what --keep left running and how to stop it.
on_keep() {
  KEEP_NOTES+=("$1")
}

# Runs the registered cleanup commands in reverse order; a failing one does not stop the others.
# Each failure is printed and counted as a failed check, so that leftovers show in the final line.
run_cleanups() {
  local i
  for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
    # The entries were quoted word by word by on_exit, so eval only splits them back into words.
    if ! eval "${CLEANUPS[i]}"; then
      printf 'Cleanup failed: %s\n' "${CLEANUPS[i]}" >&2
      FAILED=$((FAILED + 1))
    fi
  done
  CLEANUPS=()
}

# Calls the server's API: api METHOD PATH [JSON]. Sends $SESSION as the bearer token, else
# $TOKEN, else no credentials; a caller picks another identity with `SESSION=$ADMIN_TOKEN api ...`.
# The token and the body reach curl through a config on standard input and a file under $WORK,
# so neither shows in the process list. Prints the response body. On an HTTP status of 400 or more it
# prints the method, path, status and the server's JSON error to standard error and returns 1.
api() {
  local method=$1 path=$2 body=${3-}
  local bearer=${SESSION:-${TOKEN:-}}
  local response request status config=''
  response=$(mktemp "${WORK:-/tmp}/api.XXXXXX")
  request=$(mktemp "${WORK:-/tmp}/api.XXXXXX")

  if [[ -n "$bearer" ]]; then
    config="header = \"Authorization: Bearer $bearer\""
  fi
  local args=(-sS -K - -X "$method" -o "$response" -w '%{http_code}')
  if [[ -n "$body" ]]; then
    printf '%s' "$body" >"$request"
    args+=(-H 'Content-Type: application/json' --data-binary "@$request")
  fi

  local reached=true
  status=$(curl "${args[@]}" "$API$path" <<<"$config") || reached=false
  rm -f "$request"
  if [[ "$reached" == false ]]; then
    echo "$method $path: the server at $API did not respond; see $WORK/server.log" >&2
    rm -f "$response"
    return 1
  fi

  if ((status >= 400)); then
    printf '%s %s failed with HTTP %s: %s\n' "$method" "$path" "$status" \
      "$(jq -r '"\(.code): \(.message)"' "$response" 2>/dev/null || cat "$response")" >&2
    rm -f "$response"
    return 1
  fi
  cat "$response"
  rm -f "$response"
}
