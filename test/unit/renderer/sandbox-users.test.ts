import { describe, expect, it } from 'vitest';
import { seededUsers } from '../../../sandbox/orchestrator/sandbox-seed.js';
import { sandboxUsers } from '../../../src/renderer/src/screens/sign-in/sandbox-users.js';

describe('sandboxUsers (the sign-in hint)', () => {
  it('lists exactly the users the sandbox seeds, with their passwords and TOTP secret', () => {
    const seeded = Object.values(seededUsers).map((user) => ({
      username: user.username,
      password: 'password' in user ? user.password : user.temporaryPassword,
      temporary: 'temporaryPassword' in user,
      totpSecret: 'totpSecret' in user ? user.totpSecret : undefined,
    }));
    const shown = sandboxUsers.map(({ username, password, temporary, totpSecret }) => ({
      username,
      password,
      temporary,
      totpSecret,
    }));
    expect(shown).toEqual(seeded);
  });
});
