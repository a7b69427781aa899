"""`torch.compile` against eager for protocol S training on CPU, in one process: the same weights and batches, one eager
and one compiled copy of the model, timed in alternating blocks of steps (eager first in even rounds).

    python nbs/bench_s/compile.py --precision fp32 --rounds 3 --out nbs/bench_s/compile_fp32.json
"""
import argparse, copy, json, os, statistics, sys, time
from pathlib import Path

import torch

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--precision', default='fp32', choices=['fp32', 'bf16'])
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--steps', type=int, default=3, help='timed steps per block')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', required=True)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    from fourm_nb.bench import PROTOCOL_S, protocol_s_config, protocol_s_batches, _s_optimizer
    from fourm_nb.model import FourM
    s, cfg = PROTOCOL_S, protocol_s_config()
    torch.manual_seed(0)
    eager = FourM(cfg).train()
    twin = copy.deepcopy(eager)
    compiled = torch.compile(twin, dynamic=False)
    opts = {'eager': _s_optimizer(eager, torch.device('cpu')), 'compiled': _s_optimizer(twin, torch.device('cpu'))}
    fwds = {'eager': eager, 'compiled': compiled}
    batches = protocol_s_batches(cfg, 2)
    n_in, n_out = s['num_input_tokens'], s['num_target_tokens']
    losses = {'eager': [], 'compiled': []}
    def step(kind, i):
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=a.precision == 'bf16'):
            loss, _ = fwds[kind](batches[i % 2], n_in, n_out)
        loss.backward(); opts[kind].step(); opts[kind].zero_grad(set_to_none=True)
        losses[kind].append(round(float(loss.detach()), 5))
    first = {}
    for kind in ('eager', 'compiled'):   # the first two steps (both batch shapes): compilation for the compiled copy
        t0, c0 = time.perf_counter(), time.process_time()
        step(kind, 0); step(kind, 1)
        first[kind] = dict(wall_s=time.perf_counter() - t0, cpu_s=time.process_time() - c0)
        print(kind, 'first two steps', first[kind], flush=True)
    raw = {'eager': [], 'compiled': []}
    i = 2
    for r in range(a.rounds):
        for kind in (('eager', 'compiled') if r % 2 == 0 else ('compiled', 'eager')):
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(a.steps): step(kind, i); i += 1
            raw[kind].append(dict(step_s=(time.perf_counter() - t0) / a.steps, step_cpu_s=(time.process_time() - c0) / a.steps))
            print(r, kind, raw[kind][-1], flush=True)
    med = {k: {m: statistics.median(x[m] for x in v) for m in ('step_s', 'step_cpu_s')} for k, v in raw.items()}
    paired = {m: statistics.median(c[m] / e[m] for c, e in zip(raw['compiled'], raw['eager'])) for m in ('step_s', 'step_cpu_s')}
    res = dict(protocol='S', precision=a.precision, threads=a.threads, steps_per_block=a.steps, rounds=a.rounds, torch=torch.__version__,
               first_two_steps=first, median=med, compiled_over_eager_paired=paired, raw=raw,
               losses=losses, load_avg=os.getloadavg())
    out = Path(a.out); tmp = out.with_suffix('.tmp'); tmp.write_text(json.dumps(res, indent=1)); tmp.rename(out)
    print(json.dumps(dict(median=med, compiled_over_eager_paired=paired, first_two_steps=first), indent=1))

if __name__ == '__main__': main()
