import { FormatError, describeValue } from '@nlpkit/core';
import { applyMerges, mergeTable } from './applyMerges.js';
import { parseJson } from './bpe.js';
import { PKG, check, checkText } from './errors.js';
import { GPT2_PIECES, splitPieces } from './splitPieces.js';

/** An encoding from {@link hfTokenizer}: ids and the matching token strings. */
export interface HfEncoding {
  readonly ids: number[];
  readonly tokens: string[];
}

/** A tokenizer loaded from a Hugging Face `tokenizer.json`. */
export interface HfTokenizer {
  /** `'BPE'` or `'WordPiece'`. */
  readonly modelType: string;
  /** Encodes text; `addSpecialTokens` (default true) applies the post-processor (`[CLS] … [SEP]`, `<s> … </s>`). */
  encode(text: string, options?: { readonly addSpecialTokens?: boolean }): HfEncoding;
  /** Decodes ids with the file's decoder (ByteLevel, WordPiece; otherwise tokens joined by spaces). */
  decode(ids: readonly number[], options?: { readonly skipSpecialTokens?: boolean }): string;
  /** Id of a token string, or undefined. */
  tokenToId(token: string): number | undefined;
}

type Json = Record<string, unknown>;
type Normalizer = (text: string) => string;
type PreTokenizer = (words: string[]) => string[];

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function fail(what: string, found: unknown): never {
  throw new FormatError({ package: PKG, argument: 'json', message: `tokenizer.json ${what}, got ${describeValue(found)}`, found });
}

// ---- normalizers ----

const CONTROL = /[\p{Cc}\p{Cf}]/u;
const CJK = /[\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{F900}-\u{FAFF}\u{2F800}-\u{2FA1F}]/u;
const MARKS = /\p{Mn}/gu;

function bertNormalizer(cfg: Json): Normalizer {
  const lowercase = cfg.lowercase !== false;
  const strip = cfg.strip_accents === null || cfg.strip_accents === undefined ? lowercase : cfg.strip_accents === true;
  return (text) => {
    let out = '';
    for (const ch of text) {
      if (cfg.clean_text !== false) {
        if (ch === '\0' || ch === '\uFFFD') continue;
        if (ch === '\t' || ch === '\n' || ch === '\r' || /\s/u.test(ch)) {
          out += ' ';
          continue;
        }
        if (CONTROL.test(ch)) continue;
      }
      out += cfg.handle_chinese_chars !== false && CJK.test(ch) ? ` ${ch} ` : ch;
    }
    if (strip) out = out.normalize('NFD').replace(MARKS, '');
    return lowercase ? out.toLowerCase() : out;
  };
}

function normalizer(cfg: unknown): Normalizer {
  if (cfg === null || cfg === undefined) return (t) => t;
  if (!isObject(cfg)) fail('normalizer must be an object or null', cfg);
  switch (cfg.type) {
    case 'BertNormalizer':
      return bertNormalizer(cfg);
    case 'Lowercase':
      return (t) => t.toLowerCase();
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = cfg.type;
      return (t) => t.normalize(form);
    }
    case 'StripAccents':
      return (t) => t.replace(MARKS, '');
    case 'Sequence': {
      if (!Array.isArray(cfg.normalizers)) fail('Sequence normalizer needs a normalizers array', cfg.normalizers);
      const steps = cfg.normalizers.map(normalizer);
      return (t) => steps.reduce((acc, f) => f(acc), t);
    }
    default:
      return fail('normalizer type must be BertNormalizer, Lowercase, NFC, NFD, NFKC, NFKD, StripAccents or Sequence', cfg.type);
  }
}

// ---- pre-tokenizers ----

/** Sticky patterns for 1 to 4096 characters of a class: long runs are matched in steps (see `splitPieces`). */
const WORD_CHARS = /[\p{L}\p{N}\p{M}_]{1,4096}/uy;
const SYMBOL_CHARS = /[^\p{L}\p{N}\p{M}_\s]{1,4096}/uy;
const NON_SPACE = /\S{1,4096}/uy;

/**
 * The maximal runs of characters of one of `classes` (sticky patterns of bounded length), skipping characters in
 * none: what `text.match(/A+|B+/gu)` gives, without a regex that overflows the stack on a run of millions.
 */
