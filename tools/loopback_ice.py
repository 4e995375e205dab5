"""Run a program with ICE confined to 127.0.0.1: for tests, benches and the headless demo only.

aioice never offers 127.0.0.1 as a host candidate, and on this sandbox the other interfaces are not
ours to send to. Usage: python tools/loopback_ice.py -m kiosk [args...]
"""

from __future__ import annotations

import runpy
import sys


def confine_ice_to_loopback() -> None:
    """Make aioice gather host candidates on 127.0.0.1 only."""
    import aioice.ice

    def loopback_only(use_ipv4: bool = True, use_ipv6: bool = True) -> list[str]:
        return ["127.0.0.1"] if use_ipv4 else []

    aioice.ice.get_host_addresses = loopback_only


def main() -> None:
    """Patch aioice, then run the module named after -m with the remaining arguments."""
    if len(sys.argv) < 3 or sys.argv[1] != "-m":
        raise SystemExit("usage: loopback_ice.py -m MODULE [ARGS...]")
    module = sys.argv[2]
    sys.argv = [module, *sys.argv[3:]]
    confine_ice_to_loopback()
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
