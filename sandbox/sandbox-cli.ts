import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseStationProfile, type StationProfile } from '../src/shared/station-profile-schema.js';
import { totpCode } from './cognito/totp.js';
import { requestClaimAsInstaller, writeClaimFiles } from './orchestrator/installer-claim.js';
import { DEFAULT_DATA_DIR, resetDataDir, sandboxDataPaths } from './orchestrator/sandbox-data-dir.js';
import { hookEnvironment } from '../backend-definition/pre-provisioning-hook.js';
import { DEVICE_POLICY_NAME, seededUsers } from './orchestrator/sandbox-seed.js';
import {
  serialNumberHookOptionsFrom,
  type SerialNumberHookOptions,
} from './orchestrator/serial-number-hook.js';
import { startSandbox, type RunningSandbox } from './orchestrator/start-sandbox.js';

/**
 * The sandbox on the command line (`npm run sandbox`):
 *   npx tsx sandbox/sandbox-cli.ts start [--data-dir D] [--profile-out P] [--port-base N] [--quiet]
 *                                        [--serial-pattern RE] [--deny-serial SN]…
 *   npx tsx sandbox/sandbox-cli.ts reset [--data-dir D]
 *   npx tsx sandbox/sandbox-cli.ts claim [--profile FILE] [--out DIR] [--username U]
 *   npx tsx sandbox/sandbox-cli.ts totp            current code of the seeded mfa-installer
 */

const usage = `usage: sandbox-cli start [--data-dir DIR] [--profile-out FILE] [--port-base N] [--quiet]
                         [--serial-pattern REGEX] [--deny-serial SERIAL]...
       sandbox-cli reset [--data-dir DIR]
       sandbox-cli claim [--data-dir DIR | --profile FILE] [--out DIR] [--username NAME]
       sandbox-cli totp

start   runs Cognito, the IoT control plane and the MQTT broker on 127.0.0.1 until Ctrl+C.
        --data-dir   state directory (default ${DEFAULT_DATA_DIR}); kept across restarts
        --profile-out  also write the station profile here (always written to DIR/station-profile.json)
        --port-base  Cognito on N, IoT control plane on N+1, MQTT on N+2 (default 8881: MQTT on 8883);
                     0 picks free ports
        --quiet      do not print one line per request and connection
        --serial-pattern  the pre-provisioning hook refuses serial numbers that do not match REGEX
                     as a whole (default: ${hookEnvironment.pattern}, else any serial number)
        --deny-serial  the hook refuses this serial number; repeat it or separate with commas
                     (default: ${hookEnvironment.denied}, else none)
reset   deletes the data directory (users, registry, CA, keys); refuses while a sandbox uses it
claim   signs in as an installer and writes a provisioning claim (certificate, key, CA) for a device
        --profile    station profile to use (default DIR/station-profile.json of the running sandbox)
        --out        where to write the files (default DIR/claim)
        --username   installer (default) or visitor; other users: password in SANDBOX_PASSWORD
totp    prints the current TOTP code of ${seededUsers.mfaInstaller.username}`;

const DEFAULT_PORT_BASE = 8881;

