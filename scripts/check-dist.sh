#!/usr/bin/env bash
# dist/ must be exactly what a fresh build writes: the runner executes it, not src/.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
node scripts/build.mjs >/dev/null
changes=$(git status --porcelain -- dist)
if [ -n "$changes" ]; then
  echo "dist/ differs from a fresh build; run 'npm run build' and commit dist/:" >&2
  echo "$changes" >&2
  exit 1
fi
echo "dist/ matches a fresh build"
