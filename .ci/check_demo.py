"""Check the demo's metrics.json: every task is present with finite numbers, and print model vs its references.

`--strict` also fails when a task does not beat its trivial baseline, or its informative reference
`shuffled_predictions` (the model's own outputs scored against another scene: what it gets without looking at its
input). Every task must carry that reference. The comparisons are recomputed here from the numbers and the metric's
direction, not read from the file's flags. The other references (an unrelated real scene, the tokenizer ceiling) are
printed. `--known-weak TASK` (repeatable) names a task whose shuffled reference is printed but not gated, because the
README reports that the model does not beat it; its baseline is still gated.
"""
import argparse
import json
import math
import sys
from pathlib import Path

TASKS = ('rgb->depth', 'rgb->normal', 'rgb->semseg', 'rgb->det', 'rgb->caption', 'caption->clip->rgb', 'rgb inpainting')

p = argparse.ArgumentParser()
p.add_argument('metrics')
p.add_argument('--strict', action='store_true', help='fail when a task does not beat its baseline and its shuffled reference')
p.add_argument('--known-weak', action='append', default=[], metavar='TASK',
               help='a task whose shuffled reference is reported but not gated (the README says the model does not beat it)')
args = p.parse_args()
path = Path(args.metrics)
if not path.is_file(): sys.exit(f'check_demo: {path} does not exist: the demo wrote no metrics')
metrics = json.loads(path.read_text())
tasks = metrics.get('tasks', {})
missing = [t for t in TASKS if t not in tasks]
if missing: sys.exit(f'check_demo: {path} lacks tasks {missing}')
unknown = sorted(set(args.known_weak) - set(tasks))
if unknown: sys.exit(f'check_demo: --known-weak names unknown tasks {unknown}')
behind, weak_hits = [], []
for name, t in tasks.items():
    if 'shuffled_predictions' not in t: sys.exit(f'check_demo: task {name!r} lacks its informative reference shuffled_predictions')
    model, base, shuf, higher = float(t['model']), float(t['baseline']), float(t['shuffled_predictions']), bool(t['higher_is_better'])
    if not all(map(math.isfinite, (model, base, shuf))): sys.exit(f'check_demo: task {name!r} has a non-finite score: {t}')
    better = (lambda a, b: a > b) if higher else (lambda a, b: a < b)
    weak = name in args.known_weak and not better(model, shuf)
    if weak: weak_hits.append(name)
    ok = better(model, base) and (better(model, shuf) or weak)
    refs = '  '.join(f'{k} {float(t[k]):.4f}' for k in ('shuffled_predictions', 'unrelated_scene', 'single_sample', 'tokenizer_oracle') if k in t)
    label = 'BEHIND  ' if not ok else 'weak    ' if weak else 'beats   '
    print(f"{label} {name:<22} {t['metric']:<32} model {model:9.4f}  baseline {base:9.4f}  {refs}".rstrip())
    if not ok: behind.append(name)
if weak_hits: print(f'known weak (shuffled reference not gated, not beaten): {", ".join(weak_hits)}')
print(f'demo tasks beating their trivial baseline and shuffled reference: {len(tasks) - len(behind) - len(weak_hits)} of {len(tasks)}'
      + (f' (behind: {", ".join(behind)})' if behind else ''))
sys.exit(1 if (behind and args.strict) else 0)
