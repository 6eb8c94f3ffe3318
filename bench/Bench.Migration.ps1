# Mailbox migration (issue 17): Copy-ImapMailbox against mbsync (an IMAP-to-IMAP channel) and OfflineIMAP (IMAP to
# IMAP), each copying the bench mailbox's INBOX into an empty mailbox on the same Dovecot, plaintext on loopback.
# Dot-sourced by bench/Bench.psm1; Invoke-Bench.ps1 runs it (-Migration), bench/Measure-Migration.ps1 alone.

$script:MigrationTools = @('Copy-ImapMailbox', 'mbsync', 'OfflineIMAP')

function Install-OfflineImap { Install-BenchTool -Command offlineimap -Package offlineimap }

function Write-PrivateFile {
    # A tool's configuration holds a password: readable by the owner only.
    param([string] $Path, [string] $Text)
    Set-Content -LiteralPath $Path -Value $Text -Encoding utf8NoBOM
    [IO.File]::SetUnixFileMode($Path, [IO.UnixFileMode]'UserRead, UserWrite')
}

function New-MigrationToolConfig {
    # mbsync: Far = source, Near = destination, Sync Pull, Create Near. OfflineIMAP: both repositories IMAP, the source read-only.
    param([string] $Tool, $Bed, $From, $To, [string] $Directory)
    if ($Tool -eq 'mbsync') {
        $state = Join-Path $Directory 'state'
        [void][IO.Directory]::CreateDirectory($state)
        $conf = Join-Path $Directory 'mbsyncrc'
        Write-PrivateFile $conf @"
IMAPAccount src
Host 127.0.0.1
Port $($Bed.ImapPort)
User $($From.Name)
Pass $($From.Password)
SSLType None
AuthMechs LOGIN

IMAPStore src
Account src

IMAPAccount dst
Host 127.0.0.1
Port $($Bed.ImapPort)
User $($To.Name)
Pass $($To.Password)
SSLType None
AuthMechs LOGIN

IMAPStore dst
Account dst

Channel migrate
Far :src:
Near :dst:
Patterns INBOX
Create Near
Sync Pull
SyncState $state/
"@
        return @('mbsync', '-q', '-c', $conf, 'migrate')
    }
    $conf = Join-Path $Directory 'offlineimaprc'
    Write-PrivateFile $conf @"
[general]
accounts = migrate
metadata = $(Join-Path $Directory 'meta')
ui = quiet

[Account migrate]
localrepository = destination
remoterepository = source

[Repository source]
type = IMAP
remotehost = 127.0.0.1
remoteport = $($Bed.ImapPort)
remoteuser = $($From.Name)
remotepass = $($From.Password)
ssl = no
starttls = no
readonly = True
folderfilter = lambda folder: folder == 'INBOX'

[Repository destination]
type = IMAP
remotehost = 127.0.0.1
remoteport = $($Bed.ImapPort)
remoteuser = $($To.Name)
remotepass = $($To.Password)
ssl = no
starttls = no
folderfilter = lambda folder: folder == 'INBOX'
"@
    @('offlineimap', '-c', $conf, '-o', '-u', 'quiet')
}

function Invoke-TimedTool {
    # One run of a native tool: wall seconds here, CPU seconds (user + system) from /usr/bin/time when it is there.
    param([string[]] $Command, [string] $Directory)
    $timeFile = Join-Path $Directory "time-$([guid]::NewGuid().ToString('N').Substring(0, 8)).txt"
    $timed = Test-Path /usr/bin/time
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $output = if ($timed) { & /usr/bin/time -f '%U %S' -o $timeFile @Command 2>&1 } else { & $Command[0] @($Command | Select-Object -Skip 1) 2>&1 }
    $seconds = $watch.Elapsed.TotalSeconds
    if ($LASTEXITCODE -ne 0) { throw "$($Command[0]) failed ($LASTEXITCODE): $($output | Select-Object -Last 5 | Out-String)" }
    $cpu = $null
    if ($timed -and (Test-Path -LiteralPath $timeFile)) {
        $parts = @((Get-Content -LiteralPath $timeFile | Select-Object -Last 1) -split ' ')
        $cpu = [double]$parts[0] + [double]$parts[1]
        Remove-Item -LiteralPath $timeFile
    }
    [ordered]@{ Seconds = $seconds; CpuSeconds = $cpu }
}

function Get-InboxCount {
    param($Bed, $User)
    [int](Invoke-MailCheck -Bed $Bed -User $User -Security none -Port $Bed.ImapPort -Command imap-status -Arguments INBOX).messages
}

