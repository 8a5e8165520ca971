"""PyTorch side of the LSTM-LM bench: one fresh process, started by bench/lm.mjs with /usr/bin/python3.

The same job as bench/lmChild.mjs (Zaremba-small on the same token ids, same batch-major layout, same step order):
LM training (fwd + bwd + global-norm clip 5 + SGD lr 1) and inference (forward + loss under no_grad, state
carried) for each BPTT length. The thread counts come from the job and from the environment lm.mjs sets
(OPENBLAS_NUM_THREADS); the BLAS library actually loaded is read from /proc/self/maps after the first matmul,
because torch's `BLAS_INFO=generic` does not say which one `libblas.so.3` resolves to. Prints one JSON line.
Usage: python3 bench/lm_torch.py '<json job>'   job: {idsPath, config, batch, bptts, steps, threads}
"""
import ctypes
import json
import os
import sys
import time

import torch


def loaded_blas():
    """Shared objects mapped into this process whose names say BLAS, LAPACK, MKL or OpenMP, with what they are."""
    paths = []
    with open('/proc/self/maps') as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 6 and '.so' in parts[5]:
                path = parts[5]
                name = os.path.basename(path).lower()
                if any(k in name for k in ('blas', 'lapack', 'mkl', 'gomp', 'omp')) and path not in paths:
                    paths.append(path)
    libs = [{'path': p, 'realpath': os.path.realpath(p)} for p in paths]
    info = {'libraries': libs}
    for lib in libs:
        # OpenBLAS answers these two itself: its build (CPU kernel set, threading) and the threads it will use.
        try:
            # RTLD_NOLOAD: only a library already mapped answers (no second copy gets loaded by asking).
            handle = ctypes.CDLL(lib['path'], mode=os.RTLD_NOLOAD)
            for fn, key in (('openblas_get_config', 'openblasConfig'), ('openblas_get_corename', 'openblasCorename')):
                getattr(handle, fn).restype = ctypes.c_char_p
                info[key] = getattr(handle, fn)().decode()
            info['openblasThreads'] = handle.openblas_get_num_threads()
            break
        except (OSError, AttributeError):
            continue
    names = ' '.join(os.path.basename(lib['realpath']).lower() for lib in libs)
    info['name'] = ('OpenBLAS' if 'openblas' in names or 'openblasConfig' in info else
                    'MKL' if 'mkl' in names else
                    'reference BLAS' if 'libblas' in names else 'none mapped')
    return info


def main():
    job = json.loads(sys.argv[1])
    cfg, batch = job['config'], job['batch']
    vocab, emb, hidden, layers = cfg['vocabSize'], cfg['embeddingSize'], cfg['hiddenSize'], cfg['layers']
    torch.set_num_threads(job['threads'])
    torch.manual_seed(0)
    with open(job['idsPath']) as fh:
        ids = torch.tensor([int(t) for t in fh.read().split()], dtype=torch.long)
    cols = ids.numel() // batch
    data = ids[: cols * batch].view(batch, cols)
    column = 0

    def next_segment(bptt):
        nonlocal column
        if column + bptt + 1 > cols:
            column = 0
        x = data[:, column:column + bptt]
        y = data[:, column + 1:column + bptt + 1].reshape(-1)
        column += bptt
        return x, y

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
            return self.out(h).reshape(-1, vocab), state

    model = LM()
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    state = None

    def train(bptt):
        nonlocal state
        x, y = next_segment(bptt)
        if state is not None:
            state = tuple(s.detach() for s in state)
        logits, state = model(x, state)
        loss = torch.nn.functional.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        return float(loss)

    def infer(bptt):
        nonlocal state
        x, y = next_segment(bptt)
        with torch.no_grad():
            logits, state = model(x, state)
            return float(torch.nn.functional.cross_entropy(logits, y))

    def time_case(step, bptt, spec, warm):
        """Warm-up, then up to spec['steps'] timed steps, stopping once spec['maxSeconds'] have passed."""
        nonlocal state
        state = None
        warmup = spec['warmup'] if warm else 0
        for _ in range(warmup):
            step(bptt)
        step_seconds = []
        cpu_seconds = []  # process CPU time (all threads) per step: comparable with lmChild's under load
        loss = float('nan')
        seconds = 0.0
        while len(step_seconds) < spec['steps'] and seconds < (spec.get('maxSeconds') or float('inf')):
            t0, c0 = time.perf_counter(), time.process_time()
            loss = step(bptt)
            step_seconds.append(time.perf_counter() - t0)
            cpu_seconds.append(time.process_time() - c0)
            seconds += step_seconds[-1]
        steps = len(step_seconds)
        return {'tokensPerSecond': batch * bptt * steps / seconds, 'warmup': warmup, 'steps': steps,
                'capped': steps < spec['steps'], 'seconds': seconds, 'stepSeconds': step_seconds,
                'cpuSecondsPerStep': sorted(cpu_seconds)[len(cpu_seconds) // 2], 'cpuSeconds': cpu_seconds, 'loss': loss}

    cases = {}
    blas = None
    for i, bptt in enumerate(job['bptts']):
        for mode, step in (('train', train), ('infer', infer)):
            spec = job['steps'][mode]
            cases[f'{mode}-{bptt}'] = time_case(step, bptt, spec, i == 0 or not spec.get('warmupOnce'))
            if blas is None:
                blas = loaded_blas()
    print(json.dumps({
        'runner': 'torch', 'torch': torch.__version__, 'python': sys.version.split()[0],
        'threads': torch.get_num_threads(), 'interopThreads': torch.get_num_interop_threads(),
        'env': {k: os.environ.get(k) for k in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS')},
        'blas': blas, 'cases': cases,
    }))


if __name__ == '__main__':
    main()
