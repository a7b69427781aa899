"""Where protocol S spends its time: torch.profiler over training steps and generation runs, ops grouped by kind.

    python nbs/bench_s/profile_s.py --out nbs/bench_s/profile_s.json

Each job runs in this process after untimed warm-up runs; the profile covers `--steps` training steps or one
generation run. Times are the operators' self CPU times (time inside an op minus its children), so they add up to
the total; 'products' are the matrix-multiply kernels, and their FLOP count per training step comes from
`fourm_flops_per_sample`.
"""
import argparse, json, os, platform, sys, time
from pathlib import Path

import torch

GROUPS = {  # op name -> group; anything else is 'other element-wise and glue'
    'products': ('aten::mm', 'aten::addmm', 'aten::bmm', 'aten::baddbmm', 'aten::linear', 'aten::_addmm_activation'),
    'attention kernels': ('aten::_scaled_dot_product_flash_attention_for_cpu', 'aten::_scaled_dot_product_flash_attention_for_cpu_backward',
                          'aten::_softmax', 'aten::_softmax_backward_data'),
    'sampling': ('aten::exponential_', 'aten::multinomial', 'aten::uniform_', 'aten::log1p', 'aten::topk', 'aten::sort',
                 'aten::argmax', 'aten::max', 'aten::cumsum'),
    'optimizer': ('aten::_fused_adamw_',),
    'copies and casts': ('aten::copy_', 'aten::to', 'aten::_to_copy', 'aten::cat', 'aten::index', 'aten::index_put_',
                         'aten::gather', 'aten::scatter_add_', 'aten::clone', 'aten::contiguous', 'aten::masked_scatter_',
                         'aten::index_select', 'aten::embedding_dense_backward', 'aten::fill_', 'aten::zero_'),
}

def _group(name):
    for g, names in GROUPS.items():
        if name in names: return g
    return 'other element-wise and glue'

def profile(fn, runs: int) -> dict:
    from torch.profiler import profile as prof
    t0 = time.perf_counter()
    with prof() as p:
        for _ in range(runs): fn()
    wall = (time.perf_counter() - t0) / runs
    ev = [e for e in p.key_averages() if e.self_cpu_time_total > 0]
    total = sum(e.self_cpu_time_total for e in ev)
    groups = {}
    for e in ev: groups[_group(e.key)] = groups.get(_group(e.key), 0) + e.self_cpu_time_total
    top = sorted(ev, key=lambda e: -e.self_cpu_time_total)[:8]
    return dict(wall_ms=1000 * wall, self_cpu_ms=total / 1000 / runs,
                groups={g: round(v / 1000 / runs, 2) for g, v in sorted(groups.items(), key=lambda kv: -kv[1])},
                top=[dict(op=e.key, ms=round(e.self_cpu_time_total / 1000 / runs, 2), calls=e.count // runs) for e in top])

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--steps', type=int, default=3)
    p.add_argument('--size', default='S')
    p.add_argument('--out', default=str(Path(__file__).with_name('profile_s.json')))
    a = p.parse_args(argv)
    from fourm_nb.bench import PROTOCOL_S as S, _s_optimizer, _size, protocol_s_batches, protocol_s_config
    from fourm_nb.generate import GenerationSampler, GenerationSchedule, GuidanceTerm, TargetSchedule, full_input
    from fourm_nb.model import FourM
    from fourm_nb.train import fourm_flops_per_sample
    s, cfg = _size(a.size), protocol_s_config(a.size)
    res = dict(command=' '.join(['profile_s.py'] + (argv or sys.argv[1:])), size=a.size, threads=torch.get_num_threads(),
               torch=torch.__version__, machine=dict(platform=platform.platform(), cpus=os.cpu_count()), jobs={})
    for prec in ('fp32', 'bf16'):
        torch.manual_seed(0)
        model = FourM(cfg).train(); opt = _s_optimizer(model, torch.device('cpu'))
        batches = protocol_s_batches(cfg, 2, batch_size=s['batch_size'])
        i = [0]
        def step():
            with torch.autocast('cpu', dtype=torch.bfloat16, enabled=prec == 'bf16'):
                loss, _ = model(batches[i[0] % 2], s['num_input_tokens'], s['num_target_tokens'])
            loss.backward(); opt.step(); opt.zero_grad(set_to_none=True); i[0] += 1
        for _ in range(2): step()
        r = profile(step, a.steps)
        flops = 3 * fourm_flops_per_sample(cfg, s['num_input_tokens'], s['num_target_tokens'])['total'] * s['batch_size']
        r['flops_per_step'] = flops
        r['flops_per_products_s'] = flops / (r['groups'].get('products', 0) / 1000)   # model FLOPs over the time in products
        res['jobs'][f'train_{prec}'] = r
        print(prec, json.dumps(r), flush=True)
    torch.manual_seed(0)
    model = FourM(cfg).eval()
    g = torch.Generator().manual_seed(0)
    rgb = {'tok_rgb@224': full_input(torch.randint(0, s['vocab_size'], (s['gen_batch_size'], 196), generator=g))}
    mg = lambda guidance: GenerationSchedule(targets=[TargetSchedule('tok_depth@224', 'maskgit', s['maskgit_steps'], 'cosine', temperature=1.0, guidance=guidance)])
    cap = lambda kv: GenerationSchedule(targets=[TargetSchedule('caption', 'autoregressive', temperature=1.0, max_tokens=s['caption_tokens'])], kv_cache=kv, stop_at_eos=False)
    for name, sch in {'maskgit': mg([]), 'maskgit_cfg': mg([GuidanceTerm(['tok_rgb@224'], s['guidance_scale'])]),
                      'caption': cap(False), 'caption_kv': cap(True)}.items():
        smp = GenerationSampler(model)
        run = lambda: smp.generate(rgb, sch, seed=0)
        run()
        res['jobs'][name] = profile(run, 1)
        print(name, json.dumps(res['jobs'][name]), flush=True)
    Path(a.out).write_text(json.dumps(res, indent=1))

if __name__ == '__main__': main()
