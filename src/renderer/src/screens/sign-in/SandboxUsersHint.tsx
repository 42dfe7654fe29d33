import { Fragment } from 'react';
import { sandboxUsers } from './sandbox-users.js';
import { totpSecretGroups } from './totp-secret-groups.js';

/** For the sandbox only: its seeded accounts, whose fixed passwords are public by design. */
export function SandboxUsersHint() {
  return (
    <section
      className="panel sandbox-users"
      aria-labelledby="sandbox-users-heading"
      data-testid="sandbox-users"
    >
      <h2 id="sandbox-users-heading">
        <span aria-hidden="true">⚠</span> Sandbox accounts
      </h2>
      <p>
        These accounts exist only in the sandbox on this computer. Their passwords are fixed and public on
        purpose; they work nowhere else.
      </p>
      <div className="sandbox-users-scroll">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Password</th>
              <th scope="col">What it shows</th>
            </tr>
          </thead>
          <tbody>
            {sandboxUsers.map((user) => (
              <Fragment key={user.username}>
                <tr className={user.totpSecret ? 'has-totp' : undefined}>
                  <td className="mono sandbox-user-name">{user.username}</td>
                  <td className="mono sandbox-user-password">
                    {user.password}
                    {user.temporary && (
                      <span className="sandbox-user-temporary">
                        temporary: works until changed at first sign-in
                      </span>
                    )}
                  </td>
                  <td>{user.purpose}</td>
                </tr>
                {user.totpSecret && (
                  <tr className="sandbox-user-totp">
                    <td colSpan={3}>
                      Authenticator key for {user.username}:{' '}
                      <span className="mono">{totpSecretGroups(user.totpSecret).join(' ')}</span> — or print
                      the current code with <span className="mono">npx tsx sandbox/sandbox-cli.ts totp</span>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
