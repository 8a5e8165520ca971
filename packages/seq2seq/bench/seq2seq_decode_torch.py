"""PyTorch reference for bench/seq2seq-decode.mjs: the same attentional encoder-decoder and the same decoding work.

The model mirrors @nlpkit/seq2seq's (packages/seq2seq/src/model): a (bidirectional) GRU or LSTM encoder, a dense
tanh bridge from the final encoder states to the decoder's, Bahdanau (additive) or Luong general/dot attention with
a source padding mask, a decoder (optionally with input feeding), the attentional state tanh(W[context; top] + b)
and the output layer, whose log-softmax excludes <pad> and <s> as ours does. Configurations outside these
(reverseSource, a copy or zero bridge, concat / scaled-dot / no attention, tied target embeddings) are refused.

Weights: @nlpkit/seq2seq's own, read from a safetensors file (a seq2seq artifact, float16 or float32, or a
float32 dump of initSeq2seq's parameters) and mapped onto the torch modules (see load_weights); without WEIGHTS
the model is freshly initialised by torch. Decoding is batched exactly as ours, with our rules: greedy over the
batch; beam search with all sentences x beam rows in one decoder step, candidates taken best first from one
top-k over beam x vocabulary per sentence until k open ones are kept (a </s> among them sets a finished
hypothesis aside), states reordered with index_select; a sentence stops when its best finished score reaches
its best open one or at its maximum length, where its open hypotheses compete with the finished ones.

Usage: python3 seq2seq_decode_torch.py CONFIG_JSON SOURCES_FILE SENTENCES BATCH MAX_RATIO MAX_OFFSET THREADS [WEIGHTS [PASSES]]
SOURCES_FILE holds one sentence of source ids per line (</s> included). Prints one JSON line, with the output ids
of every decoded sentence (greedy and beam 5) for comparison with ours.
"""
import json
import struct
import sys
import time

import torch

config_path, sources_path, sentences, batch, max_ratio, max_offset, threads = sys.argv[1:8]
weights_path = sys.argv[8] if len(sys.argv) > 8 and sys.argv[8] != "" else None
passes = int(sys.argv[9]) if len(sys.argv) > 9 else 3
sentences, batch, max_offset, threads = int(sentences), int(batch), int(max_offset), int(threads)
max_ratio = float(max_ratio)
torch.set_num_threads(threads)
torch.manual_seed(1)
with open(config_path) as fh:
    c = json.load(fh)
with open(sources_path) as fh:
    sources = [[int(t) for t in line.split()] for line in fh if line.strip()]

# What this reference implements; anything else would silently be a different model.
UNMAPPED = [
    (c["cell"] not in ("gru", "lstm"), f'cell "{c["cell"]}"'),
    (c.get("reverseSource", False), "reverseSource: true"),
    (c["bridge"] != "dense", f'bridge "{c["bridge"]}" (only "dense" is mapped)'),
    (c["attention"] not in ("bahdanau", "general", "dot"), f'attention "{c["attention"]}" (only "bahdanau", "general" and "dot" are mapped)'),
    (c.get("tiedTargetEmbeddings", False), "tiedTargetEmbeddings: true"),
]
for bad, what in UNMAPPED:
    if bad:
        sys.exit(f"seq2seq_decode_torch.py: config not supported by the PyTorch reference: {what}")

H, E = c["hiddenSize"], c["embeddingSize"]
CELL = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[c["cell"]]
STEP = {"gru": torch.nn.GRUCell, "lstm": torch.nn.LSTMCell}[c["cell"]]
LSTM = c["cell"] == "lstm"
PAD, BOS, EOS = 0, 2, 3


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
        # Ours renormalizes without <pad> and <s>: both get -inf before the log-softmax.
        forbid = torch.zeros(1, c["targetVocabSize"])
        forbid[0, PAD] = forbid[0, BOS] = float("-inf")
        self.register_buffer("forbid", forbid)

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
        return torch.log_softmax(self.out(output) + self.forbid, 1), new, output, weights