const startOptionsSchema = z.object({
  dataDir: z.string().min(1),
  profileOut: z.string().min(1).optional(),
  portBase: z.coerce
    .number()
    .int('--port-base must be a whole number')
    .refine((n) => n === 0 || (n >= 1024 && n <= 65533), '--port-base must be 0 or 1024-65533'),
});

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage);
    return command === undefined ? 2 : 0;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
      'profile-out': { type: 'string' },
      'port-base': { type: 'string', default: String(DEFAULT_PORT_BASE) },
      quiet: { type: 'boolean', default: false },
      profile: { type: 'string' },
      out: { type: 'string' },
      username: { type: 'string', default: seededUsers.installer.username },
      'serial-pattern': { type: 'string' },
      'deny-serial': { type: 'string', multiple: true },
    },
    strict: true,
  });
  switch (command) {
    case 'start': {
      const parsed = startOptionsSchema.safeParse({
        dataDir: values['data-dir'],
        profileOut: values['profile-out'],
        portBase: values['port-base'],
      });
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid options');
      return start(
        parsed.data,
        values.quiet,
        serialNumberRules(values['serial-pattern'], values['deny-serial']),
      );
    }
    case 'reset': {
      const result = resetDataDir(values['data-dir']);
      console.log(
        result.removed ? `Removed ${result.dir}.` : `${result.dir} does not exist; nothing to reset.`,
      );
      return 0;
    }
    case 'claim': {
      const dataDir = values['data-dir'];
      return claim({
        profilePath: values.profile ?? sandboxDataPaths(dataDir).profile,
        out: values.out ?? join(sandboxDataPaths(dataDir).dir, 'claim'),
        username: values.username,
      });
    }
    case 'totp': {
      console.log(totpCode(seededUsers.mfaInstaller.totpSecret, Date.now()));
      return 0;
    }
    default:
      console.error(`Unknown command "${command}".\n${usage}`);
      return 2;
  }
}

/** The hook's rules: each flag wins over the environment variable the hook Lambda reads. */
function serialNumberRules(
  pattern: string | undefined,
  denied: string[] | undefined,
): SerialNumberHookOptions {
  const fromEnvironment = serialNumberHookOptionsFrom(process.env);
  const deniedFlags = denied?.flatMap((value) => value.split(',')).map((serial) => serial.trim());
  return {
    ...(pattern !== undefined
      ? { pattern }
      : fromEnvironment.pattern !== undefined
        ? { pattern: fromEnvironment.pattern }
        : {}),
    denied: deniedFlags?.filter(Boolean) ?? fromEnvironment.denied ?? [],
  };
}

