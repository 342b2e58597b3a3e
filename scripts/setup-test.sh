#!/usr/bin/env bash
# Installs everything the test suite talks through, on a fresh Debian machine:
# the Debian clients (aws-cli v2, boto3 and cryptography for /usr/bin/python3, s3cmd), headless
# Chromium for the console and report tests, PostgreSQL for cluster mode, and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/aws ] || need+=(awscli)
/usr/bin/python3 -c 'import boto3' 2>/dev/null || need+=(python3-boto3)
command -v s3cmd >/dev/null 2>&1 || need+=(s3cmd)
/usr/bin/python3 -c 'import cryptography' 2>/dev/null || need+=(python3-cryptography)
[ -x /usr/bin/chromium ] || need+=(chromium)
# Debian's package keeps initdb in /usr/lib/postgresql/<version>/bin, off PATH (test/postgres.ts looks there).
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
npm ci --no-audit --no-fund
