# shellcheck shell=bash
# Step 4: build a small base OS image per device type, upload it as the administrator, download it
# configured for each fleet, and read config.json from its boot partition with mtools. Exports
# CONFIG_AMD64 and CONFIG_ARM64, the paths of the two config.json files.

# The OS version both base images are uploaded as.
readonly OS_VERSION=1.0.0

step_4_os_image() {
  local dir="$WORK/os-images"
  mkdir -p "$dir"

  say "\$ examples/os-image/build.sh --device-type TYPE --version $OS_VERSION -o base-TYPE.img"
  say "\$ SLIPWAY_TOKEN=\$ADMIN_TOKEN ./slipway os upload base-TYPE.img --device-type TYPE --version $OS_VERSION"
  local type
  for type in "$DEVICE_TYPE_AMD64" "$DEVICE_TYPE_ARM64"; do
    check "the base OS image for $type is built" \
      "$REPO_ROOT/examples/os-image/build.sh" --device-type "$type" --version "$OS_VERSION" \
      --output "$dir/base-$type.img" || return 1
    check "the administrator uploads it as $type $OS_VERSION" \
      upload_os_image "$dir/base-$type.img" "$type" || return 1
  done
  say "\$ ./slipway os images"
  "$SLIPWAY" os images | indent

  CONFIG_AMD64="$dir/$FLEET_AMD64-config.json"
  CONFIG_ARM64="$dir/$FLEET_ARM64-config.json"
  export CONFIG_AMD64 CONFIG_ARM64
  configure_for_fleet "$FLEET_AMD64" "$DEVICE_TYPE_AMD64" "$CONFIG_AMD64" || return 1
  configure_for_fleet "$FLEET_ARM64" "$DEVICE_TYPE_ARM64" "$CONFIG_ARM64" || return 1
}

# Uploads IMAGE for device type TYPE with the administrator's token. The token goes through the
# environment, which other users cannot read, rather than the command line.
upload_os_image() {
  local image=$1 type=$2
  SLIPWAY_TOKEN=$ADMIN_TOKEN "$SLIPWAY" os upload "$image" --device-type "$type" \
    --version "$OS_VERSION" --json | jq -e --arg type "$type" '.deviceType == $type'
}

# Downloads the image configured for FLEET as its owner, extracts config.json to CONFIG and
# checks its fields.
configure_for_fleet() {
  local fleet=$1 type=$2 config=$3
  local base="$WORK/os-images/base-$type.img"
  local image="$WORK/os-images/$fleet.img"

  say "\$ ./slipway os download --fleet $ORG/$fleet --format img -o $image"
  check "the image configured for $ORG/$fleet downloads" \
    "$SLIPWAY" os download --fleet "$ORG/$fleet" --format img --output "$image" --quiet || return 1

  local offset
  offset=$(boot_partition_offset "$image")
  say "\$ mcopy -i '$image@@$offset' ::config.json $config"
  check "config.json is in the boot partition" extract_config "$image" "$offset" "$config" || return 1
  jq '.provisioningKey |= "\(.[0:8])... (hidden)" | .trustedKeys |= map("\(.[0:36])...")' \
    "$config" | indent

  check "config.json names fleet $ORG/$fleet, device type $type and the API at $API" \
    config_names_fleet "$config" "$fleet" "$type" || return 1
  check "config.json holds a provisioning key and the server's signing keys" \
    config_has_keys "$config" || return 1
  check "the root partition is byte for byte the uploaded one" \
    root_partition_unchanged "$base" "$image" || return 1
}

# Prints the byte offset of the partition named resin-boot in IMAGE.
boot_partition_offset() {
  sfdisk --json "$1" |
    jq -er '.partitiontable.partitions[] | select(.name == "resin-boot") | .start * 512'
}

extract_config() {
  local image=$1 offset=$2 config=$3
  (
    umask 077
    mcopy -n -i "$image@@$offset" ::config.json "$config"
  ) || return 1
  jq -e . "$config" >/dev/null
}

config_names_fleet() {
  local config=$1 fleet=$2 type=$3
  jq -e --arg fleet "$ORG/$fleet" --arg type "$type" --arg api "$API" '
    .fleet == $fleet and .deviceType == $type
    and (.apiEndpoint | rtrimstr("/")) == $api
    and (.registryEndpoint | rtrimstr("/")) == $api' "$config"
}

config_has_keys() {
  jq -e '(.provisioningKey | startswith("slp_")) and (.trustedKeys | length > 0)
    and (.trustedKeys | all(startswith("-----BEGIN PUBLIC KEY-----")))' "$1" >/dev/null
}

# Compares the second partition, the root filesystem, of the base and the configured image.
root_partition_unchanged() {
  local base=$1 configured=$2
  local start sectors
  start=$(sfdisk --json "$base" | jq -er '.partitiontable.partitions[1].start') || return 1
  sectors=$(sfdisk --json "$base" | jq -er '.partitiontable.partitions[1].size') || return 1
  cmp <(dd if="$base" bs=512 skip="$start" count="$sectors" status=none) \
    <(dd if="$configured" bs=512 skip="$start" count="$sectors" status=none)
}
