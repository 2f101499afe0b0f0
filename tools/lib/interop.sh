# Interop stage of tools/test: the release server binary against real peers (aiortc, headless
# Chromium), all inside a network namespace that has only a loopback interface (nftables: the
# ICE-TCP tests drop UDP inside the namespaces they make).
INTEROP_APT_PACKAGES=(chromium chromium-driver python3-venv iproute2 nftables ffmpeg)

run_interop() {
  local out="$1"
  ensure_apt "${INTEROP_APT_PACKAGES[@]}"
  swift build -c release --product chobi-server
  swift build -c release --product chobi-load

  local venv="$ROOT/.build/interop-venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$ROOT/Tests/Interop/requirements.txt"

  # A fresh namespace per run: nothing from an earlier run, and no route off the machine.
  local ns="chobi-test-$$"
  ip netns add "$ns"
  trap "ip netns del $ns 2>/dev/null || true" RETURN
  ip -n "$ns" link set lo up

  local status=0
  ip netns exec "$ns" env CHOBI_SERVER_BIN="$ROOT/.build/release/chobi-server" \
    CHOBI_LOAD_BIN="$ROOT/.build/release/chobi-load" \
    "$venv/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$out/interop.xml" \
    "$ROOT/Tests/Interop" || status=$?
  return $status
}
