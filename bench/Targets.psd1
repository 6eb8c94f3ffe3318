# What the benchmark measures and what it compares: read by bench/Bench.psm1 (Import-PowerShellDataFile).
# To add a benchmark: give ModuleBench.ps1 (and, for a comparison, RawMailKit/pybench.py) an operation,
# then add its Measurements entry, a Rows entry for the side-by-side table and, if it has one, a Targets entry.
# See bench/README.md.
@{
    # The seeded mailbox: realistic mail, most messages a few KB, a tail to 100 KB and a few beyond; 10% carry
    # an attachment. About 75-80 MB per 10,000 messages. Percent of the messages, body bytes, attachment bytes (0 = none).
    SizeMix         = @(
        @{ Percent = 33; Body = 2000; Attachment = 0 }
        @{ Percent = 21; Body = 3000; Attachment = 0 }
        @{ Percent = 15; Body = 5000; Attachment = 0 }
        @{ Percent = 9; Body = 8000; Attachment = 0 }
        @{ Percent = 6; Body = 12000; Attachment = 0 }
        @{ Percent = 3.5; Body = 20000; Attachment = 0 }
        @{ Percent = 1.6; Body = 35000; Attachment = 0 }
        @{ Percent = 0.5; Body = 60000; Attachment = 0 }
        @{ Percent = 0.3; Body = 100000; Attachment = 0 }
        @{ Percent = 0.1; Body = 250000; Attachment = 0 }
        @{ Percent = 5.5; Body = 2500; Attachment = 4000 }
        @{ Percent = 3; Body = 2500; Attachment = 12000 }
        @{ Percent = 1.2; Body = 2500; Attachment = 36000 }
        @{ Percent = 0.3; Body = 2500; Attachment = 90000 }
    )

    # Every timed measurement, in the order the interleaved rounds run them (the table's columns, work by work).
    # Client: module (ModuleBench.ps1 -Mode Serve), raw (RawMailKit --serve), python (pybench.py --serve), mbsync.
    # Operation: the name that client answers to. Phase 2 runs after every phase-1 round: setting flags raises the
    # folder's HIGHESTMODSEQ, which would turn the next "no-change" re-sync into a flag sync.
    # SkipAbove: left out above that many messages (the cost grows with round trips and shows nothing new).
    Measurements    = @(
        @{ Key = 'module.Summaries'; Client = 'module'; Operation = 'Summaries' }
        @{ Key = 'raw.summaries'; Client = 'raw'; Operation = 'summaries' }
        @{ Key = 'module.SummariesMailKit'; Client = 'module'; Operation = 'SummariesMailKit' }
        @{ Key = 'python.summaries'; Client = 'python'; Operation = 'summaries' }
        @{ Key = 'module.ImapDownload'; Client = 'module'; Operation = 'ImapDownload' }
        @{ Key = 'raw.getstreams'; Client = 'raw'; Operation = 'getstreams' }
        @{ Key = 'mbsync.full'; Client = 'mbsync'; Operation = 'full' }
        @{ Key = 'python.download'; Client = 'python'; Operation = 'download' }
        @{ Key = 'raw.getstream'; Client = 'raw'; Operation = 'getstream'; SkipAbove = 20000 }
        @{ Key = 'module.Pop3Download'; Client = 'module'; Operation = 'Pop3Download' }
        @{ Key = 'raw.pop3'; Client = 'raw'; Operation = 'pop3' }
        @{ Key = 'python.pop3'; Client = 'python'; Operation = 'pop3' }
        @{ Key = 'module.SyncFirst'; Client = 'module'; Operation = 'SyncFirst' }
        @{ Key = 'module.SyncAgain'; Client = 'module'; Operation = 'SyncAgain' }
        @{ Key = 'raw.resync'; Client = 'raw'; Operation = 'resync' }
        @{ Key = 'mbsync.resync'; Client = 'mbsync'; Operation = 'resync' }
        @{ Key = 'module.Flags'; Client = 'module'; Operation = 'Flags'; Phase = 2 }
        @{ Key = 'raw.flags'; Client = 'raw'; Operation = 'flags'; Phase = 2 }
        @{ Key = 'python.flags'; Client = 'python'; Operation = 'flags'; Phase = 2 }
        @{ Key = 'module.SyncBothFirst'; Client = 'module'; Operation = 'SyncBothFirst' }
        @{ Key = 'module.SyncBothAgain'; Client = 'module'; Operation = 'SyncBothAgain' }
        @{ Key = 'mbsync.bothagain'; Client = 'mbsync'; Operation = 'bothagain' }
        @{ Key = 'module.PushFlags'; Client = 'module'; Operation = 'PushFlags'; Phase = 2 }
        @{ Key = 'mbsync.pushflags'; Client = 'mbsync'; Operation = 'pushflags'; Phase = 2 }
    )

    # Module operations run once with Dovecot's rawlog on, to count commands and round trips.
    CountOperations = @('Summaries', 'ImapDownload', 'Pop3Download', 'SyncFirst', 'SyncAgain', 'Flags', 'SyncBothFirst', 'SyncBothAgain', 'PushFlags')

    # Module operations whose peak working-set growth is measured, each in a fresh pwsh (the *Big ones need -BigMessageMB).
    MemoryScenarios = @('Summaries', 'ImapDownload', 'Pop3Download', 'SyncFirst', 'ImapBig', 'Pop3Big')

    # The rows of the side-by-side table: the module's measurement and what it is compared with (keys above).
    Rows            = @(
        @{ Work = 'Summaries of the whole folder'; Module = 'module.Summaries'; Raw = 'raw.summaries'; Python = 'python.summaries' }
        @{ Work = 'Summaries, against MailKit''s Fetch called in the same pwsh (a hand-rolled script)'; Module = 'module.Summaries'; Raw = 'module.SummariesMailKit'; NoScaling = $true }
        @{ Work = 'Full IMAP download'; Module = 'module.ImapDownload'; Raw = 'raw.getstreams'; Mbsync = 'mbsync.full'; Python = 'python.download' }
        @{ Work = 'IMAP one message at a time (GetStream, anti-pattern)'; Raw = 'raw.getstream' }
        @{ Work = 'POP3 download'; Module = 'module.Pop3Download'; Raw = 'raw.pop3'; Python = 'python.pop3' }
        @{ Work = 'First sync into a Maildir'; Module = 'module.SyncFirst'; Mbsync = 'mbsync.full' }
        @{ Work = 'No-change re-sync'; Module = 'module.SyncAgain'; Raw = 'raw.resync'; Mbsync = 'mbsync.resync' }
        @{ Work = 'Set and clear a flag on every message'; Module = 'module.Flags'; Raw = 'raw.flags'; Python = 'python.flags' }
        @{ Work = 'Import-Module (added to pwsh -NoProfile)'; Module = 'module.import'; NoScaling = $true }
        @{ Work = 'Two-way first sync (-Direction Both) into a Maildir'; Module = 'module.SyncBothFirst'; Mbsync = 'mbsync.full' }
        @{ Work = 'No-change two-way run (the local scan included)'; Module = 'module.SyncBothAgain'; Mbsync = 'mbsync.bothagain' }
        @{ Work = 'Push 1,000 local flag changes (two-way run)'; Module = 'module.PushFlags'; Mbsync = 'mbsync.pushflags'; NoScaling = $true }
    )

    # The targets table. Check names how the verdict is computed (bench/Bench.Report.ps1 Get-TargetVerdict):
    #   Ratio       Key's seconds / Versus's seconds <= Limit
    #   MaxSeconds  Key's seconds <= Limit
    #   MaxGrowthMB every memory scenario named in Scenarios grows by <= Limit MB
    #   Scaling     seconds per message of each of Keys at the largest size / at the smallest >= 1,000 <= Limit
    #   RoundTrips  every counted operation needs <= max(Allowance, messages / MessagesPerRoundTrip + Allowance) round trips
    #   WireRatio   bench/Measure-Wire.ps1's Row: bytes with -Compress / bytes without <= Limit
    #   ScaleOut    bench/Measure-ScaleOut.ps1: throughput with Sessions sessions / with one >= Limit, for every work measured
    Targets         = @(
        @{ Id = 'Summaries'; Work = 'Summaries'; Target = '≤ 1.1× raw MailKit fetching the same items'; Check = 'Ratio'; Key = 'module.Summaries'; Versus = 'raw.summaries'; Limit = 1.1 }
        @{ Id = 'SummariesSameProcess'; Work = 'Summaries, against MailKit called in the same pwsh (reference: what the module adds)'; Target = '≤ 1.1× MailKit''s Fetch of the same items in the module''s process'; Check = 'Ratio'; Key = 'module.Summaries'; Versus = 'module.SummariesMailKit'; Limit = 1.1 }
        @{ Id = 'ImapDownload'; Work = 'Full IMAP download'; Target = '≤ 1.5× mbsync. Our real goal is to match or beat it: consider a second connection for large folders if it helps.'; Check = 'Ratio'; Key = 'module.ImapDownload'; Versus = 'mbsync.full'; Limit = 1.5 }
        @{ Id = 'Pop3Download'; Work = 'POP3 download'; Target = '≤ 1.5× raw pipelined MailKit'; Check = 'Ratio'; Key = 'module.Pop3Download'; Versus = 'raw.pop3'; Limit = 1.5 }
        @{ Id = 'Resync'; Work = 'No-change re-sync of 10,000 messages'; Target = '≤ 0.5 s, nearly flat from 10,000 to 100,000 with CONDSTORE'; Check = 'MaxSeconds'; Key = 'module.SyncAgain'; Limit = 0.5 }
        @{ Id = 'Memory'; Work = 'Peak working-set growth during a 10,000-message download, and during a 200 MB message'; Target = '≤ 100 MB'; Check = 'MaxGrowthMB'; Scenarios = @('ImapDownload', 'Pop3Download', 'ImapBig', 'Pop3Big', 'SyncFirst'); Limit = 100 }
        @{ Id = 'Import'; Work = '`Import-Module`'; Target = 'adds ≤ 0.15 s'; Check = 'MaxSeconds'; Key = 'module.import'; Limit = 0.15 }
        @{ Id = 'Scaling'; Work = 'Scaling from 1,000 to 100,000 messages'; Target = 'linear'; Check = 'Scaling'; Keys = @('module.Summaries', 'module.ImapDownload', 'module.Pop3Download', 'module.SyncFirst', 'module.Flags'); Limit = 1.5 }
        @{ Id = 'Compress'; Work = '`Connect-Imap -Compress`: bytes of a first sync'; Target = 'cut by at least half (the time it costs is stated)'; Check = 'WireRatio'; Row = 'First sync'; Limit = 0.5 }
        @{ Id = 'ScaleOut'; Work = 'Scale-out: throughput with 2 sessions'; Target = '≥ 1.6× one session on this 2-core machine, or the findings say what limits it'; Check = 'ScaleOut'; Sessions = 2; Limit = 1.6 }
        @{ Id = 'FirstSync'; Work = 'First sync into an empty Maildir (issue 16)'; Target = '≤ 1.0× mbsync (FSync no)'; Check = 'Ratio'; Key = 'module.SyncFirst'; Versus = 'mbsync.full'; Limit = 1.0 }
        @{ Id = 'TwoWayFirst'; Work = 'Two-way first sync (-Direction Both) into an empty Maildir (issue 16)'; Target = '≤ 1.0× mbsync (FSync no), the same as a pull'; Check = 'Ratio'; Key = 'module.SyncBothFirst'; Versus = 'mbsync.full'; Limit = 1.0 }
        @{ Id = 'TwoWayResync'; Work = 'No-change two-way run, the local scan included (issue 16)'; Target = '≤ 0.5 s over 100,000 messages with CONDSTORE'; Check = 'MaxSeconds'; Key = 'module.SyncBothAgain'; Limit = 0.5 }
        @{ Id = 'PushFlags'; Work = 'Pushing 1,000 local flag changes (issue 16)'; Target = '≤ 1.0× mbsync (Sync All) pushing the same changes; a handful of commands (Commands row)'; Check = 'Ratio'; Key = 'module.PushFlags'; Versus = 'mbsync.pushflags'; Limit = 1.0 }
        @{ Id = 'Commands'; Work = 'Protocol commands'; Target = 'grow only with batching; the protocol log shows no per-message round trips'; Check = 'RoundTrips'; MessagesPerRoundTrip = 20; Allowance = 10 }
        @{ Id = 'Migration'; Work = 'Copy-ImapMailbox, first copy of a mailbox, IMAP to IMAP (issue 17)'; Target = '≤ 1.0× the faster of mbsync and OfflineIMAP'; Check = 'Ratio'; Key = 'module.MigrateFirst'; Versus = 'migrate.fastest'; Limit = 1.0 }
        @{ Id = 'MigrationAgain'; Work = 'Copy-ImapMailbox, second run with nothing to copy (issue 17)'; Target = 'under 1 s at 10,000 messages'; Check = 'MaxSeconds'; Key = 'module.MigrateAgain'; Limit = 1.0 }
    )

    # The migration measurement (bench/Bench.Migration.ps1, Invoke-Bench.ps1 -Migration) is not one of the interleaved
    # Measurements above: it measures these keys itself. migrate.fastest is the faster first copy of mbsync and OfflineIMAP.
    MigrationKeys   = @('module.MigrateFirst', 'module.MigrateAgain', 'mbsync.migrate', 'mbsync.migrateAgain', 'offlineimap.migrate', 'offlineimap.migrateAgain', 'migrate.fastest')
}
