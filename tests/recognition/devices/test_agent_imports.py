"""The edge agent runs on devices without Django: importing it must not import Django."""

import subprocess
import sys

from tests.conftest import REPO_ROOT

BLOCK_DJANGO = """
import sys

class BlockDjango:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django.") or name == "rest_framework":
            raise ImportError(f"{name} must not be imported on the device")
        return None

sys.meta_path.insert(0, BlockDjango())
import edge_agent.agent, edge_agent.__main__, recognition.edge_protocol  # noqa
assert not any(m == "django" or m.startswith("django.") for m in sys.modules), sorted(
    m for m in sys.modules if m.startswith("django"))
print("ok")
"""


def test_the_agent_imports_without_django():
    result = subprocess.run([sys.executable, "-c", BLOCK_DJANGO], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
