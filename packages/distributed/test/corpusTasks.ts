// The test corpus tasks, shared by the worker processes and the tests (which compute the expected output with them).

/** `upper`: each line upper-cased after `prefix` (one line out per line in). */
export const upperLines = (prefix: string, lines: readonly string[]): string[] => lines.map((line) => `${prefix}${line.toUpperCase()}`);

/**
 * `blocks`: records of lines separated by blank lines (as CoNLL sentences) → for each record one line per input line,
 * `prefix<record size>:<line>`, a blank line between records (none after the last): wrong if a record were split.
 */
export function blockLines(prefix: string, lines: readonly string[]): string[] {
  const records: string[][] = [[]];
  for (const line of lines) {
    if (line.trim() === '') {
      if (records[records.length - 1]!.length > 0) records.push([]);
    } else records[records.length - 1]!.push(line);
  }
  const out: string[] = [];
  for (const record of records.filter((r) => r.length > 0)) {
    if (out.length > 0) out.push('');
    for (const line of record) out.push(`${prefix}${record.length}:${line}`);
  }
  return out;
}
