/**
 * Sign-in with Amazon Cognito happens in main; this screen will collect the operator's name,
 * password and MFA code. Until the sign-in service lands, it says so instead of pretending.
 */
export function SignInScreen({ onContinue }: { onContinue: () => void }) {
  return (
    <main className="screen sign-in" aria-labelledby="sign-in-heading">
      <div className="panel narrow">
        <h1 id="sign-in-heading">Sign in</h1>
        <p className="muted">
          Operators sign in with their Cognito account. Sign-in is not available in this build yet; you can
          look at the batch queue and the tethered devices.
        </p>
        <form className="stack" onSubmit={(event) => event.preventDefault()}>
          <label htmlFor="username">User name</label>
          <input id="username" autoComplete="username" disabled />
          <label htmlFor="password">Password</label>
          <input id="password" type="password" autoComplete="current-password" disabled />
          <button type="submit" disabled>
            Sign in
          </button>
        </form>
        <button type="button" className="link-button" onClick={onContinue}>
          Continue to the batch queue
        </button>
      </div>
    </main>
  );
}
