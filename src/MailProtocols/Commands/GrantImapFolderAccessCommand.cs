using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    /// <summary>Grant-ImapFolderAccess: adds rights on a folder for a user or group (SETACL identity +rights).</summary>
    [Cmdlet(VerbsSecurity.Grant, "ImapFolderAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class GrantImapFolderAccessCommand : ImapSessionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Identity { get; set; }

        [Parameter(Mandatory = true, Position = 2)]
        [ImapFolderRightsTransformation]
        public ImapFolderRights Rights { get; set; }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            string letters = ImapFolderRightsText.ToLetters(Rights);
            if (Rights == ImapFolderRights.None)
            {
                WriteMailError(MailErrorKind.InvalidArgument, MailErrorReason.NoRights, "Name at least one right to grant, e.g. -Rights lrs or -Rights Lookup, Read.", Rights);
                return;
            }

            if (!ShouldProcess($"folder '{Folder}' on {session.Server}", $"Grant '{Identity}' the rights {Rights} ({letters})"))
            {
                return;
            }

            TryInvokeOrStop(Folder, session, ImapFolderAccessOperations.NotSupportedReason, () => ImapFolderAccessOperations.Grant(session, Folder, Identity, Rights, CancellationToken));
        }
    }
}
