"""``python -m deploy.k8s.generator [--check]``: write deploy/k8s, or fail on drift."""

from __future__ import annotations

import argparse
import sys

from deploy.k8s.generator.layout import drift, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the files are stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = drift()
        for path in stale:
            print(f"deploy/k8s/{path} is not what the generator writes", file=sys.stderr)
        return 1 if stale else 0
    for path in write():
        print(f"wrote deploy/k8s/{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
