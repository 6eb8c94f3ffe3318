using System.Management.Automation;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommunications.Connect, "Imap", DefaultParameterSetName = CredentialSet)]
    [OutputType(typeof(ImapSession))]
    public sealed class ConnectImapCommand : ConnectCmdlet<ImapSession>
    {
        internal override string SignInPermission => "IMAP";

        /// <summary>COMPRESS=DEFLATE after log-in, where the server offers it; otherwise a warning and no compression.</summary>
        [Parameter]
        public SwitchParameter Compress { get; set; }

        internal override ImapSession CreateSession(ConnectionSettings settings)
        {
            settings.Compress = Compress;
            return ImapConnection.NewSession(settings);
        }

        /// <summary>
        /// One LIST of the folder names, so Tab completion of -Folder works at once (completers never touch the
        /// network). A failure here leaves the session as it is: the names come with the next Get-ImapFolder.
        /// </summary>
        private protected override void OnOpened(ImapSession session)
        {
            if (Compress && !session.Compressed)
            {
                WriteWarning($"-Compress: {session.Server} does not offer COMPRESS=DEFLATE, so session {session.Id} is not compressed.");
            }

            try
            {
                ImapFolderNames.Load(session, CancellationToken);
                WriteVerbose($"Session {session.Id}: {session.FolderCache.Names.Length} folder names listed for Tab completion.");
            }
            catch (MailProtocolException ex)
            {
                WriteVerbose($"Session {session.Id}: the folder names could not be listed for Tab completion ({ex.Message}).");
            }
            catch (System.OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }
    }
}
