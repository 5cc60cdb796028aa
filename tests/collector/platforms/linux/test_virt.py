"""Physical, or which hypervisor and container, from kernel facts."""

import pytest

from collector.platforms.linux.virt import VirtFacts, detect_container, detect_hypervisor, root_fs_type

from .fixtures import text


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (VirtFacts(), "physical"),
        (VirtFacts(dmi_text="dell inc. optiplex 7090 dell inc."), "physical"),
        (
            VirtFacts(cpu_hypervisor_flag=True, dmi_text="vmware, inc. vmware virtual platform phoenix"),
            "vmware",
        ),
        (VirtFacts(cpu_hypervisor_flag=True, dmi_text="innotek gmbh virtualbox innotek gmbh"), "virtualbox"),
        (
            VirtFacts(cpu_hypervisor_flag=True, dmi_text="microsoft corporation virtual machine microsoft"),
            "hyperv",
        ),
        (
            VirtFacts(
                cpu_hypervisor_flag=True, dmi_text="qemu standard pc seabios", clocksources="tsc kvm-clock"
            ),
            "kvm",
        ),
        (
            VirtFacts(cpu_hypervisor_flag=True, dmi_text="qemu standard pc seabios", clocksources="tsc"),
            "qemu",
        ),
        (VirtFacts(cpu_hypervisor_flag=True, clocksources="tsc kvm-clock"), "kvm"),
        (VirtFacts(cpu_hypervisor_flag=True, xen_type="xen"), "xen"),
        (VirtFacts(cpu_hypervisor_flag=True, dmi_text="amazon ec2 m5.large amazon ec2"), "kvm"),
        (VirtFacts(cpu_hypervisor_flag=True), "other"),
        (VirtFacts(kernel_release="5.15.153.1-microsoft-standard-WSL2"), "hyperv"),
    ],
)
def test_detect_hypervisor(facts: VirtFacts, expected: str) -> None:
    assert detect_hypervisor(facts) == expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (VirtFacts(), None),
        (VirtFacts(dockerenv=True, root_fs_type="ext4"), None),  # a VM image built from a container
        (VirtFacts(dockerenv=True, root_fs_type="overlay"), "docker"),
        (VirtFacts(cgroup_pid1="0::/system.slice/docker-4f2a.scope\n"), "docker"),
        (VirtFacts(cgroup_pid1="12:pids:/kubepods/besteffort/pod1/abc\n"), "kubernetes"),
        (VirtFacts(run_container="systemd-nspawn"), "systemd-nspawn"),
        (VirtFacts(podman_env=True), "podman"),
        (VirtFacts(kernel_release="5.15.153.1-microsoft-standard-WSL2"), "wsl"),
    ],
)
def test_detect_container(facts: VirtFacts, expected: str | None) -> None:
    assert detect_container(facts) == expected


def test_root_fs_type() -> None:
    assert root_fs_type(text("mounts/debian-12-firecracker-vm.txt")) == "ext4"
    assert root_fs_type("overlay / overlay rw 0 0\n") == "overlay"
    assert root_fs_type("") is None
