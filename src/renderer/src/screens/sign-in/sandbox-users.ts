/**
 * The users every sandbox is seeded with (sandbox/orchestrator/sandbox-seed.ts; documented in
 * sandbox/README.md). Their passwords are fixed and public on purpose — they exist only in the
 * sandbox on this computer — so the sign-in screen lists them when the profile is the sandbox.
 */
export interface SandboxUser {
  username: string;
  password: string;
  /** Whether the password is a temporary one that must be replaced at the first sign-in. */
  temporary: boolean;
  /** What signing in as this user shows. */
  purpose: string;
  /** The Base32 TOTP secret for the authenticator app, where the user has MFA. */
  totpSecret?: string;
}

export const sandboxUsers: readonly SandboxUser[] = [
  {
    username: 'installer',
    password: 'Installer-Passw0rd!',
    temporary: false,
    purpose: 'Installer: may provision devices.',
  },
  {
    username: 'visitor',
    password: 'Visitor-Passw0rd!',
    temporary: false,
    purpose: 'Signed in, but not an installer: may not provision.',
  },
  {
    username: 'newhire',
    password: 'Newhire-Temp0rary!',
    temporary: true,
    purpose: 'Asks for a new password first; after that, sign in with the one you chose.',
  },
  {
    username: 'mfa-installer',
    password: 'MfaInstaller-Passw0rd!',
    temporary: false,
    purpose: 'Installer with an authenticator app: asks for a 6-digit code.',
    totpSecret: 'SANDBOXMFAINSTALLERTOTPSECRETAAA',
  },
];
