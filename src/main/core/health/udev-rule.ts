import { stat } from 'node:fs/promises';
import { udevRuleLines } from './udev-rule-text.js';

/**
 * Where the station's udev rule (assets/udev/99-provisioning-station.rules) lives and how a Bench
 * health hint installs it. The deb ships it as a file of the package in /usr/lib/udev/rules.d (dpkg
 * replaces it on upgrade and removes it with the package). A file of the same name in
 * /etc/udev/rules.d replaces it for udev; that one is the admin's, and no package writes it. Every
 * other way of running (AppImage, npm start) installs the rule there by hand.
 */

export const udevRuleFileName = '99-provisioning-station.rules';

/** The deb's copy (electron-builder.yml, deb.fpm). */
export const packagedUdevRulesPath = `/usr/lib/udev/rules.d/${udevRuleFileName}`;

/** The admin's copy, which udev reads instead of the packaged one. */
export const localUdevRulesPath = `/etc/udev/rules.d/${udevRuleFileName}`;

/** Rereads the rules and applies them to the serial adapters already plugged in, as the deb's after-install does. */
export const udevReloadCommand =
  'sudo udevadm control --reload && sudo udevadm trigger --subsystem-match=tty --action=change';

/**
 * Writes the rule's lines to /etc/udev/rules.d, unless a file of that name is there already (an
 * admin's, perhaps with a vendor added: it stays), then applies the rules. Needs nothing but a shell
 * and sudo, so it serves every way of running; run again, it changes nothing.
 */
export function udevRuleInstallCommand(): string {
  const lines = udevRuleLines.map(shellQuote).join(' ');
  return `[ -e ${localUdevRulesPath} ] || printf '%s\\n' ${lines} | sudo tee ${localUdevRulesPath} >/dev/null && ${udevReloadCommand}`;
}

/** One word for a POSIX shell (and fish): single quotes, with any single quote inside closed and escaped. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Whether the deb's rule is installed: a file (or a link to one) at `path`. */
export async function isUdevRuleInstalled(path = packagedUdevRulesPath): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
