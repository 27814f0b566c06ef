"""The container installs exactly the runtime packages requirements.txt pins, each with its hashes."""

import re

from tests.helpers import ROOT


def pins(text: str) -> dict[str, str]:
    return {
        match.group(1).lower(): match.group(2)
        for match in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", text, flags=re.MULTILINE)
    }


def test_the_lock_pins_the_runtime_packages_of_requirements_txt_with_hashes():
    runtime = (ROOT / "requirements.txt").read_text().split("# Tests and tooling")[0]
    lock = (ROOT / "deploy" / "requirements.lock").read_text()
    wanted, locked = pins(runtime), pins(lock)
    assert wanted and all(locked.get(name) == version for name, version in wanted.items()), (wanted, locked)
    assert pins((ROOT / "deploy" / "requirements.in").read_text()) == wanted
    entries = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", lock.strip())
    assert len(entries) == len(locked) and all("--hash=sha256:" in entry for entry in entries)
    assert "--require-hashes -r requirements.lock" in (ROOT / "deploy" / "Dockerfile").read_text()
