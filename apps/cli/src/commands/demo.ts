import type { Command } from 'commander';
import type { CliIo } from '../program.js';

/** `nlpkit demo`: the main job. */
export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo', { isDefault: true })
    .description('run the end-to-end demo (for now: choose a tensor backend and show what was tried)')
    .action(() => {
      io.stdout('nlpkit demo\n');
    });
}