function runs(text: string, classes: readonly RegExp[]): string[] {
  const out: string[] = [];
  let i = 0;
  let start = -1;
  let cls = -1;
  while (i < text.length) {
    let matched = -1;
    let end = i;
    for (let c = 0; c < classes.length; c++) {
      const re = classes[c] as RegExp;
      re.lastIndex = i;
      if (re.test(text)) {
        matched = c;
        end = re.lastIndex;
        break;
      }
    }
    if (matched !== cls && start >= 0) {
      out.push(text.slice(start, i));
      start = -1;
    }
    if (matched >= 0) {
      if (start < 0) start = i;
      cls = matched;
      i = end;
    } else {
      cls = -1;
      i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    }
  }
  if (start >= 0) out.push(text.slice(start));
  return out;
}

function isBertPunctuation(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
  return /\p{P}/u.test(ch);
}

/** GPT-2's reversible byte → printable character table. */
function byteToUnicode(): string[] {
  const table = new Array<string>(256);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCodePoint(printable ? b : 256 + n++);
  }
  return table;
}

function preTokenizer(cfg: unknown, bytes: string[]): PreTokenizer {
  if (cfg === null || cfg === undefined) return (words) => words;
  if (!isObject(cfg)) fail('pre_tokenizer must be an object or null', cfg);
  switch (cfg.type) {
    case 'WhitespaceSplit':
      return (words) => words.flatMap((w) => runs(w, [NON_SPACE]));
    case 'Whitespace':
      return (words) => words.flatMap((w) => runs(w, [WORD_CHARS, SYMBOL_CHARS]));
    case 'BertPreTokenizer':
      return (words) =>
        words.flatMap((w) => {
          const out: string[] = [];
          let current = '';
          for (const ch of w) {
            if (/\s/u.test(ch)) {
              if (current) out.push(current);
              current = '';
            } else if (isBertPunctuation(ch)) {
              if (current) out.push(current);
              out.push(ch);
              current = '';
            } else {
              current += ch;
            }
          }
          if (current) out.push(current);
          return out;
        });
    case 'ByteLevel': {
      const encoder = new TextEncoder();
      const addPrefix = cfg.add_prefix_space === true;
      const useRegex = cfg.use_regex !== false;
      return (words) =>
        words.flatMap((w, i) => {
          const text = addPrefix && i === 0 && !w.startsWith(' ') ? ` ${w}` : w;
          const parts = useRegex ? splitPieces(text, GPT2_PIECES) : [text];
          return parts.map((p) => Array.from(encoder.encode(p), (b) => bytes[b] as string).join(''));
        });
    }
    case 'Sequence': {
      if (!Array.isArray(cfg.pretokenizers)) fail('Sequence pre_tokenizer needs a pretokenizers array', cfg.pretokenizers);
      const steps = cfg.pretokenizers.map((p) => preTokenizer(p, bytes));
      return (words) => steps.reduce((acc, f) => f(acc), words);
    }
    default:
      return fail('pre_tokenizer type must be BertPreTokenizer, Whitespace, WhitespaceSplit, ByteLevel or Sequence', cfg.type);
  }
}

// ---- models ----

type Model = (word: string) => string[];

