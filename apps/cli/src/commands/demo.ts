import { initBackend } from '@nlpkit/tensor';
import type { Command } from 'commander';
import { guarded } from '../cliInput.js';
import type { CliIo } from '../cliIo.js';

/** `nlpkit demo`: the main job. Chooses a tensor backend and shows what was tried. */
export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo', { isDefault: true })
    .description('run the end-to-end demo: choose a tensor backend and show what was tried')
    .option('--json', 'print the backend selection as JSON')
    .action((options: { json?: boolean }) =>
      guarded(io, 'demo', async () => {
        const { name, tried } = await initBackend();
        if (options.json) {
          io.stdout(`${JSON.stringify({ backend: name, tried })}\n`);
          return;
        }
        io.stdout(`nlpkit: tensor backend ${name}\n`);
        const width = Math.max(...tried.map((t) => t.name.length));
        for (const t of tried) io.stdout(`  ${t.ok ? '✓' : '✗'} ${t.name.padEnd(width)}  ${t.reason}\n`);
      }),
    );
}
