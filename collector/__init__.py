"""The endpoint-inventory collector: gathers a workstation's inventory and reports it to the service."""
