namespace MailProtocols
{
    /// <summary>Where a planned two-way sync change happens.</summary>
    public enum ImapSyncSide
    {
        /// <summary>On the IMAP server.</summary>
        Server,

        /// <summary>In the local Maildir.</summary>
        Local,
    }
}
