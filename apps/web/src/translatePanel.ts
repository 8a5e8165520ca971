import { decodeSeq2seq, translateSentences, type Seq2seqArtifact } from '@nlpkit/seq2seq';
import { attentionTable } from './attentionTable.js';
import { el, errorText, fileInput, panelBody } from './dom.js';

/** The demo's translation model, when it was built. */
export interface TranslationModel {
  readonly artifact: Seq2seqArtifact;
  readonly about: string;
  /** A source sentence it handles. */
  readonly example: string;
}

/**
 * Panel 6: translation with an attention heatmap. A `@nlpkit/seq2seq` model (`decodeSeq2seq` of an
 * `nlpkit translate train` artifact, or the demo's tiny model that reverses number words) translates the typed
 * sentence with `translateSentences`, greedily or with beam search; the chosen hypothesis's attention rows (one per
 * output step, over the source tokens and `</s>`) become the heatmap. Decoding reads tensors asynchronously, so it
 * runs on the main backend, WebGPU included.
 */
export function mountTranslatePanel(model: TranslationModel | undefined): void {
  const body = panelBody('panel-translate');
  let artifact = model?.artifact;
  const status = el('p', { 'data-testid': 'translate-status', text: model?.about ?? 'no translation model loaded: build the demo models or load a seq2seq file' });
  const input = el('input', { type: 'text', size: 44, value: model?.example ?? '', 'data-testid': 'translate-input' });
  const beam = el('select', {}, ...[1, 4].map((k) => el('option', { value: k, text: k === 1 ? 'greedy' : `beam ${k}` })));
  const run = el('button', { type: 'button', text: 'Translate', disabled: artifact === undefined, 'data-testid': 'translate-run' });
  const output = el('p', { class: 'translation', 'data-testid': 'translate-output' });
  const heatmap = el('div', { class: 'heatmap' });
  body.append(
    status,
    fileInput('Load a translation model (.safetensors):', '.safetensors', 'translate-file', (bytes, name) => {
      try {
        const next = decodeSeq2seq(bytes);
        artifact?.dispose();
        artifact = next;
        status.textContent = `${name}: ${next.config.cell} encoder-decoder, ${next.config.attention} attention, vocabularies ${next.sourceVocabulary.size} → ${next.targetVocabulary.size}`;
        run.disabled = false;
      } catch (error) {
        status.textContent = `not loaded: ${errorText(error)}`;
      }
    }),
    el('p', {}, el('label', {}, 'Source (space-separated tokens): ', input), ' ', beam, ' ', run),
    output,
    heatmap,
  );

  const translate = async (): Promise<void> => {
    if (artifact === undefined) return;
    const tokens = input.value.trim().split(/\s+/).filter((t) => t !== '');
    if (tokens.length === 0) return;
    run.disabled = true;
    try {
      const [result] = await translateSentences(artifact, [tokens], { beamSize: Number(beam.value) });
      if (result === undefined) return;
      output.textContent = result.tokens.join(' ');
      heatmap.replaceChildren(attentionTable([...tokens, '</s>'], result.tokens, result.attention));
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
  if (artifact !== undefined) void translate();
}
