"""The package itself turns the hub and telemetry off, whatever the environment it starts in says."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

FORCED = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}
PROBE = """
import json, os, sys
import assistant
import huggingface_hub.constants as hub
names = json.loads(sys.argv[1])
print(json.dumps({"env": {k: os.environ.get(k) for k in names}, "hub_offline": hub.HF_HUB_OFFLINE}))
"""


def _import_assistant(repo, **extra: str) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **extra}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(sorted(FORCED))],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "user",
    [
        {},
        {"HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0", "ANONYMIZED_TELEMETRY": "True"},
        {"GRADIO_ANALYTICS_ENABLED": "True", "HF_HUB_DISABLE_TELEMETRY": "0"},
    ],
    ids=["clean", "user-online", "user-telemetry"],
)
def test_importing_assistant_forces_offline_and_no_telemetry(repo, user):
    seen = _import_assistant(repo, **user)
    assert seen["env"] == FORCED
    assert seen["hub_offline"] is True  # huggingface_hub, imported after us, reads the forced value