function Measure-MailboxMigration {
    <#
    Copies -SourceUser's INBOX (-Expected messages) into a fresh destination user of the same bed with each of
    -Tool, alternating the tools round by round (-Runs rounds; OfflineIMAP, which appends one message at a
    time, only in the first -OfflineImapRuns), each a first copy and then a second, no-change run, both
    timed; every destination is checked (mailcheck.py) to hold -Expected messages after each. Returns
    Measurements (keys as in bench/Targets.psd1 MigrationKeys; 'migrate.fastest' is the faster first copy
    of mbsync and OfflineIMAP) and Migration (the rows of the report's table).
    #>
    param(
        [Parameter(Mandatory)] [string] $ModulePath, [Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $SourceUser,
        [Parameter(Mandatory)] [int] $Expected, [Parameter(Mandatory)] [string] $WorkDirectory,
        [int] $Runs = 3, [int] $OfflineImapRuns = 1, [string[]] $Tool = $script:MigrationTools,
        [Collections.Generic.List[string]] $Notes = [Collections.Generic.List[string]]::new()
    )
    $loadBefore = Get-LoadAverage
    $tools = @($script:MigrationTools | Where-Object { $_ -in $Tool })
    if ('mbsync' -in $tools -and -not (Install-Mbsync)) { $Notes.Add('Migration: mbsync is not installed (apt-get install isync).'); $tools = @($tools | Where-Object { $_ -ne 'mbsync' }) }
    if ('OfflineIMAP' -in $tools -and -not (Install-OfflineImap)) { $Notes.Add('Migration: OfflineIMAP is not installed (tests/TestBed/install-prerequisites.sh --bench).'); $tools = @($tools | Where-Object { $_ -ne 'OfflineIMAP' }) }

    # The module's warm-up copies a small mailbox of its own each round, not the measured one.
    $warmSource = New-TestUser -Bed $Bed
    Disable-RawLog $Bed $warmSource
    $null = Add-TestMessageBatch -Bed $Bed -User $warmSource -Count 20
    $null = Get-InboxCount $Bed $SourceUser   # Dovecot indexes the source once, so no tool pays for that.

    $samples = [ordered]@{}
    $failed = [ordered]@{}
    foreach ($t in $tools) { $samples[$t] = [ordered]@{ First = @(); FirstCpu = @(); Again = @(); AgainCpu = @() } }
    foreach ($round in 1..$Runs) {
        foreach ($t in $tools) {
            if ($failed.Contains($t) -or ($t -eq 'OfflineIMAP' -and $round -gt $OfflineImapRuns)) { continue }
            $to = New-TestUser -Bed $Bed
            Disable-RawLog $Bed $to
            $dir = [IO.Directory]::CreateDirectory((Join-Path $WorkDirectory "migrate-$($t -replace '\W', '')-$round")).FullName
            try {
                if ($t -eq 'Copy-ImapMailbox') {
                    $warmTo = New-TestUser -Bed $Bed
                    Disable-RawLog $Bed $warmTo
                    $resultPath = Join-Path $dir 'result.json'
                    $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $script:BenchRoot 'MigrationBench.ps1'),
                        '-ModulePath', $ModulePath, '-ImapPort', $Bed.ImapPort, '-SourceUser', $SourceUser.Name, '-DestinationUser', $to.Name,
                        '-WarmSourceUser', $warmSource.Name, '-WarmDestinationUser', $warmTo.Name, '-ResultPath', $resultPath)
                    $environment = @{
                        BENCH_SRC_PASSWORD = $SourceUser.Password; BENCH_DST_PASSWORD = $to.Password
                        BENCH_WARM_SRC_PASSWORD = $warmSource.Password; BENCH_WARM_DST_PASSWORD = $warmTo.Password
                        # A fresh identity cache per round: a first copy knows nothing, as in a real migration.
                        XDG_CACHE_HOME = (Join-Path $dir 'cache')
                    }
                    Invoke-WithPassword $environment { & $script:Pwsh @arguments | Write-Host }
                    if ($LASTEXITCODE -ne 0) { throw "MigrationBench.ps1 failed (exit code $LASTEXITCODE)." }
                    $r = Get-Content -Raw -LiteralPath $resultPath | ConvertFrom-Json
                    if ([int]$r.First.Copied -ne $Expected -or [int]$r.Again.Copied -ne 0) { throw "Copy-ImapMailbox copied $($r.First.Copied), then $($r.Again.Copied) (expected $Expected, then 0)." }
                    $first = $r.First; $again = $r.Again
                }
                else {
                    $command = New-MigrationToolConfig -Tool $t -Bed $Bed -From $SourceUser -To $to -Directory $dir
                    $first = Invoke-TimedTool -Command $command -Directory $dir
                    $count = Get-InboxCount $Bed $to
                    if ($count -ne $Expected) { throw "$t left $count messages on the destination, not $Expected." }
                    $again = Invoke-TimedTool -Command $command -Directory $dir
                }
                $count = Get-InboxCount $Bed $to
                if ($count -ne $Expected) { throw "$t's no-change run left $count messages on the destination, not $Expected." }
                $s = $samples[$t]
                $s.First += [double]$first.Seconds; $s.Again += [double]$again.Seconds
                if ($null -ne $first.CpuSeconds) { $s.FirstCpu += [double]$first.CpuSeconds; $s.AgainCpu += [double]$again.CpuSeconds }
                Write-Host ('   migration round {0}: {1,-16} first {2,7:0.00} s, no-change {3,6:0.00} s' -f $round, $t, [double]$first.Seconds, [double]$again.Seconds)
            }
            catch {
                $failed[$t] = "failed: $($_.Exception.Message)"
                $Notes.Add("Migration with ${t}: $($_.Exception.Message)")
                Write-Warning "Migration with ${t}: $($_.Exception.Message)"
            }
        }
    }

    $keys = @{ 'Copy-ImapMailbox' = @('module.MigrateFirst', 'module.MigrateAgain'); mbsync = @('mbsync.migrate', 'mbsync.migrateAgain'); OfflineIMAP = @('offlineimap.migrate', 'offlineimap.migrateAgain') }
    $measurements = [ordered]@{}
    $rows = foreach ($t in $tools) {
        $s = $samples[$t]
        foreach ($pair in @(@($keys[$t][0], $s.First, $s.FirstCpu), @($keys[$t][1], $s.Again, $s.AgainCpu))) {
            $m = if ($failed.Contains($t)) { New-Measurement -Status $failed[$t] } else { New-Measurement -Seconds $pair[1] -Messages $Expected }
            $m.CpuSeconds = Get-Median $pair[2]
            $measurements[$pair[0]] = $m
        }
        [ordered]@{
            Tool = $t; Status = if ($failed.Contains($t)) { $failed[$t] } else { 'ok' }
            FirstSeconds = $measurements[$keys[$t][0]].Seconds; FirstCpuSeconds = $measurements[$keys[$t][0]].CpuSeconds
            NoChangeSeconds = $measurements[$keys[$t][1]].Seconds; NoChangeCpuSeconds = $measurements[$keys[$t][1]].CpuSeconds
            Runs = @($s.First); NoChangeRuns = @($s.Again)
        }
    }
    $others = @(foreach ($k in 'mbsync.migrate', 'offlineimap.migrate') { if ($measurements.Contains($k) -and $measurements[$k].Status -eq 'ok') { $measurements[$k] } })
    if ($others) {
        $fastest = $others | Sort-Object { [double]$_.Seconds } | Select-Object -First 1
        $measurements['migrate.fastest'] = $fastest
    }
    [ordered]@{
        Measurements = $measurements
        Migration    = [ordered]@{ Messages = $Expected; Runs = $Runs; OfflineImapRuns = $OfflineImapRuns; LoadBefore = $loadBefore; LoadAfter = (Get-LoadAverage); Rows = @($rows) }
    }
}

