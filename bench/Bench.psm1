# The benchmark's building blocks: seeding a realistic mailbox, running each client, and reporting.
# Invoke-Bench.ps1 puts them together; see docs/performance.md for what is measured and why.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$script:BenchRoot = $PSScriptRoot
$script:RepoRoot = Split-Path $PSScriptRoot -Parent
$script:Pwsh = Join-Path $PSHOME 'pwsh'
$script:MB = 1024 * 1024

# Sizes of realistic mail: most messages are a few KB, a tail reaches 100 KB and a few go beyond;
# 10% carry an attachment. About 75-80 MB per 10,000 messages, like the issue's reference mailbox.
# Percent, body size, attachment size (0 = none).
$script:SizeMix = @(
    @(33, 2000, 0), @(21, 3000, 0), @(15, 5000, 0), @(9, 8000, 0), @(6, 12000, 0), @(3.5, 20000, 0),
    @(1.6, 35000, 0), @(0.5, 60000, 0), @(0.3, 100000, 0), @(0.1, 250000, 0),
    @(5.5, 2500, 4000), @(3, 2500, 12000), @(1.2, 2500, 36000), @(0.3, 2500, 90000)
)

function Get-Median {
    param([double[]] $Values)
    if (-not $Values -or $Values.Count -eq 0) { return $null }
    $sorted = [double[]]($Values | Sort-Object)
    $mid = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2 -eq 1) { return $sorted[$mid] }
    ($sorted[$mid - 1] + $sorted[$mid]) / 2
}

function New-Measurement {
    # One cell of the results: the median of the timed runs, or why there is none.
    param([double[]] $Seconds, [int] $Messages = 0, [long] $Bytes = 0, [string] $Status = 'ok')
    [ordered]@{
        Seconds  = if ($Status -eq 'ok') { Get-Median $Seconds } else { $null }
        Runs     = @($Seconds)
        Messages = $Messages
        Bytes    = $Bytes
        Status   = $Status
    }
}

function Get-BenchMachine {
    # The facts a reader needs to compare numbers across machines.
    $cpu = 'unknown'
    $memory = 0L
    if (Test-Path /proc/cpuinfo) {
        $line = Select-String -Path /proc/cpuinfo -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1
        if ($line) { $cpu = $line.Matches[0].Groups[1].Value.Trim() }
    }
    if (Test-Path /proc/meminfo) {
        $line = Select-String -Path /proc/meminfo -Pattern '^MemTotal:\s+(\d+) kB' | Select-Object -First 1
        if ($line) { $memory = [long]$line.Matches[0].Groups[1].Value * 1024 }
    }
    $version = {
        param([string] $Command, [string[]] $Arguments, [string] $Pattern)
        if (-not (Get-Command $Command -ErrorAction SilentlyContinue)) { return 'not installed' }
        $text = (& $Command @Arguments 2>&1 | Out-String)
        if ($text -match $Pattern) { $Matches[1] } else { $text.Trim() }
    }
    [ordered]@{
        Date       = [DateTimeOffset]::Now.ToString('yyyy-MM-dd HH:mm zzz')
        LoadBefore = Get-LoadAverage
        LoadAfter  = $null
        Processors = [Environment]::ProcessorCount
        MemoryGB   = [math]::Round($memory / 1GB, 1)
        Cpu        = $cpu
        OS         = [Runtime.InteropServices.RuntimeInformation]::OSDescription
        PowerShell = $PSVersionTable.PSVersion.ToString()
        DotNet     = [Environment]::Version.ToString()
        Dovecot    = & $version 'dovecot' @('--version') '^(\S+)'
        Mbsync     = & $version 'mbsync' @('--version') '(\d+\.\d+(\.\d+)?)'
        Python     = & $version 'python3' @('--version') 'Python (\S+)'
    }
}

function Get-LoadAverage {
    # The 1-minute load average: on a shared machine it says how much the numbers can be trusted.
    if (Test-Path /proc/loadavg) { [double]((Get-Content /proc/loadavg -Raw) -split ' ')[0] } else { $null }
}

