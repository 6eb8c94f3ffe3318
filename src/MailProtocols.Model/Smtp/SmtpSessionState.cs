namespace MailProtocols
{
    public enum SmtpSessionState
    {
        Disconnected,
        /// <summary>Connected but not logged in.</summary>
        Connected,
        Authenticated,
    }
}
