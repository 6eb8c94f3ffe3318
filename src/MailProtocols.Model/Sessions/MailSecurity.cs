namespace MailProtocols
{
    /// <summary>How a connection is protected. Auto never downgrades to plaintext.</summary>
    public enum MailSecurity
    {
        /// <summary>Implicit TLS on 993/995, required STARTTLS on any other port.</summary>
        Auto,
        /// <summary>Plaintext. Only when the user asks for it.</summary>
        None,
        SslOnConnect,
        StartTls,
    }

    public enum MailProtocol
    {
        Imap,
        Pop3,
        Smtp,
    }

    public enum ImapSessionState
    {
        NotAuthenticated,
        Authenticated,
        Selected,
        Logout,
    }

    public enum Pop3SessionState
    {
        Authorization,
        Transaction,
        /// <summary>QUIT was sent: the server has applied the deletions and closed the session.</summary>
        Update,
        /// <summary>The connection ended without QUIT, so the server deleted nothing.</summary>
        Disconnected,
    }
}
