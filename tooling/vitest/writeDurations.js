#!/usr/bin/env node
// Writes durations.json (seconds per test file, by path from the repository root) from a Vitest JSON report, for
// DurationSequencer:
//   pnpm vitest run --reporter=default --reporter=json --outputFile.json=/tmp/report.json
//   node tooling/vitest/writeDurations.js /tmp/report.json
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
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
/** @type {[string, number][]} */
const entries = report.testResults.map((file) => [relative(root, file.name).split('\\').join('/'), Math.round((file.endTime - file.startTime) / 100) / 10]);
entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
writeFileSync(new URL('durations.json', import.meta.url), `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`);
console.log(`tooling/vitest/durations.json: ${entries.length} test files`);
