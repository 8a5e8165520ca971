"""Generate PyTorch parity fixtures for @nlpkit/rnn.

Run with Debian's python (torch 1.13 CPU):  /usr/bin/python3 scripts/golden/rnn/torch_parity.py
Writes packages/rnn/test/fixtures/torch-parity.json. Never run in CI.

Each case records a module's parameters under PyTorch's own names (weight_ih_l0, weight_hh_l0_reverse, ...),
the input, initial state, the padded outputs, final states and the gradients of a fixed scalar loss
    loss = sum(out * g_out) + sum(h_n * g_h) [+ sum(c_n * g_c)]
with respect to every parameter, the input and the initial state. Variable-length cases go through
pack_padded_sequence / pad_packed_sequence, which is what masks over right-padded batches reproduce.
"""
import json
import os

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(1234)
torch.set_default_dtype(torch.float32)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def rec(t):
    return {"shape": list(t.shape), "data": flat(t)}


def make_case(name, mode, input_size, hidden_size, batch, steps, lengths=None, num_layers=1,
              bidirectional=False, nonlinearity="tanh", proj_size=0):
    kwargs = dict(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
                  batch_first=True, bidirectional=bidirectional)
    if mode == "RNN":
        module = torch.nn.RNN(nonlinearity=nonlinearity, **kwargs)
    elif mode == "LSTM":
        module = torch.nn.LSTM(proj_size=proj_size, **kwargs)
    else:
        module = torch.nn.GRU(**kwargs)
    dirs = 2 if bidirectional else 1
    out_h = proj_size if proj_size > 0 else hidden_size
    x = torch.randn(batch, steps, input_size, requires_grad=True)
    h0 = (0.5 * torch.randn(num_layers * dirs, batch, out_h)).requires_grad_(True)
    c0 = (0.5 * torch.randn(num_layers * dirs, batch, hidden_size)).requires_grad_(True)
    state = (h0, c0) if mode == "LSTM" else h0
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        out_packed, final = module(packed, state)
        out, _ = pad_packed_sequence(out_packed, batch_first=True, total_length=steps)
    else:
        out, final = module(x, state)
    h_n, c_n = (final if mode == "LSTM" else (final, None))
    g_out = torch.randn(out.shape)
    g_h = torch.randn(h_n.shape)
    loss = (out * g_out).sum() + (h_n * g_h).sum()
    case = {"name": name, "mode": mode, "nonlinearity": nonlinearity, "inputSize": input_size,
            "hiddenSize": hidden_size, "projSize": proj_size, "numLayers": num_layers,
            "bidirectional": bidirectional, "batch": batch, "steps": steps, "lengths": lengths}
    if mode == "LSTM":
        g_c = torch.randn(c_n.shape)
        loss = loss + (c_n * g_c).sum()
        case["gC"] = rec(g_c)
    loss.backward()
    case["params"] = {k: rec(v) for k, v in module.named_parameters()}
    case["grads"] = {k: rec(v.grad) for k, v in module.named_parameters()}
    case["x"] = rec(x)
    case["h0"] = rec(h0)
    case["gradX"] = rec(x.grad)
    case["gradH0"] = rec(h0.grad)
    if mode == "LSTM":
        case["c0"] = rec(c0)
        case["gradC0"] = rec(c0.grad)
        case["cN"] = rec(c_n)
    case["gOut"] = rec(g_out)
    case["gH"] = rec(g_h)
    case["out"] = rec(out)
    case["hN"] = rec(h_n)
    return case


cases = [
    make_case("rnn-tanh", "RNN", 3, 4, 2, 5, nonlinearity="tanh"),
    make_case("rnn-relu-packed", "RNN", 3, 4, 3, 5, lengths=[5, 3, 1], nonlinearity="relu"),
    make_case("lstm", "LSTM", 3, 4, 2, 5),
    make_case("lstm-packed", "LSTM", 3, 4, 3, 5, lengths=[2, 5, 4]),
    make_case("lstm-proj", "LSTM", 3, 5, 2, 4, proj_size=3),
    make_case("gru-packed", "GRU", 3, 4, 3, 5, lengths=[5, 1, 3]),
    make_case("lstm-2layer-bidir-packed", "LSTM", 3, 4, 3, 5, lengths=[5, 3, 1], num_layers=2,
              bidirectional=True),
    make_case("gru-2layer-bidir-packed", "GRU", 2, 3, 2, 4, lengths=[2, 4], num_layers=2, bidirectional=True),
]

here = os.path.dirname(os.path.abspath(__file__))
target = os.path.join(here, "..", "..", "..", "packages", "rnn", "test", "fixtures", "torch-parity.json")
with open(target, "w") as fh:
    json.dump({"generator": "scripts/golden/rnn/torch_parity.py", "torch": torch.__version__,
               "cases": cases}, fh, separators=(",", ":"))
print("wrote", os.path.normpath(target), len(cases), "cases")