async function start(
  options: z.infer<typeof startOptionsSchema>,
  quiet: boolean,
  rules: SerialNumberHookOptions,
): Promise<number> {
  const base = options.portBase;
  const sandbox = await startSandbox({
    dataDir: options.dataDir,
    serialNumberRules: rules,
    ports: base === 0 ? {} : { cognito: base, controlPlane: base + 1, mqtt: base + 2 },
    ...(options.profileOut !== undefined ? { profilePath: options.profileOut } : {}),
    log: quiet ? () => {} : (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  // Listening before "Press Ctrl+C" is printed: a signal sent on reading it must find the handler.
  const stopRequested = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      console.log(`\n${signal}: stopping the sandbox…`);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  console.log(summary(sandbox));
  await stopRequested;
  await sandbox.stop();
  console.log('Sandbox stopped; state kept in', sandbox.dataPaths?.dir ?? '(memory)');
  return 0;
}

async function claim(options: { profilePath: string; out: string; username: string }): Promise<number> {
  const profile = readProfile(options.profilePath);
  const seeded = Object.values(seededUsers).find((user) => user.username === options.username);
  const password =
    process.env['SANDBOX_PASSWORD'] ?? (seeded && 'password' in seeded ? seeded.password : undefined);
  if (password === undefined) {
    throw new Error(
      `No password for ${options.username}: put it in the SANDBOX_PASSWORD environment variable.`,
    );
  }
  const issued = await requestClaimAsInstaller({ profile, username: options.username, password });
  const files = writeClaimFiles(issued, profile, options.out);
  const seconds = Math.round((issued.expiration.getTime() - Date.now()) / 1000);
  console.log(
    [
      `Claim ${issued.certificateId.slice(0, 12)}… for template ${profile.iot.templateName}, valid ${seconds} s (until ${issued.expiration.toISOString()}).`,
      `  certificate  ${files.certificate}`,
      `  private key  ${files.privateKey}`,
      ...(files.caCertificate ? [`  CA to trust  ${files.caCertificate}`] : []),
      `  broker       ${profile.iot.dataEndpoint} (mutual TLS, MQTT 3.1.1 or 5): ${sdkEndpointText(profile)}`,
      `  RegisterThing parameters: {"SerialNumber": "<serial>", "Model": "<optional>"}`,
    ].join('\n'),
  );
  return 0;
}

function readProfile(path: string): StationProfile {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `Cannot read the station profile ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
        'start the sandbox first or pass --profile.',
      { cause: error },
    );
  }
  const parsed = parseStationProfile(document);
  if (!parsed.ok) throw new Error(`${path} is not a station profile: ${parsed.problem}`);
  return parsed.profile;
}

/** Device SDKs take the endpoint as a bare host name and the port apart, as AWS's DescribeEndpoint gives it. */
function sdkEndpointText(profile: StationProfile): string {
  const { dataEndpoint } = profile.iot;
  const separator = dataEndpoint.lastIndexOf(':');
  return `SDKs: endpoint ${dataEndpoint.slice(0, separator)}, port ${dataEndpoint.slice(separator + 1)}`;
}

function summary(sandbox: RunningSandbox): string {
  const { profile, users, endpoints } = sandbox;
  const lines = [
    '',
    `Provisioning Station sandbox — ${profile.region}, account ${sandbox.accountId}`,
    `  Cognito user pool + identity pool  ${endpoints.cognito}`,
    `  IoT control plane                  ${endpoints.controlPlane}`,
    `  IoT MQTT broker (mutual TLS)       ${profile.iot.dataEndpoint} (${sdkEndpointText(profile)})`,
    `  user pool ${profile.cognito.userPoolId}, app client ${profile.cognito.userPoolClientId}`,
    `  identity pool ${profile.cognito.identityPoolId}`,
    `  template ${profile.iot.templateName}, device policy ${DEVICE_POLICY_NAME}`,
    ...sandbox.functions.map(
      (fn) => `  pre-provisioning hook ${fn.functionArn}: ${hookRulesText(fn.environment)}`,
    ),
    '',
    'Users (sandbox-only passwords):',
    `  ${users.installer.username.padEnd(14)} ${users.installer.password.padEnd(24)} group installers`,
    `  ${users.mfaInstaller.username.padEnd(14)} ${users.mfaInstaller.password.padEnd(24)} group installers, TOTP secret ${users.mfaInstaller.totpSecret}`,
    `  ${users.visitor.username.padEnd(14)} ${users.visitor.password.padEnd(24)} not an installer (no IoT rights)`,
    `  ${users.newhire.username.padEnd(14)} ${users.newhire.temporaryPassword.padEnd(24)} temporary password, must choose a new one`,
    '  (users keep any password they changed until "reset")',
    '',
    `Station profile: ${sandbox.profilePaths.join(', ') || '(not written)'}`,
    `  start the station with STATION_PROFILE=${sandbox.profilePaths.at(-1) ?? '<profile>'}`,
    `CA certificate for devices: ${sandbox.dataPaths?.caCertificate ?? '(in the profile: iot.caCertificatePem)'}`,
    sandbox.seeded.length > 0
      ? `Seeded: ${sandbox.seeded.join(', ')}`
      : 'Seed already present; nothing created.',
    ...(sandbox.seedUpdated.length > 0
      ? [`Brought back to backend-definition/: ${sandbox.seedUpdated.join(', ')}`]
      : []),
    '',
    'Press Ctrl+C to stop.',
  ];
  return lines.join('\n');
}

function hookRulesText(environment: Readonly<Record<string, string>>): string {
  const pattern = environment[hookEnvironment.pattern];
  const denied = environment[hookEnvironment.denied];
  const rules = [
    ...(pattern !== undefined ? [`serial numbers must match ${pattern}`] : []),
    ...(denied !== undefined ? [`denied ${denied}`] : []),
  ];
  return rules.length > 0 ? rules.join('; ') : 'every serial number allowed';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`sandbox: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
