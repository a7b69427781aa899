"""Per-sample masking + `collate` per batch of 32: this checkout against a base checkout beside it.

    python nbs/bench_s/masking_speed.py --base ../base_checkout [--shards DEMO_OUT/shards] [--rounds 3] [--batches 16]

Two setups: the tiny demo's masking (`fourm_nb demo --size tiny`: RGB pixels, five token maps, caption and boxes,
budgets 64 + 64, a 2-way alpha mixture), on the demo's token shards when `--shards` is given and otherwise on random
samples of the same shapes; and protocol S's masking (`fourm_nb.bench.protocol_s_batches`: three 14x14 token maps and
a caption, Dirichlet(0.2) budgets 128 + 128). Each round runs one process per checkout, alternating which goes
first, each with one thread. A process times `--batches` batches of 32 after two warm-up batches: `UnifiedMasking` on
every sample, with per-sample generators seeded like the training loader's (made before the clock starts), then
`collate`. Per process the median over batches; per checkout the median over rounds. Every process also hashes every
batch it made, so the JSON says whether both checkouts produced the same batches. Writes `masking_speed.json`
next to this file.
"""
import argparse, hashlib, json, os, statistics, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BATCH = 32


def demo_setup(shards, n: int):
    "The tiny demo's `UnifiedMasking` and `n` samples (from its token shards, or random ones of the same shapes)."
    import numpy as np, torch
    from fourm_nb.demo import demo_config, demo_train_config
    from fourm_nb.masking import UnifiedMasking
    from fourm_nb.train import fourm_model_config, masking_config
    root = Path(shards) if shards else Path('unused')
    if shards:
        from fourm_nb.text import TextTokenizer
        text_vocab = TextTokenizer.load(root.parent / 'text' / 'text_tokenizer.json').vocab_size
    else: text_vocab = 1000
    tcfg = demo_train_config(demo_config('tiny'), root.parent, text_vocab)
    masking = UnifiedMasking(masking_config(tcfg, fourm_model_config(tcfg)))
    if shards:
        from fourm_nb.data import TokenShardDataset
        ds = TokenShardDataset(root / 'train', masking.keys)
        return masking, [ds[i % len(ds)] for i in range(n)], f'token shards of the tiny demo ({len(ds)} samples)'
    rng, samples = np.random.default_rng(0), []
    for _ in range(n):
        d = {}
        for k, info in masking.info.items():
            if info.kind == 'pixels': d[k] = torch.from_numpy(rng.standard_normal((3, info.image_size, info.image_size), np.float32))
            elif info.kind == 'dense_tokens': d[k] = torch.from_numpy(rng.integers(0, info.vocab_size, info.num_tokens))
            else: d[k] = torch.from_numpy(np.append(rng.integers(100, info.vocab_size, int(rng.integers(20, 96))), 3))
        samples.append(d)
    return masking, samples, 'random samples shaped like the tiny demo (captions and boxes of 21-96 ids)'


def protocol_s_setup(n: int):
    "Protocol S's `UnifiedMasking` and `n` samples drawn like `protocol_s_batches` draws them."
    import numpy as np, torch
    from fourm_nb.bench import PROTOCOL_S as s, S_MODALITIES, protocol_s_config
    from fourm_nb.masking import MaskingConfig, UnifiedMasking
    masking = UnifiedMasking(MaskingConfig.for_model(protocol_s_config(), input_budget=s['num_input_tokens'],
                                                     target_budget=s['num_target_tokens'], input_alpha=s['alpha'], target_alpha=s['alpha']))
    rng, samples = np.random.default_rng(0), []
    for _ in range(n):
        d = {k: torch.from_numpy(rng.integers(0, s['vocab_size'], 196)) for k in S_MODALITIES[:3]}
        d['caption'] = torch.from_numpy(np.append(rng.integers(1000, 30000, int(rng.integers(16, s['caption_tokens'] + 1))), 3))
        samples.append(d)
    return masking, samples, 'random samples of protocol S (3 token maps of 196, captions of 17-63 ids)'


def time_batches(masking, samples, batches: int, seed: int = 0) -> dict:
    "Median wall and CPU milliseconds per batch of masking and of collate, and a hash of all batches."
    import numpy as np
    from fourm_nb.masking import collate
    mask_ms, coll_ms, cpu_ms, h = [], [], [], hashlib.sha256()
    for b in range(-2, batches):                              # two warm-up batches
        pos = range(max(b, 0) * BATCH, (max(b, 0) + 1) * BATCH)
        rngs = [np.random.default_rng([seed, p]) for p in pos]
        c0, t0 = time.process_time(), time.perf_counter()
        masked = [masking(samples[p % len(samples)], r) for p, r in zip(pos, rngs)]
        t1 = time.perf_counter()
        batch = collate(masked)
        t2, c1 = time.perf_counter(), time.process_time()
        if b < 0: continue
        mask_ms.append((t1 - t0) * 1e3); coll_ms.append((t2 - t1) * 1e3); cpu_ms.append((c1 - c0) * 1e3)
        for k, d in batch.items():
            for f, t in d.items(): h.update(f'{k}/{f}/{t.dtype}/{tuple(t.shape)}'.encode()); h.update(t.contiguous().numpy().tobytes())
    med = statistics.median
    return dict(mask_ms=med(mask_ms), collate_ms=med(coll_ms), total_ms=med([m + c for m, c in zip(mask_ms, coll_ms)]),
                cpu_ms=med(cpu_ms), digest=h.hexdigest())


