import type { FileHandle } from 'node:fs/promises';

/** Writes text to a file handle in batches of about 1 MiB (what the chunk and fan-in jobs write their lines with). */
export function batchedWriter(out: FileHandle): { add(text: string): Promise<void>; flush(): Promise<void> } {
  let pending = '';
  const flush = async (): Promise<void> => {
    if (pending === '') return;
    const data = Buffer.from(pending, 'utf8');
    pending = '';
    for (let offset = 0; offset < data.length; ) offset += (await out.write(data, offset)).bytesWritten;
  };
  return {
    async add(text) {
      pending += text;
      if (pending.length >= 1 << 20) await flush();
    },
    flush,
  };
}
