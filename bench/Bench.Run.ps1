# Running: the clients (module, raw MailKit, Python, mbsync), the interleaved rounds, the import, command-count
# and memory measurements, and the machine facts. Dot-sourced by bench/Bench.psm1.

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

function Install-BenchTool {
    # A comparison tool from Debian (tests/TestBed/install-prerequisites.sh --bench); installed here when this runs as root on apt.
    param([string] $Command, [string] $Package)
    if (Get-Command $Command -ErrorAction SilentlyContinue) { return $true }
    $isRoot = $IsLinux -and ((& id -u) -eq '0')
    if ($isRoot -and (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        Write-Host "Installing $Command ($Package) with apt-get..."
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get install -y -q $Package | Write-Host
        if ($LASTEXITCODE -ne 0) {
            & apt-get update -q | Write-Host
            & apt-get install -y -q $Package | Write-Host
        }
    }
    [bool](Get-Command $Command -ErrorAction SilentlyContinue)
}

function Install-Mbsync { Install-BenchTool -Command mbsync -Package isync }

function Build-RawMailKit {
    # The C# console program; built into out/bench so the source tree stays clean.
    param([string] $OutputDirectory = (Join-Path $script:RepoRoot 'out/bench/RawMailKit'))
    $project = Join-Path $script:BenchRoot 'RawMailKit/RawMailKit.csproj'
    & dotnet build $project -c Release -o $OutputDirectory --nologo -v quiet -clp:ErrorsOnly | Write-Host
    if ($LASTEXITCODE -ne 0) { throw "Building $project failed (exit code $LASTEXITCODE)." }
    Join-Path $OutputDirectory 'RawMailKit.dll'
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
Host 127.0.0.1
Port $($Bed.ImapPort)
User $($User.Name)
Pass "$($User.Password)"
SSLType None

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

MaildirStore bench-both-near
Path $dir/Both/
Inbox $dir/Both/INBOX
SubFolders Verbatim

Channel bench-both
Far :bench-far:
Near :bench-both-near:
Patterns INBOX
Create Near
Sync All
SyncState *
"@
    [IO.File]::WriteAllText($config, '')
    [IO.File]::SetUnixFileMode($config, [IO.UnixFileMode]'UserRead, UserWrite')
    [IO.File]::WriteAllText($config, $text)
    [pscustomobject]@{ Name = 'mbsync'; Directory = $dir; Maildir = $maildir; Config = $config }
}

function Invoke-MbsyncRun {
    param($Client, [string] $Operation)
    if ($Operation -in 'bothagain', 'pushflags') { return Invoke-MbsyncTwoWayRun $Client $Operation }
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

function Invoke-MbsyncTwoWayRun {
    <#
    mbsync two ways (Sync All) on a Maildir of its own (issue 16). 'bothagain': a no-change run; 'pushflags': an untimed
    run takes in the server's changes, up to 1,000 files in cur/ get \Flagged toggled, and the timed run pushes them.
    #>
    param($Client, [string] $Operation)
    $inbox = Join-Path $Client.Directory 'Both/INBOX'
    $run = {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $output = & mbsync -c $Client.Config -q bench-both 2>&1
        $watch.Stop()
        if ($LASTEXITCODE -ne 0) { throw "mbsync (two-way) failed (exit code $LASTEXITCODE): $($output -join ' ')" }
        $watch.Elapsed.TotalSeconds
    }
    if (-not (Test-Path -LiteralPath $inbox)) { [void][IO.Directory]::CreateDirectory((Join-Path $Client.Directory 'Both')); $null = & $run }
    if ($Operation -eq 'pushflags') {
        $null = & $run
        $null = Switch-MaildirFlag -Path $inbox -Count 1000
    }
    $seconds = & $run
    [pscustomobject]@{ Name = $Operation; Seconds = @($seconds); Messages = (Get-MaildirMessageCount $inbox); Bytes = 0 }
}

function Invoke-InterleavedBench {
    <#
    Measures every client side by side: each round runs every measurement once, client after client, so a
    burst of load on a shared machine hits all of them alike. The first -WarmUps rounds are not counted; the
    median of the next -Runs rounds is reported. (.NET compiles hot code a second time, optimised, only after
    it has run a while: a 1,000-message operation needs some twenty runs to reach that steady state.) A client that fails or lacks a cmdlet is marked in its cells and left out of later rounds.
    -> ordered dictionary key -> measurement
    #>
    param(
        [string] $ModulePath, [string] $RawDll, $Bed, $User, [string] $WorkDirectory, [int] $Runs, [int] $Expected,
        [bool] $WithMbsync, [System.Collections.Generic.List[string]] $Notes, [int] $WarmUps = 1
    )
    # Work item by work item, in the order of bench/Targets.psd1 Measurements (the table's columns).
    $plan = @($script:Definition.Measurements | ForEach-Object {
            $phase = Get-Property $_ 'Phase'
            [pscustomobject]@{ Key = $_.Key; Client = $_.Client; Operation = $_.Operation; Phase = $(if ($phase) { [int]$phase } else { 1 })
                Seconds = [Collections.Generic.List[double]]::new(); Messages = 0; Bytes = 0L; Status = 'ok' }
        })
    foreach ($m in $script:Definition.Measurements) {
        $skipAbove = Get-Property $m 'SkipAbove'
        if ($skipAbove -and $Expected -gt [int]$skipAbove) {
            $plan | Where-Object Key -EQ $m.Key | ForEach-Object { $_.Status = 'skipped above {0:N0} messages' -f [int]$skipAbove }
        }
    }
    if (-not $WithMbsync) { $plan | Where-Object Client -EQ 'mbsync' | ForEach-Object { $_.Status = 'not installed' } }

    $secret = @{ BENCH_PASSWORD = $User.Password }
    $clients = @{}
    try {
        $clients.module = Start-BenchClient 'module' $script:Pwsh @('-NoProfile', '-NonInteractive', '-File', (Join-Path $script:BenchRoot 'ModuleBench.ps1'),
            '-Mode', 'Serve', '-ModulePath', $ModulePath, '-WorkDirectory', $WorkDirectory, '-UserName', $User.Name,
            '-ImapPort', $Bed.ImapPort, '-Pop3Port', $Bed.Pop3Port, '-ExpectedCount', $Expected) $secret
        $clients.raw = Start-BenchClient 'raw MailKit' 'dotnet' @($RawDll, '--serve', '--host', '127.0.0.1', '--imap-port', $Bed.ImapPort,
            '--pop3-port', $Bed.Pop3Port, '--user', $User.Name, '--out', (Join-Path $WorkDirectory 'raw')) $secret
        $clients.python = Start-BenchClient 'Python' 'python3' @((Join-Path $script:BenchRoot 'pybench.py'), '--serve', '--host', '127.0.0.1',
            '--imap-port', $Bed.ImapPort, '--pop3-port', $Bed.Pop3Port, '--user', $User.Name,
            '--out', (Join-Path $WorkDirectory 'python')) $secret
        if ($WithMbsync) { $clients.mbsync = New-MbsyncClient -Bed $Bed -User $User -WorkDirectory $WorkDirectory }

        $watch = [Diagnostics.Stopwatch]::StartNew()
        foreach ($phase in 1, 2) {
            for ($round = 1 - $WarmUps; $round -le $Runs; $round++) {
                Write-Host ("   {0} round {1} of {2}{3} ({4:0} s)" -f $(if ($phase -eq 1) { 'reads' } else { 'flags' }), $round, $Runs, $(if ($round -le 0) { ', warm-up' } else { '' }), $watch.Elapsed.TotalSeconds)
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
        foreach ($name in 'raw', 'python', 'module-imap', 'module-pop3', 'module-sync-first', 'module-sync-again', 'module-sync-both-first', 'module-sync-both-again', 'module-push-flags') {
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
        '-UserName', $User.Name, '-ImapPort', $Bed.ImapPort, '-Pop3Port', $Bed.Pop3Port,
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

function New-EmptyModule {
    <#
    An empty manifest module (Empty.psd1 and an empty Empty.psm1) in <Directory>/Empty: what PowerShell
    charges for importing anything. -> the manifest's path
    #>
    param([Parameter(Mandatory)] [string] $Directory)
    $empty = [IO.Directory]::CreateDirectory((Join-Path $Directory 'Empty')).FullName
    Set-Content (Join-Path $empty 'Empty.psm1') ''
    Set-Content (Join-Path $empty 'Empty.psd1') "@{ RootModule = 'Empty.psm1'; ModuleVersion = '1.0.0'; GUID = '$([guid]::NewGuid())'; FunctionsToExport = @(); CmdletsToExport = @(); VariablesToExport = @(); AliasesToExport = @() }"
    Join-Path $empty 'Empty.psd1'
}

function Measure-ImportModule {
    <#
    The time Import-Module adds to a bare 'pwsh -NoProfile': both started alternately, one warm-up
    each (disk cache), the difference of the medians. An empty manifest module is started in the same
    loop: what PowerShell itself charges for importing anything, on this machine and at this load.
    #>
    param([string] $ModulePath, [int] $Runs = 7)
    $scratch = [IO.Directory]::CreateDirectory((Join-Path ([IO.Path]::GetTempPath()) "mp-empty-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    try {
        $empty = New-EmptyModule -Directory $scratch
        $commands = [ordered]@{ bare = 'exit'; with = "Import-Module '$ModulePath'; exit"; empty = "Import-Module '$empty'; exit" }
        $seconds = @{ bare = @(); with = @(); empty = @() }
        for ($i = 0; $i -le $Runs; $i++) {
            foreach ($case in $commands.Keys) {
                $w = [Diagnostics.Stopwatch]::StartNew(); & $script:Pwsh -NoProfile -NonInteractive -Command $commands[$case] | Out-Null; $w.Stop()
                if ($LASTEXITCODE -ne 0) { throw "pwsh -Command `"$($commands[$case])`" failed." }
                if ($i -gt 0) { $seconds[$case] += $w.Elapsed.TotalSeconds }
            }
        }
    }
    finally { Remove-Item -Recurse -Force $scratch -ErrorAction SilentlyContinue }
    $bareMedian = Get-Median $seconds.bare
    $withMedian = Get-Median $seconds.with
    [ordered]@{
        'module.import' = [ordered]@{
            Seconds = [math]::Max(0.0, $withMedian - $bareMedian); Runs = $seconds.with; Messages = 0; Bytes = 0; Status = 'ok'
            BareSeconds = $bareMedian; WithImportSeconds = $withMedian
            EmptyModuleSeconds = [math]::Max(0.0, (Get-Median $seconds.empty) - $bareMedian)
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
        -Operation @($script:Definition.CountOperations) -Runs 1 -Expected $Expected
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
        [string[]] $Scenario = @($script:Definition.MemoryScenarios))
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

