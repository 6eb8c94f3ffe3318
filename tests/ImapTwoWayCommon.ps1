# Dot-sourced (after Common.ps1, ImapCommon.ps1 and ImapLiveCommon.ps1) by the two-way sync tests: both sides
# described the same way, Message-ID -> Maildir flag letters, so results of different tools compare directly.

function Get-ServerFlagState {
    # Message-ID -> flag letters of every message in a server folder, read with the Python client.
    param([Parameter(Mandatory)] $User, [string] $Folder = 'INBOX', $TestBed = $script:Bed)
    $state = @{}
    $status = Invoke-MailCheck -Bed $TestBed -User $User -Command imap-status -Arguments $Folder
    if ($status.messages -eq 0) { return $state }
    $messages = Invoke-MailCheck -Bed $TestBed -User $User -Command imap-messages -Arguments $Folder, '--uids', '1:*'
    foreach ($m in $messages) {
        $state[$m.message_id.Trim('<', '>')] = ConvertTo-MaildirLetters $m.flags
    }
    $state
}

function Get-MessageIdOfFile {
    param([Parameter(Mandatory)] [string] $Path)
    foreach ($line in [System.IO.File]::ReadLines($Path)) {
        if ($line -eq '') { break }
        if ($line -match '^Message-ID:\s*<?([^>\s]+)>?') { return $Matches[1] }
    }
}

function Get-LocalFlagState {
    # Message-ID -> upper-case flag letters of every message file in a Maildir folder (cur/ and new/).
    param([Parameter(Mandatory)] [string] $Directory)
    $state = @{}
    foreach ($file in Get-ChildItem -LiteralPath (Join-Path $Directory 'cur'), (Join-Path $Directory 'new') -File -ErrorAction SilentlyContinue) {
        $letters = if ($file.Name -match ':2,(.*)$') { -join ($Matches[1].ToCharArray() | Where-Object { $_ -cmatch '[DFPRST]' } | Sort-Object -CaseSensitive) } else { '' }
        $state[(Get-MessageIdOfFile $file.FullName)] = $letters
    }
    $state
}

function Find-LocalMessage {
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $MessageId)
    Get-ChildItem -LiteralPath (Join-Path $Directory 'cur'), (Join-Path $Directory 'new') -File -ErrorAction SilentlyContinue |
        Where-Object { (Get-MessageIdOfFile $_.FullName) -eq $MessageId } | Select-Object -First 1
}

function Set-LocalLetters {
    # What a mail reader does to change flags: rename the file in cur/ to ':2,<letters>'.
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $MessageId, [string] $Letters = '')
    $file = Find-LocalMessage -Directory $Directory -MessageId $MessageId
    $base = $file.Name -replace ':2,.*$', ''
    Move-Item -LiteralPath $file.FullName -Destination (Join-Path $Directory "cur/${base}:2,$Letters")
}

function Remove-LocalMessage {
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $MessageId)
    Remove-Item -LiteralPath (Find-LocalMessage -Directory $Directory -MessageId $MessageId).FullName
}

function New-LocalMessage {
    # A message another program delivered into the Maildir: a unique name of its own, in new/ (no flags) or cur/.
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $MessageId, [string] $Letters,
        [datetime] $Modified = [datetime]::UtcNow.AddDays(-3))
    $bytes = [Text.Encoding]::ASCII.GetBytes("From: Local <local@example.com>`r`nTo: me@example.com`r`nSubject: local $MessageId`r`nMessage-ID: <$MessageId>`r`nDate: Mon, 1 Jan 2024 10:00:00 +0000`r`n`r`nWritten offline.`r`n")
    $unique = "$([DateTimeOffset]::UtcNow.ToUnixTimeSeconds()).M$([guid]::NewGuid().ToString('N').Substring(0, 12)).offline"
    $path = if ($PSBoundParameters.ContainsKey('Letters')) { Join-Path $Directory "cur/${unique}:2,$Letters" } else { Join-Path $Directory "new/$unique" }
    [System.IO.File]::WriteAllBytes($path, $bytes)
    (Get-Item -LiteralPath $path).LastWriteTimeUtc = $Modified
    Get-Item -LiteralPath $path
}

function Add-ServerMessages {
    # -Count messages with Message-IDs '<Prefix>-<n>@test' straight into the user's Maildir on the server side.
    param([Parameter(Mandatory)] $User, [string] $Folder = 'INBOX', [int] $Count = 1, [string] $Prefix = 'm', [string] $Flags = '', [int] $Start = 1, $TestBed = $script:Bed)
    for ($i = $Start; $i -lt $Start + $Count; $i++) {
        $null = Add-TestMessage -Bed $TestBed -User $User -Folder $Folder -Subject "$Prefix $i" -MessageId "<$Prefix-$i@test>" -Flags $Flags
    }
}

function Set-ServerFlags {
    # UID STORE through the Python client on the messages with these Message-IDs: 'add' or 'remove'.
    param([Parameter(Mandatory)] $User, [string] $Folder = 'INBOX', [Parameter(Mandatory)] [string[]] $MessageId,
        [ValidateSet('add', 'remove')] [string] $Operation = 'add', [Parameter(Mandatory)] [string[]] $Flags, $TestBed = $script:Bed)
    # Invoke-MailCheck returns the list as one object: enumerate it from a variable.
    $messages = Invoke-MailCheck -Bed $TestBed -User $User -Command imap-messages -Arguments $Folder, '--uids', '1:*'
    $uids = foreach ($m in $messages) {
        if ($MessageId -contains $m.message_id.Trim('<', '>')) { $m.uid }
    }
    $op = if ($Operation -eq 'add') { '+FLAGS' } else { '-FLAGS' }
    # '--' so that argparse takes '-FLAGS' for the operation, not for an option.
    $null = Invoke-MailCheck -Bed $TestBed -User $User -Command imap-store -Arguments (@($Folder, '--', ($uids -join ','), $op) + $Flags)
}
