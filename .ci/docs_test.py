"""Build the documentation website with `fourm_nb docs` and check it in headless Chromium, as a reader would see it.

Needs the docs extra (`pip install -e ".[docs]"`) and Debian's `chromium`. Builds into _site/, serves it on
127.0.0.1 (a free port, this process only), and checks that:
- every image a notebook stores is on its page;
- the home page and three notebook pages that keep figures load with no console error, page error or failed request;
- each of them shows at least one figure that decoded (an <img> with naturalWidth > 0), and no broken image;
- formulas were typeset by MathJax, and a code block's copy button puts its code on the clipboard;
- each notebook page links to its module's API page, and that page has the entry the notebook links to;
- searching for "FourM" lists the notebook that defines it (09_model) first.
Screenshots go to _site_shots/ (ignored by git). Prints the build time and the site size; exits 1 on any failure.
"""
import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

try: from playwright.sync_api import sync_playwright
except ImportError: sys.exit('docs test: playwright is missing: pip install -e ".[docs]"')

root = Path(__file__).resolve().parent.parent
site, shots = root / '_site', root / '_site_shots'
# page, a figure's <img> src must contain this, the page's API page, an API entry the page links to, has math
PAGES = [('', 'images/demo_tiny_results.png', None, None, False),
         ('03_clip_pca/', '03_clip_pca_files/', 'api/viz/', None, True),
         ('09_model/', '09_model_files/', 'api/model/', 'fourm_nb.model.FourM', True),
         ('11_generation/', '11_generation_files/', 'api/generate/', None, True)]
failures = []

def check(ok, message):
    if not ok: failures.append(message)
    return ok

t0 = time.perf_counter()
build = subprocess.run([sys.executable, '-m', 'fourm_nb', 'docs', '--out', str(site)], cwd=root, capture_output=True, text=True)
build_s = time.perf_counter() - t0
print(build.stdout.strip(), build.stderr.strip(), sep='\n')
if build.returncode:
    sys.exit(f'docs test: `fourm_nb docs` failed (exit {build.returncode}), see above')
size = sum(f.stat().st_size for f in site.rglob('*') if f.is_file())
du = subprocess.run(['du', '-sh', str(site)], capture_output=True, text=True).stdout.split()[0]
print(f'docs build: {build_s:.1f} s, site {du} ({size / 2**20:.1f} MiB, {sum(1 for _ in site.rglob("*.html"))} html files)')

# every figure a notebook keeps is on its page: as many <img> of its outputs as the notebook has stored images
for nb in sorted((root / 'nbs').glob('*.ipynb')):
    if nb.stem == 'index': continue
    cells = json.loads(nb.read_text(encoding='utf-8'))['cells']
    stored = sum(any(k.startswith('image/') for k in o.get('data', {})) for c in cells for o in c.get('outputs', [])
                 if not ''.join(c['source']).startswith('#| hide'))
    shown = (site / nb.stem / 'index.html').read_text(encoding='utf-8').count(f'src="../{nb.stem}_files/')
    check(shown == stored, f'{nb.stem}: {stored} stored figures, {shown} on the page')

handler = functools.partial(type('Quiet', (http.server.SimpleHTTPRequestHandler,), {'log_message': lambda *a: None}),
                            directory=str(site))
server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f'http://127.0.0.1:{server.server_address[1]}/'
if shots.exists(): shutil.rmtree(shots)
shots.mkdir()
chromium = shutil.which('chromium') or '/usr/bin/chromium'
if not Path(chromium).exists(): sys.exit('docs test: no chromium: apt-get install -y chromium (Debian)')

