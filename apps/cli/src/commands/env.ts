import type { Command } from 'commander';
import { guarded } from '../cliErrors.js';
import type { CliIo } from '../cliIo.js';

/** What `nlpkit env --json` prints. */
export interface EnvReport {
  /** The tensor backend `initBackend` chose. */
  readonly backend: string;
  /** Every candidate in the order tried, with why it was or was not taken. */
  readonly tried: readonly { readonly name: string; readonly ok: boolean; readonly reason: string }[];
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
}

/** Chooses a tensor backend as every tensor command does, and reports the choice and the runtime. */
export async function envReport(): Promise<EnvReport> {
  // Loaded here, not at the top: tfjs is large, and commands that need no tensors should not pay for it.
  const [{ initBackend }, os] = await Promise.all([import('@nlpkit/tensor'), import('node:os')]);
  const { name, tried } = await initBackend({ gradients: false });
  return { backend: name, tried, node: process.version, platform: process.platform, arch: process.arch, cpus: os.availableParallelism() };
}

/** The report as the lines `nlpkit env` prints: the choice, then one line per candidate tried. */
export function formatEnvReport(report: EnvReport): string {
  const width = Math.max(...report.tried.map((t) => t.name.length));
  const lines = [
    `tensor backend: ${report.backend}`,
    ...report.tried.map((t) => `  ${t.ok ? '✓' : '✗'} ${t.name.padEnd(width)}  ${t.reason}`),
    `node ${report.node} on ${report.platform}-${report.arch}, ${report.cpus} CPU${report.cpus === 1 ? '' : 's'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `nlpkit env`: which tensor backend was chosen and why each candidate before it was skipped. */
export function registerEnvCommand(program: Command, io: CliIo): void {
  program
    .command('env')
    .description('show the tensor backend chosen and what was tried (set NLPKIT_BACKEND=<name> to force one)')
    .option('--json', 'print {"backend", "tried", "node", "platform", "arch", "cpus"} as JSON')
    .action((options: { json?: boolean }) =>
      guarded(io, 'env', async () => {
        const report = await envReport();
        io.stdout(options.json === true ? `${JSON.stringify(report)}\n` : formatEnvReport(report));
      }),
    );
}
