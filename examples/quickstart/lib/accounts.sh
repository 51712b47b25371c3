# shellcheck shell=bash
# Step 2: the administrator creates a user. The user turns TOTP on, creates an organization with
# an amd64 and an arm64 fleet and an API token, and logs the slipway command in with it. Exports
# USER_NAME, USER_PASSWORD, TOTP_SECRET, TOKEN, ORG, FLEET_AMD64, FLEET_ARM64, DEVICE_TYPE_AMD64
# and DEVICE_TYPE_ARM64.

step_2_accounts() {
  USER_NAME=dana
  USER_PASSWORD=$(random_password)
  # The example project's Dockerfiles name their base image as acme/base/debian:bookworm, so the
  # organization must be acme.
  ORG=acme
  FLEET_AMD64=weather-amd64
  FLEET_ARM64=weather-arm64
  DEVICE_TYPE_AMD64=generic-amd64
  DEVICE_TYPE_ARM64=generic-aarch64
  export USER_NAME USER_PASSWORD ORG FLEET_AMD64 FLEET_ARM64 DEVICE_TYPE_AMD64 DEVICE_TYPE_ARM64

  say "The administrator, with the bootstrap token, creates user $USER_NAME: POST /api/v1/users"
  check "user $USER_NAME is created" create_user || return 1

  sign_up_for_totp || return 1

  say "$USER_NAME creates organization $ORG and two fleets: POST /api/v1/orgs, POST /api/v1/orgs/$ORG/fleets"
  check "organization $ORG is created" api POST /api/v1/orgs "{\"slug\":\"$ORG\"}" || return 1
  check "fleet $ORG/$FLEET_AMD64 ($DEVICE_TYPE_AMD64) is created" \
    create_fleet "$FLEET_AMD64" "$DEVICE_TYPE_AMD64" || return 1
  check "fleet $ORG/$FLEET_ARM64 ($DEVICE_TYPE_ARM64) is created" \
    create_fleet "$FLEET_ARM64" "$DEVICE_TYPE_ARM64" || return 1

  say "$USER_NAME creates an API token for scripts, git and the registry: POST /api/v1/user/api-tokens"
  capture TOKEN "$USER_NAME receives an API token" create_api_token || return 1
  export TOKEN
  # Later steps act with the API token, as a script or CI job would, not with the web session.
  # shellcheck disable=SC2034 # api in common.sh reads SESSION.
  SESSION=''
  write_registry_credentials

  say "\$ printf '%s\\n' \"\$TOKEN\" | ./slipway login --server $API --token-stdin"
  check "./slipway login accepts the token" slipway_login || return 1
  say "\$ ./slipway fleet list $ORG"
  "$SLIPWAY" fleet list "$ORG" | indent
  check "./slipway fleet list shows both fleets with their device types" fleets_listed || return 1
}

# Prints a random password of 24 characters; the password policy requires at least 12.
random_password() {
  head -c 18 /dev/urandom | base64 | tr '+/' '-_'
}

create_user() {
  local body
  # jq reads the password from the environment: an argument would show in the process list.
  body=$(jq -n '{username: env.USER_NAME, password: env.USER_PASSWORD}') || return 1
  SESSION=$ADMIN_TOKEN api POST /api/v1/users "$body" | jq -e --arg user "$USER_NAME" '.username == $user'
}

# Signs in, enrols TOTP, confirms it with a code, and checks that a sign-in then needs a code.
# Leaves the TOTP session in SESSION and the secret in TOTP_SECRET.
sign_up_for_totp() {
  say "$USER_NAME signs in with the password: POST /api/v1/auth/login"
  capture SESSION "$USER_NAME signs in with the password" sign_in "" || return 1

  say "$USER_NAME starts TOTP enrolment (POST /api/v1/user/totp) and confirms it with a code"
  say "  (POST /api/v1/user/totp/confirm); \$ oathtool --totp -b - computes the codes"
  capture TOTP_SECRET "$USER_NAME receives a TOTP secret" start_totp_enrolment || return 1
  export TOTP_SECRET
  check "the first TOTP code turns TOTP on and returns recovery codes" confirm_totp || return 1

  check "a sign-in with the password alone is rejected with TOTP_REQUIRED" \
    sign_in_is_rejected_without_code || return 1
  # The server accepts each time step's code once, and the confirmation used the current one. A
  # code for the next 30-second step is inside the server's window of one step either side.
  local code
  code=$(totp_code "$(($(date +%s) + 30))")
  capture SESSION "a sign-in with the password and a TOTP code succeeds" sign_in "$code" || return 1
  check "the account reports TOTP as on" totp_is_on
}

