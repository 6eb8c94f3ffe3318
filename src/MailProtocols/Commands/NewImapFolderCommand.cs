using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.New, "ImapFolder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ImapFolderInfo))]
    public sealed class NewImapFolderCommand : ImapSessionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            foreach (string name in Name)
            {
                if (!ShouldProcess($"folder '{name}' on {session.Server}", "Create"))
                {
                    continue;
                }

                ImapFolderInfo created = null;
                if (TryInvoke(name, () => created = ImapFolderOperations.Create(session, name, CancellationToken)))
                {
                    WriteObject(created);
                }
            }
        }
    }
}
