<#
.SYNOPSIS
Installs the endpoint-inventory collector silently: files, config, scheduled task, enrollment.

.DESCRIPTION
Run as Administrator (or SYSTEM: Group Policy startup script, Intune Win32 app) from the unpacked
inventory-collector-<version>-windows-<arch>.zip:

  powershell.exe -NoProfile -ExecutionPolicy Bypass -File install-collector.ps1 -ServerUrl https://inventory.example.org -EnrollSecret S

1. copies the frozen collector to "$env:ProgramFiles\InventoryCollector" (an upgrade replaces it);
2. restricts "$env:ProgramData\InventoryCollector" to SYSTEM and Administrators and writes config.toml there with
   the server and the enroll secret (so the collector re-enrolls by itself if the server ever asks it to);
3. runs the collector's own `install-service`: the scheduled task \InventoryCollector, every 15 minutes as SYSTEM
   with a random delay of up to 5 minutes (the server paces reports; a run that is not due exits at once);
4. runs `run --force` once: it enrolls with the secret from config.toml (never on a command line, where other
   processes could read it) and sends the first report.
Without -ServerUrl and -EnrollSecret, an upgrade keeps the existing config.toml.
Exit code 0 when installed (also when the first report could not go out yet: the server unreachable or the
enrollment refused; it waits in the spool and the task tries again); otherwise the failing step's exit code.
#>
[CmdletBinding()]
param(
    [string]$ServerUrl,
    [string]$EnrollSecret,
    [string]$InstallDir = (Join-Path $env:ProgramFiles 'InventoryCollector')
)
#Requires -RunAsAdministrator
$ErrorActionPreference = 'Stop'

$DataDir = Join-Path $env:ProgramData 'InventoryCollector'
$ConfigFile = Join-Path $DataDir 'config.toml'
$Collector = Join-Path $InstallDir 'inventory-collector.exe'
$Spooled = 75  # `run` exit code: the report waits in the spool for the next attempt

function ConvertTo-TomlString([string]$Value) {
    if ($Value -match '[\x00-\x1f]') { throw 'control characters are not allowed in -ServerUrl or -EnrollSecret' }
    return '"' + $Value.Replace('\', '\\').Replace('"', '\"') + '"'
}

function Assert-Exit([string]$Step) {
    if ($LASTEXITCODE -ne 0) {
        Write-Error "inventory-collector: $Step failed with exit code $LASTEXITCODE" -ErrorAction Continue
        exit $LASTEXITCODE
    }
}

if ([string]::IsNullOrEmpty($ServerUrl) -ne [string]::IsNullOrEmpty($EnrollSecret)) {
    throw 'give both -ServerUrl and -EnrollSecret, or neither (an upgrade keeps config.toml)'
}
if (-not $ServerUrl -and -not (Test-Path $ConfigFile)) {
    throw 'a first install needs -ServerUrl and -EnrollSecret'
}

# 1. Files. A run in progress holds them open: stop the task first (an upgrade).
if (Get-ScheduledTask -TaskName 'InventoryCollector' -ErrorAction SilentlyContinue) {
    Stop-ScheduledTask -TaskName 'InventoryCollector'
}
if (Test-Path $InstallDir) { Remove-Item -Recurse -Force $InstallDir }
New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
Copy-Item -Recurse -Force -Path (Join-Path $PSScriptRoot 'inventory-collector\*') -Destination $InstallDir

# 2. The state folder, SYSTEM and Administrators only (the grants `install-service` sets), before the secret lands.
New-Item -ItemType Directory -Force -Path $DataDir | Out-Null
icacls.exe $DataDir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' /grant:r '*S-1-5-32-544:(OI)(CI)F' | Out-Null
Assert-Exit 'icacls'
if ($ServerUrl) {
    $config = "server = $(ConvertTo-TomlString $ServerUrl)`nenroll_secret = $(ConvertTo-TomlString $EnrollSecret)`n"
    # UTF-8 without a byte order mark: TOML readers refuse one.
    [System.IO.File]::WriteAllText($ConfigFile, $config, (New-Object System.Text.UTF8Encoding $false))
}

# 3. The schedule, exactly as `inventory-collector install-service` registers it.
& $Collector install-service
Assert-Exit 'install-service'

# 4. Enroll and send the first report now rather than at the first scheduled run.
& $Collector run --force --quiet
if ($LASTEXITCODE -eq $Spooled) {
    # Unreachable server or enrollment refused (the message above says which): the task tries again on its own.
    Write-Warning 'inventory-collector: installed, but the first report is waiting: see `inventory-collector doctor`'
    exit 0
}
Assert-Exit 'the first run (see `inventory-collector doctor`)'
Write-Output "inventory-collector installed in $InstallDir and enrolled"
