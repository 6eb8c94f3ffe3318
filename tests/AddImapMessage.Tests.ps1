# Add-ImapMessage with piped IMAP summaries: downloads and appends go batch by batch, and big piped
# messages are batched by size like big files.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    $script:User = New-TestUser -Bed $Bed
}

Describe 'Add-ImapMessage with piped IMAP messages' {
    It 'appends the first batch before it has downloaded the last one' {
        $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 250 -Folder 'Source'
        $log = Join-Path $TestDrive 'batches.log'
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -ProtocolLogPath $log -NotDefault
        try {
            $null = New-ImapFolder -Session $s -Name 'Copies'
            $added = @(Search-ImapFolder -Session $s -Folder 'Source' | Add-ImapMessage -Session $s -Folder 'Copies')
            $added.Count | Should -Be 250
        }
        finally { $s | Disconnect-Imap }

        $commands = @(Get-ImapClientCommands -Path $log)
        $downloads = @(0..($commands.Count - 1) | Where-Object { $commands[$_] -match '^UID FETCH .*BODY\.PEEK\[\]' })
        $appends = @(0..($commands.Count - 1) | Where-Object { $commands[$_] -match '^APPEND ' })
        $downloads.Count | Should -BeGreaterThan 1
        $appends.Count | Should -Be 3 -Because '250 messages go in batches of 100'
        $appends[0] | Should -BeLessThan $downloads[-1] -Because 'the first batch is appended before the last one is downloaded'
        (Invoke-MailCheck -Bed $Bed -User $User -Command imap-status -Arguments @('Copies')).messages | Should -Be 250
    }

    It 'batches piped messages by their size, as it does files' {
        # Four 9 MB messages: about 25 MB per APPEND means three in the first command and one in the second.
        $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 4 -Folder 'Big' -SizeBytes (9MB)
        $log = Join-Path $TestDrive 'big.log'
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -ProtocolLogPath $log -NotDefault -TimeoutSec 60
        try {
            $null = New-ImapFolder -Session $s -Name 'BigCopies'
            $added = @(Search-ImapFolder -Session $s -Folder 'Big' | Add-ImapMessage -Session $s -Folder 'BigCopies')
            $added.Count | Should -Be 4
        }
        finally { $s | Disconnect-Imap }

        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^APPEND ' }).Count | Should -Be 2
    }
}
