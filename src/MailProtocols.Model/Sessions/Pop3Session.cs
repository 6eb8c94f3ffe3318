namespace MailProtocols
{
    /// <summary>A POP3 session: the object that flows through the POP3 cmdlets.</summary>
    public sealed class Pop3Session : MailSession
    {
        /// <summary>
        /// An unconnected session object, for tests that mock the cmdlets (Connect-Pop3 makes real ones).
        /// A cmdlet that is handed it for real answers that it was not opened with Connect-Pop3.
        /// </summary>
        public Pop3Session(string server, string userName)
            : this(new ConnectionSettings { Server = server, UserName = userName })
        {
        }

        internal Pop3Session(ConnectionSettings settings)
            : base(settings)
        {
        }

        public override MailProtocol Protocol => MailProtocol.Pop3;

        public Pop3SessionState State
        {
            get
            {
                if (QuitSent)
                {
                    return Pop3SessionState.Update;
                }

                if (!IsConnected)
                {
                    return Pop3SessionState.Disconnected;
                }

                return Engine.IsAuthenticated ? Pop3SessionState.Transaction : Pop3SessionState.Authorization;
            }
        }

        /// <summary>True once QUIT was sent: the server has applied this session's deletions.</summary>
        internal bool QuitSent { get; set; }
    }
}
