# The MailKit client behind a module session, for the measurements that call MailKit directly on the module's own
# connection (ModuleBench.ps1's SummariesMailKit, Measure-SummaryBreakdown.ps1). Dot-sourced by bench/Bench.psm1
# and by ModuleBench.ps1, which runs in its own pwsh.

function Get-SessionMailKit {
    <#
    The client of an ImapSession and what a default summary asks for (ImapMessageReader.SummaryItems: no
    BODYSTRUCTURE). -> @{ Client; Assembly (MailKit's, to name its types); Request (a FetchRequest); ReadOnly }
    #>
    param([Parameter(Mandatory)] $Session)
    # The client belongs to the session's engine (MailProtocols.Core's ImapConnection) and lives in the module's
    # private load context, so its types are reached through its own assembly.
    $nonPublic = [Reflection.BindingFlags]'NonPublic,Instance'
    $engine = $Session.GetType().GetProperty('Engine', $nonPublic).GetValue($Session)
    $client = $engine.GetType().GetProperty('Client', $nonPublic).GetValue($engine)
    $mailKit = $client.GetType().Assembly
    $items = [Enum]::Parse($mailKit.GetType('MailKit.MessageSummaryItems'), 'UniqueId,Flags,InternalDate,Size,Envelope')
    @{
        Client   = $client
        Assembly = $mailKit
        Request  = [Activator]::CreateInstance($mailKit.GetType('MailKit.FetchRequest'), @($items))
        ReadOnly = [Enum]::Parse($mailKit.GetType('MailKit.FolderAccess'), 'ReadOnly')
    }
}
