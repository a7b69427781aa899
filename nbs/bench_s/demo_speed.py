"""Wall time of `fourm_nb demo` for a baseline checkout and this one, measured in one run.

Each demo runs in a fresh process with the checkout's `fourm_nb` first on the path; the two checkouts alternate
(baseline first in even rounds, this checkout first in odd ones). Every run keeps its `metrics.json`, so the scores of
both sides are compared too (same seed on both sides: the models differ only by float rounding).

    python nbs/bench_s/demo_speed.py --base /path/to/baseline/checkout --rounds 3 --out nbs/bench_s/demo_speed.json
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path

NEW = Path(__file__).resolve().parents[2]

def run(root: Path, size: str, seed: int) -> dict:
    "One demo in a fresh process: wall seconds, the demo's own stage timings and its task scores."
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / 'demo'
        cmd = [sys.executable, '-P', '-m', 'fourm_nb', 'demo', '--size', size, '--out', str(out)] + (['--seed', str(seed)] if seed else [])
        t0 = time.perf_counter()
        subprocess.run(cmd, env=dict(os.environ, PYTHONPATH=str(root)), cwd=d, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        m = json.loads((out / 'metrics.json').read_text())
    return dict(wall_s=round(wall, 2), stages_s=m['timings_s'], torch_threads=m.get('torch_threads'), train_steps=m['config']['steps'],
                scores={task: r['model'] for task, r in m['tasks'].items()})

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--base', required=True, help='baseline checkout (its fourm_nb package is imported)')
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--size', default='tiny')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', default=str(NEW / 'nbs' / 'bench_s' / 'demo_speed.json'))
    a = p.parse_args(argv)
    sides = {'baseline': Path(a.base).resolve(), 'new': NEW}
    raw = {s: [] for s in sides}
    t0 = time.time()
    for r in range(a.rounds):
        for s in (['baseline', 'new'] if r % 2 == 0 else ['new', 'baseline']):
            raw[s].append(run(sides[s], a.size, a.seed))
            print(f'round {r} {s:<8} wall {raw[s][-1]["wall_s"]:.1f} s  train {raw[s][-1]["stages_s"]["train"]:.1f} s', flush=True)
            Path(a.out).with_suffix('.partial.json').write_text(json.dumps(raw))
    med = {s: dict(wall_s=statistics.median(x['wall_s'] for x in raw[s]),
                   stages_s={k: statistics.median(x['stages_s'][k] for x in raw[s]) for k in raw[s][0]['stages_s']}) for s in sides}
    paired = statistics.median(n['wall_s'] / b['wall_s'] for n, b in zip(raw['new'], raw['baseline']))
    try: load = os.getloadavg()
    except OSError: load = None
    out = dict(command=' '.join([Path(sys.argv[0]).name] + (argv or sys.argv[1:])), size=a.size, seed=a.seed, rounds=a.rounds,
               wall_s=round(time.time() - t0), machine=dict(platform=platform.platform(), cpus=os.cpu_count(), load_avg_end=load),
               median=med, ratio_new_over_baseline=med['new']['wall_s'] / med['baseline']['wall_s'], paired_ratio_median=paired, raw=raw)
    Path(a.out).write_text(json.dumps(out, indent=1))
    Path(a.out).with_suffix('.partial.json').unlink(missing_ok=True)
    print(json.dumps(dict(median=med, ratio=out['ratio_new_over_baseline'], paired=paired), indent=1))

if __name__ == '__main__': main()
