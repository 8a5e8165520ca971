"""PyTorch reference for bench/seq2seq-decode.mjs: the same attentional encoder-decoder and the same decoding work.

The model mirrors @nlpkit/seq2seq's (packages/seq2seq/src/model): a (bidirectional) GRU or LSTM encoder, a dense
tanh bridge from the final encoder states to the decoder's, Bahdanau (additive) or Luong general/dot attention with
a source padding mask, a decoder with input feeding, the attentional state tanh(W[context; top] + b) and the output
layer. Weights are freshly initialised (as the JS side's): outputs run to the maximum length, so both sides do the
same number of steps. Decoding is batched exactly as ours: greedy over the batch; beam search with all sentences x
beam rows in one decoder step, candidates picked with one top-k over beam x vocabulary per sentence, states
reordered with index_select, finished hypotheses set aside.

Usage: python3 seq2seq_decode_torch.py CONFIG_JSON SOURCES_FILE SENTENCES BATCH MAX_RATIO MAX_OFFSET THREADS
SOURCES_FILE holds one sentence of source ids per line (</s> included). Prints one JSON line.
"""
import json
import sys
import time

import torch

config_path, sources_path, sentences, batch, max_ratio, max_offset, threads = sys.argv[1:8]
sentences, batch, max_offset, threads = int(sentences), int(batch), int(max_offset), int(threads)
max_ratio = float(max_ratio)
torch.set_num_threads(threads)
torch.manual_seed(1)
with open(config_path) as fh:
    c = json.load(fh)
with open(sources_path) as fh:
    sources = [[int(t) for t in line.split()] for line in fh if line.strip()]

H, E = c["hiddenSize"], c["embeddingSize"]
CELL = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[c["cell"]]
STEP = {"gru": torch.nn.GRUCell, "lstm": torch.nn.LSTMCell}[c["cell"]]
LSTM = c["cell"] == "lstm"
BOS, EOS = 2, 3


