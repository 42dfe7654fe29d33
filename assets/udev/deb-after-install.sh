#!/bin/sh
# postinst of the Provisioning Station deb. electron-builder fills in the two names below when it
# builds the package. This script replaces electron-builder's own after-install, so it does that
# one's work too (the command on PATH, the Chromium sandbox helper, the desktop caches, the AppArmor
# profile), then has udev apply the package's rule that lets the dialout group open bench serial
# adapters. dpkg runs it with `configure <the version configured before; empty on a first install>`,
# or with `abort-…` after a failed upgrade or removal.
set -e

app_dir='/opt/${sanitizedProductName}'
executable='${executable}'
# The rule is a file of the package (electron-builder.yml, deb.fpm), so dpkg replaces it on upgrade
# and removes it with the package. A file of the same name in /etc/udev/rules.d is the admin's
# override: udev reads it instead, and this script leaves it alone (bar the one case below).
packaged_rule=/usr/lib/udev/rules.d/99-provisioning-station.rules
local_rule=/etc/udev/rules.d/99-provisioning-station.rules

# The command on PATH, through update-alternatives where the system has it.
link="/usr/bin/$executable"
if command -v update-alternatives >/dev/null 2>&1; then
  # A plain link from an install without alternatives would block the alternative.
  if [ -L "$link" ] && [ "$(readlink "$link")" != "/etc/alternatives/$executable" ]; then
    rm -f "$link"
  fi
  update-alternatives --install "$link" "$executable" "$app_dir/$executable" 100 ||
    ln -sf "$app_dir/$executable" "$link"
else
  ln -sf "$app_dir/$executable" "$link"
fi

# Chromium sandboxes with user namespaces where the kernel offers them; elsewhere it needs its
# helper setuid root.
if [ -L /proc/self/ns/user ] && unshare --user true >/dev/null 2>&1; then
  chmod 0755 "$app_dir/chrome-sandbox" || true
else
  chmod 4755 "$app_dir/chrome-sandbox" || true
fi

if command -v update-mime-database >/dev/null 2>&1; then
  update-mime-database /usr/share/mime || true
fi
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database /usr/share/applications || true
fi

# Ubuntu 24.04 and later allow user namespaces only to programs with an AppArmor profile;
# electron-builder puts one in resources/. An AppArmor too old to read it goes without (the app runs
# there without a profile).
if command -v apparmor_status >/dev/null 2>&1 && apparmor_status --enabled >/dev/null 2>&1; then
  if apparmor_parser --skip-kernel-load --debug "$app_dir/resources/apparmor-profile" >/dev/null 2>&1; then
    cp -f "$app_dir/resources/apparmor-profile" "/etc/apparmor.d/$executable"
    # In a chroot (an image being prepared) the profile loads at the next boot instead.
    if ! { command -v ischroot >/dev/null 2>&1 && ischroot; }; then
      apparmor_parser --replace --write-cache --skip-read-cache "/etc/apparmor.d/$executable" ||
        echo "Provisioning Station: the AppArmor profile loads at the next boot."
    fi
  else
    echo "Provisioning Station: this AppArmor cannot read the bundled profile; installed without it."
  fi
fi

# Earlier versions copied the rule into /etc/udev/rules.d, where it would shadow the packaged rule
# for good. On an upgrade such a copy goes, but only while it is byte for byte the packaged rule
# (so removing it changes nothing udev does); an admin's edited copy stays and keeps overriding.
if [ "$1" = configure ] && [ -n "$2" ] && cmp -s "$packaged_rule" "$local_rule"; then
  rm -f "$local_rule"
fi

if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload || true
  # Adapters already plugged in get the new group and mode now, not at their next plug-in.
  udevadm trigger --subsystem-match=tty --action=change || true
fi

echo "Provisioning Station: operators open serial adapters as members of the dialout group."
echo "Add each operator once, then have them log out and back in:"
echo "    sudo usermod -aG dialout <user name>"
