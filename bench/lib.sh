# Helpers shared by the benchmark scripts under bench/. Source it after defining log and die and
# setting REPO; it defines install_missing and find_jar.

# Installs from Debian the package of each TOOL=PACKAGE argument whose tool is not on the PATH.
# Without root, stops and names the packages to install.
install_missing() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  if [[ $(id -u) != 0 ]]; then
    die "missing packages ${missing[*]}: run as root, or apt-get install -y ${missing[*]}"
  fi
  log "installing ${missing[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Sets SLIPWAY_JAR, unless it is set already, to cli/target's fat jar, which the ./slipway
# launcher first builds when it is missing or older than the sources. Then sets SLIPWAY_COMMIT,
# unless it is set, to this checkout's commit.
find_jar() {
  if [[ -n ${SLIPWAY_JAR:-} ]]; then
    [[ -f $SLIPWAY_JAR ]] || die "SLIPWAY_JAR=$SLIPWAY_JAR does not exist"
    return
  fi
  "$REPO/slipway" --version >/dev/null || die "./slipway could not build or run the Slipway jar"
  SLIPWAY_JAR=$(ls -t "$REPO"/cli/target/slipway-cli-*-exec.jar 2>/dev/null | head -n 1 || true)
  [[ -n $SLIPWAY_JAR ]] || die "found no cli/target/slipway-cli-*-exec.jar after ./slipway --version"
  SLIPWAY_COMMIT=${SLIPWAY_COMMIT:-$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || true)}
}
