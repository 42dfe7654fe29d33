import { createPrivateKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEMPLATE_NAME } from '../../../sandbox/orchestrator/sandbox-seed.js';
import type { RunView } from '../../../src/shared/view-models.js';
import { SecretSearch, type Haystack, type Secret, type SecretHit } from '../../support/secret-search.js';
import { csvRecords } from '../../support/csv-records.js';
import { derFingerprint } from '../engine/engine-checks.js';
import { STATION_ID, startStationWorld, type StationWorld } from './station-world.js';

/**
 * The station core driven only through the IPC contract, as the renderer drives it: sign-in,
 * templates, a batch in two bays whose devices join by themselves (discovery polls two folders of
 * simulated devices: three offering CSR and keys there from the start, three keys-only plugged in
 * mid-batch, one of which AWS rejects), history and exports checked against the sandbox registry. Then the proof that none of the run's
 * secrets — claim keys, device keys, Cognito tokens, IAM secrets, passwords — reached the renderer,
 * a log line, the console or a file, and that the same search does find a planted one.
 */

let world: StationWorld;
const csrSerials: string[] = [];
const keysSerials: string[] = [];
let rejectedSerial = '';
let batchId = '';

const final = (run: RunView) => run.phase === 'done' || run.phase === 'failed' || run.phase === 'cancelled';

beforeAll(async () => {
  world = await startStationWorld({
    fleets: [
      { seed: 0x51, count: 3, modes: ['csr', 'keys'] },
      // Plugged in while the batch runs.
      {
        seed: 0x52,
        count: 3,
        modes: ['keys'],
        faults: [{ name: 'reject-provisioning', target: '2' }],
        later: true,
      },
    ],
  });
});

function classify(): void {
  csrSerials.length = 0;
  keysSerials.length = 0;
  for (const device of world.devices) {
    const serial = device.info.serialNumber;
    if (device.info.faults.includes('reject-provisioning')) rejectedSerial = serial;
    else if (device.info.modes.includes('csr')) csrSerials.push(serial);
    else keysSerials.push(serial);
  }
}

afterAll(async () => {
  await world?.dispose();
});