function Install-Mbsync {
    # mbsync comes from Debian's isync package; install it when this runs as root on apt.
    if (Get-Command mbsync -ErrorAction SilentlyContinue) { return $true }
    $isRoot = $IsLinux -and ((& id -u) -eq '0')
    if ($isRoot -and (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        Write-Host 'Installing mbsync (isync) with apt-get...'
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get install -y -q isync | Write-Host
        if ($LASTEXITCODE -ne 0) {
            & apt-get update -q | Write-Host
            & apt-get install -y -q isync | Write-Host
        }
    }
    [bool](Get-Command mbsync -ErrorAction SilentlyContinue)
}

function Build-RawMailKit {
    # The C# console program; built into out/bench so the source tree stays clean.
    param([string] $OutputDirectory = (Join-Path $script:RepoRoot 'out/bench/RawMailKit'))
    $project = Join-Path $script:BenchRoot 'RawMailKit/RawMailKit.csproj'
    & dotnet build $project -c Release -o $OutputDirectory --nologo -v quiet -clp:ErrorsOnly | Write-Host
    if ($LASTEXITCODE -ne 0) { throw "Building $project failed (exit code $LASTEXITCODE)." }
    Join-Path $OutputDirectory 'RawMailKit.dll'
}

function Add-BenchMailbox {
    <#
    Seeds a realistic mailbox with Add-TestMessageBatch: the size mix above, flags mixed by seed.py's
    rules. Each call costs a fixed 0.3-1 s, so by default there is one call per size class (-Rounds 1);
    more rounds spread the sizes through the folder at the price of seeding time.
    #>
    param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $User, [Parameter(Mandatory)] [int] $Count, [int] $Rounds = 1)
    # Largest-remainder split of Count over the mix, so the parts add up exactly.
    $total = ($script:SizeMix | ForEach-Object { $_[0] } | Measure-Object -Sum).Sum
    $exact = @($script:SizeMix | ForEach-Object { $Count * $_[0] / $total })
    $counts = [int[]]@($exact | ForEach-Object { [math]::Floor($_) })
    $left = $Count - ($counts | Measure-Object -Sum).Sum
    $order = 0..($exact.Count - 1) | Sort-Object { $exact[$_] - [math]::Floor($exact[$_]) } -Descending
    foreach ($i in $order | Select-Object -First $left) { $counts[$i]++ }

    $summary = [ordered]@{ Count = 0; Bytes = 0L; WithAttachment = 0; Seen = 0; Flagged = 0; Answered = 0; Seconds = 0.0 }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    for ($round = 0; $round -lt $Rounds; $round++) {
        for ($i = 0; $i -lt $counts.Count; $i++) {
            $n = [math]::Floor($counts[$i] * ($round + 1) / $Rounds) - [math]::Floor($counts[$i] * $round / $Rounds)
            if ($n -le 0) { continue }
            $size, $attachment = $script:SizeMix[$i][1], $script:SizeMix[$i][2]
            $r = Add-TestMessageBatch -Bed $Bed -User $User -Count $n -SizeBytes $size `
                -AttachmentEvery ($attachment -gt 0 ? 1 : 0) -AttachmentBytes ([math]::Max(1, $attachment))
            foreach ($k in 'Count', 'Bytes', 'WithAttachment', 'Seen', 'Flagged', 'Answered') { $summary[$k] += $r.$k }
        }
    }
    $summary.Seconds = $watch.Elapsed.TotalSeconds
    [pscustomobject]$summary
}

function Add-BigMessage {
    # One message of about -Megabytes, most of it a base64 attachment, in its own mailbox.
    param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $User, [int] $Megabytes = 200)
    $attachment = [int]($Megabytes * $script:MB * 76 / 78 * 3 / 4)
    Add-TestMessageBatch -Bed $Bed -User $User -Count 1 -SizeBytes 2048 -AttachmentEvery 1 -AttachmentBytes $attachment
}

function Disable-RawLog {
    # Dovecot writes a rawlog only when the user's rawlog folder exists; it slows the server down.
    param($Bed, $User)
    $dir = Join-Path $Bed.RawLogRoot $User.Name
    if (Test-Path -LiteralPath $dir) { Remove-Item -LiteralPath $dir -Recurse -Force }
}

function Enable-RawLog {
    param($Bed, $User)
    Disable-RawLog $Bed $User
    $dir = Join-Path $Bed.RawLogRoot $User.Name
    [void][IO.Directory]::CreateDirectory($dir)
    [IO.File]::SetUnixFileMode($dir, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
    & chown 65534:65534 $dir
    if ($LASTEXITCODE -ne 0) { throw "chown of $dir failed." }
    $dir
}

function Invoke-WithPassword {
    # Runs a native command with the password in the environment, never on the command line.
    param([hashtable] $Environment, [scriptblock] $Script)
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try { & $Script }
    finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
}

function Start-BenchClient {
    <#
    Starts a client in serve mode: it reads operation names on stdin and answers each with one timed run
    as a "BENCH:" JSON line. Passwords travel in its environment, never on the command line.
    #>
    param([string] $Name, [string] $FilePath, [string[]] $ArgumentList, [hashtable] $Environment = @{})
    $psi = [Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add([string]$a) }
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    [pscustomobject]@{ Name = $Name; Process = [Diagnostics.Process]::Start($psi) }
}

function Invoke-BenchClient {
    # One run of one operation in a serving client; other output lines (warnings, progress) are skipped.
    param($Client, [string] $Operation, [int] $TimeoutSeconds = 7200)
    $Client.Process.StandardInput.WriteLine($Operation)
    $Client.Process.StandardInput.Flush()
    while ($true) {
        $read = $Client.Process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait([TimeSpan]::FromSeconds($TimeoutSeconds))) { throw "$($Client.Name) did not finish '$Operation' within $TimeoutSeconds s." }
        $line = $read.Result
        if ($null -eq $line) { throw "$($Client.Name) ended while running '$Operation'." }
        $at = $line.IndexOf('BENCH:')
        if ($at -ge 0) { return $line.Substring($at + 6) | ConvertFrom-Json }
    }
}

function Stop-BenchClient {
    param($Client)
    if (-not $Client -or -not $Client.Process) { return }
    try {
        if (-not $Client.Process.HasExited) {
            $Client.Process.StandardInput.WriteLine('quit')
            $Client.Process.StandardInput.Close()
            if (-not $Client.Process.WaitForExit(120000)) { $Client.Process.Kill() }
        }
    }
    catch { Write-Warning "Stopping $($Client.Name): $($_.Exception.Message)" }
    finally { $Client.Process.Dispose() }
}

function Get-MaildirMessageCount {
    param([string] $Path)
    $n = 0
    foreach ($sub in 'cur', 'new') {
        $d = Join-Path $Path $sub
        if (Test-Path -LiteralPath $d) { $n += @([IO.Directory]::EnumerateFiles($d)).Count }
    }
    $n
}

function New-MbsyncClient {
    <#
    mbsync pulling INBOX into a Maildir on the same filesystem, FSync off, TLS checked against the bed's CA.
    'full' syncs into a fresh Maildir; 'resync' syncs the last one again (nothing changed).
    #>
    param($Bed, $User, [string] $WorkDirectory)
    $dir = [IO.Directory]::CreateDirectory((Join-Path $WorkDirectory 'mbsync')).FullName
    $maildir = Join-Path $dir 'Maildir'
    $config = Join-Path $dir 'mbsyncrc'
    $text = @"
FSync no

IMAPAccount bench
Host localhost
Port $($Bed.ImapsPort)
User $($User.Name)
Pass "$($User.Password)"
SSLType IMAPS
CertificateFile $($Bed.CaCertPath)
SystemCertificates no

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path $maildir/
Inbox $maildir/INBOX
SubFolders Verbatim

Channel bench
Far :bench-far:
Near :bench-near:
Patterns INBOX
Create Near
Sync Pull
SyncState *
"@
    [IO.File]::WriteAllText($config, '')
    [IO.File]::SetUnixFileMode($config, [IO.UnixFileMode]'UserRead, UserWrite')
    [IO.File]::WriteAllText($config, $text)
    [pscustomobject]@{ Name = 'mbsync'; Directory = $dir; Maildir = $maildir; Config = $config }
}

function Invoke-MbsyncRun {
    param($Client, [string] $Operation)
    $inbox = Join-Path $Client.Maildir 'INBOX'
    $run = {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $output = & mbsync -c $Client.Config -q bench 2>&1
        $watch.Stop()
        if ($LASTEXITCODE -ne 0) { throw "mbsync failed (exit code $LASTEXITCODE): $($output -join ' ')" }
        $watch.Elapsed.TotalSeconds
    }
    if ($Operation -eq 'full' -or -not (Test-Path -LiteralPath $inbox)) {
        if (Test-Path -LiteralPath $Client.Maildir) { [IO.Directory]::Delete($Client.Maildir, $true) }
        [void][IO.Directory]::CreateDirectory($Client.Maildir)
        $seconds = & $run
    }
    if ($Operation -eq 'resync') { $seconds = & $run }
    [pscustomobject]@{ Name = $Operation; Seconds = @($seconds); Messages = (Get-MaildirMessageCount $inbox); Bytes = 0 }
}

function Invoke-InterleavedBench {
    <#
    Measures every client side by side: each round runs every measurement once, client after client, so a
    burst of load on a shared machine hits all of them alike. Round 0 is the warm-up; the median of rounds
    1..Runs is reported. A client that fails or lacks a cmdlet is marked in its cells and left out of later rounds.
    -> ordered dictionary key -> measurement
    #>
    param(
        [string] $ModulePath, [string] $RawDll, $Bed, $User, [string] $WorkDirectory, [int] $Runs, [int] $Expected,
        [bool] $WithMbsync, [bool] $WithGetStream, [System.Collections.Generic.List[string]] $Notes
    )
    # Work item by work item, the clients in the order of the table's columns.
    $plan = @(
        @('module.Summaries', 'module', 'Summaries'), @('raw.summaries', 'raw', 'summaries'), @('python.summaries', 'python', 'summaries'),
        @('module.ImapDownload', 'module', 'ImapDownload'), @('raw.getstreams', 'raw', 'getstreams'), @('mbsync.full', 'mbsync', 'full'), @('python.download', 'python', 'download'),
        @('raw.getstream', 'raw', 'getstream'),
        @('module.Pop3Download', 'module', 'Pop3Download'), @('raw.pop3', 'raw', 'pop3'), @('python.pop3', 'python', 'pop3'),
        @('module.SyncFirst', 'module', 'SyncFirst'),
        @('module.SyncAgain', 'module', 'SyncAgain'), @('raw.resync', 'raw', 'resync'), @('mbsync.resync', 'mbsync', 'resync'),
        @('module.Flags', 'module', 'Flags'), @('raw.flags', 'raw', 'flags'), @('python.flags', 'python', 'flags')
    ) | ForEach-Object {
        # Setting flags raises the folder's HIGHESTMODSEQ, which would turn the next "no-change" re-sync into a
        # flag sync: the flag measurements get rounds of their own, after all the others.
        [pscustomobject]@{ Key = $_[0]; Client = $_[1]; Operation = $_[2]; Phase = $(if ($_[2] -eq 'flags') { 2 } else { 1 })
            Seconds = [Collections.Generic.List[double]]::new(); Messages = 0; Bytes = 0L; Status = 'ok' }
    }
    if (-not $WithMbsync) { $plan | Where-Object Client -EQ 'mbsync' | ForEach-Object { $_.Status = 'not installed' } }
    if (-not $WithGetStream) { $plan | Where-Object Key -EQ 'raw.getstream' | ForEach-Object { $_.Status = 'skipped above 20,000 messages' } }

    $secret = @{ BENCH_PASSWORD = $User.Password }
    $clients = @{}
    try {
        $clients.module = Start-BenchClient 'module' $script:Pwsh @('-NoProfile', '-NonInteractive', '-File', (Join-Path $script:BenchRoot 'ModuleBench.ps1'),
            '-Mode', 'Serve', '-ModulePath', $ModulePath, '-WorkDirectory', $WorkDirectory, '-UserName', $User.Name,
            '-ImapPort', $Bed.ImapsPort, '-Pop3Port', $Bed.Pop3sPort, '-ExpectedCount', $Expected) $secret
        $clients.raw = Start-BenchClient 'raw MailKit' 'dotnet' @($RawDll, '--serve', '--host', 'localhost', '--imap-port', $Bed.ImapsPort,
            '--pop3-port', $Bed.Pop3sPort, '--user', $User.Name, '--out', (Join-Path $WorkDirectory 'raw')) $secret
        $clients.python = Start-BenchClient 'Python' 'python3' @((Join-Path $script:BenchRoot 'pybench.py'), '--serve', '--host', 'localhost',
            '--imap-port', $Bed.ImapsPort, '--pop3-port', $Bed.Pop3sPort, '--user', $User.Name, '--cafile', $Bed.CaCertPath,
            '--out', (Join-Path $WorkDirectory 'python')) $secret
        if ($WithMbsync) { $clients.mbsync = New-MbsyncClient -Bed $Bed -User $User -WorkDirectory $WorkDirectory }

        $watch = [Diagnostics.Stopwatch]::StartNew()
        foreach ($phase in 1, 2) {
            for ($round = 0; $round -le $Runs; $round++) {
                Write-Host ("   {0} round {1} of {2}{3} ({4:0} s)" -f $(if ($phase -eq 1) { 'reads' } else { 'flags' }), $round, $Runs, $(if ($round -eq 0) { ', warm-up' } else { '' }), $watch.Elapsed.TotalSeconds)
                foreach ($item in $plan | Where-Object { $_.Status -eq 'ok' -and $_.Phase -eq $phase }) {
                    try {
                        $answer = if ($item.Client -eq 'mbsync') { Invoke-MbsyncRun $clients.mbsync $item.Operation }
                        else { Invoke-BenchClient $clients[$item.Client] $item.Operation }
                        if ((Get-Property $answer 'Available') -eq $false) { $item.Status = 'not available yet'; continue }
                        $failure = Get-Property $answer 'Error'
                        if ($failure) { throw $failure }
                        $messages = [int](Get-Property $answer 'Messages')
                        if ($messages -gt 0 -and $messages -ne $Expected) { throw "handled $messages messages, expected $Expected" }
                        $item.Messages = $messages
                        $item.Bytes = [long](Get-Property $answer 'Bytes')
                        if ($round -gt 0) { $item.Seconds.Add([double]@(Get-Property $answer 'Seconds')[0]) }
                    }
                    catch {
                        $item.Status = 'failed (see notes)'
                        $Notes.Add("$($item.Key) failed: $($_.Exception.Message)")
                        Write-Warning "$($item.Key): $($_.Exception.Message)"
                    }
                }
            }
        }
    }
    finally {
        foreach ($c in $clients.Values) { if ($c.PSObject.Properties['Process']) { Stop-BenchClient $c } }
        if ($clients.mbsync -and (Test-Path -LiteralPath $clients.mbsync.Directory)) { [IO.Directory]::Delete($clients.mbsync.Directory, $true) }
        foreach ($name in 'raw', 'python', 'module-imap', 'module-pop3', 'module-sync-first', 'module-sync-again') {
            $p = Join-Path $WorkDirectory $name
            if (Test-Path -LiteralPath $p) { [IO.Directory]::Delete($p, $true) }
        }
    }
    $results = [ordered]@{}
    foreach ($item in $plan) {
        $results[$item.Key] = New-Measurement -Seconds $item.Seconds.ToArray() -Messages $item.Messages -Bytes $item.Bytes -Status $item.Status
    }
    $results
}

function Invoke-ModuleChild {
    # Runs bench/ModuleBench.ps1 in a fresh pwsh and returns its JSON document.
    param([string] $ModulePath, $Bed, $User, [string] $WorkDirectory, [string] $Mode, [string[]] $Operation, [int] $Runs, [int] $Expected, $BigUser)
    $resultPath = Join-Path $WorkDirectory "module-$Mode-$([guid]::NewGuid().ToString('N')).json"
    $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $script:BenchRoot 'ModuleBench.ps1'),
        '-ModulePath', $ModulePath, '-ResultPath', $resultPath, '-WorkDirectory', $WorkDirectory,
        '-UserName', $User.Name, '-ImapPort', $Bed.ImapsPort, '-Pop3Port', $Bed.Pop3sPort,
        '-Mode', $Mode, '-Operation', ($Operation -join ','), '-Runs', $Runs, '-ExpectedCount', $Expected)
    $environment = @{ BENCH_PASSWORD = $User.Password }
    if ($BigUser) {
        $arguments += @('-BigUserName', $BigUser.Name)
        $environment.BENCH_BIG_PASSWORD = $BigUser.Password
    }
    Invoke-WithPassword $environment { & $script:Pwsh @arguments | Write-Host }
    if ($LASTEXITCODE -ne 0) { throw "ModuleBench.ps1 -Mode $Mode failed (exit code $LASTEXITCODE)." }
    $document = Get-Content -Raw -LiteralPath $resultPath | ConvertFrom-Json
    Remove-Item -LiteralPath $resultPath
    $document
}

function Get-ModuleStatus {
    param($Result)
    if (-not $Result.Available) { return 'not available yet' }
    if ($Result.Error) { return "failed: $($Result.Error)" }
    'ok'
}

function Measure-ImportModule {
    <#
    The time Import-Module adds to a bare 'pwsh -NoProfile': both started alternately, one warm-up
    each (disk cache), the difference of the medians.
    #>
    param([string] $ModulePath, [int] $Runs = 7)
    $bare = @(); $with = @()
    $command = "Import-Module '$ModulePath'; exit"
    for ($i = 0; $i -le $Runs; $i++) {
        $w = [Diagnostics.Stopwatch]::StartNew(); & $script:Pwsh -NoProfile -NonInteractive -Command exit | Out-Null; $w.Stop()
        if ($i -gt 0) { $bare += $w.Elapsed.TotalSeconds }
        $w = [Diagnostics.Stopwatch]::StartNew(); & $script:Pwsh -NoProfile -NonInteractive -Command $command | Out-Null; $w.Stop()
        if ($LASTEXITCODE -ne 0) { throw "pwsh -Command `"$command`" failed." }
        if ($i -gt 0) { $with += $w.Elapsed.TotalSeconds }
    }
    $bareMedian = Get-Median $bare
    $withMedian = Get-Median $with
    [ordered]@{
        'module.import' = [ordered]@{
            Seconds = [math]::Max(0.0, $withMedian - $bareMedian); Runs = $with; Messages = 0; Bytes = 0; Status = 'ok'
            BareSeconds = $bareMedian; WithImportSeconds = $withMedian
        }
    }
}

function Measure-ProtocolCount {
    <#
    Runs each module operation once with Dovecot's rawlog on and counts, per operation, the commands
    the server read and the round trips (groups of commands with no server output between them).
    #>
    param([string] $ModulePath, $Bed, $User, [string] $WorkDirectory, [int] $Expected)
    $rawDir = Enable-RawLog $Bed $User
    $document = Invoke-ModuleChild -ModulePath $ModulePath -Bed $Bed -User $User -WorkDirectory $WorkDirectory -Mode Count `
        -Operation @('Summaries', 'ImapDownload', 'Pop3Download', 'SyncFirst', 'SyncAgain', 'Flags') -Runs 1 -Expected $Expected
    $windows = @(foreach ($r in $document.Results) {
            if ((Get-ModuleStatus $r) -eq 'ok' -and @($r.Windows).Count -gt 0) {
                # The cmdlets are synchronous: every command of the operation was read between these two instants.
                @{ name = $r.Name; start = $r.Windows[0].Start; end = $r.Windows[0].End }
            }
        })
    $counts = [ordered]@{}
    foreach ($r in $document.Results) {
        $counts[$r.Name] = [ordered]@{ Status = (Get-ModuleStatus $r); Messages = $r.Messages; Commands = 0; RoundTrips = 0; ByName = @{} }
    }
    if ($windows.Count -gt 0) {
        $windowFile = Join-Path $WorkDirectory 'rawlog-windows.json'
        ConvertTo-Json -InputObject $windows -Depth 3 | Set-Content -LiteralPath $windowFile -Encoding utf8NoBOM
        $stats = & python3 (Join-Path $script:BenchRoot 'rawlog_stats.py') $rawDir --windows $windowFile | ConvertFrom-Json
        if ($LASTEXITCODE -ne 0) { throw 'rawlog_stats.py failed.' }
        foreach ($w in $stats.windows) {
            $c = $counts[$w.name]
            $c.Commands = $w.commands
            $c.RoundTrips = $w.round_trips
            $c.ByName = $w.by_name
        }
        Remove-Item -LiteralPath $windowFile
    }
    Disable-RawLog $Bed $User
    $counts
}

function Measure-ModuleMemory {
    param([string] $ModulePath, $Bed, $User, $BigUser, [string] $WorkDirectory, [int] $Expected,
        [string[]] $Scenario = @('Summaries', 'ImapDownload', 'Pop3Download', 'SyncFirst', 'ImapBig', 'Pop3Big'))
    $scenarios = @($Scenario | Where-Object { $BigUser -or $_ -notlike '*Big' })
    $memory = [ordered]@{}
    foreach ($name in $scenarios) {
        $document = Invoke-ModuleChild -ModulePath $ModulePath -Bed $Bed -User $User -BigUser $BigUser -WorkDirectory $WorkDirectory `
            -Mode Memory -Operation @($name) -Runs 1 -Expected $Expected
        $r = $document.Results | Select-Object -First 1
        $memory[$name] = [ordered]@{
            Status = Get-ModuleStatus $r; Messages = $r.Messages
            BaselineMB = [math]::Round($r.BaselineBytes / $script:MB, 1); PeakMB = [math]::Round($r.PeakBytes / $script:MB, 1)
            GrowthMB = [math]::Round($r.GrowthBytes / $script:MB, 1)
        }
        $dir = Join-Path $WorkDirectory "memory-$name"
        if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
    }
    $memory
}

