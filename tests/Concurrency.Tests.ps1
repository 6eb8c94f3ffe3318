# Concurrency: many sessions in parallel runspaces, and one session shared between threads.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:User = New-TestUser -Bed $Bed
    $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 60
    function Get-OpenSocketCount {
        @(Get-ChildItem /proc/self/fd -ErrorAction SilentlyContinue | Where-Object { $_.LinkTarget -like 'socket:*' }).Count
    }
}

Describe 'Parallel sessions' {
    It 'runs eight sessions doing mixed work in parallel for a minute without errors or leaked sockets' {
        $before = Get-OpenSocketCount
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        $results = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
            $ErrorActionPreference = 'Stop'
            Import-Module $using:env:MAILPROTOCOLS_MODULE
            $bed = $using:Bed
            $cred = ($using:User).Credential
            $worker = $_
            $rounds = 0
            $failures = [System.Collections.Generic.List[string]]::new()
            while ([DateTime]::UtcNow -lt $using:deadline) {
                try {
                    if ($worker % 2) {
                        $s = Connect-Imap -Server localhost -Port $bed.ImapPort -Credential $cred -NotDefault
                        $folders = @(Get-ImapFolder -Session $s)
                        $found = @(Search-ImapFolder -Session $s -Folder INBOX)
                        if ($found.Count -ne 60 -or $folders.Count -lt 1) { $failures.Add("imap saw $($found.Count) messages") }
                        $s | Disconnect-Imap
                    }
                    else {
                        $s = Connect-Pop3 -Server localhost -Port $bed.Pop3Port -Credential $cred -NotDefault
                        $box = Get-Pop3Mailbox -Session $s
                        $listed = @(Get-Pop3Message -Session $s -First 10)
                        if ($box.Count -ne 60 -or $listed.Count -ne 10) { $failures.Add("pop3 saw $($box.Count)/$($listed.Count)") }
                        $s | Disconnect-Pop3 -Rollback
                    }
                    $rounds++
                }
                catch { $failures.Add("$($_.FullyQualifiedErrorId): $_") }
            }
            [pscustomobject]@{ Worker = $worker; Rounds = $rounds; Failures = $failures.ToArray() }
        }
        $results | Should -HaveCount 8
        $results | ForEach-Object { $_.Failures | Should -BeNullOrEmpty -Because "worker $($_.Worker) ran $($_.Rounds) rounds" }
        ($results | Measure-Object Rounds -Minimum).Minimum | Should -BeGreaterThan 0
        (Get-OpenSocketCount) - $before | Should -BeLessOrEqual 2
    }

    It 'serializes one session shared between threads, and every thread gets correct answers' {
        $s = Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -Credential $User.Credential -NotDefault
        try {
            $answers = 1..16 | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module $using:env:MAILPROTOCOLS_MODULE
                $session = $using:s
                try {
                    $listed = @(Get-Pop3Message -Session $session -ErrorAction Stop)
                    "$($listed.Count):$(($listed.Uid | Sort-Object) -join ',')"
                }
                catch { "error: $($_.FullyQualifiedErrorId)" }
            }
            $expected = @(Get-Pop3Message -Session $s)
            $expectedKey = "$($expected.Count):$(($expected.Uid | Sort-Object) -join ',')"
            $answers | ForEach-Object { $_ | Should -Be $expectedKey }
            (Get-Pop3Mailbox -Session $s).Count | Should -Be 60
        }
        finally { $s | Disconnect-Pop3 -Rollback }
    }
}
