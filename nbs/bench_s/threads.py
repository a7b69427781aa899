"""Thread policy on a busy machine: training steps/s of the demo-sized FourM (dim 96, 2+2 blocks, batch 32, 64 input +
64 target tokens) alone and beside one busy-loop process, for each thread policy.

Each round starts one fresh process per policy (policies in alternating order); that process times a block of steps
alone and a block beside a busy loop it starts itself (busy first in odd rounds).

    python nbs/bench_s/threads.py --rounds 3 --out nbs/bench_s/threads.json
"""
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLICIES = {   # name -> (environment, thread rule given to the worker)
    '2 threads, OpenMP default wait': ({}, '2'),
    '2 threads, OMP_WAIT_POLICY=PASSIVE': ({'OMP_WAIT_POLICY': 'PASSIVE'}, '2'),
    '1 thread': ({'OMP_WAIT_POLICY': 'PASSIVE'}, '1'),
    'idle CPUs, re-checked every 0.5 s (ThreadGovernor)': ({}, 'gov'),
}
CLI_POLICY = ('idle CPUs at start, PASSIVE (CLI default)', ({}, 'cli'))   # --cli adds it (on a loaded machine it picks 1 thread)
NEIGHBOUR = r'''
import signal, sys, time
n, t0 = 0, time.perf_counter()
def stop(*_):
    print(n / (time.perf_counter() - t0), flush=True); sys.exit(0)
signal.signal(signal.SIGTERM, stop)
while True: n += 1
'''
WORKER = r'''
import json, os, subprocess, sys, time
rule, steps, busy_first, neighbour = sys.argv[1], int(sys.argv[2]), sys.argv[3] == '1', sys.argv[4]
if rule == 'cli':
    from fourm_nb.cli import setup_threads      # sets OMP_WAIT_POLICY before torch is imported, then the thread count
    setup_threads()
import torch
gov = None
if rule == 'gov':                               # the command's policy: default OpenMP waits, threads follow the load
    from fourm_nb.cli import ThreadGovernor, default_threads
    torch.set_num_threads(default_threads()); gov = ThreadGovernor(period=0.5)
elif rule != 'cli': torch.set_num_threads(int(rule))
from fourm_nb.model import FourM, fourm_config
from fourm_nb.train import random_masked_batch, param_groups, adamw_options
mods = ['tok_rgb@128', 'tok_depth@128', 'tok_semseg@128', 'caption']
cfg = fourm_config('micro', dim=96, encoder_depth=2, decoder_depth=2, num_heads=4, encoder_modalities=mods, decoder_modalities=mods,
                   modality_overrides={'caption': {'max_length': 32}})
torch.manual_seed(0)
model = FourM(cfg).train()
opt = torch.optim.AdamW(param_groups(model, 0.05), lr=1e-4, **adamw_options('cpu'))
batches = [random_masked_batch(cfg, 32, 64, 64, seed=i) for i in range(2)]
def step(i):
    loss, _ = model(batches[i % 2], 64, 64); loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    if gov is not None: gov.tick()
for i in range(2): step(i)
out = dict(threads=torch.get_num_threads(), wait_policy=os.environ.get('OMP_WAIT_POLICY'))
for busy in ((True, False) if busy_first else (False, True)):
    nb = subprocess.Popen([sys.executable, '-c', neighbour], stdout=subprocess.PIPE, text=True) if busy else None
    if busy: time.sleep(0.3)
    t1 = time.perf_counter()
    while time.perf_counter() - t1 < 1.0: step(0)        # untimed steps for a second: the governor sees the new load
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(steps): step(i)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    key = 'busy' if busy else 'alone'
    out[key] = dict(steps_per_s=steps / dt, cpu_s_per_step=dc / steps, threads=torch.get_num_threads())
    if busy: nb.terminate(); out[key]['neighbour_loops_per_s'] = float(nb.communicate()[0])
print(json.dumps(out))
'''

def run_one(policy, steps, busy_first):
    env_extra, rule = POLICIES[policy]
    env = {k: v for k, v in os.environ.items() if k not in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OMP_WAIT_POLICY', 'FOURM_NB_THREADS')}
    env.update(env_extra, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, '-c', WORKER, rule, str(steps), '1' if busy_first else '0', NEIGHBOUR], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])

def neighbour_alone(seconds=3.0):
    nb = subprocess.Popen([sys.executable, '-c', NEIGHBOUR], stdout=subprocess.PIPE, text=True)
    time.sleep(seconds); nb.terminate()
    return float(nb.communicate()[0])

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--steps', type=int, default=4)
    p.add_argument('--cli', action='store_true', help='also measure the CLI default policy')
    p.add_argument('--out', default=str(ROOT / 'nbs' / 'bench_s' / 'threads.json'))
    a = p.parse_args(argv)
    if a.cli: POLICIES[CLI_POLICY[0]] = CLI_POLICY[1]
    raw, nb_alone, loads = {pol: [] for pol in POLICIES}, [], []
    for rnd in range(a.rounds):
        nb_alone.append(neighbour_alone())
        for pol in (list(POLICIES) if rnd % 2 == 0 else list(POLICIES)[::-1]):
            loads.append(os.getloadavg()[0])
            raw[pol].append(r := run_one(pol, a.steps, rnd % 2 == 1))
            print(rnd, pol, json.dumps(r), flush=True)
        summary = {pol: dict(
            threads=[r['threads'] for r in rs],
            steps_per_s_alone=statistics.median(r['alone']['steps_per_s'] for r in rs),
            steps_per_s_busy=statistics.median(r['busy']['steps_per_s'] for r in rs),
            cpu_s_per_step_alone=statistics.median(r['alone']['cpu_s_per_step'] for r in rs),
            busy_over_alone_paired=statistics.median(r['busy']['steps_per_s'] / r['alone']['steps_per_s'] for r in rs),
            neighbour_share_kept=statistics.median(r['busy']['neighbour_loops_per_s'] / n for r, n in zip(rs, nb_alone)))
            for pol, rs in raw.items()}
        # policies against the 1-thread policy, run by run within a round
        for pol, rs in raw.items():
            for cond in ('alone', 'busy'):
                summary[pol][f'{cond}_over_1thread_paired'] = statistics.median(
                    r[cond]['steps_per_s'] / o[cond]['steps_per_s'] for r, o in zip(rs, raw['1 thread']))
        res = dict(rounds=rnd + 1, steps=a.steps, cpus=os.cpu_count(), load_avg_1min_seen=[round(x, 2) for x in loads],
                   neighbour_alone_loops_per_s=nb_alone, summary=summary, raw=raw)
        tmp = Path(a.out).with_suffix('.tmp'); tmp.write_text(json.dumps(res, indent=1)); tmp.rename(a.out)
    from fourm_nb.cli import default_threads
    res['cli_default_threads_now'] = default_threads(); Path(a.out).write_text(json.dumps(res, indent=1))
    for pol, s in summary.items(): print(f'{pol:<45} alone {s["steps_per_s_alone"]:.2f}  busy {s["steps_per_s_busy"]:.2f}  '
                                         f'paired busy/alone {s["busy_over_alone_paired"]:.2f}  neighbour kept {s["neighbour_share_kept"]:.2f}')

if __name__ == '__main__': main()
