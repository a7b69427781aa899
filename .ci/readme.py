"""Write README.md from nbs/index.ipynb (nbdev's readme_nb), without quarto.

Markdown cells are copied as they are; code cells become fenced blocks; cells tagged `#| hide` are skipped.
CI runs this and fails if README.md changes, so the two never drift apart.
"""
import json
from pathlib import Path

root = Path(__file__).resolve().parent.parent
nb = json.loads((root / 'nbs' / 'index.ipynb').read_text(encoding='utf-8'))
parts = []
for cell in nb['cells']:
    src = ''.join(cell['source']).strip('\n')
    if not src or src.lstrip().startswith('#| hide'): continue
    if cell['cell_type'] == 'markdown': parts.append(src)
    elif cell['cell_type'] == 'code':
        lines = [l for l in src.splitlines() if not l.startswith('#|')]
        if lines: parts.append('```python\n' + '\n'.join(lines) + '\n```')
text = '<!-- generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file -->\n\n' + '\n\n'.join(parts) + '\n'
readme = root / 'README.md'
if not readme.exists() or readme.read_text(encoding='utf-8') != text:
    readme.write_text(text, encoding='utf-8')
    print('README.md updated from nbs/index.ipynb')
