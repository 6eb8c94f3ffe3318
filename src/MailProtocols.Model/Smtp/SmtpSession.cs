namespace MailProtocols
{
    /// <summary>An SMTP session: the object Send-SmtpMessage sends through, many messages on one connection.</summary>
    public sealed class SmtpSession : MailSession
    {
        /// <summary>
        /// An unconnected session object, for tests that mock the cmdlets (Connect-Smtp makes real ones).
        /// A cmdlet that is handed it for real answers that it was not opened with Connect-Smtp.
        /// </summary>
        public SmtpSession(string server, string userName)
            : this(new ConnectionSettings { Server = server, UserName = userName })
        {
        }

        internal SmtpSession(ConnectionSettings settings)
            : base(settings)
        {
        }

        public override MailProtocol Protocol => MailProtocol.Smtp;

        public SmtpSessionState State
        {
            get
            {
                if (!IsConnected)
                {
                    return SmtpSessionState.Disconnected;
                }

                return Engine.IsAuthenticated ? SmtpSessionState.Authenticated : SmtpSessionState.Connected;
            }
        }

        /// <summary>What the server offers (read at every log-in), in words: <c>$session.Features.Dsn</c>.</summary>
        public SmtpFeatures Features { get; internal set; } = new SmtpFeatures();

        /// <summary>The largest message the server accepts (its SIZE), in bytes; 0 when it does not say.</summary>
        public long MaxMessageSize { get; internal set; }
    }
}
