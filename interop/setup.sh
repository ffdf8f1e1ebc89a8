#!/usr/bin/env bash
# Installs the real SMPP peers used by the interop tests into target/interop/:
#   target/interop/node   npm package `smpp` (node-smpp, farhadi)   -> node_modules/smpp
#   target/interop/venv   pip package `smpplib` (python-smpplib)    -> venv/bin/python
#
# Idempotent: a peer that is already installed is skipped. Registries come from the usual
# client configuration (npm_config_registry, PIP_INDEX_URL, ...). Exits non-zero with a
# one-line reason on stderr (prefixed "interop setup:") when a peer cannot be installed.
#
# Environment:
#   SMPP_INTEROP_DIR       install root (default: <repo>/target/interop)
#   SMPP_NODE_SMPP_VERSION npm version spec for `smpp`     (default: 0.5.1, the `latest` tag)
#   SMPP_SMPPLIB_VERSION   pip version spec for `smpplib`  (default: ==2.2.4)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
dest="${SMPP_INTEROP_DIR:-$root/target/interop}"
node_ver="${SMPP_NODE_SMPP_VERSION-0.5.1}"
smpplib_ver="${SMPP_SMPPLIB_VERSION-==2.2.4}"

say() { echo "interop setup: $*" >&2; }
fail() {
    say "FAILED: $*"
    exit 1
}

mkdir -p "$dest" || fail "cannot create $dest"
# Serialise concurrent runs (several test binaries, nextest) on one install directory.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$dest/.setup.lock"
    flock 9
fi

# ---- node-smpp -------------------------------------------------------------------------
node_dir="$dest/node"
installed_node_ver() {
    node -p "require('$node_dir/node_modules/smpp/package.json').version" 2>/dev/null || true
}
if [ -f "$node_dir/node_modules/smpp/package.json" ] && [ "$(installed_node_ver)" = "$node_ver" ]; then
    say "node-smpp already installed in $node_dir (skipping)"
else
    command -v node >/dev/null 2>&1 || fail "node is not installed (need node >= 14)"
    command -v npm >/dev/null 2>&1 || fail "npm is not installed"
    say "installing npm package smpp@${node_ver} into $node_dir ..."
    mkdir -p "$node_dir"
    # A package.json of our own keeps npm from walking up into the repository.
    [ -f "$node_dir/package.json" ] || echo '{"name":"smpp-interop-peers","private":true}' >"$node_dir/package.json"
    log="$node_dir/npm-install.log"
    if ! npm install --prefix "$node_dir" --no-audit --no-fund --no-save --fetch-retries=1 \
        --fetch-timeout=20000 "smpp@${node_ver}" >"$log" 2>&1; then
        tail -n 5 "$log" >&2 || true
        fail "npm install smpp@${node_ver} failed (registry $(npm config get registry 2>/dev/null) unreachable?); log: $log"
    fi
    [ -f "$node_dir/node_modules/smpp/package.json" ] || fail "npm install finished but node_modules/smpp is missing"
    say "node-smpp $(installed_node_ver) installed"
fi

# ---- python-smpplib --------------------------------------------------------------------
venv="$dest/venv"
installed_smpplib_ver() {
    "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("smpplib"))' 2>/dev/null || true
}
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import smpplib.gsm' >/dev/null 2>&1 &&
    { [ "${smpplib_ver#==}" = "$smpplib_ver" ] || [ "$(installed_smpplib_ver)" = "${smpplib_ver#==}" ]; }; then
    say "python-smpplib already installed in $venv (skipping)"
else
    py="${PYTHON:-python3}"
    command -v "$py" >/dev/null 2>&1 || fail "$py is not installed"
    if [ ! -x "$venv/bin/python" ]; then
        say "creating venv $venv ..."
        "$py" -m venv "$venv" || fail "python3 -m venv failed (is python3-venv installed?)"
    fi
    say "installing pip package smpplib${smpplib_ver} into $venv ..."
    log="$dest/pip-install.log"
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check --retries 1 --timeout 20 \
        "smpplib${smpplib_ver}" >"$log" 2>&1; then
        tail -n 5 "$log" >&2 || true
        fail "pip install smpplib${smpplib_ver} failed (package index unreachable?); log: $log"
    fi
    "$venv/bin/python" -c 'import smpplib.gsm' || fail "smpplib installed but 'import smpplib.gsm' fails"
    say "python-smpplib $(installed_smpplib_ver) installed"
fi

say "ok: node=$(command -v node) NODE_PATH=$node_dir/node_modules python=$venv/bin/python"
