import { InvalidArgumentError } from './errors.js';
import { tokenText } from './token.js';

/**
 * The token strings of one sequence of strings or text `Token`s: the array itself when it holds only strings
 * (no copy), else their texts. An {@link InvalidArgumentError} from `packageName` names the offending token
 * (`tokens[2]`).
 */
export function tokenTexts(tokens: unknown, argument: string, packageName: string): readonly string[] {
  if (!Array.isArray(tokens)) {
    throw new InvalidArgumentError({ package: packageName, argument, expected: 'an array of tokens', found: tokens });
  }
  let copy: string[] | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token: unknown = tokens[i];
    if (typeof token === 'string') {
      copy?.push(token);
      continue;
    }
    const text = tokenText(token);
    if (text === undefined) {
      throw new InvalidArgumentError({
        package: packageName,
        argument: `${argument}[${i}]`,
        expected: 'a string or a Token',
        found: token,
      });
    }
    copy ??= tokens.slice(0, i) as string[];
    copy.push(text);
  }
  return copy ?? (tokens as string[]);
}

/**
 * {@link tokenTexts} for sentence `index` of a corpus argument: errors name the sentence and the token
 * (`sentences[3][2]`).
 */
export function sentenceTokens(sentence: unknown, index: number, packageName: string, argument = 'sentences'): readonly string[] {
  return tokenTexts(sentence, `${argument}[${index}]`, packageName);
}
