// Generated from assets/udev/99-provisioning-station.rules by test/unit/health/udev-rule-text.test.ts:
// do not edit. After a change to the rule, run `npx vitest run test/unit/health/udev-rule-text.test.ts -u`.

/**
 * The station's udev rule without its comments, one rule a line: what a Bench health hint writes to
 * /etc/udev/rules.d where the deb did not install it (AppImage, npm start). A module, not a file read
 * at run time, so the core carries it in every way it runs (electron-vite bundle, tsx, vitest).
 */
export const udevRuleLines: readonly string[] = [
  'SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"',
  'SUBSYSTEM=="tty", ATTRS{idVendor}=="10c4", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"',
  'SUBSYSTEM=="tty", ATTRS{idVendor}=="1a86", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"',
  'SUBSYSTEM=="tty", ATTRS{idVendor}=="303a", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"',
  'SUBSYSTEM=="tty", KERNEL=="ttyACM[0-9]*", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"',
];
