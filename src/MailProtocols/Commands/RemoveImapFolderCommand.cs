using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Remove, "ImapFolder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveImapFolderCommand : ImapSessionCmdlet
    {
        private const string NameSet = "Name";
        private const string InputObjectSet = "InputObject";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string[] Name { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public ImapFolderInfo[] InputObject { get; set; }

        protected override void ProcessRecord()
        {
            if (InputObject != null)
            {
                foreach (ImapFolderInfo folder in InputObject)
                {
                    Remove(folder.Session ?? ResolveSession(), folder.FullName);
                }

                return;
            }

            ImapSession session = ResolveSession();
            foreach (string name in Name)
            {
                Remove(session, name);
            }
        }

        private void Remove(ImapSession session, string name)
        {
            if (ShouldProcess($"folder '{name}' and the messages in it, on {session.Server}", "Remove"))
            {
                TryInvoke(name, () => ImapFolderOperations.Delete(session, name, CancellationToken));
            }
        }
    }
}
