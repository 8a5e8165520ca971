"""PyTorch side of the LSTM-LM training benchmark (run by bench/lm.mjs with /usr/bin/python3).

Zaremba-small config on a token-id stream read from a file of whitespace-separated ids: the same batches the
JS side trains on. Prints one JSON line: {"tokensPerSecond": ..., "steps": ..., "seconds": ..., "threads": ...}.
"""
import json
import sys
import time

import torch

ids_path, vocab, emb, hidden, layers, batch, bptt, warmup, steps, threads = sys.argv[1:11]
vocab, emb, hidden, layers, batch, bptt, warmup, steps, threads = map(
    int, (vocab, emb, hidden, layers, batch, bptt, warmup, steps, threads))
torch.set_num_threads(threads)
torch.manual_seed(0)
with open(ids_path) as fh:
    data = torch.tensor([int(t) for t in fh.read().split()], dtype=torch.long)
n = data.numel() // batch
data = data[: n * batch].view(batch, n)


class LM(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(vocab, emb)
        self.rnn = torch.nn.LSTM(emb, hidden, layers, batch_first=True)
        self.out = torch.nn.Linear(hidden, vocab)
        for p in self.parameters():
            torch.nn.init.uniform_(p, -0.1, 0.1)

    def forward(self, x, state):
        h, state = self.rnn(self.emb(x), state)
        return self.out(h).view(-1, vocab), state


model = LM()
opt = torch.optim.SGD(model.parameters(), lr=1.0)
state = None
pos = 0


def step():
    global state, pos
    if pos + bptt + 1 > n:
        pos, state = 0, None
    x = data[:, pos:pos + bptt]
    y = data[:, pos + 1:pos + bptt + 1].reshape(-1)
    pos += bptt
    if state is not None:
        state = tuple(s.detach() for s in state)
    logits, state = model(x, state)
    loss = torch.nn.functional.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    opt.step()
    return float(loss)


for _ in range(warmup):
    step()
t0 = time.perf_counter()
last = 0.0
for _ in range(steps):
    last = step()
seconds = time.perf_counter() - t0
print(json.dumps({"tokensPerSecond": batch * bptt * steps / seconds, "steps": steps, "seconds": seconds,
                  "threads": torch.get_num_threads(), "loss": last, "torch": torch.__version__}))
