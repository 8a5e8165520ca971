#!/usr/bin/env node
import { run } from './program.js';

// The only side effect of the CLI: run it with the process's arguments.
run(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`nlpkit: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
