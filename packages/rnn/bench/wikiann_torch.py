"""PyTorch reference run of recipes/wikiann-bilstm-crf.json: the same BiLSTM-CRF on the same WikiANN English files.

A second implementation of the architecture, to tell "this model reaches this F1 on this data" apart from "our
trainer falls short": character BiLSTM 25+25 over 25-d character embeddings (words cut at 20 characters), 100-d
word embeddings learned from scratch (words seen at least `--min-count` times; others <unk>), one BiLSTM layer of
100 per direction, dropout 0.5 on word features and BiLSTM outputs, a linear-chain CRF with start/end scores and
IOB2 transition constraints, Adam lr 0.002, batch 16 (sentences sorted by length within pools of 32 batches),
gradient-norm clip 5. Entity F1 as seqeval's default mode on IOB2 (exact span and type).

Run (not in CI; ../shared/data beside the checkout):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 packages/rnn/bench/wikiann_torch.py --epochs 8 --threads 1
Prints one JSON line per epoch (dev F1, seconds) and the test F1 of the best dev epoch. With `--time-steps N` it only
times N training steps (speed against bench/taggerChild.mjs: `OPENBLAS_NUM_THREADS=1 ... --time-steps 300 --threads 2`).
"""
import argparse
import json
import os
import random
import time

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', '..', '..', '..', 'shared', 'data', 'wikiann-en')


def read(path, prefix='en:'):
    sents, words, tags = [], [], []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line.strip():
                if words:
                    sents.append((words, tags))
                words, tags = [], []
                continue
            cols = line.split('\t')
            w = cols[0][len(prefix):] if cols[0].startswith(prefix) else cols[0]
            words.append(w)
            tags.append(cols[-1])
    if words:
        sents.append((words, tags))
    return sents


def spans(tags):
    """Entity spans (type, start, end) of an IOB2 sequence, as seqeval's default mode reads them."""
    out, start, kind = set(), None, None
    for i, t in enumerate(list(tags) + ['O']):
        prefix, _, typ = t.partition('-')
        begins = prefix == 'B' or (prefix == 'I' and (kind is None or typ != kind))
        if start is not None and (prefix == 'O' or begins):
            out.add((kind, start, i))
            start, kind = None, None
        if begins:
            start, kind = i, typ
    return out


def f1(gold, pred):
    tp = n_gold = n_pred = 0
    for g, p in zip(gold, pred):
        gs, ps = spans(g), spans(p)
        tp += len(gs & ps)
        n_gold += len(gs)
        n_pred += len(ps)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


