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
  /**
   * On wasm, what nlpkit's matrix products run on: the BLAS library (what it says of itself) or null for nlpkit's
   * WebAssembly GEMM, and the threads; the libraries found but left because their products are not row-invariant
   * (`blasNotUsed`); absent on other backends.
   */
  readonly products?: { readonly blas: string | null; readonly threads: number; readonly fma: boolean; readonly blasNotUsed: readonly string[] };
}

/** Chooses a tensor backend as every tensor command does, and reports the choice and the runtime. */
export async function envReport(): Promise<EnvReport> {
  // Loaded here, not at the top: tfjs is large, and commands that need no tensors should not pay for it.
  const [tensor, tf, os] = await Promise.all([import('@nlpkit/tensor'), import('@tensorflow/tfjs-core'), import('node:os')]);
  const { name, tried } = await tensor.initBackend({ gradients: false });
  const report = { backend: name, tried, node: process.version, platform: process.platform, arch: process.arch, cpus: os.availableParallelism() };
  if (name !== 'wasm' || !tensor.registerWasmGemm()) return report;
  // One product starts the engine the commands would run (a BLAS library where one is found, else the wasm GEMM).
  tf.tidy(() => tensor.plainMatMul(tf.ones([1, 1]), tf.ones([1, 1])).dataSync());
  const stats = tensor.wasmGemmStats();
  return stats === undefined ? report : { ...report, products: { blas: stats.blas ?? null, threads: stats.threads, fma: stats.fma, blasNotUsed: stats.blasNotUsed.map((l) => `${l.library} (${l.config})`) } };
}

/** Why the products are not on a BLAS library (`left`: libraries found but not row-invariant). */
function noBlas(left: readonly string[]): string {
  const flag = process.env['NLPKIT_BLAS'];
  if (flag === '0' || flag === 'off' || flag === 'false') return ` (NLPKIT_BLAS=${flag})`;
  if (left.length > 0) {
    return ` (found ${left.join(', ')}, not used: a row of its products depends on the rows computed with it, so batched results would differ from single ones; NLPKIT_BLAS=<library> uses it anyway: faster training, results that depend on the batch)`;
  }
  return ' (no optimized BLAS found: install OpenBLAS, e.g. apt-get install libopenblas0-pthread, and name it in NLPKIT_BLAS for ~1.65–1.8× faster training, with results that depend on the batch)';
}

/** The report as the lines `nlpkit env` prints: the choice, then one line per candidate tried. */
export function formatEnvReport(report: EnvReport): string {
  const width = Math.max(...report.tried.map((t) => t.name.length));
  const lines = [
    `tensor backend: ${report.backend}`,
    ...report.tried.map((t) => `  ${t.ok ? '✓' : '✗'} ${t.name.padEnd(width)}  ${t.reason}`),
    ...(report.products === undefined
      ? []
      : [
          `matrix products: ${report.products.blas ?? `nlpkit's WebAssembly GEMM${report.products.fma ? ' (fused multiply-adds)' : ''}`}, ${report.products.threads} thread${report.products.threads === 1 ? '' : 's'}${report.products.blas === null ? noBlas(report.products.blasNotUsed) : ''}`,
        ]),
    `node ${report.node} on ${report.platform}-${report.arch}, ${report.cpus} CPU${report.cpus === 1 ? '' : 's'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `nlpkit env`: which tensor backend was chosen and why each candidate before it was skipped. */
export function registerEnvCommand(program: Command, io: CliIo): void {
  program
    .command('env')
    .description('show the tensor backend chosen and what was tried (set NLPKIT_BACKEND=<name> to force one)')
    .option('--json', 'print {"backend", "tried", "node", "platform", "arch", "cpus", "products"} as JSON')
    .action((options: { json?: boolean }) =>
      guarded(io, 'env', async () => {
        const report = await envReport();
        io.stdout(options.json === true ? `${JSON.stringify(report)}\n` : formatEnvReport(report));
      }),
    );
}
