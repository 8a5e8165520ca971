import type { Command } from 'commander';
import type { CliIo } from '../program.js';

/** `nlpkit ngram train|eval|query|generate` — filled in with @nlpkit/ngram. */
export function registerNgramCommands(_program: Command, _io: CliIo): void {}
