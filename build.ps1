#Requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests and demonstrates the MailProtocols module.
.DESCRIPTION
    Tasks:
      Build  (default) compiles the C# projects and lays out out/MailProtocols (manifest, dlls, formats, help).
      Test   builds, then runs the Pester suite against a real local Dovecot and prints "Tests: N passed, M failed".
      Demo   builds, starts a local Dovecot with sample mail and runs the runbooks in examples/.
      Clean  removes out/ and the bin/obj folders.
    The script bootstraps its own tools: Pester comes from NuGet through tools/tools.csproj,
    and Dovecot is installed with apt-get on Debian/Ubuntu when running as root.
.EXAMPLE
    ./build.ps1 -Task Test
.EXAMPLE
    ./build.ps1 -Task Test -TestName 'Connect-Imap*'
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Only run test files whose name matches (wildcards), e.g. 'Sessions*'.
    [string[]] $TestName = @('*')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleOut = Join-Path $OutDir 'MailProtocols'
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
    $null = New-Item -ItemType Directory -Force $ModuleOut
    Get-ChildItem $publish -Filter *.dll | Copy-Item -Destination $ModuleOut
    Copy-Item -Recurse (Join-Path $RepoRoot 'src/MailProtocols/Formats') (Join-Path $ModuleOut 'Formats')

    $version = Get-ModuleVersion
    $manifest = (Get-Content -Raw (Join-Path $RepoRoot 'MailProtocols.psd1')) -replace "ModuleVersion(\s*)=(\s*)'[^']*'", "ModuleVersion`$1=`$2'$version'"
    Set-Content -Path (Join-Path $ModuleOut 'MailProtocols.psd1') -Value $manifest -Encoding utf8NoBOM

    Import-Module (Join-Path $RepoRoot 'build/HelpBuilder.psm1') -Force
    Build-MamlHelp -DocsPath (Join-Path $RepoRoot 'docs') -ModuleManifest (Join-Path $ModuleOut 'MailProtocols.psd1') -OutputPath (Join-Path $ModuleOut 'en-US')
    Write-Host "Built MailProtocols $version in $ModuleOut"
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
    if (Get-Command dovecot -ErrorAction SilentlyContinue) { return }
    $isRoot = $IsLinux -and ((& id -u) -eq '0')
    if ($isRoot -and (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        Write-Host 'Installing Dovecot (dovecot-imapd, dovecot-pop3d) with apt-get...'
        $env:DEBIAN_FRONTEND = 'noninteractive'
        Invoke-Native apt-get @('update', '-qq')
        Invoke-Native apt-get @('install', '-y', '-qq', 'dovecot-imapd', 'dovecot-pop3d')
        return
    }
    throw 'The tests and the demo need Dovecot 2.3 (IMAP and POP3). On Debian/Ubuntu run as root: apt-get install dovecot-imapd dovecot-pop3d. They also run Dovecot as root, so run this task as root.'
}

function Invoke-WithTestBed {
    # Starts one Dovecot for the whole run and hands its facts to a child pwsh through environment
    # variables. SSL_CERT_FILE makes .NET trust the bed's test CA, so the module's default certificate
    # validation is exercised for real instead of being switched off.
    param([scriptblock] $Body)
    Install-Dovecot
    Import-Module (Join-Path $RepoRoot 'tests/TestBed/MailTestBed.psm1') -Force
    $bed = Start-TestDovecot
    $bedFile = Join-Path $bed.Root 'bed.json'
    $bed | ConvertTo-Json -Depth 5 | Set-Content -Path $bedFile -Encoding utf8NoBOM
    $saved = @{ SSL_CERT_FILE = $env:SSL_CERT_FILE; MAILPROTOCOLS_TESTBED = $env:MAILPROTOCOLS_TESTBED }
    try {
        $env:SSL_CERT_FILE = $bed.TrustBundlePath
        $env:MAILPROTOCOLS_TESTBED = $bedFile
        & $Body $bed
    }
    finally {
        $env:SSL_CERT_FILE = $saved.SSL_CERT_FILE
        $env:MAILPROTOCOLS_TESTBED = $saved.MAILPROTOCOLS_TESTBED
        Stop-TestDovecot -Bed $bed
    }
}

function Invoke-TestTask {
    Invoke-BuildTask
    $pester = Install-Pester
    $script:testExit = 1
    Invoke-WithTestBed {
        $runner = Join-Path $RepoRoot 'tests/Invoke-Tests.ps1'
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $runner -PesterPath $pester -ModulePath (Join-Path $ModuleOut 'MailProtocols.psd1') -TestName $TestName
        $script:testExit = $LASTEXITCODE
    }
    if ($script:testExit -ne 0) { exit $script:testExit }
}

function Invoke-DemoTask {
    Invoke-BuildTask
    Invoke-WithTestBed {
        param($bed)
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'examples/Invoke-Demo.ps1') -ModulePath (Join-Path $ModuleOut 'MailProtocols.psd1')
        if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
    }
}

function Invoke-CleanTask {
    foreach ($path in @($OutDir) + (Get-ChildItem -Path (Join-Path $RepoRoot 'src'), (Join-Path $RepoRoot 'tests'), (Join-Path $RepoRoot 'tools') -Recurse -Directory -Include bin, obj -ErrorAction SilentlyContinue).FullName) {
        if ($path -and (Test-Path $path)) { Remove-Item -Recurse -Force $path }
    }
}

switch ($Task) {
    'Build' { Invoke-BuildTask }
    'Test' { Invoke-TestTask }
    'Demo' { Invoke-DemoTask }
    'Clean' { Invoke-CleanTask }
}
