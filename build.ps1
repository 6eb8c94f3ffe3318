#!/usr/bin/env pwsh
#Requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests and demonstrates the MailProtocols module.
.DESCRIPTION
    Tasks:
      Build  (default) compiles the C# projects and lays out out/MailProtocols (manifest, dlls, formats, help)
             and, beside it, the companion test-server module out/MailProtocols.TestServer.
      Test   builds, runs the core tests (xunit, no server) and the Pester suite against a real local Dovecot,
             and prints one closing line for both: "Tests: N passed, M failed, K skipped".
             -TestName picks Pester files; the core tests run every time (they take seconds), and
             -TestName Core runs only them, without Dovecot.
      Demo   builds, starts a local Dovecot with sample mail and runs the runbooks in examples/.
      Bench  builds, then measures the module side by side with raw MailKit, mbsync and Python on a fresh
             Dovecot with -Messages messages (-Runs runs each) and records the run in docs/performance.md.
      Clean  removes out/ and the bin/obj folders.
    The script bootstraps its own tools: Pester comes from NuGet through tools/tools.csproj,
    and Dovecot is installed with apt-get on Debian/Ubuntu when running as root.
.EXAMPLE
    ./build.ps1 -Task Test
.EXAMPLE
    ./build.ps1 -Task Test -TestName 'Connect-Imap*'
.EXAMPLE
    ./build.ps1 -Task Bench -Messages 10000
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Only run test files whose name matches (wildcards), e.g. 'Sessions*'; 'Core' alone runs only the core (xunit) tests.
    [string[]] $TestName = @('*'),

    # Bench: messages in the benchmark mailbox, and timed runs per measurement (the median is reported).
    [ValidateRange(1, 1000000)]
    [int] $Messages = 10000,

    [ValidateRange(1, 100)]
    [int] $Runs = 5
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleOut = Join-Path $OutDir 'MailProtocols'
$TestServerOut = Join-Path $OutDir 'MailProtocols.TestServer'
$PesterVersion = '6.2.0'

function Invoke-Native {
    # Runs a native command and fails the build when it fails.
    param([string] $FilePath, [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))
    return $props.Project.PropertyGroup.MailProtocolsVersion | Where-Object { $_ } | Select-Object -First 1
}

function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    return Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
}

function Invoke-BuildTask {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
        throw 'The .NET SDK (dotnet) is needed to build MailProtocols. Install it from your package manager or https://dot.net.'
    }

    $publish = Join-Path $OutDir 'publish'
    Invoke-Native dotnet @('publish', (Join-Path $RepoRoot 'src/MailProtocols/MailProtocols.csproj'), '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly')

    if (Test-Path $ModuleOut) { Remove-Item -Recurse -Force $ModuleOut }
    $bin = New-Item -ItemType Directory -Force (Join-Path $ModuleOut 'bin')
    Get-ChildItem $publish -Filter *.dll | Copy-Item -Destination $bin
    Copy-Item -Recurse (Join-Path $RepoRoot 'src/MailProtocols/Formats') (Join-Path $ModuleOut 'Formats')

    $version = Get-ModuleVersion
    $manifest = (Get-Content -Raw (Join-Path $RepoRoot 'MailProtocols.psd1')) -replace "ModuleVersion(\s*)=(\s*)'[^']*'", "ModuleVersion`$1=`$2'$version'"
    Set-Content -Path (Join-Path $ModuleOut 'MailProtocols.psd1') -Value $manifest -Encoding utf8NoBOM

    Import-Module (Join-Path $RepoRoot 'build/HelpBuilder.psm1') -Force
    Build-MamlHelp -DocsPath (Join-Path $RepoRoot 'docs') -ModuleManifest (Join-Path $ModuleOut 'MailProtocols.psd1') -OutputPath (Join-Path $ModuleOut 'en-US')
    Write-Host "Built MailProtocols $version in $ModuleOut"
    Invoke-TestServerBuild -Version $version
}