def read_safetensors(path):
    """{name: float32 tensor} of a safetensors file (F16, BF16 or F32), parsed with json + struct alone."""
    dtypes = {"F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2), "F32": (torch.float32, 4)}
    with open(path, "rb") as fh:
        blob = fh.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        if info["dtype"] not in dtypes:
            sys.exit(f"seq2seq_decode_torch.py: {path}: tensor {name} has dtype {info['dtype']}, expected F16, BF16 or F32")
        dtype, width = dtypes[info["dtype"]]
        start, end = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if end - start != count * width:
            sys.exit(f"seq2seq_decode_torch.py: {path}: tensor {name} holds {end - start} bytes, expected {count * width}")
        data = bytearray(blob[8 + n + start : 8 + n + end])  # a fresh, aligned copy
        t = torch.frombuffer(data, dtype=dtype) if count > 0 else torch.zeros(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).float()
    return out


def torch_state_dict(ours):
    """Our flat state dict (packages/seq2seq/src/model/seq2seqConfig.ts, seq2seqShapes) as this module's.

    Our weights are input-major ([in, out], x·w + b), torch's Linear/RNN weights [out, in]: every matrix is
    transposed. Gate column order is PyTorch's in both (GRU r, z, n; LSTM i, f, g, o; packages/rnn). A GRU keeps
    both biases (the recurrent bias of n sits inside the reset product); our LSTM sums them into one `bias`,
    which goes to bias_ih with a zero bias_hh. The bridge of decoder layer k is ModuleList entry k*P + i
    (P = 1 for GRU: h; 2 for LSTM: h then c). Layer 0 of the decoder reads [embedding; context; fed state] in
    the order of our wIh rows (decoderInputSize)."""
    sd = {}
    used = set()

    def take(name):
        if name not in ours:
            sys.exit(f"seq2seq_decode_torch.py: weights file lacks {name}")
        used.add(name)
        return ours[name]

    def cell(ours_at, torch_ih, torch_hh, torch_bih, torch_bhh):
        sd[torch_ih] = take(f"{ours_at}.wIh").t()
        sd[torch_hh] = take(f"{ours_at}.wHh").t()
        if LSTM:
            bias = take(f"{ours_at}.bias")
            sd[torch_bih], sd[torch_bhh] = bias, torch.zeros_like(bias)
        else:
            sd[torch_bih], sd[torch_bhh] = take(f"{ours_at}.bIh"), take(f"{ours_at}.bHh")

    sd["src.weight"] = take("source.embedding")
    sd["tgt.weight"] = take("target.embedding")
    for k in range(c["encoderLayers"]):
        for direction, suffix in [("forward", "")] + ([("backward", "_reverse")] if c["bidirectional"] else []):
            l = f"l{k}{suffix}"  # noqa: E741
            cell(f"encoder.layers.{k}.{direction}", f"encoder.weight_ih_{l}", f"encoder.weight_hh_{l}", f"encoder.bias_ih_{l}", f"encoder.bias_hh_{l}")
    parts = ["h", "c"] if LSTM else ["h"]
    for k in range(c["decoderLayers"]):
        for i, part in enumerate(parts):
            sd[f"bridge.{k * len(parts) + i}.weight"] = take(f"bridge.layers.{k}.{part}.w").t()
            sd[f"bridge.{k * len(parts) + i}.bias"] = take(f"bridge.layers.{k}.{part}.b")
        cell(f"decoder.layers.{k}.forward", f"cells.{k}.weight_ih", f"cells.{k}.weight_hh", f"cells.{k}.bias_ih", f"cells.{k}.bias_hh")
    if c["attention"] == "bahdanau":
        sd["w_query.weight"] = take("attention.wQuery").t()
        sd["w_key.weight"] = take("attention.wKey").t()
        sd["v.weight"] = take("attention.v").t()
    elif c["attention"] == "general":
        sd["w.weight"] = take("attention.w").t()
    sd["combine.weight"] = take("combine.w").t()
    sd["combine.bias"] = take("combine.b")
    sd["out.weight"] = take("output.w").t()
    sd["out.bias"] = take("output.b")
    unused = sorted(set(ours) - used)
    if unused:
        sys.exit(f"seq2seq_decode_torch.py: weights not mapped to the PyTorch model: {', '.join(unused[:8])}")
    return {k: v.contiguous() for k, v in sd.items()}


model = Seq2seq().eval()
if weights_path is not None:
    state = torch_state_dict(read_safetensors(weights_path))
    state["forbid"] = model.forbid
    expected = model.state_dict()
    for name, t in state.items():
        if name in expected and tuple(expected[name].shape) != tuple(t.shape):
            sys.exit(f"seq2seq_decode_torch.py: {name}: shape {list(t.shape)} from the weights file, the model needs {list(expected[name].shape)}")
    model.load_state_dict(state, strict=True)


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
    """Batched beam search (k = 1: greedy), by the rules of our beamSearch (src/decode/beamSearch.ts): per
    sentence the candidates of one top-2k over beam x vocabulary are taken best first until k open hypotheses
    are kept, a </s> among them setting a finished hypothesis aside (its ids without </s>); scores are summed
    log-probabilities in float64. A sentence leaves the batch (its rows dropped, as ours are) when its best
    finished score is at least its best open one, or at its maximum length floor(a*|src| + b) tokens, where its
    open hypotheses are finished unfinished and compete with the others. The best score wins, ties to the one
    finished first. Returns the best ids of every row."""
    ids, lengths = batch_of(rows)
    values, keys, mask, state = model.encode(ids, lengths)
    n = len(rows)
    V = c["targetVocabSize"]
    expand = torch.arange(n).repeat_interleave(k)
    values, keys, mask, state = values[expand], keys[expand], mask[expand], select(state, expand)
    feed = torch.zeros(n * k, H)
    previous = torch.full((n * k,), BOS, dtype=torch.long)
    scores = torch.full((n, k), float("-inf"), dtype=torch.float64)
    scores[:, 0] = 0
    history = torch.zeros(n * k, 0, dtype=torch.long)
    limit = [int(max_ratio * len(r) + max_offset) for r in rows]
    active = list(range(n))
    finished = [[] for _ in rows]  # (score, -order, ids): max() is the best score, the earliest on ties
    order = 0
    best = [None] * n
    t = 0
    while active:
        m = len(active)
        logp, state, feed, _ = model.step((values, keys, mask), state, feed, previous)
        cand = (scores.view(m * k, 1) + logp.double()).view(m, k * V)
        top, index = cand.topk(2 * k, 1)
        beam_of, token = index // V, index % V
        keep_scores = torch.full((m, k), float("-inf"), dtype=torch.float64)
        keep_rows = torch.zeros(m, k, dtype=torch.long)
        keep_tokens = torch.zeros(m, k, dtype=torch.long)
        for a in range(m):
            i, j = active[a], 0
            for sc, b, w in zip(top[a].tolist(), beam_of[a].tolist(), token[a].tolist()):
                if j >= k:
                    break
                if w == EOS:
                    finished[i].append((sc, -order, history[a * k + b].tolist()))
                    order += 1
                else:
                    keep_scores[a, j], keep_rows[a, j], keep_tokens[a, j] = sc, a * k + b, w
                    j += 1
        history = torch.cat([history.index_select(0, keep_rows.view(-1)), keep_tokens.view(-1, 1)], 1)
        t += 1
        stay = []
        for a in range(m):
            i = active[a]
            if t >= limit[i]:
                for j in range(k):
                    finished[i].append((float(keep_scores[a, j]), -order, history[a * k + j].tolist()))
                    order += 1
                done = True
            else:
                done = bool(finished[i]) and max(finished[i])[0] >= float(keep_scores[a].max())
            if done:
                best[i] = max(finished[i])[2]
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
    return best


def run(decode, count):
    """Times decode over the first count sentences in batches, as bench/seq2seq-decode.mjs times ours: 2 sentences
    as a warm-up, a first pass over the sentences, then `passes` more (steady: their median). Returns the timing
    and the first pass's output ids."""
    def one_pass():
        t0 = time.perf_counter()
        outputs = []
        for i in range(0, count, batch):
            outputs += decode(sources[i : min(count, i + batch)])
        return time.perf_counter() - t0, outputs

    with torch.no_grad():
        decode(sources[:2])
        first_seconds, outputs = one_pass()
        steady = sorted(one_pass()[0] for _ in range(passes))
    seconds = steady[len(steady) // 2] if steady else first_seconds
    tokens = sum(len(o) for o in outputs)
    timing = {"sentences": count, "seconds": seconds, "sentencesPerSecond": count / seconds, "outputTokensPerSecond": tokens / seconds, "meanOutputLength": tokens / count,
              "passes": len(steady), "firstPassSeconds": first_seconds, "firstPassSentencesPerSecond": count / first_seconds}
    return timing, outputs


def blas():
    with open("/proc/self/maps") as fh:
        libs = sorted({line.split()[-1] for line in fh if "blas" in line.lower() and "/" in line})
    return libs


greedy_timing, greedy_ids = run(greedy, sentences)
beam_timing, beam_ids = run(beam, sentences)
print(json.dumps({
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "blas": blas(),
    "weights": weights_path or "torch's own initialisation (untrained)",
    "greedy": greedy_timing,
    "beam5": beam_timing,
    "outputs": {"greedy": greedy_ids, "beam5": beam_ids},
}))