totp_is_on() {
  api GET /api/v1/user/totp | jq -e '.enabled == true'
}

# Prints a new session token; CODE is the TOTP code, or empty to sign in without one.
sign_in() {
  local code=$1 body
  body=$(jq -n --arg code "$code" '{username: env.USER_NAME, password: env.USER_PASSWORD}
    + (if $code == "" then {} else {totp: $code} end)') || return 1
  SESSION='' TOKEN='' api POST /api/v1/auth/login "$body" | jq -er .token
}

start_totp_enrolment() {
  api POST /api/v1/user/totp | jq -er .secret
}

confirm_totp() {
  local code
  code=$(totp_code "$(date +%s)") || return 1
  api POST /api/v1/user/totp/confirm "{\"code\":\"$code\"}" | jq -e '.recoveryCodes | length > 0'
}

sign_in_is_rejected_without_code() {
  local errors
  if errors=$(sign_in "" 2>&1); then
    echo "The sign-in without a code succeeded"
    return 1
  fi
  echo "$errors"
  [[ "$errors" == *TOTP_REQUIRED* ]]
}

# Prints the TOTP code of $TOTP_SECRET (base32) at EPOCH_SECONDS. The secret goes through standard
# input, never the command line, where other users could read it in the process list.
totp_code() {
  local at=$1
  if command -v oathtool >/dev/null; then
    printf '%s\n' "$TOTP_SECRET" | oathtool --totp -b --now "@$at" -
    return
  fi
  # RFC 6238 with the server's parameters: HMAC-SHA1, 30-second steps, 6 digits.
  printf '%s\n' "$TOTP_SECRET" | python3 -c '
import base64, hmac, struct, sys
secret = sys.stdin.readline().strip().upper()
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
digest = hmac.new(key, struct.pack(">Q", int(sys.argv[1]) // 30), "sha1").digest()
offset = digest[-1] & 0x0F
value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
print("%06d" % (value % 1000000))
' "$at"
}

create_fleet() {
  local fleet=$1 device_type=$2
  api POST "/api/v1/orgs/$ORG/fleets" "{\"slug\":\"$fleet\",\"deviceType\":\"$device_type\"}" |
    jq -e --arg type "$device_type" '.deviceType == $type'
}

create_api_token() {
  api POST /api/v1/user/api-tokens '{"name":"quickstart"}' | jq -er .token
}

# Writes the registry credentials that skopeo reads through REGISTRY_AUTH_FILE (set by run.sh).
write_registry_credentials() {
  local auth
  auth=$(printf '%s:%s' "$USER_NAME" "$TOKEN" | base64 -w 0)
  (
    umask 077
    AUTH=$auth jq -n --arg registry "$REG" '{auths: {($registry): {auth: env.AUTH}}}' \
      >"$REGISTRY_AUTH_FILE"
  )
}

slipway_login() {
  printf '%s\n' "$TOKEN" | "$SLIPWAY" login --server "$API" --token-stdin
}

fleets_listed() {
  local fleets
  fleets=$("$SLIPWAY" fleet list "$ORG" --json) || return 1
  jq -e --arg amd "$FLEET_AMD64" --arg arm "$FLEET_ARM64" \
    --arg amd_type "$DEVICE_TYPE_AMD64" --arg arm_type "$DEVICE_TYPE_ARM64" '
      (map(select(.slug == $amd and .deviceType == $amd_type)) | length == 1) and
      (map(select(.slug == $arm and .deviceType == $arm_type)) | length == 1)' <<<"$fleets"
}
