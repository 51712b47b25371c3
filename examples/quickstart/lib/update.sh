# shellcheck shell=bash
# shellcheck disable=SC2153 # RELEASE1_* come from step 3.
# Step 6: change the web page of the example, commit and git push to both fleets. Both devices
# move to the new release by signed delta. Step 7: a release manager pins the amd64 fleet back to
# the first release, and the device returns to it. Exports RELEASE2_AMD64, RELEASE2_ARM64 and
# RELEASE_MANAGER_TOKEN. Uses git_push and newest_release of build.sh.

# The file that step 6 changes: the web service's page, which shows its version.
readonly CHANGED_FILE=web/html/index.html

step_6_delta_update() {
  say "Changing $CHANGED_FILE in $PROJECT from 'Page version 1' to 'Page version 2'"
  check "the page's version line changes and is committed" set_page_version 1 2 || return 1

  push_release "$FLEET_AMD64" RELEASE2_AMD64 || return 1
  push_release "$FLEET_ARM64" RELEASE2_ARM64 || return 1
  export RELEASE2_AMD64 RELEASE2_ARM64

  say "Waiting for both devices to move to the new releases"
  check_device_runs amd64 "$DEVICE_AMD64" "$RELEASE2_AMD64" 600 || return 1
  check_device_runs arm64 "$DEVICE_ARM64" "$RELEASE2_ARM64" 600 || return 1

  say "What each device downloaded for the services whose image changed (GET /api/v1/devices/UUID/state):"
  check_shown "the amd64 device fetched every changed image by delta" \
    changed_images_came_by_delta "$DEVICE_AMD64" "$RELEASE1_AMD64" "$RELEASE2_AMD64" amd64 || return 1
  check_shown "the arm64 device fetched every changed image by delta" \
    changed_images_came_by_delta "$DEVICE_ARM64" "$RELEASE1_ARM64" "$RELEASE2_ARM64" arm64 || return 1
  say "\$ ./slipway device show $DEVICE_AMD64   (the lines on the release and its services)"
  "$SLIPWAY" device show "$DEVICE_AMD64" | grep -E '^(Release:|  )' | indent

  check "the amd64 device serves the changed page" \
    wait_for 60 "page version 2 on port $WEB_PORT_AMD64" page_shows "$WEB_PORT_AMD64" "Page version 2" ||
    return 1
  check "the arm64 device serves the changed page" \
    wait_for 60 "page version 2 on port $WEB_PORT_ARM64" page_shows "$WEB_PORT_ARM64" "Page version 2" ||
    return 1
}

step_7_pin_back() {
  say "The owner adds a release manager, who may set fleet targets and pin devices but not push or control devices"
  capture RELEASE_MANAGER_TOKEN "user release-manager joins $ORG with the release manager role" \
    create_member release-manager release-manager || return 1
  export RELEASE_MANAGER_TOKEN

  say "\$ ./slipway fleet target $ORG/$FLEET_AMD64 $RELEASE1_AMD64   (as release-manager: PUT .../fleets/$FLEET_AMD64/target)"
  check_shown "the release manager pins $ORG/$FLEET_AMD64 to release $RELEASE1_AMD64" \
    pin_fleet "$FLEET_AMD64" "$RELEASE1_AMD64" || return 1
  check "the release manager may not push to the fleet" \
    push_is_rejected "$FLEET_AMD64" "$RELEASE_MANAGER_TOKEN" || return 1

  check_device_runs amd64 "$DEVICE_AMD64" "$RELEASE1_AMD64" 300 || return 1
  check "the amd64 device serves the first page again" \
    wait_for 60 "page version 1 on port $WEB_PORT_AMD64" page_shows "$WEB_PORT_AMD64" "Page version 1" ||
    return 1
  check_shown "the way back came by delta too" \
    changed_images_came_by_delta "$DEVICE_AMD64" "$RELEASE2_AMD64" "$RELEASE1_AMD64" amd64 || return 1
  check "the audit log names the release manager's pin" \
    audit_log_has fleet.target.changed release-manager "$ORG/$FLEET_AMD64" || return 1
}

# Replaces 'Page version FROM' by 'Page version TO' in the project's page and commits it.
set_page_version() {
  local from=$1 to=$2
  local file="$PROJECT/$CHANGED_FILE"
  if ! grep -q "Page version $from" "$file"; then
    echo "$file does not contain 'Page version $from'; has the example changed?"
    return 1
  fi
  sed -i "s/Page version $from/Page version $to/" "$file" || return 1
  git -C "$PROJECT" commit -q -am "Show page version $to" || return 1
  git -C "$PROJECT" show --stat --format='commit %h %s' HEAD
}

# Pushes the project to FLEET with git, shows the build, and stores the new release's id in the
# variable named RESULT.
push_release() {
  local fleet=$1 result=$2
  say "\$ git push $API/git/$ORG/$fleet.git main"
  check_shown "git push to $ORG/$fleet builds a release" git_push "$fleet" || return 1

  local release
  capture release "the newest release of $ORG/$fleet succeeded" newest_release "$fleet" || return 1
  printf -v "$result" '%s' "$release"
}

# For each service whose linux/ARCH image differs between releases FROM and TO, prints how device
# UUID fetched it and the bytes it downloaded, against the bytes a full pull would fetch and the
# image's whole size. Fails when such a service was not fetched by delta or reports no byte count.
changed_images_came_by_delta() {
  local uuid=$1 from=$2 to=$3 arch=$4
  local state services service changed=0
  state=$(device_state "$uuid") || return 1
  services=$(release_services "$to") || return 1

  for service in $(jq -r '.[]' <<<"$services"); do
    local old new
    old=$(platform_manifest "$from" "$service" "$arch") || return 1
    new=$(platform_manifest "$to" "$service" "$arch") || return 1
    if [[ "$(jq -r .digest <<<"$old")" == "$(jq -r .digest <<<"$new")" ]]; then
      echo "$arch $service: image unchanged, nothing to download"
      continue
    fi
    changed=$((changed + 1))
    report_download "$arch" "$service" "$old" "$new" "$state" || return 1
  done

  if ((changed == 0)); then
    echo "No service image differs between releases $from and $to"
    return 1
  fi
}

