"""What a PyTorch time was measured on: torch version, the BLAS library behind it, its version and kernel, threads.

Every reference script prints this beside its timings (bench/README.md drops any figure measured on netlib's
reference BLAS: Debian's torch links libblas.so.3, which is netlib unless an optimized BLAS is installed).
"""
import ctypes
import os
import re

import torch


def _openblas():
    """(version string, kernel name) of the OpenBLAS that libblas.so.3 resolves to, or None."""
    for name in ("libblas.so.3", "libopenblas.so.0"):
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        if not hasattr(lib, "openblas_get_config"):
            continue
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_config().decode(), lib.openblas_get_corename().decode()
    return None


def describe():
    """A dict for the JSON output: torch, blas_info (torch's build), blas (the library actually loaded), threads."""
    config = torch.__config__.show()
    info = re.search(r"BLAS_INFO=([^,\s]+)", config)
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    openblas = _openblas()
    return dict(
        torch=torch.__version__,
        blas_info=info.group(1) if info else "unknown",
        blas_library=blas,
        blas=f"OpenBLAS {openblas[0]}, kernel {openblas[1]}" if openblas else "not OpenBLAS (netlib reference?)",
        openblas_coretype=os.environ.get("OPENBLAS_CORETYPE", "unset"),
        threads=torch.get_num_threads(),
    )
