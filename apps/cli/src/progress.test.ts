import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { bufferIo } from './cliIo.js';
import { type ProgressStream, createProgress } from './progress.js';

/** A stand-in terminal: keeps what is drawn. */
function terminal(isTTY = true): ProgressStream & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  }) as Writable & { isTTY?: boolean; columns?: number; text: () => string };
  stream.isTTY = isTTY;
  stream.columns = 120;
  stream.text = () => chunks.join('');
  return stream;
}

describe('createProgress', () => {
  const started: { done(): void }[] = [];
  afterEach(() => started.splice(0).forEach((p) => p.done()));

  it('draws stages with counts, a bar and a percentage on a terminal, and clears its line when done', () => {
    const io = bufferIo();
    const tty = terminal();
    const progress = createProgress(io, { stream: tty });
    started.push(progress);
    expect(progress.active).toBe(true);
    progress.stage('counting');
    progress.update(1234);
    progress.stage('writing', 200);
    progress.update(100);
    progress.done();
    const drawn = tty.text();
    expect(drawn).toContain('counting | 0s'); // no count yet
    expect(drawn).toContain('counting 1,234 | ');
    expect(drawn).toContain('writing ');
    expect(drawn).toMatch(/writing [█░]{30} 0% \| 0\/200/);
    // The final render of `writing` (at done) shows 50%, then its line is cleared (ESC [2K or ESC [0K / ESC [K).
    expect(drawn).toMatch(/writing [█░]{30} 50% \| 100\/200/);
    expect(drawn.endsWith('\u001b[2K')).toBe(true);
    // Never on the command's own output.
    expect(io.out).toEqual([]);
    expect(io.err).toEqual([]);
    // done twice is harmless; updates after done are ignored.
    progress.done();
    progress.update(7);
    expect(tty.text()).toBe(drawn);
  });

  it('is silent with --quiet, on a non-terminal stream, and for a captured CliIo', () => {
    const tty = terminal();
    const quiet = createProgress(bufferIo(), { quiet: true, stream: tty });
    const pipe = terminal(false);
    const piped = createProgress(bufferIo(), { stream: pipe });
    const io = bufferIo();
    const captured = createProgress(io);
    for (const progress of [quiet, piped, captured]) {
      expect(progress.active).toBe(false);
      progress.stage('counting', 10);
      progress.update(5);
      progress.done();
    }
    expect(tty.text()).toBe('');
    expect(pipe.text()).toBe('');
    expect(io.out).toEqual([]);
    expect(io.err).toEqual([]);
  });
});
