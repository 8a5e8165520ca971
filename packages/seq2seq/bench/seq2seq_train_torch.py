"""PyTorch reference for bench/seq2seq-train.mjs: the same training work on the same batches.

The model is the Multi30k recipe's shape as @nlpkit/seq2seq builds it (packages/seq2seq/src/model): source and target
embeddings, a bidirectional 1-layer GRU encoder (packed sequences, hidden/2 units per direction), a dense tanh bridge
from the final encoder states to the decoder's, Bahdanau (additive) attention with a source padding mask whose context
enters a GRU decoder cell with the embedded previous token, the attentional state tanh(W[context; h] + b) and the
output layer over the target vocabulary. Training step: teacher forcing over the batch, cross-entropy with label
smoothing over the non-padding targets (mean over target tokens), backward, gradient-norm clipping, Adam; dropout at
the points ours applies it (source and target embeddings, encoder outputs, states before the output layer).
Configurations outside this (LSTM, several layers, other attention or bridge, input feeding) are refused. Weights
are torch's own initialisation (the speed does not depend on them).

Usage: python3 seq2seq_train_torch.py DUMP_JSON THREADS
DUMP_JSON is written by bench/trainChild.mjs with BENCH_DUMP=path: the config, the training settings and the
batches (warm-up ones first). Prints one JSON line: target tokens per second over the batches after the warm-up.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

dump_path, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(1)
with open(dump_path) as fh:
    d = json.load(fh)
c = d["config"]
UNMAPPED = [
    (c["cell"] != "gru", f'cell "{c["cell"]}"'),
    (c["encoderLayers"] != 1 or c["decoderLayers"] != 1, "more than one encoder or decoder layer"),
    (not c["bidirectional"], "a unidirectional encoder"),
    (c.get("reverseSource", False), "reverseSource: true"),
    (c["bridge"] != "dense", f'bridge "{c["bridge"]}"'),
    (c["attention"] != "bahdanau", f'attention "{c["attention"]}"'),
    (c["inputFeeding"], "input feeding"),
    (c.get("tiedTargetEmbeddings", False), "tiedTargetEmbeddings: true"),
]
for bad, what in UNMAPPED:
    if bad:
        sys.exit(f"seq2seq_train_torch.py: config not supported by the PyTorch reference: {what}")

H, E, V = c["hiddenSize"], c["embeddingSize"], c["targetVocabSize"]
P = c["dropout"]


class Seq2seq(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.src = torch.nn.Embedding(c["sourceVocabSize"], E)
        self.encoder = torch.nn.GRU(E, H // 2, 1, batch_first=True, bidirectional=True)
        self.bridge = torch.nn.Linear(H, H)
        self.tgt = torch.nn.Embedding(V, E)
        self.cell = torch.nn.GRUCell(E + H, H)
        self.w_query = torch.nn.Linear(H, H, bias=False)
        self.w_key = torch.nn.Linear(H, H, bias=False)
        self.v = torch.nn.Linear(H, 1, bias=False)
        self.combine = torch.nn.Linear(2 * H, H)
        self.out = torch.nn.Linear(H, V)

    def forward(self, src, lengths, tin):
        drop = lambda x: F.dropout(x, P, self.training)  # noqa: E731
        packed = torch.nn.utils.rnn.pack_padded_sequence(drop(self.src(src)), lengths, batch_first=True, enforce_sorted=False)
        out, final = self.encoder(packed)
        values, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        values = drop(values)
        h = torch.tanh(self.bridge(torch.cat([final[0], final[1]], 1)))
        mask = (torch.arange(src.shape[1])[None, :] < lengths[:, None]).float()
        keys = self.w_key(values)
        embedded = drop(self.tgt(tin))
        states = []
        for t in range(tin.shape[1]):
            scores = self.v(torch.tanh(keys + self.w_query(h)[:, None, :])).squeeze(2)
            weights = torch.softmax(scores + (mask - 1) * 1e9, 1) * mask
            context = torch.bmm(weights[:, None, :], values).squeeze(1)
            h = self.cell(torch.cat([embedded[:, t], context], 1), h)
            states.append(torch.tanh(self.combine(torch.cat([context, h], 1))))
        return self.out(drop(torch.stack(states, 1)))


def blas_loaded():
    with open("/proc/self/maps") as fh:
        return sorted({line.split()[-1] for line in fh if "blas" in line.lower() or "lapack" in line.lower()})


model = Seq2seq()
model.train()
optimizer = torch.optim.Adam(model.parameters(), lr=d["lr"], betas=(d["beta1"], d["beta2"]), eps=d["epsilon"])
timed_seconds = 0.0
tokens = 0
losses = []
for i, b in enumerate(d["batches"]):
    B, S, T = b["size"], b["sourceWidth"], b["targetWidth"]
    src = torch.tensor(b["sourceIds"], dtype=torch.long).view(B, S)
    lengths = torch.tensor(b["sourceLengths"], dtype=torch.long)
    tin = torch.tensor(b["targetInputs"], dtype=torch.long).view(B, T)
    tout = torch.tensor(b["targetOutputs"], dtype=torch.long).view(B * T)
    t0 = time.perf_counter()
    logits = model(src, lengths, tin)
    # Padding (id 0) is never a target: mean over the batch's target tokens, as ours.
    loss = F.cross_entropy(logits.reshape(B * T, V), tout, ignore_index=0, label_smoothing=d["labelSmoothing"])
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), d["clipNorm"])
    optimizer.step()
    value = loss.item()
    seconds = time.perf_counter() - t0
    losses.append(round(value, 4))
    if i >= d["warmup"]:
        timed_seconds += seconds
        tokens += b["tokens"]
print(json.dumps({
    "torch": torch.__version__, "threads": threads, "blas": blas_loaded(), "steps": len(d["batches"]) - d["warmup"],
    "seconds": timed_seconds, "tokens": tokens, "tokensPerSecond": tokens / timed_seconds, "losses": losses,
}))
