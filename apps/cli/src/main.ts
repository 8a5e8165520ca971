#!/usr/bin/env node
import { installFatalHandlers } from './fatalErrors.js';
import { run } from './program.js';

// The only side effects of the CLI: catch what escapes every command, then run it with the process's arguments.
// `run` never rejects; anything that still escapes reaches the fatal handlers as an unhandled rejection.
installFatalHandlers(process);
void run(process.argv).then((code) => {
  process.exitCode = code;
});
