# Benchmark harness smoke run: bench/Invoke-Bench.ps1 end to end on 200 messages against the shared bed,
# so the harness does not rot. Benchmarks are not timed tests: nothing here asserts a duration.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:ResultsDirectory = Join-Path $TestDrive 'results'
    $script:ReportPath = Join-Path $TestDrive 'performance.md'
    $script:Result = & (Join-Path $PSScriptRoot '../bench/Invoke-Bench.ps1') -Bed $Bed -ModulePath $env:MAILPROTOCOLS_MODULE `
        -Messages 200 -Runs 1 -WarmUps 1 -ImportRuns 1 -BigMessageMB 4 -MemoryScenario ImapDownload, Pop3Big -ScaleOutSessions 1, 2 `
        -ReportPath $ReportPath -ResultsDirectory $ResultsDirectory -PassThru -Migration On -MigrationTool Copy-ImapMailbox, mbsync 6>$null
    $script:Exported = @((Get-Module MailProtocols).ExportedCmdlets.Keys)
}

Describe 'Benchmark harness' {
    It 'has a consistent bench/Targets.psd1: every key a row or target names is measured' {
        $definition = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../bench/Targets.psd1')
        $keys = @($definition.Measurements.Key) + 'module.import' + @($definition.MigrationKeys)
        $keys | Group-Object | Where-Object Count -GT 1 | ForEach-Object Name | Should -BeNullOrEmpty -Because 'a key is measured once'
        foreach ($row in $definition.Rows) {
            foreach ($column in 'Module', 'Raw', 'Mbsync', 'Python') { if ($row[$column]) { $row[$column] | Should -BeIn $keys -Because $row.Work } }
        }
        foreach ($target in $definition.Targets) {
            $target.Check | Should -BeIn @('Ratio', 'MaxSeconds', 'MaxGrowthMB', 'Scaling', 'RoundTrips', 'WireRatio', 'ScaleOut') -Because $target.Id
            foreach ($key in @($target['Key'], $target['Versus']) + @($target['Keys']) | Where-Object { $_ }) { $key | Should -BeIn $keys -Because $target.Id }
        }
        foreach ($m in $definition.Measurements) { $m.Client | Should -BeIn @('module', 'raw', 'python', 'mbsync') -Because $m.Key }
    }

    It 'seeds the realistic mix: 200 messages, about 10% with attachments, flags mixed' {
        $Result.Mailbox.Count | Should -Be 200
        $Result.Mailbox.WithAttachment | Should -BeIn (18..22)
        $Result.Mailbox.Seen | Should -BeGreaterThan 0
        $Result.Mailbox.Flagged | Should -BeGreaterThan 0
        $Result.Mailbox.Bytes / $Result.Mailbox.Count | Should -BeGreaterThan 4000
    }

    It 'measures raw MailKit and Python on every message' {
        foreach ($key in 'raw.summaries', 'raw.getstreams', 'raw.getstream', 'raw.pop3', 'python.summaries', 'python.download', 'python.pop3') {
            $m = $Result.Measurements.$key
            $m.Status | Should -Be 'ok' -Because $key
            $m.Messages | Should -Be 200 -Because $key
            $m.Seconds | Should -BeGreaterThan 0 -Because $key
        }
        $Result.Measurements.'raw.getstreams'.Bytes | Should -Be $Result.Mailbox.Bytes
        $Result.Measurements.'raw.resync'.Status | Should -Be 'ok'
        $Result.Measurements.'raw.flags'.Status | Should -Be 'ok'
    }

    It 'measures mbsync when it is installed' -Skip:(-not (Get-Command mbsync -ErrorAction SilentlyContinue)) {
        $Result.Measurements.'mbsync.full'.Status | Should -Be 'ok'
        $Result.Measurements.'mbsync.full'.Messages | Should -Be 200
        $Result.Measurements.'mbsync.resync'.Status | Should -Be 'ok'
    }

    It 'measures every module cmdlet that exists and marks the others not available yet' {
        $needs = @{
            Summaries = @('Search-ImapFolder'); ImapDownload = @('Search-ImapFolder', 'Save-ImapMessage'); Pop3Download = @('Save-Pop3Message')
            SyncFirst = @('Sync-ImapFolder'); SyncAgain = @('Sync-ImapFolder'); Flags = @('Search-ImapFolder', 'Set-ImapFlag')
        }
        foreach ($name in $needs.Keys) {
            $m = $Result.Measurements."module.$name"
            if (@($needs[$name] | Where-Object { $_ -notin $Exported }).Count -gt 0) {
                $m.Status | Should -Be 'not available yet' -Because $name
            }
            else {
                $m.Status | Should -Be 'ok' -Because $name
                $m.Messages | Should -Be 200 -Because $name
                $Result.Counts.$name.Status | Should -Be 'ok' -Because $name
                $Result.Counts.$name.Commands | Should -BeGreaterThan 0 -Because "$name must show up in the rawlog"
            }
        }
        # The reference for Summaries: MailKit's Fetch called in the module's own pwsh, on the module's connection.
        $Result.Measurements.'module.SummariesMailKit'.Status | Should -Be 'ok'
        $Result.Measurements.'module.SummariesMailKit'.Messages | Should -Be 200
        $Result.Measurements.'module.import'.Status | Should -Be 'ok'
        # The floor PowerShell charges for importing any module, measured in the same loop.
        $Result.Measurements.'module.import'.EmptyModuleSeconds | Should -BeGreaterOrEqual 0
    }

    It 'measures peak working-set growth in a fresh pwsh' {
        @($Result.Memory.PSObject.Properties.Name) | Should -Be @('ImapDownload', 'Pop3Big')
        foreach ($p in $Result.Memory.PSObject.Properties) {
            $p.Value.Status | Should -BeIn @('ok', 'not available yet') -Because $p.Name
            if ($p.Value.Status -eq 'ok') { $p.Value.PeakMB | Should -BeGreaterThan 0 -Because $p.Name }
        }
        if ('Save-Pop3Message' -in $Exported) { $Result.Memory.Pop3Big.Messages | Should -Be 1 }
    }

    It 'records bytes on the wire with and without -Compress, and the scale-out curve' {
        $wire = $Result.Extras.Wire
        @($wire.Rows.Work) | Should -Be @('Summaries', 'First sync')
        foreach ($row in $wire.Rows) {
            $row.Bytes | Should -BeGreaterThan 0 -Because $row.Work
            $row.CompressedBytes | Should -BeLessThan $row.Bytes -Because "$($row.Work) is compressed"
        }
        $scale = $Result.Extras.ScaleOut
        $scale.Cores | Should -BeGreaterThan 0
        @($scale.Rows | ForEach-Object { "$($_.Work)/$($_.Sessions)" }) | Should -Be @('Summaries/1', 'Summaries/2', 'First sync/1', 'First sync/2')
        foreach ($row in $scale.Rows) { $row.Throughput | Should -BeGreaterThan 0 -Because "$($row.Work) with $($row.Sessions)" }
        $report = Get-Content -Raw $ReportPath
        $report | Should -Match 'Bytes on the wire with and without'
        $report | Should -Match 'Scale-out: S sessions at once'
    }

    It 'writes the results file and the report with the targets table and a section for the size' {
        Test-Path (Join-Path $ResultsDirectory 'bench-200.json') | Should -BeTrue
        $report = Get-Content -Raw $ReportPath
        $report | Should -Match '## Targets'
        $summaries = (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../bench/Targets.psd1')).Targets | Where-Object Id -EQ 'Summaries'
        $report | Should -Match ([regex]::Escape("| Summaries | $($summaries.Target) |"))
        $report | Should -Match '## 200 messages'
        $report | Should -Match 'Measured .* on \d+ CPUs'
        $report | Should -Match '<!-- FINDINGS -->'
        $report | Should -Not -Match 'failed'
    }

    It 'measures the mailbox migration: Copy-ImapMailbox (and mbsync when installed) copy all 200 messages, then nothing, and the report has the table and both targets' {
        $m = $Result.Measurements.'module.MigrateFirst'
        $m.Status | Should -Be 'ok'
        $m.Seconds | Should -BeGreaterThan 0
        $m.CpuSeconds | Should -BeGreaterThan 0
        $Result.Measurements.'module.MigrateAgain'.Status | Should -Be 'ok'
        $Result.Migration.Rows[0].Tool | Should -Be 'Copy-ImapMailbox'
        if (Get-Command mbsync -ErrorAction SilentlyContinue) {
            $Result.Measurements.'mbsync.migrate'.Status | Should -Be 'ok'
            $Result.Measurements.'migrate.fastest'.Seconds | Should -Be $Result.Measurements.'mbsync.migrate'.Seconds
        }
        $report = Get-Content -Raw $ReportPath
        $report | Should -Match 'Mailbox migration \(issue 17\)'
        $report | Should -Match '\| Copy-ImapMailbox \| \d'
        $report | Should -Match ([regex]::Escape('| Copy-ImapMailbox, second run with nothing to copy (issue 17) | under 1 s at 10,000 messages |'))
    }
}
