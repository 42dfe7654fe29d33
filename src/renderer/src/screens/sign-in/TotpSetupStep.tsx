import { type FormEvent, useEffect, useState } from 'react';
import { QrCode } from '../../components/QrCode.js';
import { useStationStore } from '../../store/use-station-state.js';
import { ClipboardSecret } from './clipboard-secret.js';
import { OneTimeCodeField } from './OneTimeCodeField.js';
import { StepFooter } from './StepFooter.js';
import { totpSecretGroups } from './totp-secret-groups.js';
import { useOneTimeCodeSubmit } from './use-one-time-code-submit.js';
import type { ChallengeStepProps } from './use-sign-in-call.js';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * The pool requires an authenticator app and this account has none yet: the app is set up from
 * the QR code (or the key typed in), and its first code proves it. The secret is shown on this
 * step only and kept in its React state only — never stored, never logged.
 */
export function TotpSetupStep({
  username,
  setup: offered,
  call,
  onStartAgain,
}: ChallengeStepProps & { setup: { secret: string; otpauthUri: string } | undefined }) {
  const store = useStationStore();
  const [setup] = useState(offered);
  const [copy, setCopy] = useState<CopyState>('idle');
  const [clipboard] = useState(() => new ClipboardSecret(navigator.clipboard));
  const { code, setCode, codeRef, message, onSubmit } = useOneTimeCodeSubmit(call, (typed) =>
    store.api.session.answer({ step: 'totp-setup', code: typed }),
  );

  // Leaving set-up (signed in, Start again, another screen) wipes a key we put on the clipboard.
  useEffect(() => {
    clipboard.begin();
    return () => void clipboard.clear();
  }, [clipboard]);

  const copySecret = async () => {
    if (!setup) return;
    setCopy((await clipboard.copy(setup.secret)) ? 'copied' : 'failed');
  };

  const submit = async (event: FormEvent) => {
    const result = await onSubmit(event);
    if (result?.ok) await clipboard.clear();
  };

  return (
    <form className="stack sign-in-form" onSubmit={(event) => void submit(event)} noValidate>
      <h2>Set up your authenticator app</h2>
      <p>
        {username ? <strong>{username}</strong> : 'This account'} must sign in with a code from an
        authenticator app (for example Google Authenticator, Microsoft Authenticator or 1Password).
      </p>
      {setup ? (
        <div className="totp-setup" data-testid="totp-setup">
          <ol className="totp-steps">
            <li>In the authenticator app, add an account.</li>
            <li>Scan this QR code with it — or type the key below.</li>
            <li>Type the 6-digit code the app then shows, and press Confirm.</li>
          </ol>
          <div className="totp-qr">
            <QrCode value={setup.otpauthUri} label="QR code to scan with your authenticator app" size={208} />
          </div>
          <p className="totp-key-line">
            <span id="totp-key-label">Key to type in instead:</span>{' '}
            <code className="totp-key" data-testid="totp-secret">
              {totpSecretGroups(setup.secret).join(' ')}
            </code>
          </p>
          {clipboard.canCopy && (
            <div className="button-row">
              <button
                type="button"
                className="secondary"
                onClick={() => void copySecret()}
                aria-describedby="totp-copy-clears"
              >
                Copy key
              </button>
              <span id="totp-copy-clears" className="field-hint" data-testid="totp-copy-clears">
                Cleared from the clipboard after set-up.
              </span>
              <span role="status" className="muted">
                {copy === 'copied'
                  ? 'Copied. Paste it into the authenticator app.'
                  : copy === 'failed'
                    ? 'Could not copy here; type the key instead.'
                    : ''}
              </span>
            </div>
          )}
          <p className="field-hint">
            This key is shown only now. Keep it nowhere else: the authenticator app is where it belongs.
          </p>
        </div>
      ) : (
        <p className="sign-in-error" data-testid="totp-setup-missing">
          <span aria-hidden="true">✖</span> The set-up key is no longer available on this screen. Press “Start
          again” and sign in with your password to get a new one.
        </p>
      )}
      <OneTimeCodeField
        id="totp-setup-code"
        value={code}
        onChange={setCode}
        inputRef={codeRef}
        invalid={message !== null}
        describedBy={message !== null ? 'sign-in-error' : undefined}
      />
      <StepFooter
        message={message}
        busy={call.busy}
        submitLabel="Confirm"
        busyLabel="Checking…"
        submitTestId="totp-setup-submit"
        onStartAgain={onStartAgain}
      />
    </form>
  );
}
