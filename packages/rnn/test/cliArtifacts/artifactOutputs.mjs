// What the CLI-artifact comparison computes from the three artifacts, written once in plain JavaScript so that the
// golden generator (scripts/golden/rnn/cli-artifacts.mjs, on the built package) and the Node and browser tests (on
// the sources) run the very same code. `rnn` is the @nlpkit/rnn module it runs against.

/** The inputs every run feeds the artifacts (unknown words included: they go through `<unk>`). */
export const ARTIFACT_INPUTS = {
  lm: {
    sentences: [['a', 'dog', 'sees', 'the', 'ball'], ['my', 'friend', 'follows', 'a', 'book', 'today'], ['the', 'zebra', 'sleeps']],
    prefix: ['a', 'dog'],
  },
  tagger: {
    sentences: [['John', 'lives', 'in', 'Paris', '.'], ['Mary', 'Smith', 'went', 'to', 'New', 'York', '.'], ['Zed']],
  },
  classifier: {
    texts: ['a great film', 'the plot is dull', 'boring and awful story', 'unseen words only', 'funny'],
  },
};

/** JSON has no -Infinity (the log-probability of `<pad>` and `<s>`): it is written as null. */
const finite = (v) => (v === -Infinity ? null : v);

/**
 * The outputs compared: the LM's logits over each sentence (`<s>` first), its per-token log10 probabilities and
 * its next-token distribution after `prefix` (the `LanguageModel` contract); the tagger's per-token emission scores
 * and tags; the classifier's class probabilities and labels.
 *
 * Sentence scores and tags are read asynchronously (`scoreSentenceAsync`, `predictAsync`), on every backend. With
 * `sync: false` the part only the synchronous `LanguageModel` contract gives (`next`, after `scoreToken`) is left
 * out: WebGPU in headless Chromium on a software adapter cannot read synchronously (its canvas path returns zeros;
 * the synchronous methods throw there), so a web app runs that on the cpu backend (apps/web's syncReads).
 * @param {any} rnn the `@nlpkit/rnn` module
 * @param {{ lm: Uint8Array, tagger: Uint8Array, classifier: Uint8Array }} bytes the three artifacts
 * @param {{ sync?: boolean }} [options]
 */
export async function artifactOutputs(rnn, bytes, options = {}) {
  const sync = options.sync !== false;
  const lm = rnn.decodeRecurrentLm(bytes.lm);
  const tagger = rnn.decodeSequenceTagger(bytes.tagger);
  const classifier = rnn.decodeTextClassifier(bytes.classifier);
  try {
    const logits = [];
    for (const sentence of ARTIFACT_INPUTS.lm.sentences) {
      const out = rnn.recurrentLmForward(lm.config, lm.params, [lm.vocabulary.encode(sentence, { bos: true })]);
      try {
        logits.push(await out.logits.array());
      } finally {
        out.logits.dispose();
        for (const s of out.state) for (const t of Object.values(s)) t.dispose();
      }
    }
    const sentences = ARTIFACT_INPUTS.tagger.sentences;
    const emissions = rnn.sequenceTaggerEmissions(tagger.config, tagger.params, rnn.encodeTaggerBatch(tagger.config, tagger.vocabularies, sentences));
    let scores;
    try {
      scores = await emissions.array();
    } finally {
      emissions.dispose();
    }
    const classes = await rnn.classifyTexts(classifier, ARTIFACT_INPUTS.classifier.texts);
    const model = lm.model;
    const log10Probs = [];
    for (const s of ARTIFACT_INPUTS.lm.sentences) log10Probs.push((await model.scoreSentenceAsync(s, { perToken: true })).perToken.map((t) => t.log10Prob));
    let next;
    if (sync) {
      let state = model.startState();
      for (const token of ARTIFACT_INPUTS.lm.prefix) state = model.scoreToken(state, token).state;
      next = Array.from(model.nextLog10Probs(state), finite);
    }
    return {
      lm: { logits, log10Probs, ...(sync ? { next } : {}) },
      tagger: {
        // Each sentence's own rows (the batch is padded to the longest).
        emissions: scores.map((rows, b) => rows.slice(0, sentences[b].length)),
        tags: await tagger.tagger.predictAsync(sentences),
      },
      classifier: {
        labels: classes.map((c) => c.label),
        probabilities: classes.map((c) => c.probabilities),
      },
    };
  } finally {
    lm.dispose();
    tagger.dispose();
    classifier.dispose();
  }
}
