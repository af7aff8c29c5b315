#!/usr/bin/env bash
# Proves the binary's module graph embeds: runs the exact `deno task compile`
# command from deno.json, with the output redirected to .ci/out/ and the local
# `deno` standing in for denort (denort itself cannot be downloaded here, so
# the result is not a working binary; it does carry the embedded graph).
# Fails when a module, npm package or text import (CRDs) cannot be embedded.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.ci/out
mkdir -p "$OUT"

task=$(deno eval --quiet \
  'console.log(JSON.parse(Deno.readTextFileSync("deno.json")).tasks.compile)')
cmd=${task/--output dist\/dr-syncer/--output $OUT\/dr-syncer}
if [ "$cmd" = "$task" ]; then
  echo "compile-check: the compile task has no '--output dist/dr-syncer'" >&2
  exit 1
fi

DENORT_BIN=$(command -v deno)
export DENORT_BIN
# shellcheck disable=SC2086 # the task is a flat list of flags, split on purpose
$cmd >"$OUT/compile.log" 2>&1 || { cat "$OUT/compile.log" >&2; exit 1; }

# CRDs are text imports: the binary must carry them for `dr-syncer crds`.
if compgen -G "crds/*.yaml" >/dev/null &&
  ! grep -a -q "kind: CustomResourceDefinition" "$OUT/dr-syncer"; then
  echo "compile-check: CRD manifests are not embedded in the binary" >&2
  exit 1
fi
runtime=$(stat -L -c %s "$DENORT_BIN")
binary=$(stat -c %s "$OUT/dr-syncer")
echo "compile-check: ok, embedded graph $(((binary - runtime) / 1024)) KiB"