function Invoke-TestServerBuild {
    # The companion module ships the project's own test bed rather than a copy of its code:
    # MailTestBed.psm1 and the helpers it runs go into Private/, which the companion imports.
    param([string] $Version)
    $source = Join-Path $RepoRoot 'src/MailProtocols.TestServer'
    if (Test-Path $TestServerOut) { Remove-Item -Recurse -Force $TestServerOut }
    $private = New-Item -ItemType Directory -Force (Join-Path $TestServerOut 'Private')
    Copy-Item (Join-Path $source 'MailProtocols.TestServer.psm1') $TestServerOut
    $testBed = Join-Path $RepoRoot 'tests/TestBed'
    foreach ($file in 'MailTestBed.psm1', 'TestPostfix.ps1', 'mailcheck.py', 'seed.py', 'watchdog.py', 'install-prerequisites.sh') {
        Copy-Item (Join-Path $testBed $file) $private
    }
    $manifest = (Get-Content -Raw (Join-Path $source 'MailProtocols.TestServer.psd1')) -replace "ModuleVersion(\s*)=(\s*)'[^']*'", "ModuleVersion`$1=`$2'$Version'"
    Set-Content -Path (Join-Path $TestServerOut 'MailProtocols.TestServer.psd1') -Value $manifest -Encoding utf8NoBOM
    Write-Host "Built MailProtocols.TestServer $Version in $TestServerOut"
}

function Install-Pester {
    $pester = Join-Path (Get-NuGetPackageRoot) "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $pester)) {
        Invoke-Native dotnet @('restore', (Join-Path $RepoRoot 'tools/tools.csproj'), '--nologo', '-v', 'quiet')
    }
    if (-not (Test-Path $pester)) { throw "Pester $PesterVersion was not restored to $pester." }
    return $pester
}