#region Report

# The rows of the side-by-side table: module key, then the comparison keys.
$script:Rows = @(
    [ordered]@{ Work = 'Summaries of the whole folder'; Module = 'module.Summaries'; Raw = 'raw.summaries'; Mbsync = $null; Python = 'python.summaries' }
    [ordered]@{ Work = 'Full IMAP download'; Module = 'module.ImapDownload'; Raw = 'raw.getstreams'; Mbsync = 'mbsync.full'; Python = 'python.download' }
    [ordered]@{ Work = 'IMAP one message at a time (GetStream, anti-pattern)'; Module = $null; Raw = 'raw.getstream'; Mbsync = $null; Python = $null }
    [ordered]@{ Work = 'POP3 download'; Module = 'module.Pop3Download'; Raw = 'raw.pop3'; Mbsync = $null; Python = 'python.pop3' }
    [ordered]@{ Work = 'First sync into a Maildir'; Module = 'module.SyncFirst'; Raw = $null; Mbsync = 'mbsync.full'; Python = $null }
    [ordered]@{ Work = 'No-change re-sync'; Module = 'module.SyncAgain'; Raw = 'raw.resync'; Mbsync = 'mbsync.resync'; Python = $null }
    [ordered]@{ Work = 'Set and clear a flag on every message'; Module = 'module.Flags'; Raw = 'raw.flags'; Mbsync = $null; Python = 'python.flags' }
    [ordered]@{ Work = 'Import-Module (added to pwsh -NoProfile)'; Module = 'module.import'; Raw = $null; Mbsync = $null; Python = $null }
)