function bpeModel(cfg: Json, vocab: ReadonlyMap<string, number>): Model {
  if (!Array.isArray(cfg.merges)) fail('BPE model needs a merges array', cfg.merges);
  const merges = cfg.merges.map((m): [string, string] => {
    if (typeof m === 'string') {
      const space = m.indexOf(' ', 1);
      if (space < 0) fail('BPE merges must be "a b" strings or [a, b] pairs', m);
      return [m.slice(0, space), m.slice(space + 1)];
    }
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
    return fail('BPE merges must be "a b" strings or [a, b] pairs', m);
  });
  const table = mergeTable(merges, 'json.model.merges');
  const unk = typeof cfg.unk_token === 'string' ? cfg.unk_token : null;
  const prefix = typeof cfg.continuing_subword_prefix === 'string' ? cfg.continuing_subword_prefix : '';
  const suffix = typeof cfg.end_of_word_suffix === 'string' ? cfg.end_of_word_suffix : '';
  const byteFallback = cfg.byte_fallback === true;
  const fuseUnk = cfg.fuse_unk === true;
  const encoder = new TextEncoder();
  return (word) => {
    const chars = Array.from(word);
    const initial = (i: number): string => (i > 0 ? prefix : '') + (chars[i] as string) + (i === chars.length - 1 ? suffix : '');
    const symbols = new Int32Array(chars.length);
    for (let i = 0; i < chars.length; i++) symbols[i] = table.ids.get(initial(i)) ?? -1;
    const merged = applyMerges(symbols, table);
    const out: string[] = [];
    for (let j = 0; j < merged.ids.length; j++) {
      const id = merged.ids[j] as number;
      const sym = id >= 0 ? (table.strings[id] as string) : initial(merged.starts[j] as number);
      if (vocab.has(sym)) {
        out.push(sym);
        continue;
      }
      const byteTokens = byteFallback ? Array.from(encoder.encode(sym), (b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`) : [];
      if (byteFallback && byteTokens.every((t) => vocab.has(t))) {
        for (const t of byteTokens) out.push(t);
      } else if (unk !== null) {
        if (!(fuseUnk && out.at(-1) === unk)) out.push(unk);
      } else {
        throw new FormatError({
          package: PKG,
          argument: 'text',
          message: `tokenizer.json BPE model cannot encode ${JSON.stringify(sym)}: it has no unk_token`,
        });
      }
    }
    return out;
  };
}

function wordPieceModel(cfg: Json, vocab: ReadonlyMap<string, number>): Model {
  const unk = typeof cfg.unk_token === 'string' ? cfg.unk_token : '[UNK]';
  const prefix = typeof cfg.continuing_subword_prefix === 'string' ? cfg.continuing_subword_prefix : '##';
  const maxChars = typeof cfg.max_input_chars_per_word === 'number' ? cfg.max_input_chars_per_word : 100;
  // No piece longer than the longest vocabulary entry can match: start the greedy search there, so a file with a
  // huge max_input_chars_per_word cannot make a long word cost cubic time.
  let longest = 0;
  for (const token of vocab.keys()) longest = Math.max(longest, Array.from(token).length);
  return (word) => {
    const chars = Array.from(word);
    if (chars.length > maxChars) return [unk];
    const out: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = Math.min(chars.length, start + longest);
      let found: string | null = null;
      // Greedy longest match first, as in the original BERT tokenizer.
      while (start < end) {
        const piece = (start > 0 ? prefix : '') + chars.slice(start, end).join('');
        if (vocab.has(piece)) {
          found = piece;
          break;
        }
        end--;
      }
      if (found === null) return [unk];
      out.push(found);
      start = end;
    }
    return out;
  };
}

// ---- post-processing ----

type PostProcessor = (tokens: string[]) => string[];

function postProcessor(cfg: unknown): PostProcessor {
  if (cfg === null || cfg === undefined) return (t) => t;
  if (!isObject(cfg)) fail('post_processor must be an object or null', cfg);
  switch (cfg.type) {
    case 'BertProcessing':
    case 'RobertaProcessing': {
      const cls = Array.isArray(cfg.cls) ? String(cfg.cls[0]) : fail(`${cfg.type} needs cls`, cfg.cls);
      const sep = Array.isArray(cfg.sep) ? String(cfg.sep[0]) : fail(`${cfg.type} needs sep`, cfg.sep);
      return (t) => [cls, ...t, sep];
    }
    case 'TemplateProcessing': {
      if (!Array.isArray(cfg.single)) fail('TemplateProcessing needs a single template', cfg.single);
      const specials = isObject(cfg.special_tokens) ? cfg.special_tokens : {};
      const pieces = cfg.single.map((p): string[] | null => {
        if (isObject(p) && isObject(p.Sequence)) return null;
        if (isObject(p) && isObject(p.SpecialToken)) {
          const id = String(p.SpecialToken.id);
          const entry = specials[id];
          return isObject(entry) && Array.isArray(entry.tokens) ? entry.tokens.map(String) : [id];
        }
        return fail('TemplateProcessing pieces must be Sequence or SpecialToken', p);
      });
      return (t) => pieces.flatMap((p) => p ?? t);
    }
    case 'ByteLevel':
      return (t) => t;
    case 'Sequence': {
      if (!Array.isArray(cfg.processors)) fail('Sequence post_processor needs processors', cfg.processors);
      const steps = cfg.processors.map(postProcessor);
      return (t) => steps.reduce((acc, f) => f(acc), t);
    }
    default:
      return fail('post_processor type must be BertProcessing, RobertaProcessing, TemplateProcessing, ByteLevel or Sequence', cfg.type);
  }
}

/**
 * Loads a Hugging Face `tokenizer.json` (BPE or WordPiece model) and encodes text with it: added tokens,
 * normalizer (BertNormalizer, Lowercase, NFC/NFD/NFKC/NFKD, StripAccents, Sequence), pre-tokenizer
 * (BertPreTokenizer, Whitespace, WhitespaceSplit, ByteLevel, Sequence), model, and post-processor
 * (BertProcessing, RobertaProcessing, TemplateProcessing for single sequences). Other component types throw a
 * {@link FormatError} rather than silently tokenizing differently.
 *
 * @param json the file's text or parsed object
 * @example
 * const tok = hfTokenizer(readFileSync('tokenizer.json', 'utf8'));
 * tok.encode('Hello world').ids
 */
export function hfTokenizer(json: string | object): HfTokenizer {
  const root = parseJson(json, 'json');
  if (!isObject(root) || !isObject(root.model)) fail('must be an object with a model', root);
  const model = root.model;
  if (!isObject(model.vocab)) fail('model.vocab must be an object of token → id', model.vocab);
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id)) fail(`model.vocab[${JSON.stringify(token)}] must be an integer`, id);
    vocab.set(token, id);
  }
  const added = Array.isArray(root.added_tokens) ? root.added_tokens.filter(isObject) : [];
  const addedTokens = new Map<string, { id: number; special: boolean }>();
  for (const a of added) {
    if (typeof a.content === 'string' && typeof a.id === 'number') {
      addedTokens.set(a.content, { id: a.id, special: a.special === true });
      if (!vocab.has(a.content)) vocab.set(a.content, a.id);
    }
  }
  const idToToken = new Map<number, string>();
  for (const [t, id] of vocab) if (!idToToken.has(id)) idToToken.set(id, t);
  const bytes = byteToUnicode();
  const modelType = model.type ?? (Array.isArray(model.merges) ? 'BPE' : undefined);
  let encodeWord: Model;
  if (modelType === 'BPE') encodeWord = bpeModel(model, vocab);
  else if (modelType === 'WordPiece') encodeWord = wordPieceModel(model, vocab);
  else fail('model.type must be BPE or WordPiece', model.type);
  const normalize = normalizer(root.normalizer);
  const preTokenize = preTokenizer(root.pre_tokenizer, bytes);
  const postProcess = postProcessor(root.post_processor);
  const addedPattern =
    addedTokens.size === 0
      ? null
      : new RegExp(
          [...addedTokens.keys()]
            .sort((a, b) => b.length - a.length)
            .map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
            .join('|'),
          'gu',
        );
  const idOf = (token: string): number => {
    const id = vocab.get(token);
    if (id === undefined) {
      throw new FormatError({ package: PKG, argument: 'json', message: `tokenizer.json has no id for token ${JSON.stringify(token)}` });
    }
    return id;
  };
  const decoderType = isObject(root.decoder) ? root.decoder.type : undefined;
  const decoderPrefix = isObject(root.decoder) && typeof root.decoder.prefix === 'string' ? root.decoder.prefix : '##';
  const unicodeToByte = new Map(bytes.map((ch, b) => [ch, b]));
  return {
    modelType,
    tokenToId: (token) => vocab.get(token),
    encode(text, options = {}) {
      checkText(text, 'text');
      const tokens: string[] = [];
      // Added tokens ("<|endoftext|>", "[MASK]") are matched in the raw text and never split.
      const segments: { text: string; added: boolean }[] = [];
      let last = 0;
      if (addedPattern !== null) {
        for (const m of text.matchAll(addedPattern)) {
          if (m.index > last) segments.push({ text: text.slice(last, m.index), added: false });
          segments.push({ text: m[0], added: true });
          last = m.index + m[0].length;
        }
      }
      if (last < text.length) segments.push({ text: text.slice(last), added: false });
      for (const seg of segments) {
        if (seg.added) tokens.push(seg.text);
        else for (const word of preTokenize([normalize(seg.text)])) for (const t of encodeWord(word)) tokens.push(t);
      }
      const final = options.addSpecialTokens === false ? tokens : postProcess(tokens);
      return { ids: final.map(idOf), tokens: final };
    },
    decode(ids, options = {}) {
      check.array(ids, 'ids');
      const tokens: string[] = [];
      for (const id of ids) {
        const t = idToToken.get(id);
        if (t === undefined) throw check.invalid(id, 'id', "an id in the tokenizer's vocabulary");
        if (options.skipSpecialTokens && addedTokens.get(t)?.special) continue;
        tokens.push(t);
      }
      if (decoderType === 'ByteLevel') {
        const out: number[] = [];
        const encoder = new TextEncoder();
        for (const ch of tokens.join('')) {
          const b = unicodeToByte.get(ch);
          if (b !== undefined) out.push(b);
          else for (const byte of encoder.encode(ch)) out.push(byte);
        }
        // ignoreBOM keeps a U+FEFF of the text (TextDecoder drops a leading one by default).
        return new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array(out));
      }
      if (decoderType === 'WordPiece') {
        return tokens.map((t, i) => (t.startsWith(decoderPrefix) ? t.slice(decoderPrefix.length) : i === 0 ? t : ` ${t}`)).join('');
      }
      return tokens.join(' ');
    },
  };
}
