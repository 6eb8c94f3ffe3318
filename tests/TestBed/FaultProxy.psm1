# PowerShell wrapper for faultproxy.py: a loopback TCP proxy that cuts a connection on purpose.
Set-StrictMode -Version 3.0

$script:ProxyPy = Join-Path $PSScriptRoot 'faultproxy.py'

function Start-FaultProxy {
    <#
    .SYNOPSIS
    Starts faultproxy.py in front of a local port and returns its port and process.
    .PARAMETER TargetPort
    The port to forward to on 127.0.0.1 (e.g. the bed's Pop3sPort).
    .PARAMETER CutAfterBytes
    Cut the connection once this many bytes went from the server to the client (TLS or not).
    .PARAMETER CutAfterRetr
    Plaintext only: cut once the client sent its K-th RETR and -ThenBytes more server bytes passed.
    .PARAMETER ThenBytes
    With -CutAfterRetr, server bytes forwarded after the K-th RETR before the cut (default 1).
    .PARAMETER CutAfterCommand
    Plaintext only: a regex (case-insensitive) for a client command line, e.g. 'UID STORE'. The
    -CommandCount-th matching line triggers the cut: after -ThenBytes more server bytes (0 = the
    server's first byte is dropped), or with -BeforeCommand, -BeforeCompletion, -ThenClientBytes.
    .PARAMETER HoldUntilFile
    With -CutAfterCommand and -BeforeCommand: hold the matching command instead of cutting (event 'held') until this
    file exists, then forward it and go on; the test acts as another client in between, then creates the file.
    .PARAMETER CommandCount
    Which matching command line (per connection) triggers the cut. Default 1.
    .PARAMETER BeforeCommand
    Cut instead of forwarding the matching command: the server never sees it.
    .PARAMETER BeforeCompletion
    Forward the server's answer up to the tagged completion line of the matching IMAP command
    (untagged data, literals and all), then cut: the server has done the work, the client never hears so.
    .PARAMETER ThenClientBytes
    Forward this many more client bytes after the matching command line (e.g. part of an APPEND
    literal), then cut.
    .PARAMETER ThrottleBytesPerSecond
    A slow link: server bytes are forwarded at most at this rate, on every connection (cut or not; 0 = as fast as they come).
    .PARAMETER CutConnections
    How many connections (the first ones) are cut; later ones pass through. Default 1.
    .OUTPUTS
    PSCustomObject: Port, Process, EventsPath.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][int] $TargetPort,
        [long] $CutAfterBytes = -1,
        [int] $CutAfterRetr = 0,
        [int] $ThenBytes = 1,
        [string] $CutAfterCommand,
        [int] $CommandCount = 1,
        [switch] $BeforeCommand,
        [switch] $BeforeCompletion,
        [long] $ThenClientBytes = -1,
        [string] $HoldUntilFile,
        [int] $CutConnections = 1,
        [int] $ThrottleBytesPerSecond = 0,
        [double] $TimeoutSeconds = 10
    )
    $python = (Get-Command python3, python -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
    if (-not $python) { throw 'faultproxy.py needs python3.' }
    $events = Join-Path ([System.IO.Path]::GetTempPath()) ("faultproxy-{0}.jsonl" -f [guid]::NewGuid().ToString('N'))
    $arguments = @($script:ProxyPy, '--target-port', $TargetPort, '--cut-connections', $CutConnections, '--then-bytes', $ThenBytes, '--events-file', $events)
    if ($ThrottleBytesPerSecond -gt 0) { $arguments += @('--throttle-bytes-per-second', $ThrottleBytesPerSecond) }
    if ($CutAfterBytes -ge 0) { $arguments += @('--cut-after-bytes', $CutAfterBytes) }
    if ($CutAfterRetr -gt 0) { $arguments += @('--cut-after-retr', $CutAfterRetr) }
    if ($CutAfterCommand) {
        $arguments += @('--cut-after-command', $CutAfterCommand, '--command-count', $CommandCount)
        if ($BeforeCommand) { $arguments += '--before-command' }
        if ($BeforeCompletion) { $arguments += '--before-completion' }
        if ($ThenClientBytes -ge 0) { $arguments += @('--then-client-bytes', $ThenClientBytes) }
        if ($HoldUntilFile) { $arguments += @('--hold-until-file', $HoldUntilFile) }
    }

    $info = [System.Diagnostics.ProcessStartInfo]::new($python)
    foreach ($a in $arguments) { $info.ArgumentList.Add([string]$a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)

    $first = $process.StandardOutput.ReadLineAsync()
    if (-not $first.Wait([timespan]::FromSeconds($TimeoutSeconds)) -or -not $first.Result) {
        try { $process.Kill() } catch { }
        throw 'faultproxy.py did not report its port.'
    }
    [pscustomobject]@{ Port = [int]($first.Result | ConvertFrom-Json).port; Process = $process; EventsPath = $events }
}

function Get-FaultProxyEvent {
    <#
    .SYNOPSIS
    The events the proxy has written so far (listening, accepted, command, held, released, cut, closed), oldest first.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Proxy)
    if (-not (Test-Path -LiteralPath $Proxy.EventsPath)) { return }
    foreach ($line in [System.IO.File]::ReadAllLines($Proxy.EventsPath)) {
        if ($line.Trim()) { $line | ConvertFrom-Json }
    }
}

function Wait-FaultProxyEvent {
    <#
    .SYNOPSIS
    Waits (polling with a deadline) until the proxy reported an event of the given kind, and returns it.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Proxy, [Parameter(Mandatory)][string] $Event, [double] $TimeoutSeconds = 10)
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    do {
        $found = @(Get-FaultProxyEvent -Proxy $Proxy | Where-Object { $_.event -eq $Event })
        if ($found.Count -gt 0) { return $found[0] }
        Start-Sleep -Milliseconds 50
    } while ([datetime]::UtcNow -lt $deadline)
    throw "faultproxy reported no '$Event' event within $TimeoutSeconds s."
}

function Stop-FaultProxy {
    <#
    .SYNOPSIS
    Stops the proxy (closing its stdin ends it; a kill makes sure) and removes its events file.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Proxy)
    process {
        try { $Proxy.Process.StandardInput.Close() } catch { }
        if (-not $Proxy.Process.WaitForExit(3000)) { try { $Proxy.Process.Kill() } catch { } }
        $Proxy.Process.Dispose()
        Remove-Item -LiteralPath $Proxy.EventsPath -Force -ErrorAction SilentlyContinue
    }
}

Export-ModuleMember -Function Start-FaultProxy, Get-FaultProxyEvent, Wait-FaultProxyEvent, Stop-FaultProxy
