/**
 * Last line of defence: nothing that looks like key, certificate or token material may leave the
 * main process towards the renderer. View models never should carry any; if one ever does, the
 * message is dropped and the bug is loud.
 */
const secretPatterns: { name: string; pattern: RegExp }[] = [
  { name: 'PEM block', pattern: /-----BEGIN [A-Z0-9 ]+-----/ },
  { name: 'JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/ },
  { name: 'AWS access key id', pattern: /\b(AKIA|ASIA)[A-Z0-9]{12,}\b/ },
];

const secretKeyNames =
  /^(privatekey|certificatepem|secretkey|secretaccesskey|sessiontoken|idtoken|accesstoken|refreshtoken|certificateownershiptoken|keypair)$/i;

export class SecretLeakError extends Error {
  constructor(where: string, what: string) {
    super(`Refused to send ${what} to the renderer (at ${where}).`);
    this.name = 'SecretLeakError';
  }
}

/** Throws SecretLeakError when the value holds anything secret-shaped, by key name or by content. */
export function assertNoSecrets(value: unknown, where = '$'): void {
  if (typeof value === 'string') {
    for (const { name, pattern } of secretPatterns) {
      if (pattern.test(value)) throw new SecretLeakError(where, `a ${name}`);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertNoSecrets(item, `${where}[${index}]`));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (secretKeyNames.test(key) && item !== null && item !== undefined) {
        throw new SecretLeakError(`${where}.${key}`, `a field named ${key}`);
      }
      assertNoSecrets(item, `${where}.${key}`);
    }
  }
}
