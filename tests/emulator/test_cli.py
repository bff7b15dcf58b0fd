"""The console script: prints where it listens and the credentials, serves until interrupted."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def test_cli_serves_and_stops_on_ctrl_c() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "gong_emulator", "--port", "0", "--calls", "30", "--seed", "1"]
    proc = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # started ignoring SIGINT, as under a pytest-xdist worker or as a background job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", first)
        assert match, first + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        output = "".join(proc.stdout.readline() for _ in range(4))
        assert "emulator-key" in output and "emulator-secret" in output
        response = httpx.get(f"{match[1]}/v2/calls", auth=("emulator-key", "emulator-secret"), timeout=30)
        assert response.status_code == 200 and response.json()["records"]["totalRecords"] > 0
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
