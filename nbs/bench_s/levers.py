"""Protocol S training, one lever at a time: process CPU seconds per step on one thread (steadier than wall time on
a shared machine), for the baseline checkout and this one with levers switched off and on.

    python nbs/bench_s/levers.py --base /path/to/baseline/checkout --out nbs/bench_s/levers.json
"""
import argparse, json, os, subprocess, sys, tempfile
from pathlib import Path

NEW = Path(__file__).resolve().parents[2]
LOADER = Path(__file__).with_name('compare.py')
CONFIGS = [  # (label, precision, arguments); None = the baseline checkout
    ('baseline', 'bf16', None),
    ('separate heads, looped AdamW, SDPA, native bf16', 'bf16', ['--untied', '--optimizer', 'loop', '--attention', 'sdpa', '--bf16-matmul', 'native']),
    ('+ tied heads', 'bf16', ['--optimizer', 'loop', '--attention', 'sdpa', '--bf16-matmul', 'native']),
    ('+ fused AdamW', 'bf16', ['--attention', 'sdpa', '--bf16-matmul', 'native']),
    ('+ explicit matmul-softmax attention', 'bf16', ['--bf16-matmul', 'native']),
    ('+ bf16 products by fp32 GEMMs (all levers)', 'bf16', []),
    ('baseline', 'fp32', None),
    ('separate heads, looped AdamW, SDPA', 'fp32', ['--untied', '--optimizer', 'loop', '--attention', 'sdpa']),
    ('+ tied heads', 'fp32', ['--optimizer', 'loop', '--attention', 'sdpa']),
    ('+ fused AdamW (all levers)', 'fp32', []),
    ('all levers, explicit attention forced', 'fp32', ['--attention', 'matmul']),
]

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--base', required=True)
    p.add_argument('--steps', default='3')
    p.add_argument('--out', default=str(NEW / 'nbs' / 'bench_s' / 'levers.json'))
    a = p.parse_args(argv)
    sys.path.insert(0, str(LOADER.parent))
    from compare import LOADER as code
    rows = []
    for label, prec, args in CONFIGS:
        root = Path(a.base).resolve() if args is None else NEW
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / 'r.json'
            cmd = [sys.executable, '-P', '-c', code, str(NEW / 'fourm_nb' / 'bench.py'), 'train', '--protocol', 'S', '--precision', prec,
                   '--steps', a.steps, '--warmup', '1', *(args or []), '--json', str(out)]
            subprocess.run(cmd, env=dict(os.environ, PYTHONPATH=str(root), OMP_NUM_THREADS='1'), cwd=d, check=True, stdout=subprocess.DEVNULL)
            r = json.loads(out.read_text())
        rows.append(dict(label=label, precision=prec, args=args, fourm_nb=r.get('fourm_nb'), step_cpu_s=r['step_cpu_s'], step_s=r['step_s'],
                         max_rss_mib=r['max_rss_mib'], params=r['params'], losses=r['losses']))
        print(f"{prec} {label:<50} CPU s/step {r['step_cpu_s']:.3f}  wall {r['step_s']:.3f}  RSS {r['max_rss_mib']:.0f} MiB", flush=True)
        Path(a.out).write_text(json.dumps(dict(threads=1, steps=int(a.steps), rows=rows), indent=1))

if __name__ == '__main__': main()