def check_page(page, path, figure, api, entry, has_math):
    name = path.strip('/') or 'home'
    page.goto(base + path, wait_until='networkidle')
    n_math = 0
    if has_math:   # MathJax typesets after load
        page.wait_for_function('window.MathJax && MathJax.startup && MathJax.startup.promise', timeout=20000)
        page.evaluate('MathJax.startup.promise')
        n_math = page.locator('mjx-container').count()
        check(n_math > 0, f'{name}: no formula typeset by MathJax')
        check(page.locator('[data-mjx-error], mjx-merror').count() == 0, f'{name}: MathJax reports a TeX error')
    imgs = page.eval_on_selector_all('article img', 'els => els.map(e => [e.getAttribute("src"), e.complete ? e.naturalWidth : 0])')
    decoded = [src for src, w in imgs if w > 0 and figure in src]
    check(decoded, f'{name}: no decoded figure matching {figure!r} among {imgs}')
    check(all(w > 0 for _, w in imgs), f'{name}: broken images {[s for s, w in imgs if not w]}')
    copy = page.locator('article button[data-md-type="copy"]')
    if check(copy.count() > 0, f'{name}: code blocks have no copy button'):   # the first one copies its block
        copy.first.click()
        block = page.locator(copy.first.get_attribute('data-clipboard-target')).first.inner_text()
        check(page.evaluate('navigator.clipboard.readText()').strip() == block.strip(), f'{name}: the copy button copies something else')
    if api: check(page.locator(f'a[href$="{api}"]').count() > 0, f'{name}: no link to its API page {api}')
    if entry: check(page.locator(f'a[href*="#{entry}"]').count() > 0, f'{name}: no link to the API entry {entry}')
    page.screenshot(path=str(shots / f'{name}.png'))
    if decoded:
        page.locator(f'article img[src*="{figure}"]').first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)       # let the header's title transition finish
        page.screenshot(path=str(shots / f'{name}_figure.png'))
    print(f'page {name}: {len(imgs)} images ({len(decoded)} figures decoded)' + (f', {n_math} formulas' if has_math else ''))

def check_api(page):
    "The API entry that 09_model links to exists."
    page.goto(base + 'api/model/', wait_until='networkidle')
    check(page.locator('[id="fourm_nb.model.FourM"]').count() == 1, 'api/model: no entry with id fourm_nb.model.FourM')
    page.locator('[id="fourm_nb.model.FourM"]').first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / 'api_model.png'))

def check_search(page):
    "Full-text search: 'FourM' lists the notebook that defines it first."
    page.goto(base, wait_until='networkidle')
    page.locator('input.md-search__input').click()      # the header's search box (1280 px wide: always shown)
    page.keyboard.type('FourM')
    page.wait_for_selector('.md-search-result__item', timeout=20000)
    page.screenshot(path=str(shots / 'search_FourM.png'))
    links = page.eval_on_selector_all('.md-search-result__item a', 'els => els.map(e => e.href)')
    found = list(dict.fromkeys(href.split('?')[0] for href in links))      # result pages, best first
    print(f'search "FourM": {len(found)} pages, best first: ' + ', '.join(h.removeprefix(base) or '/' for h in found[:8]))
    check(found and found[0] == base + '09_model/', f'search "FourM": the first result is not 09_model but {found[:5]}')

with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=chromium, args=['--no-sandbox'])
    context = browser.new_context(viewport={'width': 1280, 'height': 900})
    context.grant_permissions(['clipboard-read', 'clipboard-write'])
    page = context.new_page()
    problems = []
    page.on('console', lambda m: m.type == 'error' and problems.append(f'console error: {m.text}'))
    page.on('pageerror', lambda e: problems.append(f'page error: {e}'))
    page.on('requestfailed', lambda r: problems.append(f'request failed: {r.url} ({r.failure})'))
    page.on('response', lambda r: r.status >= 400 and problems.append(f'HTTP {r.status}: {r.url}'))
    steps = [(p[0].strip('/') or 'home', functools.partial(check_page, page, *p)) for p in PAGES]
    steps += [('api/model', functools.partial(check_api, page)), ('search', functools.partial(check_search, page))]
    for name, step in steps:
        problems.clear()
        try: step()
        except Exception as e: check(False, f'{name}: {type(e).__name__}: {str(e).splitlines()[0]}')
        check(not problems, f'{name}: ' + '; '.join(problems))
    browser.close()
server.shutdown()

print(f'screenshots in {shots.relative_to(root)}/: {", ".join(sorted(p.name for p in shots.glob("*.png")))}')
if failures:
    print('docs test FAILED:\n  ' + '\n  '.join(failures), file=sys.stderr)
    sys.exit(1)
print(f'docs test passed: {len(PAGES)} pages, API page and search checked in Chromium')
