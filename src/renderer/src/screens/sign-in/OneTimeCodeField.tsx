import type { RefObject } from 'react';
import { oneTimeCodeFrom } from './one-time-code.js';

/** The 6 digits of an authenticator app: numeric keypad, one-time-code autofill, spaces dropped. */
export function OneTimeCodeField({
  id,
  value,
  onChange,
  inputRef,
  invalid,
  describedBy,
}: {
  id: string;
  value: string;
  onChange: (code: string) => void;
  inputRef: RefObject<HTMLInputElement | null>;
  invalid: boolean;
  describedBy: string | undefined;
}) {
  return (
    <>
      <label htmlFor={id}>6-digit code</label>
      <input
        id={id}
        ref={inputRef}
        className="one-time-code"
        value={value}
        onChange={(event) => onChange(oneTimeCodeFrom(event.target.value))}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]*"
        spellCheck={false}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        data-testid="one-time-code"
      />
    </>
  );
}
