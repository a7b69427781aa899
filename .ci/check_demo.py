"""Check the demo's metrics.json: every generated task must beat its trivial baseline.

The comparison is recomputed here from the two numbers and the metric's direction, not read from a flag.
"""
import json
import sys
from pathlib import Path

path = Path(sys.argv[1])
if not path.is_file(): sys.exit(f'check_demo: {path} does not exist: the demo wrote no metrics')
metrics = json.loads(path.read_text())
tasks = metrics.get('tasks', {})
if not tasks: sys.exit(f'check_demo: {path} lists no tasks')
failed = []
for name, t in tasks.items():
    model, base, higher = float(t['model']), float(t['baseline']), bool(t['higher_is_better'])
    ok = model > base if higher else model < base
    print(f"{'ok  ' if ok else 'FAIL'} {name:<28} {t['metric']:<22} model {model:9.4f}  baseline {base:9.4f}")
    if not ok: failed.append(name)
print(f'demo tasks: {len(tasks) - len(failed)} passed, {len(failed)} failed')
sys.exit(1 if failed else 0)
