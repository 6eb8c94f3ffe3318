# Dot-sourced by every *.Tests.ps1 (in BeforeAll). Imports the built module and the shared test bed.
$ErrorActionPreference = 'Stop'

if (-not $env:MAILPROTOCOLS_MODULE -or -not $global:MailProtocolsTestBed) {
    throw 'Run the tests through ./build.ps1 -Task Test: it builds the module and starts the Dovecot test bed.'
}

Import-Module $env:MAILPROTOCOLS_MODULE
Import-Module (Join-Path $PSScriptRoot 'TestBed/MailTestBed.psm1')
$script:Bed = $global:MailProtocolsTestBed

function Get-TestImapParameters {
    # Splat for Connect-Imap against the bed with STARTTLS on the plain port (the module's default policy).
    param([Parameter(Mandatory)] $User, [int] $TimeoutSec = 15)
    @{ Server = 'localhost'; Port = $script:Bed.ImapPort; Credential = $User.Credential; TimeoutSec = $TimeoutSec }
}

function Get-TestPop3Parameters {
    param([Parameter(Mandatory)] $User, [int] $TimeoutSec = 15)
    @{ Server = 'localhost'; Port = $script:Bed.Pop3Port; Credential = $User.Credential; TimeoutSec = $TimeoutSec }
}

function Get-ErrorText {
    # Everything an error record would show a user, for secret-leak assertions.
    param([Parameter(Mandatory)] [System.Management.Automation.ErrorRecord] $ErrorRecord)
    ($ErrorRecord | Format-List * -Force | Out-String) + ($ErrorRecord.Exception | Format-List * -Force | Out-String)
}

$script:NuGetRoot = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }

function Get-CoreType {
    # A type of the engine, MailProtocols.Core. The module loads the engine in its own AssemblyLoadContext,
    # where [MailProtocols.X] type literals do not reach (by design: only MailProtocols.Model's public types
    # are nameable), so it is looked up through the loaded assembly. $Name is the type's name after
    # MailProtocols.Core, with its folder's namespace: 'Pop3.Pop3Wire'.
    param([Parameter(Mandatory)][string] $Name)
    $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MailProtocols.Core' } | Select-Object -First 1
    $core.GetType("MailProtocols.Core.$Name", $true)
}

function Invoke-ChildPwsh {
    # Runs a script in a fresh pwsh (inheriting SSL_CERT_FILE) and returns its JSON output as objects,
    # or with -Raw its console output as text (which the test run then does not show).
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{}, [switch] $Raw)
    $file = Join-Path ([IO.Path]::GetTempPath()) "mp-child-$([guid]::NewGuid().ToString('N')).ps1"
    Set-Content -Path $file -Value $Script
    $saved = @{}
    try {
        foreach ($key in $Environment.Keys) { $saved[$key] = [Environment]::GetEnvironmentVariable($key); [Environment]::SetEnvironmentVariable($key, $Environment[$key]) }
        $output = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $file 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Child pwsh failed ($LASTEXITCODE): $($output -join "`n")" }
        if ($Raw) { return ($output -join "`n") }
        ($output -join "`n") | ConvertFrom-Json
    }
    finally {
        foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) }
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

function Stop-DownloadMidway {
    # Runs $Script in a runspace of its own, waits (polling, no fixed sleep) until -MinimumFiles .eml files
    # are in $Directory, then stops it as Ctrl+C would. Returns the runspace, still open, for checks on the
    # session afterwards; whether the work was still running when stopped; how long the stop took; the state.
    param([Parameter(Mandatory)] [string] $Script, [object[]] $Arguments = @(), [Parameter(Mandatory)] [string] $Directory,
        [int] $MinimumFiles = 200, [int] $TimeoutSeconds = 120)
    $runspace = [runspacefactory]::CreateRunspace()
    $runspace.Open()
    $ps = [powershell]::Create()
    $ps.Runspace = $runspace
    $null = $ps.AddScript($Script)
    foreach ($argument in $Arguments) { $null = $ps.AddArgument($argument) }
    $async = $ps.BeginInvoke()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline -and -not $async.IsCompleted -and
        @(Get-ChildItem $Directory -Filter *.eml -ErrorAction SilentlyContinue).Count -lt $MinimumFiles) { Start-Sleep -Milliseconds 10 }
    $wasRunning = -not $async.IsCompleted
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $ps.Stop()
    $result = [pscustomobject]@{ Runspace = $runspace; WasRunning = $wasRunning; StopSeconds = $watch.Elapsed.TotalSeconds; State = $ps.InvocationStateInfo.State }
    $ps.Dispose()
    $result
}
