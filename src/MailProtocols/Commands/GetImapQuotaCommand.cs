using System;
using System.Management.Automation;

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
            ImapQuota quota;
            try
            {
                quota = ImapQuotaReader.Read(session, Folder, CancellationToken);
            }
            catch (MailProtocolException ex) when (ex.Reason == ImapQuotaReader.NotSupportedReason)
            {
                // No folder of this server can answer, so the command stops instead of failing each one.
                ThrowMailError(ex, session);
                return;
            }
            catch (MailProtocolException ex)
            {
                WriteMailError(ex, Folder);
                return;
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            WriteObject(quota);
        }
    }
}
