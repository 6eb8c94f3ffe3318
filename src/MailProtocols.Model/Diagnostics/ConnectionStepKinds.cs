namespace MailProtocols
{
    /// <summary>The steps of a connection test, in the order they happen.</summary>
    public enum ConnectionStepName
    {
        Dns,
        TcpConnect,
        /// <summary>The server's first line.</summary>
        Greeting,
        /// <summary>Whether the server offers STARTTLS (STLS for POP3) on a plain port, and the upgrade command.</summary>
        StartTls,
        TlsHandshake,
        Certificate,
        /// <summary>The capabilities and SASL mechanisms the server lists before log-in.</summary>
        Capabilities,
        Login,
        /// <summary>With -ClientId: the sign-in authority (Microsoft Entra ID or -Authority) answered. Reported first.</summary>
        Authority,
        /// <summary>With -ClientId: a token was acquired (flow, account, expiry, scopes or roles, audience; never the token).</summary>
        Token,
    }

    public enum ConnectionStepStatus
    {
        Success,
        Failure,
        /// <summary>Not run, or deliberately not done (for example no credential sent over plaintext); the message says why.</summary>
        Skipped,
    }
}
