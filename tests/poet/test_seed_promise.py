"""What a seed promises: the same request, seed and model write the same poem on every x86-64 CPU.

The int8 step's products are exact in int32 (7-bit activations: no int16 saturation on AVX2), so the
kernels' instruction set does not change them. This test runs the shipped poet twice in fresh
processes — once with the CPU's own kernels, once forced down to AVX2 (fbgemm, ATen, oneDNN and numpy's
own dispatch alike: the sampler's exp and sums run in numpy) — and asserts the same poems. On an
AVX2-only CPU both runs take the same kernels and it still holds.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tangshi.decoding.stepper import int8_available

try:  # numpy's dispatch targets: X86_V3 … AVX512_SPR in numpy 2.4, AVX512F, AVX512_SKX … before
    from numpy._core._multiarray_umath import __cpu_dispatch__
except ImportError:  # numpy 1.x
    from numpy.core._multiarray_umath import __cpu_dispatch__

# AVX2 kernels forced on a wider CPU: fbgemm's int8, ATen's vectorised ops, oneDNN's matmuls, and numpy's
# dispatched loops (every target above AVX2 off; the sampler's exp and sums run in numpy)
WIDER = [t for t in __cpu_dispatch__ if t.startswith(("AVX512", "X86_V4"))]
AVX2 = {"FBGEMM_ENABLE_INSTRUCTIONS": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2",
        "NPY_DISABLE_CPU_FEATURES": " ".join(WIDER)}

WRITE = r"""
import json, os, sys
try:
    from numpy._core._multiarray_umath import __cpu_features__
except ImportError:
    from numpy.core._multiarray_umath import __cpu_features__
kept = [t for t in os.environ.get("NPY_DISABLE_CPU_FEATURES", "").split() if __cpu_features__.get(t)]
assert not kept, f"numpy still dispatches to {kept}"
from tangshi.poet import Poet
poet = Poet.load()
out = [poet.write(form=f, title=t, seed=s, **kw)[0].text
       for f, t, s, kw in [("七律", "秋夜", 1, {}), ("五绝", "山居", 2, {}), ("七绝", "送别", 3, {"mood": "思"}),
                           ("五律", "春望", 4, {"beam": 4}), ("七律", "江行", 5, {"candidates": 1, "guidance": 0})]]
json.dump(out, sys.stdout, ensure_ascii=False)
"""


def poems(extra_env: dict[str, str]) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in AVX2} | extra_env
    done = subprocess.run([sys.executable, "-c", WRITE], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.skipif(not int8_available(), reason="the int8 step needs fbgemm (x86-64); elsewhere it is float32")
def test_a_seed_writes_the_same_poems_with_avx2_kernels_as_with_the_cpus_own() -> None:
    native, avx2 = poems({}), poems(AVX2)
    assert len(set(native)) == len(native) == 5
    assert native == avx2