describe('the station core through IPC', () => {
  it('answers before anyone signs in; discovery already lists the devices plugged in at start', async () => {
    const { transport } = world;
    expect(await transport.call('app.info')).toMatchObject({
      name: 'Provisioning Station',
      platform: process.platform,
    });
    expect(await transport.call('profile.get')).toMatchObject({
      configured: true,
      kind: 'sandbox',
      templateName: TEMPLATE_NAME,
    });
    expect(await transport.call('session.get')).toMatchObject({ status: 'signed-out', mayProvision: false });
    const list = await transport.call('devices.list');
    expect(list.fixedPatterns).toEqual(world.portPatterns);
    expect(list.devices.map((device) => device.path).sort()).toEqual(
      world.devices.map((device) => device.info.path).sort(),
    );
    // The operator's saved ports go to settings.json (searched for secrets below).
    const configured = await transport.call('devices.configurePorts', [world.portPatterns[0] ?? '']);
    expect(configured.configuredPatterns).toEqual([world.portPatterns[0]]);
    expect(await transport.invoke('templates.list')).toEqual({
      ok: false,
      error: { code: 'FAILED', message: 'Sign in first.' },
    });
  });

  it('refuses bad arguments with INVALID_ARGUMENT before any handler runs', async () => {
    const { transport } = world;
    const cases: [string, unknown[], RegExp][] = [
      ['session.signIn', [{ username: 'installer' }], /received undefined/],
      ['session.signIn', [{ username: 'installer', password: 'x', extra: 1 }], /./],
      ['session.signIn', [{ username: '', password: 'x' }], /Enter your username/],
      ['session.answer', [{ step: 'totp-code', code: '12ab56' }], /6 digits/],
      ['templates.describe', ['no spaces allowed'], /template name/],
      [
        'batch.start',
        [{ label: 'x', templateName: TEMPLATE_NAME, parameters: {}, targetCount: null, bays: 0 }],
        /At least one bay/,
      ],
      [
        'batch.start',
        [{ label: '', templateName: TEMPLATE_NAME, parameters: {}, targetCount: null, bays: 1 }],
        /label/,
      ],
      [
        'batch.start',
        [{ label: 'x', templateName: TEMPLATE_NAME, parameters: {}, targetCount: 0, bays: 1 }],
        /target count/,
      ],
      ['runs.detail', ['../../etc/passwd'], /not a device or batch id/],
      ['devices.configurePorts', [['/**']], /not supported|folder/],
      ['history.export', [{ format: 'xml' }], /./],
      ['app.info', ['unexpected'], /./],
    ];
    for (const [channel, args, message] of cases) {
      const result = await transport.invokeRaw(channel, args);
      expect(result, `${channel} ${JSON.stringify(args)}`).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      });
      if (!result.ok) expect(result.error.message, channel).toMatch(message);
    }
  });

  it('signs a visitor in who may not provision: batch.start is refused naming the installers group', async () => {
    const { transport, sandbox } = world;
    const { username, password } = sandbox.users.visitor;
    const changed = transport.nextEvent('session.changed', (view) => view.status === 'signed-in');
    const view = await transport.call('session.signIn', { username, password });
    expect(view).toMatchObject({ status: 'signed-in', username: 'visitor', groups: [], mayProvision: false });
    expect((await changed).username).toBe('visitor');
    const refused = await transport.invoke('batch.start', {
      label: 'not allowed',
      templateName: TEMPLATE_NAME,
      parameters: {},
      targetCount: null,
      bays: 1,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FAILED' } });
    if (!refused.ok) {
      expect(refused.error.message).toMatch(
        /visitor may not provision devices: it is not in the installers group/,
      );
      expect(refused.error.message).toMatch(/Ask your AWS admin/);
    }
    expect((await transport.call('batch.get')).batch).toBeNull();
    expect(await transport.call('session.signOut')).toMatchObject({ status: 'signed-out', username: null });
  });

  it('provisions every device that joins by itself, in two bays and both modes, through IPC only', async () => {
    const { transport, sandbox } = world;
    const view = await transport.call('session.signIn', sandbox.users.installer);
    expect(view).toMatchObject({
      status: 'signed-in',
      username: 'installer',
      groups: ['installers'],
      mayProvision: true,
    });
    const templates = await transport.call('templates.list');
    expect(templates).toContainEqual(expect.objectContaining({ name: TEMPLATE_NAME, enabled: true }));
    const template = await transport.call('templates.describe', TEMPLATE_NAME);
    expect(template.enabled).toBe(true);
    expect([...template.stationFilled].sort()).toEqual([
      'BatchId',
      'Model',
      'Operator',
      'SerialNumber',
      'StationId',
    ]);
    expect(template.parameters).toEqual([]);

    const started = await transport.call('batch.start', {
      label: 'IPC both modes',
      templateName: TEMPLATE_NAME,
      parameters: {},
      targetCount: null,
      bays: 2,
    });
    expect(started.batch).toMatchObject({
      label: 'IPC both modes',
      bays: 2,
      status: 'running',
      operatorUsername: 'installer',
    });
    batchId = started.batch?.id ?? '';
    // Three more devices are plugged in mid-batch; discovery's poll finds them, nobody clicks.
    const before = transport.events('devices.changed').length;
    const plugged = await world.plugLater();
    expect(plugged).toHaveLength(3);
    classify();
    await vi.waitFor(
      () => {
        const added = transport
          .events('devices.changed')
          .slice(before)
          .flatMap((change) => change.added.map((device) => device.path));
        expect(added).toEqual(expect.arrayContaining(plugged.map((device) => device.info.path)));
      },
      { timeout: 5_000, interval: 20 },
    );

    const runs = await world.waitForRuns(
      (current) => current.length === world.devices.length && current.every(final),
      'every device to finish',
    );
    const bySerial = new Map(runs.map((run) => [run.serialNumber ?? '', run]));
    for (const serial of [...csrSerials, ...keysSerials]) {
      expect(bySerial.get(serial), serial).toMatchObject({
        phase: 'done',
        thingName: serial,
        attempt: 1,
        failure: null,
      });
    }
    for (const serial of csrSerials) expect(bySerial.get(serial)?.mode, serial).toBe('csr');
    for (const serial of keysSerials) expect(bySerial.get(serial)?.mode, serial).toBe('keys');
    const rejected = bySerial.get(rejectedSerial);
    expect(rejected?.phase).toBe('failed');
    expect(rejected?.failure?.code).toMatch(/^DEVICE_/);
    expect(rejected?.failure?.hint.length).toBeGreaterThan(10);
    const engine = await transport.call('batch.get');
    expect(engine.batch?.counts).toMatchObject({ done: 5, failed: 1, active: 0 });
    // The view never carried anything the allow-list refused.
    expect(world.logs.filter((line) => /ipc: (dropped|refused to send)/.test(line))).toEqual([]);
    // AWS's answer in full, as the operator must see it.
    expect(rejected?.failure?.detail).toMatch(
      /InvalidCertificateOwnershipToken:? Certificate ownership token is invalid\./,
    );
  });

  it('history.audit and the CSV and JSON exports agree with each other and with the sandbox registry', async () => {
    const { transport, sandbox } = world;
    const provisioned = [...csrSerials, ...keysSerials].sort();
    const rows = await transport.call('history.audit', { batchId });
    expect(rows.map((row) => row.serialNumber).sort()).toEqual([...provisioned, rejectedSerial].sort());
    const exported = async (format: 'csv' | 'json') => {
      const result = await transport.invoke('history.export', { batchId, format });
      if (result.ok) return result.value;
      const why = world.logs.filter((line) => line.includes('history.export')).join(' | ');
      throw new Error(`history.export ${format} was refused (${result.error.code}); the core logged: ${why}`);
    };
    const csvExport = await exported('csv');
    const jsonExport = await exported('json');
    expect(csvExport).toMatchObject({ mediaType: 'text/csv', count: rows.length });
    expect(jsonExport).toMatchObject({ mediaType: 'application/json', count: rows.length });
    const csv = csvRecords(csvExport.content);
    const json = (JSON.parse(jsonExport.content) as { records: Record<string, unknown>[] }).records;
    expect(csv).toHaveLength(rows.length);
    expect(json).toHaveLength(rows.length);
    const operatorSub = String(json[0]?.operatorSub);
    expect(operatorSub).toMatch(/^[0-9a-f-]{36}$/);

    for (const row of rows) {
      const fromJson = json.find((record) => record.runId === row.runId) ?? {};
      const fromCsv = csv.find((record) => record.runId === row.runId) ?? {};
      for (const key of [
        'serialNumber',
        'outcome',
        'thingName',
        'certificateId',
        'errorCode',
        'mode',
        'batchId',
        'stationId',
        'operatorUsername',
        'templateName',
      ] as const) {
        expect(fromJson[key], `JSON ${key} of ${row.serialNumber}`).toEqual(row[key]);
        expect(fromCsv[key], `CSV ${key} of ${row.serialNumber}`).toEqual(row[key] ?? '');
      }
      expect(fromJson.operatorSub).toBe(operatorSub);
      expect(fromCsv.fingerprint).toBe(fromJson.fingerprint ?? '');
      expect(row).toMatchObject({
        batchId,
        stationId: STATION_ID,
        operatorUsername: 'installer',
        templateName: TEMPLATE_NAME,
      });

      if (row.serialNumber === rejectedSerial) {
        expect(String(fromJson.errorMessage)).toMatch(/InvalidCertificateOwnershipToken/);
        expect(row.outcome).toBe('failed');
        expect(row.errorCode).toMatch(/^DEVICE_/);
        expect(sandbox.registry.getThing(row.serialNumber)).toBeUndefined();
        continue;
      }
      expect(row.outcome).toBe('provisioned');
      const thing = sandbox.registry.getThing(row.thingName ?? '');
      expect(thing?.attributes, row.serialNumber).toMatchObject({
        serialNumber: row.serialNumber,
        batchId,
        stationId: STATION_ID,
        operator: 'installer',
      });
      const attached = sandbox.registry.listThingPrincipals(row.thingName ?? '');
      expect(attached, `${row.serialNumber}: one certificate`).toHaveLength(1);
      const certificate = sandbox.registry.getCertificate(
        attached[0]?.slice(attached[0].lastIndexOf('/') + 1) ?? '',
      );
      expect(certificate?.certificateId).toBe(row.certificateId);
      expect(certificate?.status).toBe('ACTIVE');
      expect(derFingerprint(certificate?.certificatePem ?? '')).toBe(fromJson.fingerprint);
      expect(world.device(row.serialNumber).store.load()?.certificateId, 'the device holds it').toBe(
        row.certificateId,
      );
    }
    const things = sandbox.registry.listThings({ attributeName: 'batchId', attributeValue: batchId });
    expect(things.map((thing) => thing.thingName).sort()).toEqual(provisioned);
    const batches = await transport.call('history.batches');
    expect(batches).toContainEqual(expect.objectContaining({ id: batchId, bays: 2, stationId: STATION_ID }));
  });

  it('keeps AWS’s rejection whole in the run view and the audit: an error name is not a secret', async () => {
    const rejected = [...world.runs().values()].find((run) => run.serialNumber === rejectedSerial);
    const exported = await world.transport.call('history.export', { batchId, format: 'json' });
    const record = (JSON.parse(exported.content) as { records: Record<string, unknown>[] }).records.find(
      (candidate) => candidate.serialNumber === rejectedSerial,
    );
    const texts = {
      'run view failure.message': rejected?.failure?.message,
      'run view failure.detail': rejected?.failure?.detail,
      'audit errorMessage': record?.errorMessage,
    };
    for (const [where, text] of Object.entries(texts)) {
      expect(String(text), where).toMatch(/InvalidCertificateOwnershipToken/);
      expect(
        String(text),
        `${where}: "InvalidCertificateOwnershipToken: Certificate…" taken for a secret pair`,
      ).not.toMatch(/\[redacted/);
    }
  });
});

describe('proof that no secret leaks', () => {
  let secrets: Secret[];
  let search: SecretSearch;
  let haystacks: Haystack[];

  it('finds none of the run’s secrets in any message to the renderer, log line, console line or data file', async () => {
    const { transport } = world;
    // More of the surface: every run's detail (with the device's own log lines), closing, signing out.
    for (const run of world.runs().values()) await transport.call('runs.detail', run.runId);
    await transport.call('batch.finish');
    await transport.call('session.signOut');
    const whileOpen = world.haystacks();
    await world.stopCore();
    haystacks = [...whileOpen, ...world.haystacks()];

    secrets = world.secrets();
    const count = (prefix: string) => secrets.filter((secret) => secret.label.startsWith(prefix)).length;
    // The capture really holds this run's secrets: a search over nothing proves nothing.
    expect(count('claim private key')).toBeGreaterThanOrEqual(world.devices.length);
    expect(count('device private key made by AWS')).toBeGreaterThanOrEqual(keysSerials.length + 1);
    expect(count('permanent private key of')).toBe(csrSerials.length + keysSerials.length);
    expect(secrets.filter((secret) => / \(csr\/keys\)$/.test(secret.label))).toHaveLength(csrSerials.length);
    expect(count('Cognito ID token')).toBeGreaterThanOrEqual(2);
    expect(count('Cognito access token')).toBeGreaterThanOrEqual(2);
    expect(count('Cognito refresh token')).toBeGreaterThanOrEqual(2);
    expect(count('IAM secret access key')).toBeGreaterThanOrEqual(2);
    expect(count('IAM session token')).toBeGreaterThanOrEqual(2);
    expect(count('certificate ownership token')).toBeGreaterThanOrEqual(
      csrSerials.length + keysSerials.length,
    );
    search = new SecretSearch(secrets);
    expect(search.size).toBeGreaterThan(10_000);

    // And the haystacks hold everything that left: every message, the logs, the journal with its WAL.
    expect(haystacks.filter((haystack) => haystack.where.startsWith('response ')).length).toBeGreaterThan(30);
    expect(
      haystacks.filter((haystack) => haystack.where.startsWith('event batch.changed')).length,
    ).toBeGreaterThan(50);
    expect(haystacks.some((haystack) => haystack.where.startsWith('core log line'))).toBe(true);
    const files = new Set(
      haystacks
        .filter((h) => h.where.startsWith('data file ') && !h.where.endsWith('(name)'))
        .map((h) => h.where),
    );
    // Wherever the core keeps them (the journal may sit in a per-profile folder).
    const names = [...files].map((where) =>
      where.slice(where.lastIndexOf('/') + 1).replace(/^data file /, ''),
    );
    expect(names).toContain('journal.sqlite');
    expect(names).toContain('journal.sqlite-wal');
    expect(names).toContain('settings.json');

    expect(describeHits(search.search(haystacks))).toEqual([]);
  });

  it('reports a planted leak: a view model, a log line and a file each holding one real secret in one encoding', () => {
    const pick = (prefix: string | RegExp) => {
      const found = secrets.find((secret) =>
        typeof prefix === 'string' ? secret.label.startsWith(prefix) : prefix.test(secret.label),
      );
      if (!found) throw new Error(`no secret ${String(prefix)}`);
      return found;
    };
    const pem = (secret: Secret) => (secret.kind === 'private-key' ? secret.pem : '');
    const text = (secret: Secret) => (secret.kind === 'token' ? secret.text : '');
    const claimKey = pick('claim private key');
    const csrKey = pick(/\(csr\/keys\)$/);
    const awsKey = pick('device private key made by AWS');
    const refreshToken = pick('Cognito refresh token');
    const accessToken = pick('Cognito access token');
    const iamSecret = pick('IAM secret access key');
    const sessionToken = pick('IAM session token');
    const der = (secret: Secret, type: 'pkcs1' | 'pkcs8') =>
      createPrivateKey(pem(secret)).export({ type, format: 'der' });

    // A leaking view model, sent past the output guard straight through the transport.
    world.transport.send('batch.changed', {
      batch: null,
      runs: [],
      bays: [{ message: `claim was ${pem(claimKey)}`, note: `refresh ${text(refreshToken).slice(40, 70)}` }],
      blob: new Uint8Array(der(awsKey, 'pkcs1')),
    });
    // A leaking log line and console line.
    world.logs.push(`aws: signed with ${text(iamSecret)} for a DescribeThing`);
    world.logs.push(`device: key ${der(csrKey, 'pkcs8').subarray(1).toString('base64url')}`);
    world.consoleLines.push(`console.warn: token ${text(accessToken).slice(-30)}`);
    // Leaking files: hex of a token's bytes, and raw key bytes.
    writeFileSync(
      join(world.dataDirectory, 'leak.txt'),
      Buffer.from(text(sessionToken), 'base64').toString('hex').toUpperCase(),
    );
    writeFileSync(
      join(world.dataDirectory, 'leak.bin'),
      Buffer.concat([Buffer.from([0, 1, 2]), der(claimKey, 'pkcs1')]),
    );

    const hits = search.search(world.haystacks());
    /** The encodings under which `secret` was found at places matching `where`. */
    const found = (where: RegExp, secret: Secret) =>
      hits.filter((hit) => where.test(hit.where) && hit.secret === secret.label).map((hit) => hit.encoding);
    const newest = world.transport.messages.at(-1)?.seq ?? 0;
    const event = (path: string) => new RegExp(`^event batch\\.changed #${newest} at \\$\\.${path}$`);
    expect(found(event('bays\\[0\\]\\.message'), claimKey)).toContainEqual(
      expect.stringMatching(/^base64 \(PEM body\) of /),
    );
    expect(found(event('bays\\[0\\]\\.note'), refreshToken)).toContainEqual(expect.stringMatching(/^text/));
    expect(found(event('blob \\(binary\\)'), awsKey)).toContainEqual(expect.stringMatching(/^raw bytes of /));
    expect(found(/^core log line \d+$/, iamSecret)).toContainEqual(expect.stringMatching(/^text/));
    expect(found(/^core log line \d+$/, csrKey)).toContainEqual(
      expect.stringMatching(/^base64(url)? \(from byte 1\) of /),
    );
    expect(found(/^console line \d+$/, accessToken)).toContainEqual(expect.stringMatching(/^text/));
    expect(found(/^data file leak\.txt$/, sessionToken)).toContainEqual(
      expect.stringMatching(/^HEX of its decoded bytes/),
    );
    expect(found(/^data file leak\.bin$/, claimKey)).toContainEqual(expect.stringMatching(/^raw bytes of /));
    // Nothing else: every hit is one of the planted ones.
    const planted =
      /^(event batch\.changed #\d+ at \$\.(bays\[0\]\.(message|note)|blob \(binary\))|core log line \d+|console line \d+|data file leak\.(txt|bin))$/;
    expect(describeHits(hits.filter((hit) => !planted.test(hit.where)))).toEqual([]);
    const plantedLogLines = new Set(
      [world.logs.length, world.logs.length - 1].map((n) => `core log line ${n}`),
    );
    expect(
      hits.filter((hit) => hit.where.startsWith('core log line') && !plantedLogLines.has(hit.where)),
    ).toEqual([]);
    expect(
      hits.filter(
        (hit) =>
          hit.where.startsWith('console line') && hit.where !== `console line ${world.consoleLines.length}`,
      ),
    ).toEqual([]);
  });
});

/** Where each hit is and what it is — never the secret. */
function describeHits(hits: readonly SecretHit[]): string[] {
  return hits.map((hit) => `${hit.secret} as ${hit.encoding} in ${hit.where} at offset ${hit.offset}`);
}
