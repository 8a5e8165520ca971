import type { Span } from '@nlpkit/core';
import { classifyTexts, decodeSequenceTagger, decodeTextClassifier, type SequenceTaggerArtifact, type TextClassifierArtifact } from '@nlpkit/rnn';
import { wordTokenize } from '@nlpkit/text';
import { el, errorText, fileInput, panelBody } from './dom.js';
import type { SyncReads } from './syncReads.js';

/** The demo tagger, when it was built. */
export interface NerModel {
  readonly artifact: SequenceTaggerArtifact;
  readonly about: string;
}

/** `text` with each span's words wrapped in a `<mark>` carrying the entity label. */
function highlighted(text: string, tokens: readonly { start: number; end: number }[], spans: readonly Span[]): Node[] {
  const nodes: Node[] = [];
  let at = 0;
  for (const span of spans) {
    const from = tokens[span.start]!.start;
    const to = tokens[span.end - 1]!.end;
    nodes.push(document.createTextNode(text.slice(at, from)));
    nodes.push(el('mark', { class: `entity entity-${span.label}`, 'data-label': span.label, title: span.label }, text.slice(from, to), el('sup', { text: span.label })));
    at = to;
  }
  nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

/**
 * Panel 5: named entities in typed text. Words come from `wordTokenize` (`@nlpkit/text`, with character offsets),
 * entities from a sequence tagger's `predictSpans` (`@nlpkit/rnn`: a decoded `nlpkit tag train` artifact, the
 * demo's small BiLSTM by default), and the offsets put the highlights back on the original text. A text
 * classifier artifact (`nlpkit classify train`) loads here too and labels the whole text. The tagger reads its
 * tensors synchronously, so it is decoded and run through `syncReads`; the classifier reads asynchronously.
 */
export function mountNerPanel(model: NerModel | undefined, syncReads: SyncReads): void {
  const body = panelBody('panel-ner');
  let tagger = model?.artifact;
  let classifier: TextClassifierArtifact | undefined;
  const about = el('p', { class: 'about', text: model?.about ?? 'no tagger loaded: build the demo models or load a tagger file' });
  const text = el('textarea', { rows: 3, cols: 70, 'data-testid': 'ner-input' });
  text.value = 'Angela Merkel met Barack Obama in Berlin before flying to New York with officials of the United Nations .';
  const output = el('p', { class: 'ner-output', 'data-testid': 'ner-output' });
  const classification = el('p', { 'data-testid': 'classifier-output' });
  const error = el('p', { class: 'error' });
  body.append(
    about,
    fileInput('Load a tagger or text classifier (.safetensors):', '.safetensors', 'ner-file', (bytes, name) => {
      error.textContent = '';
      try {
        const next = syncReads.run(() => decodeSequenceTagger(bytes));
        tagger?.dispose();
        tagger = next;
        about.textContent = `${name}: ${tagger.config.encoder} tagger, tags ${tagger.vocabularies.tags.join(' ')}`;
      } catch (taggerError) {
        try {
          const next = decodeTextClassifier(bytes);
          classifier?.dispose();
          classifier = next;
          about.textContent = `${name}: text classifier, labels ${classifier.labels.join(', ')}`;
        } catch {
          error.textContent = errorText(taggerError);
        }
      }
      void update();
    }),
    el('p', {}, text),
    output,
    classification,
    error,
  );

  const update = async (): Promise<void> => {
    const tokens = wordTokenize(text.value);
    try {
      if (tagger !== undefined && tokens.length > 0) {
        const active = tagger;
        const [spans] = syncReads.run(() => active.tagger.predictSpans([tokens.map((t) => t.text)]));
        output.replaceChildren(...highlighted(text.value, tokens, spans ?? []));
        output.dataset['entities'] = String(spans?.length ?? 0);
      } else output.replaceChildren(text.value);
      if (classifier !== undefined) {
        const [result] = await classifyTexts(classifier, [text.value]);
        classification.textContent = result === undefined ? '' : `class: ${result.label} (${(100 * result.probability).toFixed(1)}%)`;
      }
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  text.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void update(), 150);
  });
  void update();
}
