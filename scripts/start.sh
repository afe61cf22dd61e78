#!/usr/bin/env bash
# Installs the studio's dependencies and serves it at http://localhost:5173 (cross-origin isolated).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
exec npx vite --host 127.0.0.1 --port 5173
