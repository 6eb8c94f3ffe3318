using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    /// <summary>Add-ImapSubscription: Subscribes the user to folders (SUBSCRIBE); Get-ImapFolder -Subscribed shows the result.</summary>
    [Cmdlet(VerbsCommon.Add, "ImapSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class AddImapSubscriptionCommand : ImapSessionCmdlet
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
                if (ShouldProcess($"folder '{name}' on {session.Server}", "Subscribe"))
                {
                    TryInvoke(name, () => ImapFolderOperations.SetSubscribed(session, name, true, CancellationToken));
                }
            }
        }
    }
}
