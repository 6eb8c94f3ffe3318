using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    /// <summary>Get-ImapFolderAccess: who may do what in a folder (GETACL; MYRIGHTS when GETACL is refused; LISTRIGHTS with -ListRights).</summary>
    [Cmdlet(VerbsCommon.Get, "ImapFolderAccess", DefaultParameterSetName = AclSet)]
    [OutputType(typeof(ImapFolderAccess))]
    public sealed class GetImapFolderAccessCommand : ImapSessionCmdlet
    {
        private const string AclSet = "Acl";
        private const string ListRightsSet = "ListRights";

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; } = "INBOX";

        [Parameter(Position = 1, ParameterSetName = AclSet)]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = ListRightsSet)]
        [ValidateNotNullOrEmpty]
        public string Identity { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ListRightsSet)]
        public SwitchParameter ListRights { get; set; }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            TryInvokeOrStop(Folder, session, ImapFolderAccessOperations.NotSupportedReason, () =>
            {
                if (ListRights)
                {
                    WriteObject(ImapFolderAccessOperations.ListRights(session, Folder, Identity, CancellationToken));
                }
                else
                {
                    WriteObject(ImapFolderAccessOperations.Read(session, Folder, Identity, CancellationToken), enumerateCollection: true);
                }
            });
        }
    }
}