# Prints how SERVICE's image NEW (from platform_manifest) came after OLD, from the device's
# reported STATE, and fails unless it came by delta with a byte count. A full pull would fetch the
# blobs of NEW that OLD lacks; the whole image counts every blob.
report_download() {
  local arch=$1 service=$2 old=$3 new=$4 state=$5
  local method bytes message whole missing
  method=$(jq -r --arg s "$service" '.reported.services[$s].updateMethod // "unknown"' <<<"$state")
  bytes=$(jq -r --arg s "$service" '.reported.services[$s].downloadedBytes // empty' <<<"$state")
  message=$(jq -r --arg s "$service" '.reported.services[$s].message // empty' <<<"$state")
  whole=$(jq '[.blobs[].size] | add' <<<"$new")
  missing=$(jq -n --argjson old "$old" --argjson new "$new" \
    '[$old.blobs[].digest] as $held | [$new.blobs[] | select(.digest | IN($held[]) | not) | .size] | add // 0')

  if [[ "$method" != delta || -z "$bytes" ]]; then
    echo "$arch $service: fetched by '$method', ${bytes:-no} bytes reported"
    [[ -z "$message" ]] || echo "  the device's message: $message"
    return 1
  fi
  echo "$arch $service: the delta took $(format_bytes "$bytes");" \
    "a full pull would fetch $(format_bytes "$missing") (the new config and changed layers);" \
    "the whole image is $(format_bytes "$whole")"
}

# Prints the linux/ARCH manifest of SERVICE's image in RELEASE as {"digest", "blobs": [{"digest",
# "size"}]}, its config first, then its layers.
platform_manifest() {
  local release=$1 service=$2 arch=$3
  local image index digest manifest
  image=$(api GET "/api/v1/releases/$release" | jq -er --arg s "$service" '.services[$s].image') ||
    return 1
  index=$(skopeo inspect --tls-verify=false --raw "docker://$image") || return 1
  digest=$(jq -er --arg arch "$arch" 'first(.manifests[]
    | select(.platform.os == "linux" and .platform.architecture == $arch) | .digest)' <<<"$index") ||
    return 1
  manifest=$(skopeo inspect --tls-verify=false --raw "docker://${image%@*}@$digest") || return 1
  jq -c --arg digest "$digest" '{digest: $digest, blobs: [.config, .layers[] | {digest, size}]}' \
    <<<"$manifest"
}

# Prints BYTES with thousands separators and, from 1 MiB on, in MiB.
format_bytes() {
  awk -v b="$1" 'BEGIN {
    s = sprintf("%d", b); out = ""
    while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    out = s out " bytes"
    if (b >= 1048576) out = out sprintf(" (%.1f MiB)", b / 1048576)
    print out
  }'
}

# Creates user NAME with a random password as the administrator, makes them a member of $ORG with
# ROLE as the owner, signs them in and prints a new API token of that user.
create_member() {
  local name=$1 role=$2
  local password session body
  password=$(random_password) || return 1
  # The password goes through the environment, not jq's arguments, which the process list shows.
  body=$(PASSWORD=$password jq -n --arg user "$name" '{username: $user, password: env.PASSWORD}')
  SESSION=$ADMIN_TOKEN api POST /api/v1/users "$body" >/dev/null || return 1
  SESSION='' api PUT "/api/v1/orgs/$ORG/members/$name" "$(jq -n --arg role "$role" '{role: $role}')" \
    >/dev/null || return 1
  session=$(SESSION='' TOKEN='' api POST /api/v1/auth/login "$body" | jq -er .token) || return 1
  SESSION=$session api POST /api/v1/user/api-tokens '{"name":"quickstart"}' | jq -er .token
}

# Pins FLEET to RELEASE as the release manager, shows the new target and checks it.
pin_fleet() {
  local fleet=$1 release=$2
  slipway_as "$RELEASE_MANAGER_TOKEN" fleet target "$ORG/$fleet" "$release" || return 1
  api GET "/api/v1/orgs/$ORG/fleets/$fleet/target" |
    jq -e --argjson release "$release" '.releaseId == $release and .trackLatest == false' >/dev/null
}

# Succeeds when the git server rejects a push to FLEET with TOKEN_VALUE, whose user lacks the
# developer role, and prints the rejection.
push_is_rejected() {
  local fleet=$1 token_value=$2
  local output
  if output=$(TOKEN=$token_value USER_NAME=release-manager git_push "$fleet" 2>&1); then
    echo "git push to $ORG/$fleet with the release manager's token succeeded"
    return 1
  fi
  grep -i -m 3 'denied\|forbidden\|403\|permission' <<<"$output" || {
    echo "git push failed for another reason:"
    tail -n 5 <<<"$output"
    return 1
  }
}

# Succeeds when one of the newest 50 entries of $ORG's audit log is ACTION by ACTOR on TARGET;
# prints the newest such entry.
audit_log_has() {
  local action=$1 actor=$2 target=$3
  api GET "/api/v1/orgs/$ORG/audit-log?limit=50" |
    jq -ce --arg action "$action" --arg actor "$actor" --arg target "$target" '
      map(select(.action == $action and .actor == $actor and .target == $target))
      | first // error("no \($action) entry by \($actor) on \($target) among the newest 50")'
}
