/** The inputs every run feeds the artifacts. */
export declare const ARTIFACT_INPUTS: {
  readonly lm: { readonly sentences: string[][]; readonly prefix: string[] };
  readonly tagger: { readonly sentences: string[][] };
  readonly classifier: { readonly texts: string[] };
};

/** What {@link artifactOutputs} returns (and `expected.json` holds). */
export interface ArtifactOutputs {
  /** `next` is absent with `{ sync: false }`. */
  readonly lm: { readonly logits: number[][][]; readonly log10Probs?: number[][]; readonly next?: (number | null)[] };
  readonly tagger: { readonly emissions: number[][][]; readonly tags?: string[][] };
  readonly classifier: { readonly labels: string[]; readonly probabilities: number[][] };
}

/**
 * The outputs of the three artifacts on {@link ARTIFACT_INPUTS}, computed with the given `@nlpkit/rnn` module;
 * `sync: false` leaves out what reads tensors synchronously (for WebGPU in a headless browser).
 */
export declare function artifactOutputs(
  rnn: unknown,
  bytes: { readonly lm: Uint8Array; readonly tagger: Uint8Array; readonly classifier: Uint8Array },
  options?: { readonly sync?: boolean },
): Promise<ArtifactOutputs>;
