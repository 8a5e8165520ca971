// Assembles nlpkit's hand-written WebAssembly with wabt into committed TypeScript (so neither users nor the build
// need wabt):
// - src/kernels/wasmGemm.wat into wasmGemmBytes.ts, two binaries from the one source: as written (memory imported
//   `shared`, for worker threads) and with `shared` removed (one thread on tfjs-backend-wasm's own, unshared heap);
//   and both again with the register tiles' multiply-adds as relaxed SIMD's `f32x4.relaxed_madd` (a fused
//   multiply-add where the CPU has one; used where the runtime validates relaxed SIMD);
// - src/kernels/wasmPointwise.wat into wasmPointwiseBytes.ts: as written (on tfjs-backend-wasm's unshared heap) and
//   with its memory import `shared` (the GEMM's worker threads run its LSTM steps in their programs).
//
//   Every call of wasmPointwise.wat's vector helpers ($exp4, $sigmoid4, $tanh4) is inlined first (`inlined`):
//   V8 compiles a call per vector with every live vector register spilled around it, which cost the LSTM step
//   about a third of its time. The same instructions in the same order: the same numbers.
//
//   node scripts/buildWasmGemm.mjs           write the modules
//   node scripts/buildWasmGemm.mjs --check   exit 1 when a committed module does not match its .wat
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import wabtFactory from 'wabt';

const WAT = fileURLToPath(new URL('../src/kernels/wasmGemm.wat', import.meta.url));
const OUT = fileURLToPath(new URL('../src/kernels/wasmGemmBytes.ts', import.meta.url));
const POINTWISE_WAT = fileURLToPath(new URL('../src/kernels/wasmPointwise.wat', import.meta.url));
const POINTWISE_OUT = fileURLToPath(new URL('../src/kernels/wasmPointwiseBytes.ts', import.meta.url));
const FEATURES = { simd: true, threads: true, bulk_memory: true, relaxed_simd: true };

async function assemble(text, name = 'wasmGemm.wat') {
  const wabt = await wabtFactory();
  const module = wabt.parseWat(name, text, FEATURES);
  try {
    module.validate(FEATURES);
    return Buffer.from(module.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
}

/** The register tiles' `c += a·b` (f32x4.add of an f32x4.mul; eight in `$tile`, six in `$rowTile`) as `f32x4.relaxed_madd`. */
function fused(text) {
  const mulAdd = /\(local\.set (\$c\d\d) \(f32x4\.add \(local\.get \1\) \(f32x4\.mul \(local\.get \$a\) \(local\.get (\$b\d)\)\)\)\)/g;
  let count = 0;
  const out = text.replace(mulAdd, (_, c, b) => {
    count += 1;
    return `(local.set ${c} (f32x4.relaxed_madd (local.get $a) (local.get ${b}) (local.get ${c})))`;
  });
  if (count !== 14) throw new Error(`${WAT}: expected the tiles' 14 multiply-adds, found ${count}`);
  return out;
}

/** The index after the S-expression opening at `start` (skipping `;;` comments and strings). */
function sexprEnd(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === ';' && text[i + 1] === ';') {
      i = text.indexOf('\n', i);
      if (i < 0) break;
    } else if (ch === '"') i = text.indexOf('"', i + 1);
    else if (ch === '(') depth += 1;
    else if (ch === ')' && (depth -= 1) === 0) return i + 1;
  }
  throw new Error(`unbalanced parentheses from offset ${start}`);
}

/** The items of an S-expression's text (atoms and nested S-expressions), without comments. */
function items(sexpr) {
  const inner = sexpr.slice(1, -1).replace(/;;[^\n]*/g, '');
  const out = [];
  for (let i = 0; i < inner.length; ) {
    if (/\s/.test(inner[i])) i += 1;
    else if (inner[i] === '(') {
      const end = sexprEnd(inner, i);
      out.push(inner.slice(i, end));
      i = end;
    } else {
      const end = inner.slice(i).search(/[\s()]|$/);
      out.push(inner.slice(i, i + end));
      i += end;
    }
  }
  return out;
}