class Tagger(nn.Module):
    def __init__(self, n_words, n_chars, tags, dropout):
        super().__init__()
        k = len(tags)
        self.words = nn.Embedding(n_words, 100, padding_idx=0)
        self.chars = nn.Embedding(n_chars, 25, padding_idx=0)
        self.char_rnn = nn.LSTM(25, 25, batch_first=True, bidirectional=True)
        self.rnn = nn.LSTM(150, 100, batch_first=True, bidirectional=True)
        self.out = nn.Linear(200, k)
        self.trans = nn.Parameter(torch.zeros(k, k))
        self.start = nn.Parameter(torch.zeros(k))
        self.end = nn.Parameter(torch.zeros(k))
        self.drop = nn.Dropout(dropout)
        # IOB2: I-X only after B-X or I-X; never first.
        allowed = torch.ones(k, k, dtype=torch.bool)
        first = torch.ones(k, dtype=torch.bool)
        for j, t in enumerate(tags):
            if t.startswith('I-'):
                first[j] = False
                for i, s in enumerate(tags):
                    allowed[i, j] = s[2:] == t[2:] and s != 'O'
        self.register_buffer('mask_trans', torch.where(allowed, 0.0, -1e4))
        self.register_buffer('mask_start', torch.where(first, 0.0, -1e4))

    def emissions(self, words, chars, char_lengths, lengths):
        b, t = words.shape
        flat = chars.view(b * t, -1)
        clen = char_lengths.view(-1)
        nz = clen > 0
        feats = torch.zeros(b * t, 50)
        if nz.any():
            packed = nn.utils.rnn.pack_padded_sequence(self.chars(flat[nz]), clen[nz].cpu(), batch_first=True, enforce_sorted=False)
            _, (h, _) = self.char_rnn(packed)
            feats[nz] = torch.cat([h[0], h[1]], dim=1)
        x = torch.cat([self.words(words), feats.view(b, t, 50)], dim=2)
        x = self.drop(x)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        y, _ = self.rnn(packed)
        y, _ = nn.utils.rnn.pad_packed_sequence(y, batch_first=True, total_length=t)
        return self.out(self.drop(y))

    def scores(self):
        return self.trans + self.mask_trans, self.start + self.mask_start

    def nll(self, em, tags, mask):
        trans, start = self.scores()
        b, t, k = em.shape
        alpha = start + em[:, 0]
        gold = start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
        for i in range(1, t):
            m = mask[:, i].unsqueeze(1)
            nxt = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), dim=1) + em[:, i]
            alpha = torch.where(m, nxt, alpha)
            step = trans[tags[:, i - 1], tags[:, i]] + em[:, i].gather(1, tags[:, i:i + 1]).squeeze(1)
            gold = gold + step * mask[:, i]
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
        gold = gold + self.end[last]
        log_z = torch.logsumexp(alpha + self.end, dim=1)
        return (log_z - gold).mean()

    def viterbi(self, em, lengths):
        trans, start = self.scores()
        paths = []
        for e, n in zip(em, lengths.tolist()):
            score = start + e[0]
            back = []
            for i in range(1, n):
                s, idx = (score.unsqueeze(1) + trans).max(0)
                back.append(idx)
                score = s + e[i]
            best = int((score + self.end).argmax())
            path = [best]
            for idx in reversed(back):
                best = int(idx[best])
                path.append(best)
            paths.append(path[::-1])
        return paths


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=8)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--min-count', type=int, default=2)
    ap.add_argument('--time-eval', action='store_true',
                    help='with --time-steps: also time prediction over dev (batches of 64, Viterbi; a warm-up pass, then the median of three)')
    ap.add_argument('--time-steps', type=int, default=0,
                    help='instead of training: time this many training steps of the first epoch (after 3 warm-up steps) and print tokens/s')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    train, dev, test = (read(os.path.join(DATA, n)) for n in ('train', 'dev', 'test'))
    counts = {}
    for ws, _ in train:
        for w in ws:
            counts[w] = counts.get(w, 0) + 1
    wid = {'<pad>': 0, '<unk>': 1}
    for w, c in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
        if c >= args.min_count:
            wid[w] = len(wid)
    cid = {'<pad>': 0, '<unk>': 1}
    for ws, _ in train:
        for w in ws:
            for ch in w:
                cid.setdefault(ch, len(cid))
    tags = sorted({t for _, ts in train for t in ts}, key=lambda t: (t != 'O', t))
    tid = {t: i for i, t in enumerate(tags)}

    def batch(sents):
        b, t = len(sents), max(len(ws) for ws, _ in sents)
        c = max(min(len(w), 20) for ws, _ in sents for w in ws)
        words = torch.zeros(b, t, dtype=torch.long)
        chars = torch.zeros(b, t, c, dtype=torch.long)
        clen = torch.zeros(b, t, dtype=torch.long)
        tg = torch.zeros(b, t, dtype=torch.long)
        for i, (ws, ts) in enumerate(sents):
            for j, w in enumerate(ws):
                words[i, j] = wid.get(w, 1)
                cut = w[:20]
                clen[i, j] = len(cut)
                for k, ch in enumerate(cut):
                    chars[i, j, k] = cid.get(ch, 1)
                tg[i, j] = tid.get(ts[j], 0)
        lengths = torch.tensor([len(ws) for ws, _ in sents])
        mask = torch.arange(t).unsqueeze(0) < lengths.unsqueeze(1)
        return words, chars, clen, lengths, tg, mask

    model = Tagger(len(wid), len(cid), tags, 0.5)
    opt = torch.optim.Adam(model.parameters(), lr=0.002)

    def evaluate(sents):
        model.eval()
        pred = []
        with torch.no_grad():
            for i in range(0, len(sents), 256):
                part = sents[i:i + 256]
                words, chars, clen, lengths, _, _ = batch(part)
                em = model.emissions(words, chars, clen, lengths)
                pred += [[tags[k] for k in p] for p in model.viterbi(em, lengths)]
        model.train()
        return f1([ts for _, ts in sents], pred)

    def epoch_batches():
        # Shuffled, sorted by length within pools of 32 batches, the batches shuffled.
        order = list(range(len(train)))
        random.shuffle(order)
        batches = []
        pool = 16 * 32
        for at in range(0, len(order), pool):
            part = sorted(order[at:at + pool], key=lambda i: len(train[i][0]))
            batches += [part[k:k + 16] for k in range(0, len(part), 16)]
        random.shuffle(batches)
        return batches

    def train_step(ids):
        # One step: the batch built, forward, backward, clip, Adam; returns the loss (read) and the tokens.
        words, chars, clen, lengths, tg, mask = batch([train[i] for i in ids])
        loss = model.nll(model.emissions(words, chars, clen, lengths), tg, mask)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        return float(loss), int(lengths.sum())

    if args.time_steps > 0:
        # Speed only: the first epoch's batches as training draws them, each step timed after 3 warm-up steps.
        tokens, seconds = 0, 0.0
        for k, ids in enumerate(epoch_batches()[:args.time_steps + 3]):
            t0 = time.perf_counter()
            _, n = train_step(ids)
            if k >= 3:
                seconds += time.perf_counter() - t0
                tokens += n
        evaluation = None
        if args.time_eval:
            # Prediction as bench/taggerChild.mjs --eval times it: dev in order, batches of 64, emissions and Viterbi.
            model.eval()
            passes = []
            for p in range(4):
                t0 = time.perf_counter()
                with torch.no_grad():
                    for i in range(0, len(dev), 64):
                        part = dev[i:i + 64]
                        words, chars, clen, lengths, _, _ = batch(part)
                        model.viterbi(model.emissions(words, chars, clen, lengths), lengths)
                if p > 0:
                    passes.append(time.perf_counter() - t0)
            model.train()
            n = sum(len(ws) for ws, _ in dev)
            evaluation = {'sentences': len(dev), 'tokens': n, 'passes': passes, 'seconds': sorted(passes)[1], 'tokensPerSecond': n / sorted(passes)[1]}
        with open('/proc/self/maps') as maps:
            blas = sorted({line.split()[-1] for line in maps if 'blas' in line.lower() or 'lapack' in line.lower()})
        print(json.dumps({**({'eval': evaluation} if evaluation else {}), 'steps': args.time_steps, 'tokens': tokens, 'seconds': round(seconds, 3), 'tokensPerSecond': round(tokens / seconds, 1),
                          'msPerStep': round(1000 * seconds / args.time_steps, 2), 'torch': torch.__version__, 'threads': args.threads, 'blas': blas}), flush=True)
        return

    best = (-1.0, None)
    started = time.time()
    for epoch in range(args.epochs):
        batches = epoch_batches()
        total = 0.0
        for ids in batches:
            total += train_step(ids)[0]
        score = evaluate(dev)
        if score > best[0]:
            best = (score, {k: v.clone() for k, v in model.state_dict().items()})
        print(json.dumps({'epoch': epoch + 1, 'loss': total / len(batches), 'devF1': round(score, 4), 'seconds': round(time.time() - started)}), flush=True)
    model.load_state_dict(best[1])
    print(json.dumps({'bestDevF1': round(best[0], 4), 'testF1': round(evaluate(test), 4), 'torch': torch.__version__, 'threads': args.threads, 'minCount': args.min_count}), flush=True)


if __name__ == '__main__':
    main()
