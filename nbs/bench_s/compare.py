"""Protocol S for a baseline checkout and this one, measured in one run.

Every measurement is a fresh process; the two checkouts alternate (baseline first in even rounds, this checkout
first in odd ones) and each number is the median over the rounds. Both sides run this checkout's measuring code
(`fourm_nb/bench.py`, loaded into the other checkout's `fourm_nb` package), so only the library under test differs.

    python nbs/bench_s/compare.py --base /path/to/baseline/checkout --rounds 3 --out nbs/bench_s/protocol_s.json
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path

NEW = Path(__file__).resolve().parents[2]
LOADER = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location('fourm_nb._bench_protocol', sys.argv[1])
m = importlib.util.module_from_spec(spec); sys.modules[spec.name] = m; spec.loader.exec_module(m)
sys.exit(m.bench_cli(sys.argv[2:]))
"""
JOBS = {'train_bf16': ['train', '--precision', 'bf16'], 'train_fp32': ['train', '--precision', 'fp32'], 'generate': ['generate']}
KEYS = {'train_bf16': ['train_tokens_per_s', 'step_s', 'step_cpu_s', 'achieved_flops_per_s', 'max_rss_mib'],
        'train_fp32': ['train_tokens_per_s', 'step_s', 'step_cpu_s', 'achieved_flops_per_s', 'max_rss_mib'],
        'generate': ['gen_maskgit8_b4_s', 'gen_maskgit8_b4_cfg_s', 'gen_ar_caption_s', 'gen_ar_caption_kv_s',
                     'gen_maskgit8_b4_cpu_s', 'gen_maskgit8_b4_cfg_cpu_s', 'gen_ar_caption_cpu_s', 'gen_ar_caption_kv_cpu_s', 'max_rss_mib']}
SETTINGS = {'train_bf16': ['--steps', '3', '--warmup', '1'], 'train_fp32': ['--steps', '3', '--warmup', '1'], 'generate': ['--repeats', '3']}
SETTINGS_B = {'train_bf16': ['--steps', '2', '--warmup', '1'], 'train_fp32': ['--steps', '2', '--warmup', '1'], 'generate': ['--repeats', '1']}

def run(root: Path, args: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / 'r.json'
        cmd = [sys.executable, '-P', '-c', LOADER, str(NEW / 'fourm_nb' / 'bench.py'), *args, '--protocol', 'S', '--json', str(out)]
        # -P and cwd=d: nothing but PYTHONPATH decides which checkout's fourm_nb is imported (python -c would put the cwd first)
        subprocess.run(cmd, env=dict(os.environ, PYTHONPATH=str(root)), cwd=d, check=True, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text())

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--base', required=True, help='baseline checkout (its fourm_nb package is imported)')
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--jobs', nargs='*', default=list(JOBS))
    p.add_argument('--extra', nargs='*', default=[], help='extra bench arguments for this checkout only (e.g. --optimizer loop)')
    p.add_argument('--size', default='S', help="protocol size for both checkouts: 'S', or 'B' (4M-B's trunk, batch 8: 2 timed steps, 1 repeat)")
    p.add_argument('--out', default=str(NEW / 'nbs' / 'bench_s' / 'protocol_s.json'))
    a = p.parse_args(argv)
    sides = {'baseline': Path(a.base).resolve(), 'new': NEW}
    raw = {s: {j: [] for j in a.jobs} for s in sides}
    t0 = time.time()
    for r in range(a.rounds):
        for j in a.jobs:
            for s in (['baseline', 'new'] if r % 2 == 0 else ['new', 'baseline']):
                res = run(sides[s], JOBS[j] + (SETTINGS[j] if a.size == 'S' else SETTINGS_B[j]) + ['--size', a.size] + (a.extra if s == 'new' else []))
                raw[s][j].append({k: res[k] for k in KEYS[j] + ['params', 'attention', 'optimizer', 'losses', 'fourm_nb'] if k in res})
                print(f'round {r} {j:<10} {s:<8} ' + '  '.join(f'{k}={res[k]:.4g}' for k in KEYS[j]), flush=True)
                Path(a.out).with_suffix('.partial.json').write_text(json.dumps(raw))
    # same weights, same seed: generated tokens must agree (separate heads on both sides, as the baseline has them)
    same = {}
    if 'generate' in a.jobs:
        eq = {s: run(sides[s], ['generate', '--repeats', '1', '--untied', '--size', a.size]) for s in sides}
        same = {k: eq['baseline'][k] == eq['new'][k] for k in eq['new'] if k.endswith('_sha')}
    med = {s: {j: {k: statistics.median(r[k] for r in raw[s][j]) for k in KEYS[j]} for j in a.jobs} for s in sides}
    ratio = {j: {k: med['new'][j][k] / med['baseline'][j][k] for k in KEYS[j]} for j in a.jobs}
    # the two runs of one round are minutes apart; their ratio is less exposed to load that drifts between rounds
    paired = {j: {k: statistics.median(n[k] / b[k] for n, b in zip(raw['new'][j], raw['baseline'][j])) for k in KEYS[j]} for j in a.jobs}
    try: load = os.getloadavg()
    except OSError: load = None
    out = dict(command=' '.join([Path(sys.argv[0]).name] + (argv or sys.argv[1:])), size=a.size, rounds=a.rounds, wall_s=round(time.time() - t0),
               machine=dict(platform=platform.platform(), cpus=os.cpu_count(), load_avg_end=load, shared=True),
               median=med, ratio_new_over_baseline=ratio, paired_ratio_median=paired, same_tokens_with_same_weights=same, raw=raw)
    Path(a.out).write_text(json.dumps(out, indent=1))
    Path(a.out).with_suffix('.partial.json').unlink(missing_ok=True)
    print(json.dumps(dict(median=med, ratio=ratio, same_tokens=same), indent=1))

if __name__ == '__main__': main()