function Get-Property {
    # A property of a stored result, or $null when an older results file does not have it.
    param($Object, [string] $Name)
    if ($null -eq $Object) { return $null }
    if ($Object -is [System.Collections.IDictionary]) { return $Object[$Name] }
    $p = $Object.PSObject.Properties[$Name]
    if ($p) { $p.Value } else { $null }
}

function Get-Cell {
    param($Results, [string] $Key)
    if (-not $Key) { return $null }
    $m = $Results.Measurements.PSObject.Properties[$Key]
    if ($m) { $m.Value } else { $null }
}

function Format-Seconds {
    param($Measurement)
    if ($null -eq $Measurement) { return '' }
    if ($Measurement.Status -ne 'ok') { return $Measurement.Status }
    '{0:0.000}' -f [double]$Measurement.Seconds
}

function Format-Ratio {
    param($Module, $Other)
    if ($null -eq $Module -or $null -eq $Other -or $Module.Status -ne 'ok' -or $Other.Status -ne 'ok' -or -not $Other.Seconds) { return '' }
    '{0:0.00}x' -f ([double]$Module.Seconds / [double]$Other.Seconds)
}

function Get-SideBySide {
    # The table of seconds and ratios, as objects (for the console and the markdown).
    param($Results)
    foreach ($row in $script:Rows) {
        $module = Get-Cell $Results $row.Module
        $raw = Get-Cell $Results $row.Raw
        $mbsync = Get-Cell $Results $row.Mbsync
        $python = Get-Cell $Results $row.Python
        [pscustomobject][ordered]@{
            Work             = $row.Work
            'Module s'       = Format-Seconds $module
            'Raw MailKit s'  = Format-Seconds $raw
            'mbsync s'       = Format-Seconds $mbsync
            'Python s'       = Format-Seconds $python
            'vs raw'         = Format-Ratio $module $raw
            'vs mbsync'      = Format-Ratio $module $mbsync
            'vs Python'      = Format-Ratio $module $python
        }
    }
}

