#Requires -Version 7.0
<#
.SYNOPSIS
    Where the time of Import-Module MailProtocols goes: whole processes, and the steps inside one.
.DESCRIPTION
    Starts pwsh -NoProfile -Runs times for each of, in turn (so load changes hit all alike):
      - a bare pwsh;
      - a pwsh importing an empty module (a manifest and an empty .psm1): PowerShell's own module cost;
      - a pwsh importing MailProtocols with FormatsToProcess emptied (a copy of the built module);
      - a pwsh importing MailProtocols.
    Each child also times its own Import-Module (Import*: the wall seconds of that one command inside the
    process, which leaves out the start of pwsh and so is much less noisy on a loaded machine).
    Then, in fresh processes, times the two steps of a PowerShell 7 import of the binary RootModule on
    their own: loading the cmdlet assembly, and Import-Module -Assembly (PowerShell's analysis of the
    cmdlet classes plus the module initializer that attaches the private load context).
    (The format files are the difference of the two MailProtocols lines: Update-FormatData would rebuild
    the whole format table and is not what an import does.) Prints minimum and median seconds (wall, and
    CPU for whole processes, up to the end of the import).
.EXAMPLE
    pwsh -File bench/Measure-ImportBreakdown.ps1 -Runs 9
.EXAMPLE
    pwsh -File bench/Measure-ImportBreakdown.ps1 -ModulePath ./out/MailProtocols/MailProtocols.psd1 -Runs 5
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'out/MailProtocols/MailProtocols.psd1'),
    [ValidateRange(1, 100)] [int] $Runs = 9
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1')
$pwsh = Join-Path $PSHOME 'pwsh'
$moduleBase = Split-Path (Resolve-Path -LiteralPath $ModulePath).Path -Parent
$scratch = [IO.Directory]::CreateDirectory((Join-Path ([IO.Path]::GetTempPath()) "mp-import-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
try {
    # An empty module, and a copy of ours without format files.
    $empty = New-EmptyModule -Directory $scratch
    $noFormats = Join-Path $scratch 'NoFormats/MailProtocols'
    Copy-Item -Recurse $moduleBase $noFormats
    $manifest = Join-Path $noFormats 'MailProtocols.psd1'
    (Get-Content -Raw $manifest) -replace '(?s)FormatsToProcess\s*=\s*@\([^)]*\)', 'FormatsToProcess = @()' | Set-Content $manifest

    # Each child prints the CPU time it used up to the end of the import, and the seconds of the import.
    $import = { param($Path) "`$w = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$Path'; `$s = `$w.Elapsed.TotalSeconds; " }
    $print = '[Console]::Out.Write(("{0} {1}" -f [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds, $s).Replace(",", "."))'
    $cases = [ordered]@{
        'bare pwsh -NoProfile'            = "`$s = 0; $print"
        'empty module'                    = (& $import "$empty") + $print
        'MailProtocols without formats'   = (& $import $manifest) + $print
        'MailProtocols'                   = (& $import $ModulePath) + $print
    }
    $wall = @{}; $cpu = @{}; $span = @{}
    foreach ($name in $cases.Keys) { $wall[$name] = @(); $cpu[$name] = @(); $span[$name] = @() }
    for ($run = 0; $run -le $Runs; $run++) {
        foreach ($name in $cases.Keys) {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $used = & $pwsh -NoProfile -NonInteractive -Command $cases[$name]
            $watch.Stop()
            if ($LASTEXITCODE -ne 0) { throw "$name failed." }
            if ($run -eq 0) { continue }   # warm-up: disk cache
            $cpuSeconds, $importSeconds = "$used".Split(' ') | ForEach-Object { [double]::Parse($_, [cultureinfo]::InvariantCulture) }
            $wall[$name] += $watch.Elapsed.TotalSeconds; $cpu[$name] += $cpuSeconds; $span[$name] += $importSeconds
        }
    }
    foreach ($name in $cases.Keys) {
        [pscustomobject]@{
            Measured = $name
            WallMin = [math]::Round(($wall[$name] | Measure-Object -Minimum).Minimum, 3); WallMedian = [math]::Round((Get-Median $wall[$name]), 3)
            CpuMin = [math]::Round(($cpu[$name] | Measure-Object -Minimum).Minimum, 3); CpuMedian = [math]::Round((Get-Median $cpu[$name]), 3)
            ImportMin = [math]::Round(($span[$name] | Measure-Object -Minimum).Minimum, 3); ImportMedian = [math]::Round((Get-Median $span[$name]), 3)
        }
    }

    # The steps of a PowerShell 7 import (the RootModule is bin/MailProtocols.dll), each timed inside a fresh process.
    $steps = Join-Path $scratch 'steps.ps1'
    Set-Content $steps @"
`$w = [Diagnostics.Stopwatch]::StartNew(); `$t = [ordered]@{}
`$a = [Reflection.Assembly]::LoadFrom('$moduleBase/bin/MailProtocols.dll'); `$t['load the cmdlet assembly'] = `$w.Elapsed.TotalSeconds; `$w.Restart()
Import-Module -Assembly `$a; `$t['Import-Module -Assembly (cmdlets and module initializer)'] = `$w.Elapsed.TotalSeconds
`$t | ConvertTo-Json -Compress
"@
    $stepRuns = @(for ($run = 0; $run -lt $Runs; $run++) { & $pwsh -NoProfile -NonInteractive -File $steps | ConvertFrom-Json -AsHashtable })
    foreach ($step in $stepRuns[0].Keys) {
        $values = [double[]]@($stepRuns | ForEach-Object { $_[$step] })
        [pscustomobject]@{ Measured = "step: $step"; WallMin = [math]::Round(($values | Measure-Object -Minimum).Minimum, 3); WallMedian = [math]::Round((Get-Median $values), 3); CpuMin = $null; CpuMedian = $null; ImportMin = $null; ImportMedian = $null }
    }
}
finally { Remove-Item -Recurse -Force $scratch -ErrorAction SilentlyContinue }