class Seq2seq(torch.nn.Module):
    def __init__(self):
        super().__init__()
        dirs = 2 if c["bidirectional"] else 1
        self.src = torch.nn.Embedding(c["sourceVocabSize"], E)
        self.encoder = CELL(E, H // dirs, c["encoderLayers"], batch_first=True, bidirectional=c["bidirectional"])
        self.bridge = torch.nn.ModuleList(torch.nn.Linear(H, H) for _ in range(c["decoderLayers"] * (2 if LSTM else 1)))
        self.tgt = torch.nn.Embedding(c["targetVocabSize"], E)
        extra = (H if c["attention"] == "bahdanau" else 0) + (H if c["inputFeeding"] else 0)
        self.cells = torch.nn.ModuleList(STEP(E + extra if k == 0 else H, H) for k in range(c["decoderLayers"]))
        if c["attention"] == "bahdanau":
            self.w_query = torch.nn.Linear(H, H, bias=False)
            self.w_key = torch.nn.Linear(H, H, bias=False)
            self.v = torch.nn.Linear(H, 1, bias=False)
        elif c["attention"] == "general":
            self.w = torch.nn.Linear(H, H, bias=False)
        self.combine = torch.nn.Linear(2 * H, H)
        self.out = torch.nn.Linear(H, c["targetVocabSize"])

    def encode(self, ids, lengths):
        packed = torch.nn.utils.rnn.pack_padded_sequence(self.src(ids), lengths, batch_first=True, enforce_sorted=False)
        out, final = self.encoder(packed)
        values, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        finals = final if LSTM else (final,)
        dirs = 2 if c["bidirectional"] else 1
        state = []
        for k in range(c["decoderLayers"]):
            j = min(k, c["encoderLayers"] - 1)
            parts = [torch.cat([f[j * dirs + d] for d in range(dirs)], 1) for f in finals]
            layer = [torch.tanh(self.bridge[k * len(parts) + i](p)) for i, p in enumerate(parts)]
            state.append(tuple(layer) if LSTM else layer[0])
        mask = (torch.arange(values.shape[1])[None, :] < lengths[:, None]).float()
        keys = self.w_key(values) if c["attention"] == "bahdanau" else self.w(values) if c["attention"] == "general" else values
        return values, keys, mask, state

    def attend(self, values, keys, mask, query):
        if c["attention"] == "bahdanau":
            scores = self.v(torch.tanh(keys + self.w_query(query)[:, None, :])).squeeze(2)
        else:
            scores = torch.bmm(keys, query[:, :, None]).squeeze(2)
        weights = torch.softmax(scores + (mask - 1) * 1e9, 1) * mask
        return weights, torch.bmm(weights[:, None, :], values).squeeze(1)

    def step(self, memory, state, feed, previous):
        values, keys, mask = memory
        top = lambda s: s[0] if LSTM else s  # noqa: E731
        x = [self.tgt(previous)]
        if c["attention"] == "bahdanau":
            weights, context = self.attend(values, keys, mask, top(state[-1]))
            x.append(context)
        if c["inputFeeding"]:
            x.append(feed)
        inp = torch.cat(x, 1)
        new = []
        for k, cell in enumerate(self.cells):
            s = cell(inp, state[k])
            new.append(s)
            inp = top(s)
        if c["attention"] != "bahdanau":
            weights, context = self.attend(values, keys, mask, inp)
        output = torch.tanh(self.combine(torch.cat([context, inp], 1)))
        return torch.log_softmax(self.out(output), 1), new, output, weights


model = Seq2seq().eval()


def select(state, rows):
    return [tuple(t.index_select(0, rows) for t in s) if LSTM else s.index_select(0, rows) for s in state]


def batch_of(rows):
    lengths = torch.tensor([len(r) for r in rows])
    ids = torch.zeros(len(rows), int(lengths.max()), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
    return ids, lengths


def greedy(rows):
    return beam(rows, 1)


def beam(rows, k=5):
    """Batched beam search (k = 1: greedy). A sentence leaves the batch (its rows dropped, as the JS side drops
    them) at its own maximum length a*|src| + b or when its best finished hypothesis beats every open one."""
    ids, lengths = batch_of(rows)
    values, keys, mask, state = model.encode(ids, lengths)
    n = len(rows)
    V = c["targetVocabSize"]
    expand = torch.arange(n).repeat_interleave(k)
    values, keys, mask, state = values[expand], keys[expand], mask[expand], select(state, expand)
    feed = torch.zeros(n * k, H)
    previous = torch.full((n * k,), BOS, dtype=torch.long)
    scores = torch.full((n, k), float("-inf"))
    scores[:, 0] = 0
    history = torch.zeros(n * k, 0, dtype=torch.long)
    limit = [int(max_ratio * len(r) + max_offset) for r in rows]
    active = list(range(n))
    finished = [[] for _ in rows]
    best = [None] * n
    t = 0
    while active:
        m = len(active)
        logp, state, feed, _ = model.step((values, keys, mask), state, feed, previous)
        cand = (scores.view(m * k, 1) + logp).view(m, k * V)
        top, index = cand.topk(2 * k, 1)
        beam_of, token = index // V, index % V
        keep_scores = torch.full((m, k), float("-inf"))
        keep_rows = torch.zeros(m, k, dtype=torch.long)
        keep_tokens = torch.zeros(m, k, dtype=torch.long)
        for a in range(m):
            i, j = active[a], 0
            for sc, b, w in zip(top[a].tolist(), beam_of[a].tolist(), token[a].tolist()):
                if w == EOS:
                    finished[i].append((sc, history[a * k + b].tolist()))
                elif j < k:
                    keep_scores[a, j], keep_rows[a, j], keep_tokens[a, j] = sc, a * k + b, w
                    j += 1
        history = torch.cat([history.index_select(0, keep_rows.view(-1)), keep_tokens.view(-1, 1)], 1)
        t += 1
        stay = []
        for a in range(m):
            i = active[a]
            done = t >= limit[i] or (finished[i] and max(finished[i])[0] >= float(keep_scores[a].max()))
            if done:
                best[i] = max(finished[i])[1] if finished[i] else history[a * k].tolist()
            else:
                stay.append(a)
        rows_sel = torch.tensor([a * k + j for a in stay for j in range(k)], dtype=torch.long)
        take = keep_rows.view(-1).index_select(0, rows_sel) if stay else rows_sel
        state, feed = select(state, take), feed.index_select(0, take)
        values, keys, mask = values.index_select(0, take), keys.index_select(0, take), mask.index_select(0, take)
        history = history.index_select(0, rows_sel)
        previous = keep_tokens.view(-1).index_select(0, rows_sel)
        scores = keep_scores[stay] if stay else keep_scores[:0]
        active = [active[a] for a in stay]
    return sum(len(b) for b in best)


def run(decode, count):
    with torch.no_grad():
        decode(sources[:2])
        t0 = time.perf_counter()
        tokens = 0
        for i in range(0, count, batch):
            tokens += decode(sources[i : min(count, i + batch)])
        seconds = time.perf_counter() - t0
    return {"sentences": count, "seconds": seconds, "sentencesPerSecond": count / seconds, "outputTokensPerSecond": tokens / seconds, "meanOutputLength": tokens / count}


def blas():
    with open("/proc/self/maps") as fh:
        libs = sorted({line.split()[-1] for line in fh if "blas" in line.lower() and "/" in line})
    return libs


print(json.dumps({
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "blas": blas(),
    "greedy": run(greedy, sentences),
    "beam5": run(beam, sentences),
}))
