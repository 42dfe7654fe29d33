#!/bin/sh
# postrm of the Provisioning Station deb: undoes what deb-after-install.sh set up. It replaces
# electron-builder's own after-remove, so it also removes the command link and the AppArmor profile.
# The udev rule is a file of the package, which dpkg has removed by now; an admin's override of it in
# /etc/udev/rules.d is the admin's and stays.
set -e

app_dir='/opt/${sanitizedProductName}'
executable='${executable}'

case "$1" in
  upgrade | failed-upgrade | abort-install | abort-upgrade | disappear)
    # Another version takes over (its postinst sets everything up again) or nothing was set up.
    exit 0
    ;;
esac

if command -v update-alternatives >/dev/null 2>&1; then
  update-alternatives --remove "$executable" "$app_dir/$executable" || true
else
  rm -f "/usr/bin/$executable"
fi

profile="/etc/apparmor.d/$executable"
if [ -f "$profile" ]; then
  if command -v apparmor_status >/dev/null 2>&1 && apparmor_status --enabled >/dev/null 2>&1 &&
    ! { command -v ischroot >/dev/null 2>&1 && ischroot; }; then
    apparmor_parser --remove "$profile" || true
  fi
  rm -f "$profile"
fi

# Adapters plugged in later no longer get the rule's group and mode.
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload || true
fi
