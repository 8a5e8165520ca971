"""Golden fixture for @nlpkit/text whitespaceTokenize: Python's str.split() with offsets.

Run: /usr/bin/python3 scripts/golden/text/whitespace.py
Writes packages/text/test/fixtures/whitespace.json as rows of {"input", "tokens": [[text, start, end], ...]}.
Offsets are UTF-16 code-unit indices, as JavaScript strings use.
"""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "packages", "text", "test", "fixtures", "whitespace.json")

INPUTS = [
    "  déjà vu  ",
    "São\u00a0Paulo\tfußball\nvélib\r\nl’homme",
    "東京\u3000大阪 \u2003Ελλάδα\u2028Москва\u2029end",
    "emoji 👩‍👩‍👧 and 🇫🇷\u205fflags\u202fok",
    "\x1c\x1d\x1e\x1fseparators\x85next\x0bline\x0cfeed",
    "zero\u200bwidth is not space; nor is \ufeff BOM",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral 𝟙𝟚𝟛",
    "",
    " \t\n ",
]


def utf16_index(s, i):
    return len(s[:i].encode("utf-16-le")) // 2


def split_with_offsets(s):
    tokens = []
    i = 0
    n = len(s)
    while i < n:
        while i < n and s[i].isspace():
            i += 1
        if i >= n:
            break
        j = i
        while j < n and not s[j].isspace():
            j += 1
        tokens.append([s[i:j], utf16_index(s, i), utf16_index(s, j)])
        i = j
    assert [t[0] for t in tokens] == s.split()
    return tokens


def main():
    rows = [{"input": s, "tokens": split_with_offsets(s)} for s in INPUTS]
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/golden/text/whitespace.py", "rows": rows}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
