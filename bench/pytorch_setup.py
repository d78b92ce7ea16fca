"""Shared set-up of the plain-PyTorch baselines in bench/: Debian's python3-torch with OpenBLAS.

Debian's torch is built against the generic BLAS interface; without an optimised BLAS installed, apt
resolves it to the reference (netlib) libblas3, whose GEMM is ~80x slower than OpenBLAS here. The
baseline must be PyTorch at its best, so OpenBLAS is installed too (Debian packages only).
"""
import os
import subprocess
import sys

OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"


def ensure_torch():
    missing = []
    try:
        import torch  # noqa: F401
    except ImportError:
        missing.append("python3-torch")
    if not os.path.exists(OPENBLAS):
        missing.append("libopenblas0-pthread")
    if missing:
        print("bench: installing Debian packages " + " ".join(missing) + " (one time)...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, stdout=sys.stderr,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
