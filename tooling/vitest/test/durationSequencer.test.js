import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DurationSequencer } from '../index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A test specification as the sequencer reads it. */
const spec = (path, project, groupOrder = 0, isolate = true) => ({ moduleId: `${root}${path}`, project: { name: project, config: { sequence: { groupOrder }, isolate } } });

describe('DurationSequencer', () => {
  it('keeps group order, runs the slowest files first over all projects (unknown ones count 1 s), a non-isolated project\'s files together', async () => {
    const sequencer = new DurationSequencer({ config: { root: root.replace(/\/$/, '') } });
    const files = [
      spec('apps/cli/src/cliIo.test.ts', 'cli'),
      spec('apps/cli/src/not-listed.test.ts', 'cli'),
      spec('apps/cli/src/committedModels.test.ts', 'cli'),
      spec('packages/core/src/vocabulary.test.ts', 'core'),
      spec('apps/web/test/webDemo.test.ts', 'web'),
      spec('tooling/faults/src/sigkill.test.ts', 'faults', 0, false),
      spec('tooling/faults/src/diskFull.test.ts', 'faults', 0, false),
      spec('packages/text/src/tokenizers.complexity.test.ts', 'complexity', 1),
    ];
    const order = (await sequencer.sort(files)).map((f) => `${f.project.name}:${f.moduleId.slice(root.length)}`);
    expect(order).toEqual([
      'cli:apps/cli/src/committedModels.test.ts',
      'web:apps/web/test/webDemo.test.ts',
      'cli:apps/cli/src/not-listed.test.ts',
      'cli:apps/cli/src/cliIo.test.ts',
      'core:packages/core/src/vocabulary.test.ts',
      'faults:tooling/faults/src/sigkill.test.ts',
      'faults:tooling/faults/src/diskFull.test.ts',
      'complexity:packages/text/src/tokenizers.complexity.test.ts',
    ]);
  });
});
