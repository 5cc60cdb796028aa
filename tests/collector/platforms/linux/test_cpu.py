"""CPU packages from /proc/cpuinfo, frequencies from cpufreq, py-cpuinfo only for a missing model."""

from pathlib import Path

import pytest

from collector.platforms.linux import cpu
from collector.report import Cpu

from .fixtures import text, write_tree


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "amd-epyc-2vcpu-kvm.txt",
            [Cpu(socket=0, vendor="AuthenticAMD", model="AMD EPYC", family=25, model_number=17, stepping=1,
                 physical_cores=2, logical_processors=2)],
        ),
        (
            "xeon-silver-4214-2socket-ht.txt",
            [
                Cpu(socket=s, vendor="GenuineIntel", model="Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz", family=6,
                    model_number=85, stepping=7, physical_cores=2, logical_processors=4)
                for s in (0, 1)
            ],
        ),
        (
            "raspberry-pi-4-arm64.txt",
            [Cpu(socket=0, vendor="ARM", model=None, physical_cores=4, logical_processors=4)],
        ),
    ],
)  # fmt: skip
def test_parse_cpuinfo(fixture: str, expected: list[Cpu]) -> None:
    assert cpu.parse_cpuinfo(text(f"cpuinfo/{fixture}")) == expected


def test_truncated_cpuinfo_raises() -> None:
    with pytest.raises(ValueError):
        cpu.parse_cpuinfo(text("cpuinfo/truncated.txt"))


def test_flags() -> None:
    assert "hypervisor" in cpu.parse_cpu_flags(text("cpuinfo/amd-epyc-2vcpu-kvm.txt"))
    assert "hypervisor" not in cpu.parse_cpu_flags(text("cpuinfo/xeon-silver-4214-2socket-ht.txt"))
    assert cpu.parse_cpu_flags(text("cpuinfo/raspberry-pi-4-arm64.txt")) >= {"fp", "asimd"}


def test_frequencies_from_cpufreq(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "cpu0/topology/physical_package_id": "0\n",
            "cpu0/cpufreq/base_frequency": "2200000\n",
            "cpu0/cpufreq/cpuinfo_max_freq": "3500000\n",
            "cpu1/topology/physical_package_id": "1\n",
            "cpu1/cpufreq/cpuinfo_max_freq": "3200000\n",
            "cpufreq/policy0": "",
        },
    )
    assert cpu.read_frequencies(tmp_path) == {0: (2_200_000_000, 3_500_000_000), 1: (None, 3_200_000_000)}
