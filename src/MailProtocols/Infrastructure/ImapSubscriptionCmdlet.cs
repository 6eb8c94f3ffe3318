using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    /// <summary>
    /// Add-ImapSubscription and Remove-ImapSubscription: the same folders in, one SUBSCRIBE or UNSUBSCRIBE
    /// each, asked about first; only the direction differs.
    /// </summary>
    public abstract class ImapSubscriptionCmdlet : ImapSessionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string[] Folder { get; set; }

        /// <summary>True to subscribe, false to end the subscription.</summary>
        private protected abstract bool Subscribe { get; }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            foreach (string name in Folder)
            {
                if (ShouldProcess($"folder '{name}' on {session.Server}", Subscribe ? "Subscribe" : "Unsubscribe"))
                {
                    TryInvoke(name, () => ImapFolderOperations.SetSubscribed(session, name, Subscribe, CancellationToken));
                }
            }
        }
    }
}
