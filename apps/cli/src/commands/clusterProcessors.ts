import type { CorpusProcessor } from '@nlpkit/distributed';
import type { CliIo } from '../cliIo.js';
import { lmScoreLines, loadModel } from './lm.js';
import { loadTagger, predictTagLines } from './tag.js';
import { lineTranslator } from './translate.js';

/**
 * The corpus tasks `nlpkit cluster worker` serves, by name — each the very code of its single-process command:
 * `lm-score` (`nlpkit lm score`), `tag` (`nlpkit tag predict`), `translate` (`nlpkit translate`). A model is loaded
 * (and tfjs with it) only when a job of its task arrives, so a worker that serves n-gram jobs only stays light.
 */
export function clusterProcessors(io: CliIo): Record<string, CorpusProcessor> {
  return {
    'lm-score': {
      async load(model) {
        const artifact = await loadModel(model);
        return { process: (lines) => lmScoreLines(artifact.model, lines), dispose: () => artifact.dispose() };
      },
    },
    tag: {
      async load(model, options) {
        const { artifact, prefix } = await loadTagger(model);
        const text = options['text'] === true;
        const batchSize = typeof options['batchSize'] === 'number' ? options['batchSize'] : 64;
        return {
          process: (lines) => predictTagLines(artifact.tagger, prefix, lines, { text, batchSize, argument: 'chunk', requireSentence: false }),
          dispose: () => artifact.dispose(),
        };
      },
    },
    translate: {
      async load(model, options) {
        // The options are the submitter's `translate` flags (decoding, --json, --lm made absolute).
        const translator = await lineTranslator({ ...(options as unknown as Parameters<typeof lineTranslator>[0]), model }, io);
        return { process: (lines) => translator.translate(lines), dispose: () => translator.dispose() };
      },
    },
  };
}
