// The entry point of an ARPA formatting thread (see `parallelArpaChunks`), loaded by URL with `new Worker`: the
// one module of the package that does work when loaded, because that is what a worker's entry is for. Never
// imported by the package's entry points.
import { parentPort } from 'node:worker_threads';
import { type ArpaPiece, type ArpaPieceScratch, type VocabularyBytes, arpaPieceBytes, arpaPieceScratch } from './arpaPiece.js';

/** A message to a formatting thread: the vocabulary once, then pieces (numbered in output order). */
export type ArpaWorkerRequest = { vocab: VocabularyBytes } | { seq: number; piece: ArpaPiece };

/** A formatting thread's answer: piece `seq`'s bytes (their buffer transferred), or what went wrong. */
export type ArpaWorkerResponse = { seq: number; bytes: Uint8Array } | { seq: number; error: string };

const port = parentPort;
if (port !== null) {
  let vocab: VocabularyBytes | undefined;
  const scratch: ArpaPieceScratch = arpaPieceScratch();
  port.on('message', (message: ArpaWorkerRequest) => {
    if ('vocab' in message) {
      vocab = message.vocab;
      return;
    }
    try {
      const bytes = arpaPieceBytes(message.piece, vocab!, scratch);
      port.postMessage({ seq: message.seq, bytes } satisfies ArpaWorkerResponse, [bytes.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage({ seq: message.seq, error: String((error as Error)?.stack ?? error) } satisfies ArpaWorkerResponse);
    }
  });
}
