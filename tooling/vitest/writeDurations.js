#!/usr/bin/env node
// Writes durations.json (seconds per test file, by path from the repository root) from a Vitest JSON report, for
// DurationSequencer. A report of part of the suite updates the files it ran and keeps the others' durations (those
// whose file still exists). The file is replaced atomically (a temporary beside it, then a rename).
//   pnpm vitest run --reporter=default --reporter=json --outputFile.json=/tmp/report.json
//   node tooling/vitest/writeDurations.js /tmp/report.json
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const reportPath = process.argv[2];
if (reportPath === undefined) {
  console.error('usage: node tooling/vitest/writeDurations.js <Vitest JSON report>');
  process.exit(2);
}
const root = fileURLToPath(new URL('../..', import.meta.url));
const report = /** @type {{ testResults?: { name: string, startTime: number, endTime: number }[] }} */ (JSON.parse(readFileSync(reportPath, 'utf8')));
if (!Array.isArray(report.testResults) || report.testResults.length === 0) {
  console.error(`${reportPath}: expected a Vitest JSON report with testResults, found none`);
  process.exit(1);
}
const target = fileURLToPath(new URL('durations.json', import.meta.url));
/** @type {Record<string, number>} */
const previous = existsSync(target) ? JSON.parse(readFileSync(target, 'utf8')) : {};
/** @type {Map<string, number>} */
const durations = new Map(Object.entries(previous).filter(([path]) => existsSync(join(root, path))));
for (const file of report.testResults) {
  durations.set(relative(root, file.name).split('\\').join('/'), Math.round((file.endTime - file.startTime) / 100) / 10);
}
const entries = [...durations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const temporary = `${target}.${process.pid}.tmp`;
try {
  writeFileSync(temporary, `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`);
  renameSync(temporary, target);
} finally {
  rmSync(temporary, { force: true });
}
console.log(`tooling/vitest/durations.json: ${entries.length} test files (${report.testResults.length} from ${reportPath})`);
