using System.Management.Automation;

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
                WriteMailError(MailErrorKind.InvalidArgument, "NoRights", "Name at least one right to grant, e.g. -Rights lrs or -Rights Lookup, Read.", Rights);
                return;
            }

            if (!ShouldProcess($"folder '{Folder}' on {session.Server}", $"Grant '{Identity}' the rights {Rights} ({letters})"))
            {
                return;
            }

            Invoke(session, () => ImapFolderAccessOperations.Grant(session, Folder, Identity, Rights, CancellationToken));
        }

        private void Invoke(ImapSession session, System.Action change)
        {
            try
            {
                change();
            }
            catch (MailProtocolException ex) when (ex.Reason == ImapFolderAccessOperations.NotSupportedReason)
            {
                // No folder of this server can answer, so the command stops instead of failing each one.
                ThrowMailError(ex, session);
            }
            catch (MailProtocolException ex)
            {
                WriteMailError(ex, Folder);
            }
            catch (System.OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }
    }
}
