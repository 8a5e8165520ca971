import { decodeSeq2seq, translateSentences, translationText, type Seq2seqArtifact } from '@nlpkit/seq2seq';
import { attentionTable } from './attentionTable.js';
import { el, errorText, fileInput, panelBody } from './dom.js';

/** A translation model the demo offers. */
export interface TranslationModel {
  /** What the model selector shows. */
  readonly name: string;
  readonly artifact: Seq2seqArtifact;
  readonly about: string;
  /** A source sentence it handles. */
  readonly example: string;
}

/** What the panel says of a model: its shape and how it reads and writes text. */
function describe(artifact: Seq2seqArtifact): string {
  const { config, sourceVocabulary, targetVocabulary, meta } = artifact;
  return `${config.cell} encoder-decoder, ${config.attention} attention, vocabularies ${sourceVocabulary.size} → ${targetVocabulary.size}; ${translationText(meta).description}`;
}

/**
 * Panel 6: translation with an attention heatmap. A `@nlpkit/seq2seq` model (`decodeSeq2seq` of an
 * `nlpkit translate train` artifact: the committed Multi30k German→English model, the demo's tiny model that
 * reverses number words, or a loaded file) translates the typed sentence with `translateSentences`, greedily or
 * with beam search. `translationText` reads the input as the model was trained (lowercase and Moses tokenization for
 * the Multi30k model; whitespace tokens for the others) and detokenizes the output; the chosen hypothesis's
 * attention rows (one per output token, over the source tokens and `</s>`) become the heatmap. Decoding reads
 * tensors asynchronously, so it runs on the main backend, WebGPU included.
 */
export function mountTranslatePanel(models: readonly TranslationModel[]): void {
  const body = panelBody('panel-translate');
  const offered = [...models];
  let current: TranslationModel | undefined = offered[0];
  const status = el('p', { 'data-testid': 'translate-status' });
  const picker = el('select', { 'data-testid': 'translate-model' });
  const input = el('input', { type: 'text', size: 50, 'data-testid': 'translate-input' });
  const beam = el('select', { 'data-testid': 'translate-beam' }, ...[1, 5].map((k) => el('option', { value: k, text: k === 1 ? 'greedy' : `beam ${k}` })));
  const run = el('button', { type: 'button', text: 'Translate', 'data-testid': 'translate-run' });
  const tokens = el('p', { class: 'tokens', 'data-testid': 'translate-tokens' });
  const output = el('p', { class: 'translation', 'data-testid': 'translate-output' });
  const heatmap = el('div', { class: 'heatmap' });

  const show = (model: TranslationModel | undefined): void => {
    current = model;
    run.disabled = model === undefined;
    status.textContent = model === undefined ? 'no translation model loaded: build the demo models or load a seq2seq file' : `${model.about} (${describe(model.artifact)})`;
    input.value = model?.example ?? '';
    picker.replaceChildren(...offered.map((m, i) => el('option', { value: i, text: m.name })));
    picker.value = String(model === undefined ? 0 : offered.indexOf(model));
    picker.disabled = offered.length < 2;
    tokens.textContent = '';
    output.textContent = '';
    heatmap.replaceChildren();
  };
  picker.addEventListener('change', () => show(offered[Number(picker.value)]));

  body.append(
    el('p', {}, el('label', {}, 'Model: ', picker)),
    status,
    fileInput('Load a translation model (.safetensors):', '.safetensors', 'translate-file', (bytes, name) => {
      try {
        const model = { name, artifact: decodeSeq2seq(bytes), about: `${name}, loaded here`, example: '' };
        offered.push(model);
        show(model);
      } catch (error) {
        status.textContent = `not loaded: ${errorText(error)}`;
      }
    }),
    el('p', {}, el('label', {}, 'Source: ', input), ' ', beam, ' ', run),
    tokens,
    output,
    heatmap,
  );

  const translate = async (): Promise<void> => {
    const model = current;
    if (model === undefined) return;
    run.disabled = true;
    try {
      const text = translationText(model.artifact.meta);
      const source = text.source(input.value);
      if (source.length === 0) return;
      const [result] = await translateSentences(model.artifact, [source], { beamSize: Number(beam.value) });
      if (result === undefined || model !== current) return;
      tokens.textContent = `tokens: ${source.join(' ')} → ${result.tokens.join(' ')}`;
      output.textContent = text.target(result.tokens);
      heatmap.replaceChildren(attentionTable([...source, '</s>'], result.tokens, result.attention));
    } catch (error) {
      output.textContent = `failed: ${errorText(error)}`;
    } finally {
      run.disabled = false;
    }
  };
  run.addEventListener('click', () => void translate());
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') void translate();
  });
  show(current);
  if (current !== undefined) void translate();
}
