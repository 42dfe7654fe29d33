import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react';
import type { IpcResult } from '../../../../shared/ipc-result.js';
import type { SessionView } from '../../../../shared/view-models.js';
import { oneTimeCodeProblem } from './one-time-code.js';
import type { SignInCall } from './use-sign-in-call.js';

export interface OneTimeCodeSubmit {
  code: string;
  setCode: (code: string) => void;
  codeRef: RefObject<HTMLInputElement | null>;
  /** Why the code was not taken (typed wrong here, or refused by main), or null. */
  message: string | null;
  /** Checks the code, sends it, and answers main's reply (null when nothing was sent). */
  onSubmit: (event: FormEvent) => Promise<IpcResult<SessionView> | null>;
}

/**
 * The 6-digit code of an authenticator app, for both steps that ask for one (setting the app up,
 * and signing in with it): the field has the focus when the step appears, a code that is not six
 * digits is not sent, and a refused code is cleared so the next one is typed fresh.
 */
export function useOneTimeCodeSubmit(
  call: SignInCall,
  send: (code: string) => Promise<IpcResult<SessionView>>,
): OneTimeCodeSubmit {
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => codeRef.current?.focus(), []);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const found = oneTimeCodeProblem(code);
    setProblem(found);
    if (found) {
      codeRef.current?.focus();
      return null;
    }
    const result = await call.run(() => send(code));
    // A wrong or expired code: the next one is typed fresh.
    if (result && !result.ok) {
      setCode('');
      codeRef.current?.focus();
    }
    return result;
  };

  return { code, setCode, codeRef, message: problem ?? call.error, onSubmit };
}
