namespace MailProtocols
{
    /// <summary>An IMAP session: the object that flows through the IMAP cmdlets.</summary>
    public sealed class ImapSession : MailSession
    {
        /// <summary>
        /// An unconnected session object, for tests that mock the cmdlets (Connect-Imap makes real ones).
        /// A cmdlet that is handed it for real answers that it was not opened with Connect-Imap.
        /// </summary>
        public ImapSession(string server, string userName)
            : this(new ConnectionSettings { Server = server, UserName = userName })
        {
        }

        internal ImapSession(ConnectionSettings settings)
            : base(settings)
        {
        }

        public override MailProtocol Protocol => MailProtocol.Imap;

        public ImapSessionState State
        {
            get
            {
                if (!IsConnected)
                {
                    return ImapSessionState.Logout;
                }

                if (!Engine.IsAuthenticated)
                {
                    return ImapSessionState.NotAuthenticated;
                }

                return SelectedFolder != null ? ImapSessionState.Selected : ImapSessionState.Authenticated;
            }
        }

        /// <summary>The full name of the folder that is open, or null.</summary>
        public string SelectedFolder => IsConnected ? Engine.SelectedFolder : null;

        /// <summary>What the server offers (read at every log-in), in words: <c>$session.Features.Move</c>.</summary>
        public ImapFeatures Features { get; internal set; } = new ImapFeatures();

        /// <summary>
        /// True when the connection is compressed (Connect-Imap -Compress, and the server offers COMPRESS=DEFLATE).
        /// Features.Compress says whether the server offers it.
        /// </summary>
        public bool Compressed { get; internal set; }

        /// <summary>Folder names seen on this session, for tab completion without a network call.</summary>
        internal ImapFolderCache FolderCache { get; } = new ImapFolderCache();
    }
}
