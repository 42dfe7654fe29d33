#!/bin/sh
# Installs the station's udev rules and reloads udev so plugged-in adapters get the right access.
set -e
install -m 0644 "/opt/Provisioning Station/udev/99-provisioning-station.rules" /etc/udev/rules.d/99-provisioning-station.rules
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=tty || true
fi