const DECLARATION = /^\((?:export|param|result|local)\s/;

/**
 * `text` (a module) with every call of the functions `names` (each one v128 parameter and a v128 result, inlining
 * only each other) replaced by a block: the argument set to the callee's parameter, then its body, its parameter
 * and locals renamed `$callee_name` and declared in the caller.
 */
function inlined(text, names) {
  const defs = new Map();
  for (const name of names) {
    const start = text.indexOf(`(func ${name} `);
    if (start < 0) throw new Error(`no (func ${name} ...) to inline`);
    const parts = items(text.slice(start, sexprEnd(text, start))).slice(2);
    const head = parts.filter((p) => DECLARATION.test(p));
    const vars = head.filter((p) => /^\((?:param|local)\s/.test(p)).map((p) => p.match(/^\((?:param|local) (\$[\w.]+) v128\)$/)?.[1]);
    if (vars.some((v) => v === undefined) || !head.some((p) => p.startsWith('(param'))) throw new Error(`${name}: one v128 parameter and v128 locals expected, one name each`);
    defs.set(name, { param: vars[0], vars, body: parts.filter((p) => !DECLARATION.test(p)).join(' ') });
  }
  // Expands the calls in `code`; returns the code and the locals it now needs.
  const expand = (code) => {
    const needed = [];
    let out = '';
    let from = 0;
    const call = new RegExp(`\\(call (${names.map((n) => n.replace('$', '\\$')).join('|')})(?=[\\s)])`, 'g');
    for (let m; (m = call.exec(code)) !== null; ) {
      const end = sexprEnd(code, m.index);
      const [, , arg, ...rest] = items(code.slice(m.index, end));
      if (arg === undefined || rest.length > 0) throw new Error(`call ${m[1]}: one argument expected`);
      const def = defs.get(m[1]);
      const inner = expand(def.body);
      const prefix = `$${m[1].slice(1)}_`;
      const local = [...def.vars, ...inner.needed];
      const rename = (s) => s.replace(/\$[\w.]+/g, (v) => (local.includes(v) ? prefix + v.slice(1) : v));
      const argument = expand(arg);
      out += `${code.slice(from, m.index)}(block (result v128) (local.set ${rename(def.param)} ${argument.code}) ${rename(inner.code)})`;
      for (const v of [...local.map(rename), ...argument.needed]) if (!needed.includes(v)) needed.push(v);
      from = end;
      call.lastIndex = end;
    }
    return { code: out + code.slice(from), needed };
  };
  let out = '';
  let from = 0;
  for (let start = text.indexOf('(func '); start >= 0; start = text.indexOf('(func ', from)) {
    const end = sexprEnd(text, start);
    const { code, needed } = expand(text.slice(start, end));
    if (needed.length === 0) {
      out += text.slice(from, end);
    } else {
      // The new locals go after the caller's last declaration.
      const parts = items(code);
      let k = 2;
      while (k < parts.length && DECLARATION.test(parts[k])) k += 1;
      const decls = needed.map((v) => `(local ${v} v128)`);
      out += `${text.slice(from, start)}(${[...parts.slice(0, k), ...decls, ...parts.slice(k)].join(' ')})`;
    }
    from = end;
  }
  return out + text.slice(from);
}

async function render() {
  const text = await readFile(WAT, 'utf8');
  const unsharedText = text.replace('(memory 1 65536 shared)', '(memory 1 65536)');
  if (unsharedText === text) throw new Error(`${WAT}: no "(memory 1 65536 shared)" import to unshare`);
  const shared = await assemble(text);
  const unshared = await assemble(unsharedText);
  const sharedFma = await assemble(fused(text));
  const unsharedFma = await assemble(fused(unsharedText));
  return [
    '// Generated by scripts/buildWasmGemm.mjs from wasmGemm.wat: do not edit (a test checks that it matches).',
    '',
    '/** wasmGemm.wat assembled as written: imports a shared memory (worker threads). Base64. */',
    `export const WASM_GEMM_SHARED = '${shared.toString('base64')}';`,
    '',
    '/** wasmGemm.wat assembled with an unshared memory import (one thread on tfjs-backend-wasm\'s heap). Base64. */',
    `export const WASM_GEMM_UNSHARED = '${unshared.toString('base64')}';`,
    '',
    '/** WASM_GEMM_SHARED with fused multiply-adds (`f32x4.relaxed_madd`: needs relaxed SIMD). Base64. */',
    `export const WASM_GEMM_SHARED_FMA = '${sharedFma.toString('base64')}';`,
    '',
    '/** WASM_GEMM_UNSHARED with fused multiply-adds (`f32x4.relaxed_madd`: needs relaxed SIMD). Base64. */',
    `export const WASM_GEMM_UNSHARED_FMA = '${unsharedFma.toString('base64')}';`,
    '',
  ].join('\n');
}

async function renderPointwise() {
  const text = inlined(await readFile(POINTWISE_WAT, 'utf8'), ['$exp4', '$sigmoid4', '$tanh4']);
  const sharedText = text.replace('(memory 1 65536)', '(memory 1 65536 shared)');
  if (sharedText === text) throw new Error(`${POINTWISE_WAT}: no "(memory 1 65536)" import to share`);
  const bytes = await assemble(text, 'wasmPointwise.wat');
  const shared = await assemble(sharedText, 'wasmPointwise.wat');
  return [
    '// Generated by scripts/buildWasmGemm.mjs from wasmPointwise.wat: do not edit (a test checks that it matches).',
    '',
    '/** wasmPointwise.wat assembled (imports an unshared memory: tfjs-backend-wasm\'s heap). Base64. */',
    `export const WASM_POINTWISE = '${bytes.toString('base64')}';`,
    '',
    '/** wasmPointwise.wat assembled with a shared memory import (the GEMM\'s worker threads). Base64. */',
    `export const WASM_POINTWISE_SHARED = '${shared.toString('base64')}';`,
    '',
  ].join('\n');
}

for (const [out, wat, wanted] of [[OUT, WAT, await render()], [POINTWISE_OUT, POINTWISE_WAT, await renderPointwise()]]) {
  if (process.argv.includes('--check')) {
    const found = await readFile(out, 'utf8').catch(() => '');
    if (found !== wanted) {
      console.error(`${out} does not match ${wat}: run \`node scripts/buildWasmGemm.mjs\``);
      process.exitCode = 1;
    }
  } else {
    await writeFile(out, wanted);
    console.log(`wrote ${out}`);
  }
}
