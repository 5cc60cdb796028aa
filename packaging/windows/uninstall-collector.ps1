<#
.SYNOPSIS
Removes the endpoint-inventory collector: the scheduled task, the program folder and (unless -KeepState) its
config and state folder with the node key.

.DESCRIPTION
  powershell.exe -NoProfile -ExecutionPolicy Bypass -File uninstall-collector.ps1 [-KeepState]
The asset and its history stay on the server; a reinstall enrolls again with the enroll secret.
#>
[CmdletBinding()]
param(
    [switch]$KeepState,
    [string]$InstallDir = (Join-Path $env:ProgramFiles 'InventoryCollector')
)
#Requires -RunAsAdministrator
$ErrorActionPreference = 'Stop'

if (Get-ScheduledTask -TaskName 'InventoryCollector' -ErrorAction SilentlyContinue) {
    Stop-ScheduledTask -TaskName 'InventoryCollector'
    Unregister-ScheduledTask -TaskName 'InventoryCollector' -Confirm:$false
}
if (Test-Path $InstallDir) { Remove-Item -Recurse -Force $InstallDir }
$DataDir = Join-Path $env:ProgramData 'InventoryCollector'
if (-not $KeepState -and (Test-Path $DataDir)) { Remove-Item -Recurse -Force $DataDir }
Write-Output 'inventory-collector removed'
