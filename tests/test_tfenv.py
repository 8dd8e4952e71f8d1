"""reportgen.tfenv.choose_precision: every branch, on faked devices and CPU flags.

Nothing here asks the host: TensorFlow is replaced by a fake that lists the GPUs a test names
(with their compute capability), cpu_flags by the flags it names, and /proc/cpuinfo by text.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from reportgen import tfenv


def fake_tensorflow(*capabilities):
    """A stand-in for TensorFlow with one GPU per capability ((major, minor), None for a
    device whose details hold none, or "absent" for details without the key)."""
    gpus = [f"/physical_device:GPU:{i}" for i in range(len(capabilities))]

    def details(gpu):
        capability = capabilities[gpus.index(gpu)]
        return {} if capability == "absent" else {"compute_capability": capability}

    def devices(kind):
        assert kind == "GPU", kind
        return list(gpus)

    config = SimpleNamespace(
        list_physical_devices=devices,
        experimental=SimpleNamespace(get_device_details=details),
    )
    return SimpleNamespace(config=config)


@pytest.fixture
def host(monkeypatch):
    """host(*capabilities, flags=()): the machine choose_precision sees."""
    monkeypatch.delenv("REPORTGEN_PRECISION", raising=False)

    def make(*capabilities, flags=()):
        tf = fake_tensorflow(*capabilities)
        for name in ("import_tensorflow", "tensorflow"):
            monkeypatch.setattr(tfenv, name, lambda tf=tf: tf, raising=False)
        monkeypatch.setattr(tfenv, "cpu_flags", lambda: set(flags))

    return make


@pytest.mark.parametrize(
    ("capability", "expected"),
    [
        ((9, 0), "mixed_bfloat16"),  # Hopper
        ((8, 0), "mixed_bfloat16"),  # Ampere: the first with bfloat16
        ((8, 6), "mixed_bfloat16"),
        ((7, 5), "mixed_float16"),  # Turing
        ((7, 0), "mixed_float16"),  # Volta: the first with float16 tensor cores
        ((6, 1), "float32"),  # Pascal
        ((3, 7), "float32"),
        (None, "float32"),  # a device that states no capability
        ("absent", "float32"),
    ],
)
def test_a_gpu_s_compute_capability_chooses(host, capability, expected):
    host(capability, flags={"amx_bf16", "avx512_bf16"})  # the CPU's flags do not count then
    assert tfenv.choose_precision() == expected


def test_the_first_gpu_decides(host):
    host((7, 0), (9, 0))
    assert tfenv.choose_precision() == "mixed_float16"
    host((9, 0), (6, 0))
    assert tfenv.choose_precision() == "mixed_bfloat16"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"avx2", "amx_bf16", "amx_tile"}, "mixed_bfloat16"),  # Sapphire Rapids and later
        ({"avx512f", "avx512_bf16"}, "mixed_bfloat16"),  # Cooper Lake, Zen 4
        ({"avx512f", "avx512bw", "avx2"}, "float32"),  # bf16 would be emulated: slower
        ({"amx_tile", "amx_int8"}, "float32"),  # AMX without its bf16 part
        (set(), "float32"),  # no flags known (macOS, Windows, ARM)
    ],
)
def test_without_a_gpu_the_cpu_s_bf16_flags_choose(host, flags, expected):
    host(flags=flags)
    assert tfenv.choose_precision() == expected


@pytest.mark.parametrize("forced", ["float32", "mixed_float16", "mixed_bfloat16"])
def test_reportgen_precision_overrides_whatever_the_hardware(host, monkeypatch, forced):
    host((9, 0), flags={"amx_bf16"})
    monkeypatch.setattr(tfenv, "import_tensorflow", _never)  # not even asked
    monkeypatch.setattr(tfenv, "cpu_flags", _never)
    monkeypatch.setenv("REPORTGEN_PRECISION", forced)
    assert tfenv.choose_precision() == forced


def test_an_empty_reportgen_precision_is_no_override(host, monkeypatch):
    host((7, 5))
    monkeypatch.setenv("REPORTGEN_PRECISION", "")
    assert tfenv.choose_precision() == "mixed_float16"


def _never(*args):
    raise AssertionError("the hardware was asked although REPORTGEN_PRECISION decides")


class _CpuInfo:
    """Path("/proc/cpuinfo") with the given text (None: unreadable)."""

    def __init__(self, text):
        self.text = text

    def __call__(self, path):
        assert str(path) == "/proc/cpuinfo"
        return self

    def read_text(self):
        if self.text is None:
            raise PermissionError("/proc/cpuinfo")
        return self.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "processor\t: 0\nflags\t\t: fpu avx2 amx_bf16\nbugs\t\t: spectre\n",
            {"fpu", "avx2", "amx_bf16"},
        ),
        (
            "processor\t: 0\nflags\t: sse avx512_bf16\n\nprocessor\t: 1\nflags\t: other\n",
            {"sse", "avx512_bf16"},
        ),
        ("processor\t: 0\nFeatures\t: fp asimd bf16\n", set()),  # ARM: no "flags" line
        ("", set()),
        (None, set()),  # unreadable (no /proc: macOS, Windows)
    ],
)
def test_cpu_flags_are_read_from_the_first_flags_line(monkeypatch, text, expected):
    monkeypatch.setattr(tfenv, "Path", _CpuInfo(text))
    assert tfenv.cpu_flags() == expected
