/**
 * A text that every cut of a file must read as one pass does (the scorers that split a file over threads): `text`
 * (some KenLM fixture text) repeated with a byte-order mark at the start and inside lines, CRLF and LF line ends,
 * empty lines, unknown words, bytes that are not UTF-8, and a last line without a newline.
 */
export function awkwardText(text: string, repeats: number): Buffer {
  const body = `${text}\r\nnot-a-word the\n\n\uFEFFbom inside\n`.repeat(repeats);
  return Buffer.concat([Buffer.from(`\uFEFF${body}`), Buffer.from([0x61, 0xff, 0x62, 0x0a]), Buffer.from('last line')]);
}
