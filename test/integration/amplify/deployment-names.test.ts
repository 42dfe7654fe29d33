import { describe, expect, it } from 'vitest';
import { deploymentNames, type BackendIdentity } from '../../../amplify/provisioning/deployment-names.js';

/** Names that AWS IoT requires unique per account and region, for backends that share one. */
describe('deploymentNames', () => {
  const alice: BackendIdentity = { namespace: 'provisioning-station', name: 'alice', type: 'sandbox' };

  it('gives two developers, and two branches, different names', () => {
    const names = [
      alice,
      { ...alice, name: 'bob' },
      { namespace: 'd1a2b3c4e5f6g7', name: 'main', type: 'branch' },
      { namespace: 'd1a2b3c4e5f6g7', name: 'staging', type: 'branch' },
      // Same branch name in another Amplify app.
      { namespace: 'd9z8y7x6w5v4u3', name: 'main', type: 'branch' },
    ].map((identity) => deploymentNames(identity as BackendIdentity));
    expect(new Set(names.map((name) => name.templateName)).size).toBe(names.length);
    expect(new Set(names.map((name) => name.devicePolicyName)).size).toBe(names.length);
  });

  it('gives the same backend the same names on every deploy', () => {
    expect(deploymentNames({ ...alice })).toEqual(deploymentNames(alice));
  });

  it("keeps within AWS IoT's limits whatever the backend's name", () => {
    for (const name of [
      'feature/very-long-branch-name-with/slashes_and.dots',
      '---',
      'ünïcödé',
      'a'.repeat(200),
    ]) {
      const { templateName, devicePolicyName } = deploymentNames({ namespace: 'app', name, type: 'branch' });
      expect(templateName).toMatch(/^[0-9A-Za-z_-]{1,36}$/);
      expect(templateName).toMatch(/^Station-[0-9A-Za-z_-]+-[0-9a-f]{8}$/);
      expect(devicePolicyName).toMatch(/^[\w+=,.@-]{1,128}$/);
    }
  });

  it('tells apart names that sanitize to the same text', () => {
    const slash = deploymentNames({ namespace: 'app', name: 'feature/x', type: 'branch' });
    const dash = deploymentNames({ namespace: 'app', name: 'feature-x', type: 'branch' });
    expect(slash.templateName).not.toBe(dash.templateName);
  });
});
