import type { Command } from 'commander';
import type { CliIo } from '../program.js';

/** `nlpkit bleu|chrf|entity-f1` — filled in with @nlpkit/metrics. */
export function registerMetricsCommands(_program: Command, _io: CliIo): void {}
