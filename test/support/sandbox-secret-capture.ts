import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningSandbox } from '../../sandbox/orchestrator/start-sandbox.js';
import type { Secret } from './secret-search.js';

/**
 * Records, at their source in the sandbox, the secrets a run hands out: every claim private key the
 * CA issues (CreateProvisioningClaim), every key pair it makes for CreateKeysAndCertificate, every
 * token and sign-in secret the user pool answers with, every IAM secret the identity pool issues,
 * and the certificate ownership tokens in the registry. Install before the station starts.
 */
export interface SandboxSecretCapture {
  /** Everything captured so far, labelled by kind and order (labels never hold the secret). */
  secrets(): Secret[];
  counts(): Record<string, number>;
}

/** Fields of Cognito's JSON answers that carry secrets (tokens, IAM keys, SRP's secret block). */
const cognitoSecretFields: Record<string, string> = {
  IdToken: 'Cognito ID token',
  AccessToken: 'Cognito access token',
  RefreshToken: 'Cognito refresh token',
  Session: 'Cognito sign-in session',
  SECRET_BLOCK: 'Cognito SRP secret block',
  SecretKey: 'IAM secret access key (identity pool answer)',
  SessionToken: 'IAM session token (identity pool answer)',
};

export function captureSandboxSecrets(sandbox: RunningSandbox): SandboxSecretCapture {
  const found = new Map<string, Secret>();
  const counts: Record<string, number> = {};
  const add = (kind: string, secret: (label: string) => Secret, value: string) => {
    if (found.has(value)) return;
    counts[kind] = (counts[kind] ?? 0) + 1;
    found.set(value, secret(`${kind} #${counts[kind]}`));
  };
  const addToken = (kind: string, text: string) =>
    add(kind, (label) => ({ kind: 'token', label, text }), text);
  const addKey = (kind: string, pem: string) =>
    add(kind, (label) => ({ kind: 'private-key', label, pem }), pem);

  const { ca } = sandbox;
  const issueClaim = ca.issueClaimCertificate.bind(ca);
  ca.issueClaimCertificate = async (input) => {
    const issued = await issueClaim(input);
    addKey('claim private key', issued.privateKeyPem);
    return issued;
  };
  const issueDevice = ca.issueDeviceCertificate.bind(ca);
  ca.issueDeviceCertificate = async (input) => {
    const issued = await issueDevice(input);
    if (issued.privateKeyPem) addKey('device private key made by AWS', issued.privateKeyPem);
    return issued;
  };

  const { credentials } = sandbox;
  const issueCredentials = credentials.issue.bind(credentials);
  credentials.issue = (input) => {
    const issued = issueCredentials(input);
    addToken('IAM secret access key', issued.secretAccessKey);
    addToken('IAM session token', issued.sessionToken);
    return issued;
  };

  const onCognitoAnswer = (body: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    const visit = (node: unknown) => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        const kind = cognitoSecretFields[key];
        if (kind && typeof value === 'string' && value.length > 0) addToken(kind, value);
        else visit(value);
      }
    };
    visit(parsed);
  };
  for (const service of [sandbox.userPool, sandbox.identityPool]) {
    const handle = service.handle.bind(service);
    service.handle = (req: IncomingMessage, res: ServerResponse) => {
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        const chunk = args[0];
        if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) onCognitoAnswer(chunk.toString());
        return end(...args);
      }) as ServerResponse['end'];
      handle(req, res);
    };
  }

  return {
    secrets() {
      for (const certificate of sandbox.registry.listCertificates()) {
        if (certificate.ownershipToken) addToken('certificate ownership token', certificate.ownershipToken);
      }
      return [...found.values()];
    },
    counts: () => ({ ...counts }),
  };
}
