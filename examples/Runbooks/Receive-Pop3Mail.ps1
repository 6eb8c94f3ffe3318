function Receive-Pop3Mail {
    <#
    .SYNOPSIS
        Runbook: POP3 collector. Downloads and deletes a mailbox's mail into a drop folder, each message exactly once; safe to re-run.
    .DESCRIPTION
        Delivers every message of the mailbox into -Path as a complete .eml file, once, and deletes it on the server:

        1. Save-Pop3Message writes the messages into a staging folder (-StagingPath, default <Path>/.incoming), named after
           their UIDL, and marks each for deletion only when its file is complete (-Delete). -SkipExisting marks a message
           whose file is already staged without downloading it again.
        2. Disconnect-Pop3 (QUIT) lets the server delete the marked messages.
        3. Only then are the staged files moved into -Path, where whatever consumes the drop folder picks them up.

        If anything fails before QUIT (a broken connection, a file that cannot be written), the session ends with
        Disconnect-Pop3 -Rollback: the server deletes nothing and nothing is delivered, and the next run delivers the staged
        files without downloading them again. If the run dies between QUIT and the move, the next run moves them. So no
        message is delivered twice or lost. Outputs the delivered files.
    .EXAMPLE
        . ./Receive-Pop3Mail.ps1
        Receive-Pop3Mail -Server pop.example.com -Credential $cred -Path /srv/drop/invoices
    .EXAMPLE
        # Every five minutes from cron or a scheduled task; a run that overlaps a failed one simply finishes its work.
        Receive-Pop3Mail -Server pop.example.com -Port 995 -Credential (Get-Secret scanner-pop3) -Path D:\Drop\Scans
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Mandatory)] [string] $Server,
        [Parameter(Mandatory)] [pscredential] $Credential,
        [int] $Port,
        [ValidateSet('Auto', 'StartTls', 'SslOnConnect', 'None')] [string] $Security = 'Auto',
        # The drop folder; only complete .eml files ever appear there.
        [Parameter(Mandatory)] [string] $Path,
        # Where messages wait until the server has deleted them; keep it on the same file system as -Path.
        [string] $StagingPath
    )

    if (-not $StagingPath) { $StagingPath = Join-Path $Path '.incoming' }
    $null = New-Item -ItemType Directory -Force -Path $Path, $StagingPath

    $connect = @{ Server = $Server; Credential = $Credential; Security = $Security; NotDefault = $true }
    if ($PSBoundParameters.ContainsKey('Port')) { $connect['Port'] = $Port }
    $pop3 = Connect-Pop3 @connect
    $saveErrors = $null
    try {
        $null = Save-Pop3Message -Session $pop3 -Path $StagingPath -Delete -SkipExisting -ErrorVariable saveErrors
    }
    catch {
        $saveErrors = @($_)
        Write-Error -ErrorRecord $_
    }
    if ($saveErrors) {
        # Nothing is deleted and nothing delivered; the staged files are kept for the next run.
        # RSET and QUIT; if the connection is gone the server deletes nothing anyway.
        try { Disconnect-Pop3 -Session $pop3 -Rollback -ErrorAction SilentlyContinue } catch { Write-Verbose "Disconnect-Pop3 -Rollback: $_" }
        Write-Warning "Nothing was delivered: $(@($saveErrors).Count) error(s) while downloading. The next run delivers the messages staged in '$StagingPath' without downloading them again."
        return
    }
    # QUIT: the server deletes the marked messages now. If this fails, the files stay staged.
    Disconnect-Pop3 -Session $pop3

    foreach ($file in @(Get-ChildItem -LiteralPath $StagingPath -Filter *.eml -File)) {
        $target = Join-Path $Path $file.Name
        $n = 0
        while (Test-Path -LiteralPath $target) {
            $n++
            $target = Join-Path $Path ('{0} ({1}){2}' -f $file.BaseName, $n, $file.Extension)
        }
        Move-Item -LiteralPath $file.FullName -Destination $target -PassThru
    }
}