function ConvertTo-MarkdownTable {
    param([object[]] $Rows)
    if (-not $Rows) { return '' }
    $names = @($Rows[0].PSObject.Properties.Name)
    $lines = @(('| ' + ($names -join ' | ') + ' |'), ('| ' + (($names | ForEach-Object { '---' }) -join ' | ') + ' |'))
    foreach ($r in $Rows) {
        $lines += '| ' + (($names | ForEach-Object { ("$($r.$_)" -replace '\|', '\|') }) -join ' | ') + ' |'
    }
    $lines -join "`n"
}

function Get-TargetVerdict {
    # -> @{ Text; Pass = $true/$false/$null } for one target at one size.
    param($Results, [string] $Target)
    $cell = { param($k) Get-Cell $Results $k }
    $ratio = {
        param($a, $b, [double] $limit)
        $m = & $cell $a; $o = & $cell $b
        if ($null -eq $m -or $m.Status -ne 'ok') { return @{ Text = (Format-Seconds $m); Pass = $null } }
        if ($null -eq $o -or $o.Status -ne 'ok') { return @{ Text = "no comparison ($b)"; Pass = $null } }
        $r = [double]$m.Seconds / [double]$o.Seconds
        @{ Text = ('{0:0.00}x' -f $r); Pass = ($r -le $limit) }
    }
    switch ($Target) {
        'Summaries' { & $ratio 'module.Summaries' 'raw.summaries' 1.5 }
        'ImapDownload' { & $ratio 'module.ImapDownload' 'mbsync.full' 1.5 }
        'Pop3Download' { & $ratio 'module.Pop3Download' 'raw.pop3' 1.5 }
        'Resync' {
            $m = & $cell 'module.SyncAgain'
            if ($null -eq $m -or $m.Status -ne 'ok') { return @{ Text = (Format-Seconds $m); Pass = $null } }
            @{ Text = ('{0:0.000} s' -f [double]$m.Seconds); Pass = ([double]$m.Seconds -le 0.5) }
        }
        'Memory' {
            $parts = @(); $pass = $null
            foreach ($p in $Results.Memory.PSObject.Properties) {
                if ($p.Name -notin 'ImapDownload', 'Pop3Download', 'ImapBig', 'Pop3Big', 'SyncFirst') { continue }
                if ($p.Value.Status -ne 'ok') { continue }
                $parts += '{0} {1:0} MB' -f $p.Name, [double]$p.Value.GrowthMB
                $ok = [double]$p.Value.GrowthMB -le 100
                $pass = if ($null -eq $pass) { $ok } else { $pass -and $ok }
            }
            if (-not $parts) { return @{ Text = 'not available yet'; Pass = $null } }
            @{ Text = ($parts -join ', '); Pass = $pass }
        }
        'Import' {
            $m = & $cell 'module.import'
            if ($null -eq $m) { return @{ Text = ''; Pass = $null } }
            @{ Text = ('{0:0.000} s' -f [double]$m.Seconds); Pass = ([double]$m.Seconds -le 0.25) }
        }
        'Commands' {
            $parts = @(); $pass = $null
            $n = [int]$Results.Messages
            foreach ($p in $Results.Counts.PSObject.Properties) {
                if ($p.Value.Status -ne 'ok') { continue }
                $parts += '{0} {1}' -f $p.Name, $p.Value.RoundTrips
                # "No per-message round trips": at least 20 messages per round trip, plus a few for SELECT and the like.
                $ok = [int]$p.Value.RoundTrips -le [math]::Max(10.0, $n / 20 + 10)
                $pass = if ($null -eq $pass) { $ok } else { $pass -and $ok }
            }
            if (-not $parts) { return @{ Text = 'not available yet'; Pass = $null } }
            @{ Text = ('round trips: ' + ($parts -join ', ')); Pass = $pass }
        }
    }
}

