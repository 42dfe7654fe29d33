#!/usr/bin/env bash
# Installs the Debian packages the station's tests and tools need, only those missing (idempotent).
# chromium: the e2e harness browser; xvfb: a display for Electron where its binary exists;
# socat: pseudo-terminal serial ports; udev: udevadm, which serialport uses to list USB ports;
# shellcheck: checks the deb's install scripts.
set -euo pipefail
packages=(chromium xvfb socat udev shellcheck)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
