"""Frozen entry point of every bundle executable: runs the module named after the executable."""

import runpy
import sys
from pathlib import Path

# kiosk -> python -m kiosk, kiosk-register -> python -m kiosk.registration, and so on.
MODULES = {
    "kiosk": "kiosk",
    "desk": "desk",
    "kiosk-register": "kiosk.registration",
    "kiosk-update": "kiosk.updater",
    "bundle-check": "bundle_check",
}

if __name__ == "__main__":
    name = Path(sys.executable).stem.lower()
    runpy.run_module(MODULES.get(name, name), run_name="__main__", alter_sys=True)
