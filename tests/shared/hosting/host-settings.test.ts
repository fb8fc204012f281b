import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readHostQueueSettings } from '../../../src/shared/hosting/host-settings';

describe('host.json queue settings', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'host-settings-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const writeHostJson = (maxDequeueCount: number) => {
    writeFileSync(
      join(root, 'host.json'),
      JSON.stringify({ version: '2.0', extensions: { queues: { maxDequeueCount } } }),
    );
  };

  it.each([
    ['the tsc build (dist/src/shared/hosting)', 'dist/src/shared/hosting'],
    ['the deployment package bundle (dist)', 'dist'],
  ])('when the app runs from %s, then maxDequeueCount comes from the app root host.json', (_name, folder) => {
    writeHostJson(3);
    mkdirSync(join(root, folder), { recursive: true });
    expect(readHostQueueSettings(join(root, folder))).toEqual({ maxDequeueCount: 3 });
  });

  it('when no host.json is above the module, then the host default of 5 applies', () => {
    mkdirSync(join(root, 'dist'), { recursive: true });
    expect(readHostQueueSettings(join(root, 'dist'))).toEqual({ maxDequeueCount: 5 });
  });
});
