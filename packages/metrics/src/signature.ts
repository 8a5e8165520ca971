/**
 * The sacreBLEU release whose BLEU, chrF and TER numbers this package reproduces. It is the default `version`
 * field of the signatures we print, because a signature exists so that readers can tell which settings and
 * which implementation produced a number; pass `version` to print something else.
 */
export const SACREBLEU_VERSION = '2.6.0';

/** One field of a signature: its long name, its short (`--short`) name and its value; null values are left out. */
export interface SignatureField {
  readonly name: string;
  readonly short: string;
  readonly value: string | number | boolean | null | undefined;
}

/** How to print a signature. */
export interface SignatureFormat {
  /** The `version` field (default {@link SACREBLEU_VERSION}). */
  readonly version?: string;
  /** Use sacreBLEU's abbreviated keys (`#:1|c:mixed|...|v:2.6.0`). Default false. */
  readonly short?: boolean;
}

/**
 * Joins fields in sacreBLEU's order and spelling: the shared fields first (`nrefs`, bootstrap `bs` and `seed`),
 * then the metric's own, and `version` always last; booleans print as yes/no.
 */
export function formatSignature(
  nrefs: number | 'var',
  bootstrap: { readonly samples: number; readonly seed: number } | undefined,
  own: readonly SignatureField[],
  format: SignatureFormat = {},
): string {
  const fields: SignatureField[] = [
    { name: 'nrefs', short: '#', value: nrefs },
    { name: 'bs', short: 'bs', value: bootstrap?.samples },
    { name: 'seed', short: 'rs', value: bootstrap?.seed },
    ...own,
    { name: 'version', short: 'v', value: format.version ?? SACREBLEU_VERSION },
  ];
  const parts: string[] = [];
  for (const field of fields) {
    if (field.value === null || field.value === undefined) continue;
    const value = typeof field.value === 'boolean' ? (field.value ? 'yes' : 'no') : String(field.value);
    parts.push(`${format.short === true ? field.short : field.name}:${value}`);
  }
  return parts.join('|');
}

/** Collapses the set of reference counts seen per segment into sacreBLEU's `nrefs` value. */
export function nrefsValue(counts: ReadonlySet<number>): number | 'var' {
  if (counts.size === 1) return [...counts][0] as number;
  return 'var';
}