function Format-Verdict {
    param($Verdict)
    if ($null -eq $Verdict.Pass) { return $Verdict.Text }
    "$($Verdict.Text) **$(if ($Verdict.Pass) { 'pass' } else { 'FAIL' })**"
}

$script:Targets = @(
    @('Summaries', 'Summaries', '≤ 1.5× raw MailKit'),
    @('ImapDownload', 'Full IMAP download', '≤ 1.5× mbsync. Our real goal is to match or beat it: consider a second connection for large folders if it helps.'),
    @('Pop3Download', 'POP3 download', '≤ 1.5× raw pipelined MailKit'),
    @('Resync', 'No-change re-sync of 10,000 messages', '≤ 0.5 s, nearly flat from 10,000 to 100,000 with CONDSTORE'),
    @('Memory', 'Peak working-set growth during a 10,000-message download, and during a 200 MB message', '≤ 100 MB'),
    @('Import', '`Import-Module`', 'adds ≤ 0.25 s'),
    @('Scaling', 'Scaling from 1,000 to 100,000 messages', 'linear'),
    @('Commands', 'Protocol commands', 'grow only with batching; the protocol log shows no per-message round trips')
)

function Get-ScalingRows {
    # Seconds per 1,000 messages at each size: linear cost keeps the column flat.
    param([object[]] $AllResults)
    $sizes = @($AllResults | Sort-Object { [int]$_.Messages })
    foreach ($row in $script:Rows | Where-Object { $_.Work -notlike 'Import-Module*' }) {
        foreach ($key in @($row.Module, $row.Raw, $row.Mbsync, $row.Python) | Where-Object { $_ }) {
            $o = [ordered]@{ Work = $row.Work; Client = ($key -split '\.')[0] }
            $any = $false
            foreach ($r in $sizes) {
                $m = Get-Cell $r $key
                $o["s per 1,000 at $('{0:N0}' -f [int]$r.Messages)"] = if ($m -and $m.Status -eq 'ok' -and [int]$r.Messages -gt 0) { $any = $true; '{0:0.000}' -f ([double]$m.Seconds * 1000 / [int]$r.Messages) } else { '' }
            }
            if ($any) { [pscustomobject]$o }
        }
    }
}

