using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    /// <summary>Get-ImapQuota: storage and message usage and limits of the quota root of a folder (GETQUOTAROOT).</summary>
    [Cmdlet(VerbsCommon.Get, "ImapQuota")]
    [OutputType(typeof(ImapQuota))]
    public sealed class GetImapQuotaCommand : ImapSessionCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; } = "INBOX";

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            TryInvokeOrStop(Folder, session, ImapQuotaReader.NotSupportedReason, () => WriteObject(ImapQuotaReader.Read(session, Folder, CancellationToken)));
        }
    }
}
