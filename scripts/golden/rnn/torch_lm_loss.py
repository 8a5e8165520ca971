"""Generate the PyTorch reference of a recurrent LM's evaluation loss for @nlpkit/rnn.

Run with Debian's python (torch 1.13 CPU):  /usr/bin/python3 scripts/golden/rnn/torch_lm_loss.py
Writes packages/rnn/test/fixtures/torch-lm-loss.json. Never run in CI.

An embedding -> 2-layer LSTM -> linear LM over a 1,100-word vocabulary (three 512-column blocks of nlpkit's fused
evaluation kernel, the last one partial), run from a given state over ids [3, 5]. Each case records the mean
token cross-entropy of F.cross_entropy (padding masked out by lengths, optional label smoothing) and the final
states; the recurrence over padded rows goes through pack_padded_sequence, whose final states are each row's last
valid step, as nlpkit's masks give.
"""
import json
import os

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(4321)
torch.set_default_dtype(torch.float32)

V, E, H, L, B, T = 1100, 6, 8, 2, 3, 5


def rec(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


embedding = torch.nn.Embedding(V, E)
lstm = torch.nn.LSTM(E, H, num_layers=L, batch_first=True)
linear = torch.nn.Linear(H, V)
with torch.no_grad():
    # Logits up to about ±20, so rows differ across blocks; one word far above the rest in the last block.
    linear.weight.mul_(8.0)
    linear.bias[1099] = 12.0
ids = torch.randint(2, V, (B, T))
targets = torch.randint(2, V, (B, T))
targets[0, 0] = 1099
h0 = 0.5 * torch.randn(L, B, H)
c0 = 0.5 * torch.randn(L, B, H)

cases = []
for name, lengths, eps in [("full", None, 0.0), ("padded, label smoothing 0.1", [5, 3, 5], 0.1)]:
    x = embedding(ids)
    if lengths is None:
        out, (h_n, c_n) = lstm(x, (h0, c0))
        mask = torch.ones(B, T)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        out_packed, (h_n, c_n) = lstm(packed, (h0, c0))
        out, _ = pad_packed_sequence(out_packed, batch_first=True, total_length=T)
        mask = (torch.arange(T)[None, :] < torch.tensor(lengths)[:, None]).float()
    logits = linear(out).reshape(B * T, V)
    per_token = F.cross_entropy(logits, targets.reshape(-1), reduction="none", label_smoothing=eps)
    loss = (per_token * mask.reshape(-1)).sum() / mask.sum()
    cases.append({"name": name, "lengths": lengths, "labelSmoothing": eps, "loss": float(loss), "hN": rec(h_n), "cN": rec(c_n)})

params = {"embedding.weight": rec(embedding.weight), "linear.weight": rec(linear.weight), "linear.bias": rec(linear.bias)}
for key, value in lstm.state_dict().items():
    params[f"lstm.{key}"] = rec(value)

out_path = os.path.join(os.path.dirname(__file__), "../../../packages/rnn/test/fixtures/torch-lm-loss.json")
with open(out_path, "w") as f:
    json.dump({"generator": "scripts/golden/rnn/torch_lm_loss.py", "torch": torch.__version__,
               "vocabSize": V, "embeddingSize": E, "hiddenSize": H, "layers": L,
               "ids": ids.tolist(), "targets": targets.tolist(), "h0": rec(h0), "c0": rec(c0),
               "params": params, "cases": cases}, f)
print("wrote", os.path.normpath(out_path))