function Get-ScalingVerdict {
    # Linear (or better) when the module's cost per message at the largest size is at most 1.5x that at the smallest >= 1,000.
    param([object[]] $AllResults)
    $sizes = @($AllResults | Where-Object { [int]$_.Messages -ge 1000 } | Sort-Object { [int]$_.Messages })
    if ($sizes.Count -lt 2) { return @{ Text = 'needs runs at two sizes ≥ 1,000'; Pass = $null } }
    $small = $sizes[0]; $large = $sizes[-1]
    $parts = @(); $pass = $null
    foreach ($key in 'module.Summaries', 'module.ImapDownload', 'module.Pop3Download', 'module.SyncFirst', 'module.Flags') {
        $a = Get-Cell $small $key; $b = Get-Cell $large $key
        if (-not $a -or -not $b -or $a.Status -ne 'ok' -or $b.Status -ne 'ok') { continue }
        $growth = ([double]$b.Seconds / [int]$large.Messages) / ([double]$a.Seconds / [int]$small.Messages)
        $parts += '{0} {1:0.00}' -f ($key -replace '^module\.'), $growth
        $ok = $growth -le 1.5
        $pass = if ($null -eq $pass) { $ok } else { $pass -and $ok }
    }
    if (-not $parts) { return @{ Text = 'not available yet'; Pass = $null } }
    @{ Text = ('cost per message {0:N0} vs {1:N0}: {2}' -f [int]$large.Messages, [int]$small.Messages, ($parts -join ', ')); Pass = $pass }
}

function Get-RunSection {
    # The markdown section for one run size.
    param($Results)
    $n = '{0:N0}' -f [int]$Results.Messages
    $m = $Results.Machine
    $lines = @(
        "## $n messages"
        ''
        "Measured $($m.Date) on $($m.Processors) CPUs ($($m.Cpu)), $($m.MemoryGB) GB RAM, $($m.OS); PowerShell $($m.PowerShell), .NET $($m.DotNet), Dovecot $($m.Dovecot), mbsync $($m.Mbsync), Python $($m.Python). Load average $(Get-Property $m LoadBefore) at the start, $(Get-Property $m LoadAfter) at the end (the machine is shared: above the CPU count every client waits for a CPU, and the seconds grow with it)."
        ''
        ("Mailbox: {0} messages, {1:0.0} MB, {2} with attachments, {3} seen, {4} flagged, {5} answered. Median of {6} runs after a warm-up; seconds." -f $n, ([double]$Results.Mailbox.Bytes / $script:MB), $Results.Mailbox.WithAttachment, $Results.Mailbox.Seen, $Results.Mailbox.Flagged, $Results.Mailbox.Answered, $Results.Runs)
        ''
        (ConvertTo-MarkdownTable @(Get-SideBySide $Results))
        ''
    )
    $import = Get-Cell $Results 'module.import'
    if ($import) {
        $lines += ('`Import-Module`: pwsh -NoProfile starts in {0:0.000} s bare and {1:0.000} s with the import.' -f [double]$import.BareSeconds, [double]$import.WithImportSeconds)
        $lines += ''
    }
    if ($Results.Memory) {
        $rows = foreach ($p in $Results.Memory.PSObject.Properties) {
            [pscustomobject][ordered]@{
                'Module operation' = $p.Name
                Messages           = if ($p.Value.Status -eq 'ok' -and $p.Value.Messages) { $p.Value.Messages } else { '' }
                'Before MB'        = if ($p.Value.Status -eq 'ok') { $p.Value.BaselineMB } else { '' }
                'Peak MB'          = if ($p.Value.Status -eq 'ok') { $p.Value.PeakMB } else { '' }
                'Growth MB'        = if ($p.Value.Status -eq 'ok') { $p.Value.GrowthMB } else { $p.Value.Status }
            }
        }
        $lines += @('Peak working-set growth of the module''s pwsh (VmHWM during the operation minus VmRSS before it, after a warm-up):', '', (ConvertTo-MarkdownTable @($rows)), '')
    }
    if ($Results.Counts) {
        $rows = foreach ($p in $Results.Counts.PSObject.Properties) {
            $ok = $p.Value.Status -eq 'ok'
            [pscustomobject][ordered]@{
                'Module operation' = $p.Name
                Commands           = if ($ok) { $p.Value.Commands } else { $p.Value.Status }
                'Round trips'      = if ($ok) { $p.Value.RoundTrips } else { '' }
                'Messages per round trip' = if ($ok -and [int]$p.Value.RoundTrips -gt 0) { '{0:0}' -f ([int]$Results.Messages / [int]$p.Value.RoundTrips) } else { '' }
                'By command'       = if ($ok) { (@($p.Value.ByName.PSObject.Properties | Sort-Object Value -Descending | ForEach-Object { "$($_.Name) $($_.Value)" }) -join ', ') } else { '' }
            }
        }
        $lines += @('Commands after login in Dovecot''s rawlog, one run of each operation:', '', (ConvertTo-MarkdownTable @($rows)), '')
    }
    if ($Results.Notes) {
        foreach ($note in $Results.Notes) { $lines += "- $note" }
        $lines += ''
    }
    $lines -join "`n"
}

