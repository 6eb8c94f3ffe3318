using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    /// <summary>Revoke-ImapFolderAccess: takes rights on a folder away from a user or group (SETACL identity -rights); without -Rights, all of them.</summary>
    [Cmdlet(VerbsSecurity.Revoke, "ImapFolderAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RevokeImapFolderAccessCommand : ImapSessionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Identity { get; set; }

        [Parameter(Position = 2)]
        [ImapFolderRightsTransformation]
        public ImapFolderRights Rights { get; set; }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            bool some = MyInvocation.BoundParameters.ContainsKey(nameof(Rights));
            string what = some ? $"the rights {Rights} ({ImapFolderRightsText.ToLetters(Rights)})" : "every right";
            if (!ShouldProcess($"folder '{Folder}' on {session.Server}", $"Revoke {what} of '{Identity}'"))
            {
                return;
            }

            TryInvokeOrStop(Folder, session, ImapFolderAccessOperations.NotSupportedReason, () => ImapFolderAccessOperations.Revoke(session, Folder, Identity, some ? Rights : (ImapFolderRights?)null, CancellationToken));
        }
    }
}
