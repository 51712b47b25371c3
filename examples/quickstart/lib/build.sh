# shellcheck shell=bash
# Step 3: push the Debian base image into Slipway's registry, make the example project a git
# repository and git push it to both fleets, which builds a signed release in each. Exports
# PROJECT, RELEASE1_AMD64 and RELEASE1_ARM64.

step_3_build() {
  say "\$ examples/base-image/build.sh --registry $REG --org $ORG --user $USER_NAME --token-file \$WORK/token"
  say "  (mmdebstrap makes Debian bookworm for amd64 and arm64 on the first run, then reuses its cache)"
  check_shown "the Debian base image is pushed to $REG/$ORG/base/debian" push_base_image || return 1

  PROJECT="$WORK/project"
  export PROJECT
  say "\$ cp -r examples/weather-station $PROJECT && cd $PROJECT && git init -b main && git commit"
  check "the example project is a git repository with one commit" make_project_repository || return 1

  push_and_check "$FLEET_AMD64" "$DEVICE_TYPE_AMD64" amd64 RELEASE1_AMD64 || return 1
  push_and_check "$FLEET_ARM64" "$DEVICE_TYPE_ARM64" arm64 RELEASE1_ARM64 || return 1
  export RELEASE1_AMD64 RELEASE1_ARM64
}

# Runs the base image script with the user's API token in a file only the owner can read.
push_base_image() {
  local token_file="$WORK/token"
  (
    umask 077
    printf '%s\n' "$TOKEN" >"$token_file"
  ) || return 1
  "$REPO_ROOT/examples/base-image/build.sh" --registry "$REG" --org "$ORG" --user "$USER_NAME" \
    --token-file "$token_file"
}

make_project_repository() {
  cp -r "$REPO_ROOT/examples/weather-station" "$PROJECT" &&
    git -C "$PROJECT" init -q -b main &&
    git -C "$PROJECT" config user.name "Dana" &&
    git -C "$PROJECT" config user.email dana@example.com &&
    git -C "$PROJECT" add -A &&
    git -C "$PROJECT" commit -q -m "First version of the weather station"
}

# Pushes the project to FLEET, shows the build as git prints it, checks the release it made for
# DEVICE_TYPE and ARCH, and stores the release's id in the variable named RESULT.
push_and_check() {
  local fleet=$1 device_type=$2 arch=$3 result=$4
  say "\$ git -c credential.helper='!f() { echo username=$USER_NAME; echo \"password=\$TOKEN\"; }; f' \\"
  say "    push $API/git/$ORG/$fleet.git main"
  check_shown "git push to $ORG/$fleet builds a release" git_push "$fleet" || return 1

  local release
  capture release "the newest release of $ORG/$fleet succeeded" newest_release "$fleet" || return 1
  printf -v "$result" '%s' "$release"
  say "Release $release of $ORG/$fleet:"
  "$SLIPWAY" release show "$release" | indent

  check "release $release is signed" release_is_signed "$release" || return 1
  check "release $release has the services web and sensor of the compose file" \
    release_has_services "$release" || return 1
  check_shown "every service of release $release has an image for linux/$arch built for $device_type" \
    release_images_have_platform "$release" "$device_type" "$arch" || return 1
}

# Pushes the project's main branch to FLEET. The credential helper reads the user name and the
# token from the environment when git runs it, so neither appears in a command line or URL.
git_push() {
  local fleet=$1
  # shellcheck disable=SC2016 # git's shell expands the helper's variables, not this one.
  git -C "$PROJECT" -c credential.helper= \
    -c credential.helper='!f() { echo "username=$USER_NAME"; echo "password=$TOKEN"; }; f' \
    push "$API/git/$ORG/$fleet.git" main
}

# Prints the id of FLEET's newest release when it succeeded.
newest_release() {
  local fleet=$1
  api GET "/api/v1/orgs/$ORG/fleets/$fleet/releases" |
    jq -er 'first | if .status == "SUCCESS" then .id else error("release \(.id) is \(.status)") end'
}

release_is_signed() {
  api GET "/api/v1/releases/$1" |
    jq -e '.signature.sequence >= 1 and (.signature.documentDigest | startswith("sha256:"))'
}

release_has_services() {
  api GET "/api/v1/releases/$1" | jq -e '.services | keys == ["sensor", "web"]'
}

# Checks every service image of RELEASE with skopeo, and prints what each one contains.
release_images_have_platform() {
  local release=$1 device_type=$2 arch=$3
  local images service image
  images=$(api GET "/api/v1/releases/$release" |
    jq -r '.services // {} | to_entries[] | "\(.key) \(.value.image)"') || return 1
  if [[ -z "$images" ]]; then
    echo "Release $release has no services"
    return 1
  fi

  while read -r service image; do
    describe_image "$service" "$image" "$device_type" "$arch" || return 1
  done <<<"$images"
}

# Prints the platforms of the image index IMAGE of SERVICE and the layers of its linux/ARCH
# manifest. Fails when that manifest is missing or its configuration records another platform. Also
# fails when the label that the example's Dockerfile.template fills in names another device type.
describe_image() {
  local service=$1 image=$2 device_type=$3 arch=$4
  local repository=${image%@*} index digest manifest config platforms
  index=$(skopeo inspect --tls-verify=false --raw "docker://$image") || return 1
  platforms=$(jq -r '[.manifests[]?.platform | "\(.os)/\(.architecture)"] | join(", ")' <<<"$index") ||
    return 1
  digest=$(jq -r --arg arch "$arch" 'first(.manifests[]?
    | select(.platform.os == "linux" and .platform.architecture == $arch) | .digest) // empty' \
    <<<"$index") || return 1
  if [[ -z "$digest" ]]; then
    echo "$service: $image has no manifest for linux/$arch; its index lists: ${platforms:-nothing}"
    return 1
  fi

  manifest=$(skopeo inspect --tls-verify=false --raw "docker://$repository@$digest") || return 1
  config=$(skopeo inspect --tls-verify=false --config "docker://$repository@$digest") || return 1
  jq -r --arg service "$service" --arg platforms "$platforms" --arg arch "$arch" '
    "\($service): an index of \($platforms); linux/\($arch) has \(.layers | length) layer\(if (.layers | length) == 1 then "" else "s" end), "
    + "\((.layers | map(.size) | add // 0) / 1048576 * 10 | round / 10) MiB compressed"' \
    <<<"$manifest" || return 1
  if ! jq -e --arg arch "$arch" '.os == "linux" and .architecture == $arch' <<<"$config" >/dev/null; then
    echo "$service: the configuration of its linux/$arch manifest records $(jq -r '"\(.os)/\(.architecture)"' <<<"$config")"
    return 1
  fi

  local machine
  machine=$(jq -r '.config.Labels["io.slipway.example.machine"] // "no label"' <<<"$config") || return 1
  echo "$service: label io.slipway.example.machine=$machine"
  if [[ "$machine" != "$device_type" ]]; then
    echo "$service: expected the label io.slipway.example.machine=$device_type from Dockerfile.template"
    return 1
  fi
}
