import { spawnSync } from 'node:child_process';

/**
 * `npm run bench`: every benchmark, each in its own process, even when an earlier one missed a goal;
 * exits non-zero when any of them did.
 */
const benches = ['bench:link', 'bench:engine'];
let failed = 0;
for (const name of benches) {
  const result = spawnSync('npm', ['run', '--silent', name], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) failed++;
}
if (failed > 0) console.log(`${failed} of ${benches.length} benchmarks missed a goal or broke`);
process.exitCode = failed > 0 ? 1 : 0;
