// Golden fixture for @nlpkit/stem's non-English stemmers: a deterministic sample of Snowball's published
// vocabulary → stem lists (Debian package snowball-data) per language, plus the sampled words on which natural's
// stemmer for that language gives a different stem (so the test pins natural's behaviour exactly).
// Run from the repository root: node scripts/golden/stem/stem-snowball.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../../packages/stem/package.json', import.meta.url));
const DATA = '/usr/share/snowball/data/';
const LANGS = { de: 'german', es: 'spanish', fr: 'french', it: 'italian', nl: 'dutch', no: 'norwegian', pt: 'portuguese', ru: 'russian', sv: 'swedish' };
const MODULE = { de: 'porter_stemmer_de', es: 'porter_stemmer_es', fr: 'porter_stemmer_fr', it: 'porter_stemmer_it', nl: 'porter_stemmer_nl', no: 'porter_stemmer_no', pt: 'porter_stemmer_pt', ru: 'porter_stemmer_ru', sv: 'porter_stemmer_sv' };
const SAMPLE = 400;

const out = { generator: 'scripts/golden/stem/stem-snowball.mjs', source: 'snowball-data voc.txt/output.txt', languages: {} };
for (const [code, dir] of Object.entries(LANGS)) {
  const voc = readFileSync(`${DATA}${dir}/voc.txt`, 'utf8').split('\n').slice(0, -1);
  const stems = readFileSync(`${DATA}${dir}/output.txt`, 'utf8').split('\n').slice(0, -1);
  const step = Math.floor(voc.length / SAMPLE);
  const stemmer = require(`natural/lib/natural/stemmers/${MODULE[code]}.js`);
  const rows = [];
  const naturalDiffers = [];
  for (let i = 0; i < voc.length && rows.length < SAMPLE; i += step) {
    rows.push([voc[i], stems[i]]);
    if (stemmer.stem(voc[i]) !== stems[i]) naturalDiffers.push(voc[i]);
  }
  out.languages[code] = { rows, naturalDiffers };
  console.log(code, rows.length, 'natural differs on', naturalDiffers.length);
}
writeFileSync(new URL('../../../packages/stem/test/fixtures/snowball-sample.json', import.meta.url), JSON.stringify(out) + '\n');