function Get-MigrationSection {
    # The report's migration table and verdicts for one run (empty when the run did not measure it).
    param($Results)
    $migration = Get-Property $Results 'Migration'
    if (-not $migration) { return @() }
    $rows = foreach ($r in $migration.Rows) {
        $ok = $r.Status -eq 'ok'
        [pscustomobject][ordered]@{
            Tool                   = $r.Tool
            'First copy s'         = if ($ok) { '{0:0.000}' -f [double]$r.FirstSeconds } else { $r.Status }
            'CPU s'                = if ($ok -and $null -ne $r.FirstCpuSeconds) { '{0:0.00}' -f [double]$r.FirstCpuSeconds } else { '' }
            'No-change run s'      = if ($ok) { '{0:0.000}' -f [double]$r.NoChangeSeconds } else { '' }
            'No-change CPU s'      = if ($ok -and $null -ne $r.NoChangeCpuSeconds) { '{0:0.00}' -f [double]$r.NoChangeCpuSeconds } else { '' }
            'First copies s'       = (@($r.Runs) | ForEach-Object { '{0:0.00}' -f [double]$_ }) -join ' '
        }
    }
    @(
        ('Mailbox migration (issue 17): the INBOX above copied into an empty mailbox of another user on the same Dovecot, plaintext on loopback, by Copy-ImapMailbox (two Connect-Imap included, in a fresh pwsh after a warm-up on a small mailbox, a fresh identity cache each round), mbsync (IMAP-to-IMAP channel, `Sync Pull`, `Create Near`) and OfflineIMAP (IMAP to IMAP, the source read-only), alternating round by round; then a second, no-change run of each. Median of {0} rounds (OfflineIMAP: {1}); every destination was checked to hold all messages. CPU: the tool''s own user + system seconds. Load average {2} at the start, {3} at the end.' -f $migration.Runs, [math]::Min([int]$migration.Runs, [int]$migration.OfflineImapRuns), $migration.LoadBefore, $migration.LoadAfter)
        ''
        (ConvertTo-MarkdownTable @($rows))
        ''
    )
}
