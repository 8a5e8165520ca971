/**
 * Pre-tokenization into BPE pieces without one regular expression over the whole text: `/ ?\p{L}+|…/gu` keeps
 * a backtracking entry per repetition, so a run of ten million letters, marks or emoji parts throws V8's
 * "Maximum call stack size exceeded". These scanners give exactly the pieces of those expressions (checked by a
 * property test against them), with runs matched in bounded steps.
 * @internal
 */

/** A piece grammar: `contractions` first (GPT-2's `'s|'t|…`), then ` ?<class>+` for each class, then spaces. */
export interface PieceGrammar {
  /** Sticky pattern of the contractions tried before anything else, or null. */
  readonly contractions: RegExp | null;
  /** Sticky patterns matching 1 to {@link STEP} characters of one class each, in order of preference. */
  readonly classes: readonly RegExp[];
}

/** Most characters one sticky match consumes; long runs take several matches. */
const STEP = 4096;

const run = (cls: string): RegExp => new RegExp(`${cls}{1,${STEP}}`, 'uy');
const SPACES = run('\\s');

/** The grammar of `@nlpkit/text`'s BPE: `/ ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+/gu`. */
export const BPE_PIECES: PieceGrammar = {
  contractions: null,
  classes: [run('[\\p{L}\\p{M}]'), run('\\p{N}'), run('[^\\s\\p{L}\\p{M}\\p{N}]')],
};

/**
 * GPT-2's pre-tokenizer (Hugging Face `ByteLevel` with `use_regex`):
 * `/'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu`.
 */
export const GPT2_PIECES: PieceGrammar = {
  contractions: /'(?:s|t|re|ve|m|ll|d)/y,
  classes: [run('\\p{L}'), run('\\p{N}'), run('[^\\s\\p{L}\\p{N}]')],
};

/** End of the maximal run of `re`'s class starting at `i` (`i` when `text[i]` is not in the class). */
function runEnd(re: RegExp, text: string, i: number): number {
  let at = i;
  for (;;) {
    re.lastIndex = at;
    if (!re.test(text)) return at;
    const end = re.lastIndex;
    if (end - at < STEP) return end;
    at = end;
  }
}

/** Calls `emit(start, end)` for each piece of `text`, in order; the pieces cover the text exactly. */
export function forEachPiece(text: string, grammar: PieceGrammar, emit: (start: number, end: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const end = pieceEnd(text, i, n, grammar);
    emit(i, end);
    i = end;
  }
}

/** The pieces of `text` as strings. */
export function splitPieces(text: string, grammar: PieceGrammar): string[] {
  const out: string[] = [];
  forEachPiece(text, grammar, (start, end) => out.push(text.slice(start, end)));
  return out;
}

function pieceEnd(text: string, i: number, n: number, grammar: PieceGrammar): number {
  const { contractions } = grammar;
  if (contractions !== null && text.charCodeAt(i) === 0x27) {
    contractions.lastIndex = i;
    if (contractions.test(text)) return contractions.lastIndex;
  }
  // ` ?X+`: an optional leading ASCII space; the space itself is in no class, so without it the run starts at i.
  const from = text.charCodeAt(i) === 0x20 ? i + 1 : i;
  if (from < n) {
    for (const re of grammar.classes) {
      const end = runEnd(re, text, from);
      if (end > from) return end;
    }
  }
  // `\s+(?!\S)`: all of a run of spaces that ends the text, else all but its last space (which goes with the
  // next piece); `\s+` when that leaves nothing (a single space before a non-space).
  const end = runEnd(SPACES, text, i);
  if (end === i) return i + ((text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1); // unreachable: every character is in a class
  if (end === n || end - i === 1) return end;
  return end - 1;
}
