"""The README's promises stay true: its Python example runs, its test command is CI's."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_engine_example_runs(tmp_path):
    block = re.search(r"## Use the engine from Python.*?```python\n(.*?)```", README, re.S).group(1)
    script = tmp_path / "example.py"
    script.write_text(block)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    first, last = map(float, out.stdout.splitlines()[0].split())
    assert first > 0.69 and last < 0.3
    assert "(4, 2)" in out.stdout


def test_ci_runs_exactly_the_readme_test_command():
    commands = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    test_cmd = next(c for c in commands if "pytest" in c)
    assert test_cmd in (ROOT / ".ci" / "run").read_text().splitlines()
