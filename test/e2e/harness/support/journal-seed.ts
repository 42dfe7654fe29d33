import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Journal } from '../../../../src/main/core/journal/journal.js';
import { profileKey } from '../../../../src/main/core/profile-workspace.js';
import { newRun, type RunState } from '../../../../src/main/core/provisioning/run-state.js';

/**
 * Writes an open batch of finished device runs into the station's own journal, through the
 * journal's own API, in the folder the station uses for the sandbox profile — so the station
 * reopens it at start exactly as after a restart mid-batch, and its queue holds every run. Used
 * where real devices cannot be had in that number (10,000 rows).
 */

/** The sandbox's fixed ids (sandbox/orchestrator/start-sandbox.ts), the same for the embedded one. */
const sandboxProfileIds = {
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_StationSandbox',
  userPoolClientId: 'sandboxstationclient00001',
};

/** The station's folder for one profile, where its journal lives. */
export function profileFolder(dataDirectory: string, ids = sandboxProfileIds): string {
  const key = profileKey({
    region: ids.region,
    cognito: { userPoolId: ids.userPoolId, userPoolClientId: ids.userPoolClientId },
  });
  return join(dataDirectory, 'profiles', key);
}

export interface SeededBatch {
  batchId: string;
  label: string;
  serialNumbers: string[];
}

export function seedOpenBatchOfDoneRuns(input: {
  dataDirectory: string;
  runs: number;
  label: string;
  operatorUsername: string;
}): SeededBatch {
  // node:sqlite exists from Node 22; npm scripts and npx run Playwright on the project's Node 24.
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    throw new Error(
      `Seeding the journal needs node:sqlite (Node 22+); this is Node ${process.versions.node}. Run Playwright through npm/npx.`,
    );
  }
  const journal = Journal.open(join(profileFolder(input.dataDirectory), 'journal.sqlite'));
  const batchId = '00000000-0000-4000-8000-00000000a10c';
  const stationId = 'e2e-bench';
  const operatorSub = '00000000-0000-4000-8000-0000000000e2';
  const startedAt = Date.now() - input.runs * 1_000 - 60_000;
  const serialNumbers: string[] = [];
  try {
    journal.createBatch({
      id: batchId,
      label: input.label,
      templateName: 'TrustedUserProvisioningTemplate',
      parameters: {},
      targetCount: null,
      bays: 4,
      stationId,
      operatorUsername: input.operatorUsername,
      operatorSub,
      status: 'running',
      createdAt: startedAt,
      finishedAt: null,
    });
    for (let index = 0; index < input.runs; index++) {
      const serialNumber = `BULK-${String(index + 1).padStart(5, '0')}`;
      serialNumbers.push(serialNumber);
      const at = startedAt + index * 1_000;
      const runId = `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`;
      const portPath = `/dev/ttyUSB${index % 4}`;
      const certificateId = createHash('sha256').update(serialNumber).digest('hex');
      const state: RunState = {
        ...newRun({ runId, batchId, bayId: `bay-${index % 4}`, portPath, usbLocation: null, at }),
        phase: 'done',
        phaseSeq: 7,
        phaseStartedAt: at + 800,
        finishedAt: at + 800,
        device: {
          serialNumber,
          model: 'SIM-SENSOR-1',
          hardwareRevision: 'B2',
          firmwareVersion: '1.4.0',
          modes: ['csr'],
          bootId: 1,
        },
        mode: 'csr',
        provisionStarted: true,
        result: { thingName: serialNumber, certificateId, fingerprint: certificateId },
      };
      journal.createRun({
        id: runId,
        batchId,
        bayId: state.bayId,
        attempt: 1,
        serialNumber,
        model: 'SIM-SENSOR-1',
        hardwareRevision: 'B2',
        firmwareVersion: '1.4.0',
        portPath,
        usbLocation: null,
        state: 'done',
        snapshot: JSON.stringify(state),
        createdAt: at,
        updatedAt: at + 800,
      });
      journal.writeAudit({
        runId,
        batchId,
        batchLabel: input.label,
        at: at + 800,
        operatorUsername: input.operatorUsername,
        operatorSub,
        stationId,
        bayId: state.bayId,
        serialNumber,
        model: 'SIM-SENSOR-1',
        firmwareVersion: '1.4.0',
        hardwareRevision: 'B2',
        templateName: 'TrustedUserProvisioningTemplate',
        parameters: {},
        mode: 'csr',
        thingName: serialNumber,
        certificateId,
        fingerprint: certificateId,
        outcome: 'provisioned',
        errorCode: null,
        errorMessage: null,
        replacedCertificateId: null,
        replacedCertificateOutcome: null,
        durationMs: 800,
      });
    }
  } finally {
    journal.close();
  }
  return { batchId, label: input.label, serialNumbers };
}
