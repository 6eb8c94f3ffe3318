# Reporting: the side-by-side table, the verdicts against bench/Targets.psd1, and docs/performance.md.
# Dot-sourced by bench/Bench.psm1.

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
    foreach ($row in $script:Definition.Rows) {
        $module = Get-Cell $Results $row['Module']
        $raw = Get-Cell $Results $row['Raw']
        $mbsync = Get-Cell $Results $row['Mbsync']
        $python = Get-Cell $Results $row['Python']
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

function Format-WireRows {
    # The bytes-on-the-wire table (bench/Measure-Wire.ps1) for markdown.
    param($Rows)
    foreach ($r in $Rows) {
        [pscustomobject][ordered]@{
            Work                   = $r.Work
            Bytes                  = '{0:N0}' -f [long]$r.Bytes
            'Bytes with -Compress' = '{0:N0}' -f [long]$r.CompressedBytes
            Ratio                  = '{0:0.00}' -f ([double]$r.CompressedBytes / [double]$r.Bytes)
            s                      = '{0:0.000}' -f [double]$r.Seconds
            's with -Compress'     = '{0:0.000}' -f [double]$r.CompressedSeconds
            'Time ratio'           = '{0:0.00}' -f ([double]$r.CompressedSeconds / [double]$r.Seconds)
        }
    }
}

function Format-ScaleOutRows {
    # The scale-out table (bench/Measure-ScaleOut.ps1) for markdown.
    param($Rows)
    foreach ($r in $Rows) {
        [pscustomobject][ordered]@{
            Work           = $r.Work
            Sessions       = $r.Sessions
            s              = '{0:0.000}' -f [double]$r.Seconds
            'Messages/s'   = '{0:N0}' -f [double]$r.Throughput
            'vs 1 session' = '{0:0.00}x' -f [double]$r.Speedup
            'Client CPU s' = '{0:0.00}' -f [double]$r.ClientCpu
            'Machine busy' = '{0:0}%' -f (100 * [double]$r.MachineBusy)
        }
    }
}

function Get-TargetVerdict {
    # -> @{ Text; Pass = $true/$false/$null } for one target of bench/Targets.psd1 at one size (its Check says how).
    param($Results, $Target)
    $notYet = @{ Text = 'not available yet'; Pass = $null }
    switch ($Target.Check) {
        'Ratio' {
            $m = Get-Cell $Results $Target.Key; $o = Get-Cell $Results $Target.Versus
            if ($null -eq $m -or $m.Status -ne 'ok') { return @{ Text = (Format-Seconds $m); Pass = $null } }
            if ($null -eq $o -or $o.Status -ne 'ok') { return @{ Text = "no comparison ($($Target.Versus))"; Pass = $null } }
            $r = [double]$m.Seconds / [double]$o.Seconds
            @{ Text = ('{0:0.00}x' -f $r); Pass = ($r -le [double]$Target.Limit) }
        }
        'MaxSeconds' {
            $m = Get-Cell $Results $Target.Key
            if ($null -eq $m) { return @{ Text = ''; Pass = $null } }
            if ($m.Status -ne 'ok') { return @{ Text = (Format-Seconds $m); Pass = $null } }
            @{ Text = ('{0:0.000} s' -f [double]$m.Seconds); Pass = ([double]$m.Seconds -le [double]$Target.Limit) }
        }
        'MaxGrowthMB' {
            $parts = @(); $pass = $null
            $memory = Get-Property $Results 'Memory'
            foreach ($p in @(if ($memory) { $memory.PSObject.Properties })) {
                if ($p.Name -notin $Target.Scenarios -or $p.Value.Status -ne 'ok') { continue }
                $parts += '{0} {1:0} MB' -f $p.Name, [double]$p.Value.GrowthMB
                $ok = [double]$p.Value.GrowthMB -le [double]$Target.Limit
                $pass = if ($null -eq $pass) { $ok } else { $pass -and $ok }
            }
            if (-not $parts) { return $notYet }
            @{ Text = ($parts -join ', '); Pass = $pass }
        }
        'RoundTrips' {
            $parts = @(); $pass = $null
            $n = [int]$Results.Messages
            $counts = Get-Property $Results 'Counts'
            foreach ($p in @(if ($counts) { $counts.PSObject.Properties })) {
                if ($p.Value.Status -ne 'ok') { continue }
                $parts += '{0} {1}' -f $p.Name, $p.Value.RoundTrips
                # "No per-message round trips": at least so many messages per round trip, plus a few for SELECT and the like.
                $allowance = [double]$Target.Allowance
                $ok = [int]$p.Value.RoundTrips -le [math]::Max($allowance, $n / [double]$Target.MessagesPerRoundTrip + $allowance)
                $pass = if ($null -eq $pass) { $ok } else { $pass -and $ok }
            }
            if (-not $parts) { return $notYet }
            @{ Text = ('round trips: ' + ($parts -join ', ')); Pass = $pass }
        }
        'WireRatio' {
            $extras = Get-Property $Results 'Extras'; $wire = if ($extras) { Get-Property $extras 'Wire' } else { $null }
            $row = if ($wire) { @($wire.Rows | Where-Object Work -EQ $Target.Row)[0] } else { $null }
            if (-not $row) { return @{ Text = ''; Pass = $null } }
            $r = [double]$row.CompressedBytes / [double]$row.Bytes
            @{ Text = ('{0:0.00} of the bytes, {1:0.00}x the time' -f $r, ([double]$row.CompressedSeconds / [double]$row.Seconds)); Pass = ($r -le [double]$Target.Limit) }
        }
        'ScaleOut' {
            $extras = Get-Property $Results 'Extras'; $scale = if ($extras) { Get-Property $extras 'ScaleOut' } else { $null }
            if (-not $scale) { return @{ Text = ''; Pass = $null } }
            $parts = @(); $pass = $null
            foreach ($row in @($scale.Rows | Where-Object Sessions -EQ $Target.Sessions)) {
                $parts += '{0} {1:0.00}x' -f $row.Work, [double]$row.Speedup
                $ok = [double]$row.Speedup -ge [double]$Target.Limit
                $pass = if ($null -eq $pass) { $ok } else { $pass -and $ok }
            }
            if (-not $parts) { return @{ Text = ''; Pass = $null } }
            @{ Text = ('{0} sessions on {1} cores: {2}' -f $Target.Sessions, $scale.Cores, ($parts -join ', ')); Pass = $pass }
        }
        default { throw "Target $($Target.Id): unknown Check '$($Target.Check)' in bench/Targets.psd1." }
    }
}

function Format-Verdict {
    param($Verdict)
    if ($null -eq $Verdict.Pass) { return $Verdict.Text }
    "$($Verdict.Text) **$(if ($Verdict.Pass) { 'pass' } else { 'FAIL' })**"
}

function Get-ScalingRows {
    # Seconds per 1,000 messages at each size: linear cost keeps the column flat.
    param([object[]] $AllResults)
    $sizes = @($AllResults | Sort-Object { [int]$_.Messages })
    foreach ($row in $script:Definition.Rows | Where-Object { -not $_['NoScaling'] }) {
        foreach ($key in @($row['Module'], $row['Raw'], $row['Mbsync'], $row['Python']) | Where-Object { $_ }) {
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
    # Linear (or better) when each key's cost per message at the largest size is at most Limit times that at the smallest >= 1,000.
    param([object[]] $AllResults, $Target)
    $sizes = @($AllResults | Where-Object { [int]$_.Messages -ge 1000 } | Sort-Object { [int]$_.Messages })
    if ($sizes.Count -lt 2) { return @{ Text = 'needs runs at two sizes ≥ 1,000'; Pass = $null } }
    $small = $sizes[0]; $large = $sizes[-1]
    $parts = @(); $pass = $null
    foreach ($key in $Target.Keys) {
        $a = Get-Cell $small $key; $b = Get-Cell $large $key
        if (-not $a -or -not $b -or $a.Status -ne 'ok' -or $b.Status -ne 'ok') { continue }
        $growth = ([double]$b.Seconds / [int]$large.Messages) / ([double]$a.Seconds / [int]$small.Messages)
        $parts += '{0} {1:0.00}' -f ($key -replace '^module\.'), $growth
        $ok = $growth -le [double]$Target.Limit
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
        ("Mailbox: {0} messages, {1:0.0} MB, {2} with attachments, {3} seen, {4} flagged, {5} answered. Median of {6} runs after {7} warm-up round(s); seconds." -f $n, ([double]$Results.Mailbox.Bytes / $script:MB), $Results.Mailbox.WithAttachment, $Results.Mailbox.Seen, $Results.Mailbox.Flagged, $Results.Mailbox.Answered, $Results.Runs, $(if ($Results.PSObject.Properties['WarmUps']) { $Results.WarmUps } else { 1 }))
        ''
        (ConvertTo-MarkdownTable @(Get-SideBySide $Results))
        ''
    )
    $import = Get-Cell $Results 'module.import'
    if ($import) {
        $line = '`Import-Module`: pwsh -NoProfile starts in {0:0.000} s bare and {1:0.000} s with the import (medians of {2} starts each).' -f [double]$import.BareSeconds, [double]$import.WithImportSeconds, @($import.Runs).Count
        $floor = Get-Property $import 'EmptyModuleSeconds'
        if ($null -ne $floor) { $line += ' Importing an empty manifest module, started in the same loop, adds {0:0.000} s: what PowerShell charges for any import here.' -f [double]$floor }
        $lines += $line
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
    $lines += Get-MigrationSection $Results
    $extras = Get-Property $Results 'Extras'
    $wire = if ($extras) { Get-Property $extras 'Wire' } else { $null }
    if ($wire) {
        $lines += @('Bytes on the wire with and without `Connect-Imap -Compress` (bench/Measure-Wire.ps1): ' + $wire.Summary, '', (ConvertTo-MarkdownTable @(Format-WireRows $wire.Rows)), '')
    }
    $scale = if ($extras) { Get-Property $extras 'ScaleOut' } else { $null }
    if ($scale) {
        $lines += @('Scale-out: S sessions at once, one mailbox each, `ForEach-Object -Parallel` (bench/Measure-ScaleOut.ps1); throughput is S × messages over the wall time to the last one; "Machine busy" is the whole machine''s CPU (/proc/stat) against what its cores could give. ' + $scale.Summary, '', (ConvertTo-MarkdownTable @(Format-ScaleOutRows $scale.Rows)), '')
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

    $targetRows = foreach ($t in $script:Definition.Targets) {
        $o = [ordered]@{ Work = $t.Work; Target = $t.Target }
        foreach ($r in $all) {
            $column = '{0:N0}' -f [int]$r.Messages
            $o[$column] = if ($t.Check -eq 'Scaling') { '' } else { Format-Verdict (Get-TargetVerdict $r $t) }
        }
        if ($t.Check -eq 'Scaling' -and $all) { $o[('{0:N0}' -f [int]$all[-1].Messages)] = Format-Verdict (Get-ScalingVerdict $all $t) }
        [pscustomobject]$o
    }

    $doc = @(
        '# Performance'
        ''
        'Generated by `./build.ps1 -Task Bench [-Messages 10000] [-Runs 5]` (bench/Invoke-Bench.ps1); the part between the FINDINGS markers is written by hand and kept when the file is regenerated.'
        'Each run seeds a fresh local Dovecot (bench/Bench.Seed.ps1 Add-BenchMailbox with the size mix of bench/Targets.psd1: realistic sizes from 2 KB to 100 KB with a few larger, about 10% with attachments, flags mixed) and measures in one go, each the median of several runs after untimed warm-up rounds (enough for about 60,000 messages per client, so that .NET has compiled the hot code optimised: 60 rounds at 1,000 messages, 6 at 10,000, 1 at 100,000):'
        ''
        '- **the module** in one warm pwsh (bench/ModuleBench.ps1, `Measure-Command`): `Search-ImapFolder -Folder INBOX | Measure-Object`; `Search-ImapFolder -Folder INBOX | Save-ImapMessage -Path …`; `Save-Pop3Message -Path …`; the first `Sync-ImapFolder` and a no-change re-sync; `Set-ImapFlag -Add Flagged` then `-Remove Flagged` on every message (messages collected before the clock starts); the time `Import-Module` adds to `pwsh -NoProfile`; and, as the reference for what the module itself adds to summaries, MailKit''s own `Fetch` of the same items called from that same pwsh on the module''s connection, as a hand-rolled MailKit script would call it;'
        '- **raw MailKit** (bench/RawMailKit, same MailKit version, net10.0): `Fetch` of the same summary items as a default Search-ImapFolder (envelope, flags, size, internal date, UID; no BODYSTRUCTURE), opening INBOX first as the module does after its sync operations, `GetStreams` for whole messages written to disk, pipelined POP3 `GetStreams` in batches of 100, `GetStream` one message at a time for reference, a CONDSTORE no-change re-sync floor (SELECT, UID SEARCH ALL, FLAGS CHANGEDSINCE) and one `UID STORE` to set and one to clear the flag on all;'
        '- **mbsync** (isync) pulling INBOX into a Maildir on the same filesystem with `FSync no`, then a no-change re-sync;'
        '- **Python** `imaplib`/`poplib` (bench/pybench.py): one summary FETCH, whole messages in UID FETCH batches of 500, POP3 RETR one at a time (poplib cannot pipeline), one UID STORE to set and one to clear.'
        '- **mailbox migration** (bench/Bench.Migration.ps1, issue 17; from 1,000 to 20,000 messages): `Copy-ImapMailbox` against mbsync (IMAP-to-IMAP channel) and OfflineIMAP copying the INBOX into an empty mailbox, then a no-change run of each; its table closes each size''s section.'
        '- **two-way sync** (issue 16): the module''s first `Sync-ImapFolder -Direction Both` into an empty Maildir, a no-change `-Direction Both` run, and a `-Direction Both` run that pushes 1,000 local flag changes (`\Flagged` toggled by renames in `cur/` after an untimed run); mbsync the same with a `Sync All` channel on a Maildir of its own. Every first sync of the module runs with `-NoFlush`, the durability of mbsync''s `FSync no`.'
        ''
        'All clients use plaintext on loopback (the issues ask for it, so that TLS, which costs every client alike, does not dilute the ratios); output goes to the same tmpfs as the server''s Maildir. Dovecot''s rawlog is off while timing and on only for the command counts. Peak working-set growth is measured in a fresh pwsh per operation: the peak resident set during the operation (VmHWM, reset through /proc/self/clear_refs) minus the resident set before it. Benchmarks are not tests: no test asserts a time; `tests/Bench.Tests.ps1` only runs the harness on 200 messages.'
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

