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
    # -KeepOpen leaves $Job.PowerShell undisposed, so its other streams (progress, warnings) can be read.
    param([Parameter(Mandatory)] $Job, [double] $TimeoutSec = 120, [switch] $KeepOpen)
    try {
        if (-not $Job.Handle.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($TimeoutSec))) {
            $Job.PowerShell.Stop()
            throw "The background runspace did not finish within $TimeoutSec s."
        }
        $output = $Job.PowerShell.EndInvoke($Job.Handle)
        if ($Job.PowerShell.Streams.Error.Count -gt 0) { throw $Job.PowerShell.Streams.Error[0] }
        $output
    }
    finally { if (-not $KeepOpen) { $Job.PowerShell.Dispose() } }
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

function Invoke-MailboxCheck {
    # Reads a Maildir or an mbox with Python's mailbox module (tests/MailboxCheck.py); returns the parsed JSON.
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $python = (Get-Command python3 -ErrorAction SilentlyContinue) ?? (Get-Command python)
    $json = & $python.Source (Join-Path $PSScriptRoot 'MailboxCheck.py') @Arguments
    if ($LASTEXITCODE -ne 0) { throw "MailboxCheck.py $($Arguments -join ' ') failed ($LASTEXITCODE)." }
    , (($json -join "`n") | ConvertFrom-Json -Depth 16 -NoEnumerate)
}

function ConvertTo-MaildirLetters {
    # The Maildir flag letters (sorted) for IMAP flags as mailcheck reports them, e.g. '\Seen \Flagged' -> 'FS'.
    param([string[]] $Flags)
    $map = @{ '\Draft' = 'D'; '\Flagged' = 'F'; '$Forwarded' = 'P'; '\Answered' = 'R'; '\Seen' = 'S'; '\Deleted' = 'T' }
    -join (@($Flags | ForEach-Object { $map[$_] } | Where-Object { $_ }) | Sort-Object -CaseSensitive)
}

function New-TestDirectory {
    # A fresh directory under the bed's scratch folder.
    param([string] $Label = 'dir')
    $path = Join-Path $script:Bed.Root "tmp/$Label-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    [void][System.IO.Directory]::CreateDirectory($path)
    $path
}