function Write-PerformanceDoc {
    <#
    Regenerates docs/performance.md from every results file: the targets table (pass/fail per size),
    scaling, and a section per size. The hand-written part between the FINDINGS markers is kept.
    #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $ResultsDirectory)
    $all = @(Get-ChildItem -LiteralPath $ResultsDirectory -Filter 'bench-*.json' | ForEach-Object { Get-Content -Raw $_.FullName | ConvertFrom-Json } |
        Sort-Object { [int]$_.Messages })
    $findings = "<!-- FINDINGS -->`n<!-- /FINDINGS -->"
    if (Test-Path -LiteralPath $Path) {
        $old = Get-Content -Raw -LiteralPath $Path
        $match = [regex]::Match($old, '(?s)<!-- FINDINGS -->.*?<!-- /FINDINGS -->')
        if ($match.Success) { $findings = $match.Value }
    }

    $targetRows = foreach ($t in $script:Targets) {
        $o = [ordered]@{ Work = $t[1]; Target = $t[2] }
        foreach ($r in $all) {
            $column = '{0:N0}' -f [int]$r.Messages
            $o[$column] = if ($t[0] -eq 'Scaling') { '' } else { Format-Verdict (Get-TargetVerdict $r $t[0]) }
        }
        if ($t[0] -eq 'Scaling' -and $all) { $o[('{0:N0}' -f [int]$all[-1].Messages)] = Format-Verdict (Get-ScalingVerdict $all) }
        [pscustomobject]$o
    }

    $doc = @(
        '# Performance'
        ''
        'Generated by `./build.ps1 -Task Bench [-Messages 10000] [-Runs 5]` (bench/Invoke-Bench.ps1); the part between the FINDINGS markers is written by hand and kept when the file is regenerated.'
        'Each run seeds a fresh local Dovecot (bench/Bench.psm1 Add-BenchMailbox: realistic sizes from 2 KB to 100 KB with a few larger, about 10% with attachments, flags mixed) and measures in one go, each the median of several runs after a warm-up:'
        ''
        '- **the module** in one warm pwsh (bench/ModuleBench.ps1, `Measure-Command`): `Search-ImapFolder -Folder INBOX | Measure-Object`; `Search-ImapFolder -Folder INBOX | Save-ImapMessage -Path …`; `Save-Pop3Message -Path …`; the first `Sync-ImapFolder` and a no-change re-sync; `Set-ImapFlag -Add Flagged` then `-Remove Flagged` on every message (messages collected before the clock starts); and the time `Import-Module` adds to `pwsh -NoProfile`;'
        '- **raw MailKit** (bench/RawMailKit, same MailKit version, net10.0): `Fetch` of the same summary items (envelope, flags, size, internal date, BODYSTRUCTURE, UID), `GetStreams` for whole messages written to disk, pipelined POP3 `GetStreams` in batches of 100, `GetStream` one message at a time for reference, a CONDSTORE no-change re-sync floor (SELECT, UID SEARCH ALL, FLAGS CHANGEDSINCE) and one `UID STORE` to set and one to clear the flag on all;'
        '- **mbsync** (isync) pulling INBOX into a Maildir on the same filesystem with `FSync no`, then a no-change re-sync;'
        '- **Python** `imaplib`/`poplib` (bench/pybench.py): one summary FETCH, whole messages in UID FETCH batches of 500, POP3 RETR one at a time (poplib cannot pipeline), one UID STORE to set and one to clear.'
        ''
        'All clients use implicit TLS on loopback with certificate validation against the test CA; output goes to the same tmpfs as the server''s Maildir. Dovecot''s rawlog is off while timing and on only for the command counts. Peak working-set growth is measured in a fresh pwsh per operation: the peak resident set during the operation (VmHWM, reset through /proc/self/clear_refs) minus the resident set before it. Benchmarks are not tests: no test asserts a time; `tests/Bench.Tests.ps1` only runs the harness on 200 messages.'
        ''
        '## Targets'
        ''
        'Ratios are measured in the same run. "not available yet": the cmdlet is not in the module yet.'
        ''
        (ConvertTo-MarkdownTable @($targetRows))
        ''
        'For reference, the issue''s numbers for 10,000 messages (about 79 MB) on loopback: raw MailKit summaries about 0.30 s; raw MailKit full download with `GetStreams` about 0.22 s; mbsync full download about 0.27 s; raw MailKit pipelined POP3 about 0.5 s; `GetStream` one message at a time about 1.1 s.'
        ''
        '## Findings'
        ''
        $findings
        ''
        '## Scaling'
        ''
        'Seconds per 1,000 messages; a flat row is linear cost.'
        ''
        (ConvertTo-MarkdownTable @(Get-ScalingRows $all))
        ''
    )
    foreach ($r in $all) { $doc += Get-RunSection $r }
    Set-Content -LiteralPath $Path -Value (($doc -join "`n").TrimEnd() + "`n") -Encoding utf8NoBOM
}

#endregion

Export-ModuleMember -Function @(
    'Get-Median', 'New-Measurement', 'Get-BenchMachine', 'Get-LoadAverage', 'Install-Mbsync', 'Build-RawMailKit', 'Add-BenchMailbox', 'Add-BigMessage',
    'Disable-RawLog', 'Enable-RawLog', 'Invoke-InterleavedBench',
    'Measure-ImportModule', 'Measure-ProtocolCount', 'Measure-ModuleMemory', 'Get-SideBySide', 'ConvertTo-MarkdownTable',
    'Get-RunSection', 'Write-PerformanceDoc'
)
