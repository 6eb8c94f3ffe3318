# Dot-sourced (after Common.ps1 and ImapCommon.ps1) by ImapWatch/ImapSync/ImapExport tests:
# background runspaces that play "another client", and polling helpers (no sleeps as synchronisation).

function Read-SharedText {
    # Reads a file another stream is still writing (the protocol log of a live session).
    param([Parameter(Mandatory)] [string] $Path)
    if (-not (Test-Path -LiteralPath $Path)) { return '' }
    $stream = [System.IO.File]::Open($Path, 'Open', 'Read', 'ReadWrite')
    try { [System.IO.StreamReader]::new($stream).ReadToEnd() } finally { $stream.Dispose() }
}

function Wait-LogMatch {
    # Polls a protocol log until -Pattern matches at least -Count times; returns the match count.
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Pattern, [int] $Count = 1, [double] $TimeoutSec = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ($true) {
        $n = [regex]::Matches((Read-SharedText -Path $Path), $Pattern).Count
        if ($n -ge $Count) { return $n }
        if ([DateTime]::UtcNow -gt $deadline) { throw "'$Pattern' did not appear $Count time(s) in $Path within $TimeoutSec s." }
        Start-Sleep -Milliseconds 25
    }
}

function Start-Background {
    # Runs a script block in another runspace of this process (its own sessions, its own thread).
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock, [object[]] $ArgumentList = @())
    $ps = [powershell]::Create()
    $null = $ps.AddScript($ScriptBlock.ToString())
    foreach ($argument in $ArgumentList) { $null = $ps.AddArgument($argument) }
    [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
}

function Receive-Background {
    # Waits (bounded) for a background runspace and returns its output; its errors are rethrown.
    param([Parameter(Mandatory)] $Job, [double] $TimeoutSec = 120)
    try {
        if (-not $Job.Handle.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($TimeoutSec))) {
            $Job.PowerShell.Stop()
            throw "The background runspace did not finish within $TimeoutSec s."
        }
        $output = $Job.PowerShell.EndInvoke($Job.Handle)
        if ($Job.PowerShell.Streams.Error.Count -gt 0) { throw $Job.PowerShell.Streams.Error[0] }
        $output
    }
    finally { $Job.PowerShell.Dispose() }
}

function New-RawMessageFile {
    # Writes a small CRLF message to a file for `mailcheck imap-append` and returns the path.
    param([Parameter(Mandatory)] [string] $Subject, [string] $Body = 'Hello from the other client.')
    $path = Join-Path $script:Bed.Root "tmp/msg-$([guid]::NewGuid().ToString('N')).eml"
    $id = "<$([guid]::NewGuid().ToString('N'))@other-client.example>"
    $text = "From: Other Client <other@example.test>`r`nTo: you@example.test`r`nSubject: $Subject`r`nMessage-ID: $id`r`nDate: $([DateTimeOffset]::Now.ToString('r'))`r`n`r`n$Body`r`n"
    [System.IO.File]::WriteAllText($path, $text, [System.Text.UTF8Encoding]::new($false))
    $path
}

$script:TestBedModule = Join-Path $PSScriptRoot 'TestBed/MailTestBed.psm1'
