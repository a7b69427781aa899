"""bf16 autocast against fp32 training over seeds: loss curves of protocol S-tiny (protocol S's modalities and token
budgets, dim 64, 2+2 blocks, batch 8) on a learnable synthetic task, for the CPU bf16 default.

Data: rgb tokens are uniform; depth and semseg tokens are fixed permutations of the rgb token at the same cell (so they
are predictable across modalities); captions are random words (only their frequencies can be learnt). Each seed fixes
the initial weights and the data stream; fp32 and bf16 of one seed see the same batches.

    python nbs/bench_s/bf16_curves.py --steps 300 --seeds 0 1 2 --out nbs/bench_s/bf16_curves.json
"""
import argparse, json, os, time
from pathlib import Path

import numpy as np
import torch

TINY = dict(dim=64, encoder_depth=2, decoder_depth=2, num_heads=4)

def batches(cfg, seed: int, batch_size: int):
    "Endless masked batches of the synthetic task (protocol S budgets: Dirichlet(0.2), 128 input + 128 target tokens)."
    from fourm_nb.bench import PROTOCOL_S, S_MODALITIES
    from fourm_nb.masking import MaskingConfig, UnifiedMasking, collate
    s, rng = PROTOCOL_S, np.random.default_rng(seed)
    fixed = np.random.default_rng(1234)   # the task itself is the same for every seed
    perm_depth, perm_sem = fixed.permutation(s['vocab_size']), fixed.permutation(s['vocab_size'])
    masking = UnifiedMasking(MaskingConfig.for_model(cfg, input_budget=s['num_input_tokens'], target_budget=s['num_target_tokens'],
                                                     input_alpha=s['alpha'], target_alpha=s['alpha']))
    def sample():
        rgb = rng.integers(0, s['vocab_size'], 196)
        d = {S_MODALITIES[0]: rgb, S_MODALITIES[1]: perm_depth[rgb], S_MODALITIES[2]: perm_sem[rgb]}
        d = {k: torch.from_numpy(v) for k, v in d.items()}
        n = int(rng.integers(16, s['caption_tokens'] + 1))
        d['caption'] = torch.from_numpy(np.append(rng.integers(1000, 30000, n), 3))
        return d
    while True: yield collate([masking(sample(), rng) for _ in range(batch_size)])

def curve(precision: str, seed: int, steps: int, batch_size: int, lr: float) -> list[float]:
    from fourm_nb.bench import PROTOCOL_S, protocol_s_config
    from fourm_nb.model import FourM
    from fourm_nb.train import param_groups, adamw_options
    cfg = protocol_s_config(**TINY)
    torch.manual_seed(seed)
    model = FourM(cfg).train()
    opt = torch.optim.AdamW(param_groups(model, 0.05), lr=lr, betas=(0.9, 0.95), **adamw_options('cpu'))
    data, out = batches(cfg, seed, batch_size), []
    for _ in range(steps):
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=precision == 'bf16'):
            loss, _ = model(next(data), PROTOCOL_S['num_input_tokens'], PROTOCOL_S['num_target_tokens'])
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        out.append(round(float(loss.detach()), 5))
    return out

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--steps', type=int, default=300)
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--batch-size', type=int, default=8)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--out', default=str(Path(__file__).with_name('bf16_curves.json')))
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    from fourm_nb.model import cpu_has_bf16
    res = dict(config=TINY, steps=a.steps, batch_size=a.batch_size, lr=a.lr, seeds=a.seeds, cpu_has_bf16=cpu_has_bf16(),
               cpu_capability=torch.backends.cpu.get_cpu_capability(), curves={'fp32': {}, 'bf16': {}}, seconds={})
    for seed in a.seeds:
        for prec in (('fp32', 'bf16') if seed % 2 == 0 else ('bf16', 'fp32')):
            t0 = time.perf_counter()
            res['curves'][prec][str(seed)] = curve(prec, seed, a.steps, a.batch_size, a.lr)
            res['seconds'][f'{prec}_{seed}'] = round(time.perf_counter() - t0, 1)
            print(prec, seed, res['curves'][prec][str(seed)][::50], res['seconds'][f'{prec}_{seed}'], flush=True)
            out = Path(a.out); tmp = out.with_suffix('.tmp'); tmp.write_text(json.dumps(res)); tmp.rename(out)

if __name__ == '__main__': main()
