# shellcheck shell=bash
# shellcheck disable=SC2153 # RELEASE2_* come from step 6.
# Step 9: someone with write access to the server's blob storage alters a new release before the
# arm64 device fetches it. The device detects the change, rejects the release and keeps running
# the one it has. Exports RELEASE3_ARM64.

step_9_tamper() {
  say "The release manager pins the arm64 device to release $RELEASE2_ARM64, so it waits while the blob is altered"
  check "device ${DEVICE_ARM64:0:8} is pinned to release $RELEASE2_ARM64" \
    pin_device "$DEVICE_ARM64" "$RELEASE2_ARM64" || return 1

  say "Changing $CHANGED_FILE to 'Page version 3' and pushing to $ORG/$FLEET_ARM64 only"
  check "the page's version line changes and is committed" set_page_version 2 3 || return 1
  push_release "$FLEET_ARM64" RELEASE3_ARM64 || return 1
  export RELEASE3_ARM64
  check "the pinned device stays on release $RELEASE2_ARM64" \
    device_runs_release arm64 "$DEVICE_ARM64" "$RELEASE2_ARM64" || return 1

  local blob
  capture blob "the web image index of release $RELEASE3_ARM64 is a file in the server's storage" \
    web_index_blob "$RELEASE3_ARM64" || return 1
  say "Rewriting $blob so that release $RELEASE3_ARM64's web image points at release $RELEASE2_ARM64's image:"
  say "the bytes change, the digest the server signed does not"
  check_shown "the stored index now names the older image" \
    redirect_index "$blob" "$RELEASE3_ARM64" "$RELEASE2_ARM64" || return 1

  local containers
  containers=$(container_ids "$DEVICE_ARM64")
  say "The release manager removes the pin; the device's target becomes release $RELEASE3_ARM64"
  check "the pin is removed" unpin_device "$DEVICE_ARM64" || return 1
  check "the device reports that verification failed" \
    wait_for 120 "device $DEVICE_ARM64 to report VERIFICATION_FAILED" \
    verification_failure_reported "$DEVICE_ARM64" "$RELEASE3_ARM64" || return 1
  device_state "$DEVICE_ARM64" |
    jq -r '.reported.services | to_entries[] | select(.value.message) | "\(.key): \(.value.message)"' |
    fold -s -w 96 | indent

  check "the device still runs release $RELEASE2_ARM64" \
    device_runs_release arm64 "$DEVICE_ARM64" "$RELEASE2_ARM64" || return 1
  check "its containers are the same ones, still running" \
    same_containers_run "$DEVICE_ARM64" "$RELEASE2_ARM64" "$containers" || return 1
  check "it still serves page version 2" page_shows "$WEB_PORT_ARM64" "Page version 2" || return 1
}

pin_device() {
  local uuid=$1 release=$2
  SESSION=$RELEASE_MANAGER_TOKEN api PUT "/api/v1/devices/$uuid/pin" "{\"releaseId\": $release}" |
    jq -e --argjson release "$release" '.releaseId == $release'
}

unpin_device() {
  SESSION=$RELEASE_MANAGER_TOKEN api DELETE "/api/v1/devices/$1/pin" | jq -e '.releaseId == null'
}

# Prints the path of the web service's image index of RELEASE in the server's filesystem storage,
# where blobs and manifests are files named by their digest.
web_index_blob() {
  local release=$1 image digest path
  image=$(api GET "/api/v1/releases/$release" | jq -er '.services.web.image') || return 1
  digest=${image#*@sha256:}
  path="${SERVER_DATA:-$WORK/server-data}/blobs/blobs/sha256/${digest:0:2}/$digest"
  if [[ ! -f "$path" ]]; then
    echo "$image is not stored at $path; has the storage layout changed?" >&2
    return 1
  fi
  printf '%s\n' "$path"
}

# Replaces, in the index file BLOB of release NEW, the digest of the linux/arm64 web manifest by
# the one of release OLD: a rollback that keeps the file valid JSON. Shows both lines of the
# change.
redirect_index() {
  local blob=$1 new=$2 old=$3
  local new_manifest old_manifest
  new_manifest=$(platform_manifest "$new" web arm64 | jq -er .digest) || return 1
  old_manifest=$(platform_manifest "$old" web arm64 | jq -er .digest) || return 1

  echo "before: sha256sum $(sha256sum "$blob" | cut -c 1-16)..., names $new_manifest"
  sed -i "s/$new_manifest/$old_manifest/" "$blob" || return 1
  echo "after:  sha256sum $(sha256sum "$blob" | cut -c 1-16)..., names $(jq -r '.manifests[0].digest' "$blob")"
  grep -qF "$old_manifest" "$blob"
}

# Succeeds when the server wants device UUID on RELEASE and the device reports a service whose
# update failed verification.
verification_failure_reported() {
  local uuid=$1 release=$2 state
  state=$(device_state "$uuid") || return 1
  jq -c '{target: .targetReleaseId, reported: .reported.releaseId,
    messages: [.reported.services[]?.message | select(.)]}' <<<"$state"
  jq -e --argjson release "$release" '
    .targetReleaseId == $release
    and ([.reported.services[]?.message // "" | contains("VERIFICATION_FAILED")] | any)' \
    <<<"$state" >/dev/null
}

# Succeeds when device UUID has exactly the containers with the ids BEFORE and runs one per
# service of RELEASE.
same_containers_run() {
  local uuid=$1 release=$2 before=$3 after
  after=$(container_ids "$uuid")
  if [[ "$after" != "$before" ]]; then
    printf 'The containers changed.\nbefore:\n%s\nafter:\n%s\n' "$before" "$after"
    return 1
  fi
  containers_run "$uuid" "$release" arm64
}
