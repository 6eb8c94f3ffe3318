using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    /// <summary>Remove-ImapSubscription: Ends the subscription to folders (UNSUBSCRIBE); Get-ImapFolder -Subscribed shows the result.</summary>
    [Cmdlet(VerbsCommon.Remove, "ImapSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class RemoveImapSubscriptionCommand : ImapSessionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string[] Folder { get; set; }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            foreach (string name in Folder)
            {
                if (ShouldProcess($"folder '{name}' on {session.Server}", "Unsubscribe"))
                {
                    TryInvoke(name, () => ImapFolderOperations.SetSubscribed(session, name, false, CancellationToken));
                }
            }
        }
    }
}