function Install-Dovecot {
    # Postfix and Dovecot's LMTP are for the sending tests and the demo's last runbook (Start-TestDovecot -WithSmtp);
    # mbsync is the reference of the two-way sync's differential tests.
    if ((Get-Command dovecot -ErrorAction SilentlyContinue) -and (Test-Path /usr/sbin/postfix) -and (Test-Path /usr/lib/dovecot/lmtp) -and
        (Get-Command mbsync -ErrorAction SilentlyContinue)) { return }
    $isRoot = $IsLinux -and ((& id -u) -eq '0')
    if ($isRoot -and (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        Write-Host 'Installing Dovecot (dovecot-imapd, dovecot-pop3d, dovecot-lmtpd), Postfix and isync with apt-get...'
        $env:DEBIAN_FRONTEND = 'noninteractive'
        # The script also keeps the packaged system-wide Dovecot from starting; the tests run private instances.
        Invoke-Native bash @((Join-Path $RepoRoot 'tests/TestBed/install-prerequisites.sh'))
        return
    }
    throw 'The tests and the demo need Dovecot 2.3 (IMAP, POP3 and LMTP), Postfix and mbsync (isync). On Debian/Ubuntu run as root: bash tests/TestBed/install-prerequisites.sh. They also run Dovecot and Postfix as root, so run this task as root.'
}

function Invoke-WithTestBedTrust {
    # Runs a child pwsh that trusts the test bed's CA. .NET on Linux reads SSL_CERT_FILE only from the
    # environment a process starts with, so the CA is made here and the child inherits the variable;
    # the child then starts its own Dovecot with a server certificate signed by that CA. That way the
    # module's default certificate validation is exercised for real instead of being switched off.
    param([string] $Script, [string[]] $ArgumentList)
    Install-Dovecot
    Import-Module (Join-Path $RepoRoot 'tests/TestBed/MailTestBed.psm1') -Force
    $trust = Initialize-TestBedTrust
    $saved = $env:SSL_CERT_FILE
    try {
        $env:SSL_CERT_FILE = $trust.TrustBundlePath
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $Script @ArgumentList | Out-Host
        return $LASTEXITCODE
    }
    finally {
        $env:SSL_CERT_FILE = $saved
    }
}

function Invoke-CoreTests {
    # The xunit tests of the core (tests/MailProtocols.Core.Tests): one line when they pass, the runner's
    # output when they fail. The counts come from the TRX file, not from parsing console text.
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
        throw 'The .NET SDK (dotnet) is needed to run the core tests. Install it from your package manager or https://dot.net.'
    }

    $project = Join-Path $RepoRoot 'tests/MailProtocols.Core.Tests/MailProtocols.Core.Tests.csproj'
    $resultsDirectory = Join-Path $OutDir 'test-results'
    $trx = Join-Path $resultsDirectory 'core.trx'
    Remove-Item $trx -Force -ErrorAction SilentlyContinue
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $output = & dotnet test $project -c $Configuration --nologo -v quiet -clp:ErrorsOnly --results-directory $resultsDirectory --logger 'trx;LogFileName=core.trx' 2>&1
    $exitCode = $LASTEXITCODE
    $counts = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $failures = @()
    if (Test-Path $trx) {
        $run = ([xml](Get-Content -Raw $trx)).TestRun
        $counters = $run.ResultSummary.Counters
        $counts.Passed = [int]$counters.passed
        $counts.Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        # xunit's skipped tests are neither executed nor counted as notExecuted.
        $counts.Skipped = [int]$counters.total - [int]$counters.executed
        $failures = @($run.Results.UnitTestResult | Where-Object { $_ -and $_.outcome -eq 'Failed' })
    }

    # A project that does not build, or a run that breaks before any result, leaves no failed test to count: count one.
    if ($exitCode -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
    if ($counts.Failed -gt 0) {
        if ($failures.Count -gt 0) {
            foreach ($failure in $failures) {
                Write-Host "[-] $($failure.testName)" -ForegroundColor Red
                Write-Host ("    " + ($failure.Output.ErrorInfo.Message -replace "`n", "`n    "))
                Write-Host ("    " + ($failure.Output.ErrorInfo.StackTrace -replace "`n", "`n    "))
            }
        }
        else {
            $output | ForEach-Object { "$_" } | Out-Host
        }
        Write-Host "Core tests (xunit): FAILED, $($counts.Failed) failure(s) (dotnet test exit code $exitCode); the run is in $trx"
    }
    else {
        Write-Host ('Core tests (xunit): all {0} passed{1} in {2:0.0} s' -f $counts.Passed,
            $(if ($counts.Skipped) { " ($($counts.Skipped) skipped)" } else { '' }), $watch.Elapsed.TotalSeconds)
    }
    return $counts
}

function Invoke-TestTask {
    if (@($TestName).Count -eq 1 -and $TestName[0] -eq 'Core') {
        # Only the core tests: dotnet test builds what they need, and no server is started.
        $core = Invoke-CoreTests
        Write-Host ''
        Write-Host "Tests: $($core.Passed) passed, $($core.Failed) failed, $($core.Skipped) skipped"
        if ($core.Failed -gt 0 -or $core.Passed -eq 0) { exit 1 }
        return
    }

    Invoke-BuildTask
    $core = Invoke-CoreTests
    $pester = Install-Pester
    # The filter travels in the environment: pwsh on Linux would glob a bare '*' argument.
    $env:MAILPROTOCOLS_TESTNAME = $TestName -join ','
    # So do the core counts: Invoke-Tests.ps1 prints the one closing line, counting both.
    $env:MAILPROTOCOLS_CORE_RESULTS = '{0},{1},{2}' -f $core.Passed, $core.Failed, $core.Skipped
    try {
        $exitCode = Invoke-WithTestBedTrust -Script (Join-Path $RepoRoot 'tests/Invoke-Tests.ps1') -ArgumentList @(
            '-PesterPath', $pester, '-ModulePath', (Join-Path $ModuleOut 'MailProtocols.psd1'))
    }
    finally {
        # Run from an interactive pwsh, this process lives on: no stale counts for a later direct run of Invoke-Tests.ps1.
        Remove-Item Env:MAILPROTOCOLS_CORE_RESULTS -ErrorAction SilentlyContinue
    }
    if ($exitCode -ne 0) { exit $exitCode }
}

function Invoke-DemoTask {
    Invoke-BuildTask
    $exitCode = Invoke-WithTestBedTrust -Script (Join-Path $RepoRoot 'examples/Invoke-Demo.ps1') -ArgumentList @(
        '-ModulePath', (Join-Path $ModuleOut 'MailProtocols.psd1'))
    if ($exitCode -ne 0) { throw "The demo failed (exit code $exitCode)." }
}

function Invoke-BenchTask {
    Invoke-BuildTask
    $exitCode = Invoke-WithTestBedTrust -Script (Join-Path $RepoRoot 'bench/Invoke-Bench.ps1') -ArgumentList @(
        '-ModulePath', (Join-Path $ModuleOut 'MailProtocols.psd1'), '-Messages', $Messages, '-Runs', $Runs)
    if ($exitCode -ne 0) { throw "The benchmark failed (exit code $exitCode)." }
}

function Invoke-CleanTask {
    foreach ($path in @($OutDir) + (Get-ChildItem -Path (Join-Path $RepoRoot 'src'), (Join-Path $RepoRoot 'tests'), (Join-Path $RepoRoot 'tools'), (Join-Path $RepoRoot 'bench') -Recurse -Directory -Include bin, obj -ErrorAction SilentlyContinue).FullName) {
        if ($path -and (Test-Path $path)) { Remove-Item -Recurse -Force $path }
    }
}

switch ($Task) {
    'Build' { Invoke-BuildTask }
    'Test' { Invoke-TestTask }
    'Demo' { Invoke-DemoTask }
    'Bench' { Invoke-BenchTask }
    'Clean' { Invoke-CleanTask }
}
