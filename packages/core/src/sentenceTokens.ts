import { InvalidArgumentError } from './errors.js';
import { tokenText } from './token.js';

/**
 * The token strings of one input sentence, which may hold strings or text's `Token`s: the array itself when it
 * holds only strings (no copy), else their texts. An {@link InvalidArgumentError} from `packageName` names the
 * offending sentence and token (`sentences[3][2]`).
 */
export function sentenceTokens(sentence: unknown, index: number, packageName: string, argument = 'sentences'): readonly string[] {
  if (!Array.isArray(sentence)) {
    throw new InvalidArgumentError({ package: packageName, argument: `${argument}[${index}]`, expected: 'an array of tokens', found: sentence });
  }
  let copy: string[] | undefined;
  for (let i = 0; i < sentence.length; i++) {
    const token: unknown = sentence[i];
    if (typeof token === 'string') {
      copy?.push(token);
      continue;
    }
    const text = tokenText(token);
    if (text === undefined) {
      throw new InvalidArgumentError({
        package: packageName,
        argument: `${argument}[${index}][${i}]`,
        expected: 'a string or a Token',
        found: token,
      });
    }
    copy ??= sentence.slice(0, i) as string[];
    copy.push(text);
  }
  return copy ?? (sentence as string[]);
}
