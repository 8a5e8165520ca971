"""PyTorch side of the text-classifier speed comparison (bench/classifier.mjs): recipes/sst2-bilstm-max.json's model
trained on the very batches bench/classifierChild.mjs --dump wrote (SST-2 training sentences, ids and labels).

The model as a PyTorch user writes it: 300-d embeddings U(-0.1, 0.1), a bidirectional LSTM of 150 per direction
over packed sequences (pack_padded_sequence, enforce_sorted=False), max over the valid steps, dropout 0.5, a
linear layer to the labels, mean cross-entropy, global-norm clipping at 5, Adam lr 1e-3. Each timed step builds
its batch tensors from the id lists, as the nlpkit side does.

Run (not in CI):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 packages/rnn/bench/sst2_torch.py --batches FILE --time-steps 200 --threads 2
Prints one JSON line: tokens/s, ms per step, the losses, the torch version and the BLAS loaded (/proc/self/maps);
with --eval also the prediction over the dump's dev sentences (class probabilities, in order, in batches of its
evalBatchSize: the work of bench/classifierChild.mjs --eval).
"""
import argparse
import json
import time

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class Classifier(nn.Module):
    def __init__(self, vocab, emb, hidden, labels, dropout, scale):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        nn.init.uniform_(self.embedding.weight, -scale, scale)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(2 * hidden, labels)

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, padding_value=float('-inf'))
        return self.output(self.dropout(out.max(dim=1).values))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--batches', required=True)
    ap.add_argument('--time-steps', type=int, default=200)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--eval', action='store_true', help="also time prediction over the dump's dev sentences (class probabilities, in order, its evalBatchSize; a warm-up pass, then the median of three)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    with open(args.batches) as f:
        job = json.load(f)
    model = Classifier(job['vocabSize'], job['embeddingSize'], job['hiddenSize'], job['numLabels'], job['dropout'], job['embeddingScale'])
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=job['lr'])
    batches = job['batches'][:args.warmup + args.time_steps]
    if len(batches) < args.warmup + args.time_steps:
        raise SystemExit(f"{args.batches} has {len(batches)} batches; --warmup + --time-steps needs {args.warmup + args.time_steps}")

    def step(b):
        lengths = [len(r) for r in b['ids']]
        width = max(lengths)
        ids = torch.tensor([r + [0] * (width - len(r)) for r in b['ids']], dtype=torch.long)
        y = torch.tensor(b['labels'], dtype=torch.long)
        loss = nn.functional.cross_entropy(model(ids, torch.tensor(lengths)), y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), job['clipNorm'])
        opt.step()
        return float(loss), sum(lengths)

    losses, tokens, seconds = [], 0, 0.0
    for k, b in enumerate(batches):
        t0 = time.perf_counter()
        loss, n = step(b)
        if k >= args.warmup:
            seconds += time.perf_counter() - t0
            tokens += n
            losses.append(loss)
    evaluation = None
    if args.eval:
        model.eval()
        dev, size = job['dev'], job['evalBatchSize']
        passes = []
        for p in range(4):
            t0 = time.perf_counter()
            probs = []
            with torch.no_grad():
                for at in range(0, len(dev), size):
                    rows = dev[at:at + size]
                    lengths = [len(r) for r in rows]
                    width = max(lengths)
                    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows], dtype=torch.long)
                    probs += torch.softmax(model(ids, torch.tensor(lengths)), dim=1).tolist()
            if p > 0:
                passes.append(time.perf_counter() - t0)
        median, count = sorted(passes)[1], sum(len(r) for r in dev)
        evaluation = {'sentences': len(dev), 'tokens': count, 'passes': passes, 'seconds': median, 'tokensPerSecond': count / median, 'batchSize': size}
    with open('/proc/self/maps') as maps:
        blas = sorted({line.split()[-1] for line in maps if 'blas' in line.lower() or 'lapack' in line.lower()})
    print(json.dumps({'impl': 'torch', 'steps': args.time_steps, 'tokens': tokens, 'seconds': round(seconds, 3),
                      'tokensPerSecond': round(tokens / seconds, 1), 'msPerStep': round(1000 * seconds / args.time_steps, 2),
                      'losses': losses, 'torch': torch.__version__, 'threads': args.threads, 'blas': blas,
                      **({'eval': evaluation} if evaluation else {})}), flush=True)


if __name__ == '__main__':
    main()