def worker(args):
    "One process: both setups in the checkout on PYTHONPATH; prints a JSON line."
    import torch
    torch.set_num_threads(1)
    n = BATCH * args.batches
    out = {}
    for name, (masking, samples, what) in (('demo_tiny', demo_setup(args.shards, n)), ('protocol_s', protocol_s_setup(n))):
        out[name] = dict(samples=what, **time_batches(masking, samples, args.batches))
    print(json.dumps(out))


def checkout_info(tree: Path) -> dict:
    git = lambda *a: subprocess.run(['git', '-C', str(tree), *a], capture_output=True, text=True).stdout.strip()
    return dict(commit=git('rev-parse', '--short', 'HEAD'), uncommitted_changes=bool(git('status', '--porcelain', '--', 'fourm_nb')))


def main(args):
    trees = {'this': HERE.parent.parent, 'base': Path(args.base).resolve()}
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1', 'OMP_WAIT_POLICY': 'PASSIVE'}
    runs = {k: [] for k in trees}
    for r in range(args.rounds):
        for name in (('base', 'this') if r % 2 == 0 else ('this', 'base')):
            cmd = [sys.executable, __file__, '--worker', '--batches', str(args.batches)] + (['--shards', args.shards] if args.shards else [])
            p = subprocess.run(cmd, env={**env, 'PYTHONPATH': str(trees[name])}, capture_output=True, text=True, cwd=trees[name])
            if p.returncode: sys.exit(f'{name} checkout failed:\n{p.stderr[-3000:]}')
            runs[name].append(json.loads(p.stdout.strip().splitlines()[-1]))
            print(f'round {r} {name}: ' + ', '.join(f'{s} {v["total_ms"]:.2f} ms' for s, v in runs[name][-1].items()), flush=True)
    med = statistics.median
    setups = {}
    for s in runs['this'][0]:
        res = {}
        for name in trees:
            rs = [run[s] for run in runs[name]]
            res[name] = {f'{key}_per_batch': med(x[key] for x in rs) for key in ('mask_ms', 'collate_ms', 'total_ms', 'cpu_ms')}
            res[name]['mask_us_per_sample'] = res[name]['mask_ms_per_batch'] * 1e3 / BATCH
            res[name]['rounds_total_ms'] = [round(x['total_ms'], 3) for x in rs]
        digests = {run[s]['digest'] for name in trees for run in runs[name]}
        setups[s] = dict(samples=runs['this'][0][s]['samples'], **res,
                         speedup_mask=res['base']['mask_ms_per_batch'] / res['this']['mask_ms_per_batch'],
                         speedup_total=res['base']['total_ms_per_batch'] / res['this']['total_ms_per_batch'],
                         same_batches=len(digests) == 1)
    import numpy, torch
    out = dict(benchmark='masking + collate per batch', batch_size=BATCH, batches=args.batches, rounds=args.rounds, threads=1,
               checkouts={k: checkout_info(t) for k, t in trees.items()}, setups=setups, cpu_count=os.cpu_count(),
               load_average_1min=os.getloadavg()[0], numpy=numpy.__version__, torch=torch.__version__)
    dst = HERE / 'masking_speed.json'
    tmp = dst.with_suffix('.json.tmp'); tmp.write_text(json.dumps(out, indent=1)); tmp.replace(dst)
    for s, v in setups.items():
        print(f"{s}: base {v['base']['total_ms_per_batch']:.2f} ms, this {v['this']['total_ms_per_batch']:.2f} ms per batch "
              f"(x{v['speedup_total']:.2f}); masking {v['base']['mask_us_per_sample']:.0f} -> {v['this']['mask_us_per_sample']:.0f} us/sample; "
              f"same batches: {v['same_batches']}")


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--base', help='the checkout to compare with (e.g. a worktree of main)')
    ap.add_argument('--shards', help="the tiny demo's shards folder (DEMO_OUT/shards); default: random samples")
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--batches', type=int, default=16)
    ap.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker: worker(args)
    elif not args.base: ap.error('--base is required')
    else: main(args)
