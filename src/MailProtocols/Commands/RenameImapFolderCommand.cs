using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Rename, "ImapFolder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(ImapFolderInfo))]
    public sealed class RenameImapFolderCommand : ImapSessionCmdlet
    {
        private const string NameSet = "Name";
        private const string InputObjectSet = "InputObject";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Name { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public ImapFolderInfo InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string NewName { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            ImapSession session = InputObject?.Session ?? ResolveSession();
            string name = InputObject?.FullName ?? Name;
            if (!ShouldProcess($"folder '{name}' on {session.Server}", $"Rename to '{NewName}'"))
            {
                return;
            }

            ImapFolderInfo renamed = null;
            if (TryInvoke(name, () => renamed = ImapFolderOperations.Rename(session, name, NewName, CancellationToken)) && PassThru)
            {
                WriteObject(renamed);
            }
        }
    }
}
