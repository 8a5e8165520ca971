import type { LanguageModel } from '@nlpkit/core';
import { decodeRecurrentLm, decodeSequenceTagger } from '@nlpkit/rnn';
import { decodeSeq2seq } from '@nlpkit/seq2seq';
import { showBackend, showBackendFailure } from './backendPanel.js';
import { errorText } from './dom.js';
import { mountGradientPanel } from './gradientPanel.js';
import { fetchBytes, MODELS_URL, ngramModelFromBytes } from './modelFiles.js';
import { mountNerPanel, type NerModel } from './nerPanel.js';
import { mountPredictPanel, type PredictModels } from './predictPanel.js';
import { mountTrainPanel } from './trainPanel.js';
import { mountTranslatePanel, type TranslationModel } from './translatePanel.js';
import { startBackend } from './backend.js';
import { prepareSyncReads } from './syncReads.js';
import './style.css';

/** What `scripts/build-demo-models.mjs` says it built. */
interface Manifest {
  readonly models: Readonly<Record<string, { readonly file: string; readonly about: string; readonly name?: string; readonly example?: string }>>;
  readonly skipped: readonly string[];
}

/** Decodes a fetched model, or leaves it out with the reason in the console (the panel then offers a file input). */
function attempt<T>(what: string, make: () => T): T | undefined {
  try {
    return make();
  } catch (error) {
    console.error(`demo ${what} not loaded: ${errorText(error)}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  let selection;
  try {
    selection = await startBackend(location.search);
  } catch (error) {
    showBackendFailure(error);
    mountTranslatePanel([]);
    return;
  }
  const syncReads = await prepareSyncReads(selection.name);
  showBackend(selection, syncReads);
  document.body.dataset['backend'] = selection.name;

  const manifestBytes = await fetchBytes(`${MODELS_URL}manifest.json`);
  const manifest: Manifest = manifestBytes === undefined ? { models: {}, skipped: [] } : (JSON.parse(new TextDecoder().decode(manifestBytes)) as Manifest);
  const about = (key: string): string => manifest.models[key]?.about ?? '';
  const files = ['kn3.bin', 'lstm.safetensors', 'ner.safetensors', 'brown-train.txt', 'reverse.safetensors', manifest.models['translation']?.file];
  const [kn, lstm, ner, brown, reverse, translation] = await Promise.all(files.map((file) => (file === undefined ? undefined : fetchBytes(`${MODELS_URL}${file}`))));

  const models: { ngram?: PredictModels['ngram']; lstm?: PredictModels['lstm'] } = {};
  const ngramModel = kn === undefined ? undefined : attempt<LanguageModel>('Kneser-Ney model', () => ngramModelFromBytes(kn));
  if (ngramModel !== undefined) models.ngram = { model: ngramModel, about: about('kn') };
  const lstmArtifact = lstm === undefined ? undefined : attempt('LSTM', () => syncReads.run(() => decodeRecurrentLm(lstm)));
  if (lstmArtifact !== undefined) models.lstm = { artifact: lstmArtifact, about: about('lstm') };
  const predict = mountPredictPanel(models, syncReads);

  mountTrainPanel(brown === undefined ? undefined : new TextDecoder().decode(brown), predict, syncReads);
  mountGradientPanel();

  const tagger = ner === undefined ? undefined : attempt('tagger', () => syncReads.run(() => decodeSequenceTagger(ner)));
  const nerModel: NerModel | undefined = tagger === undefined ? undefined : { artifact: tagger, about: about('ner') };
  mountNerPanel(nerModel, syncReads);

  const translators: TranslationModel[] = [];
  for (const [key, bytes] of [['translation', translation], ['seq2seq', reverse]] as const) {
    const artifact = bytes === undefined ? undefined : attempt(`translation model ${key}`, () => decodeSeq2seq(bytes));
    const entry = manifest.models[key];
    if (artifact !== undefined && entry !== undefined) translators.push({ name: entry.name ?? entry.file, artifact, about: entry.about, example: entry.example ?? '' });
  }
  mountTranslatePanel(translators);
  document.body.dataset['ready'] = 'true';
}

void main();
