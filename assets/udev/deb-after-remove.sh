#!/bin/sh
# postrm of the Provisioning Station deb: undoes what deb-after-install.sh set up. It replaces
# electron-builder's own after-remove, so it also removes the command link and the AppArmor profile.
set -e

app_dir='/opt/${sanitizedProductName}'
executable='${executable}'
rule=99-provisioning-station.rules
rules_dir=/etc/udev/rules.d

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

rm -f "$rules_dir/$rule"
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules || true
fi
