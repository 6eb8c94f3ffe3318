namespace MailProtocols
{
    /// <summary>Which way Sync-ImapFolder carries changes.</summary>
    public enum ImapSyncDirection
    {
        /// <summary>Server to the Maildir only (the default): the local copy mirrors the server.</summary>
        Pull,

        /// <summary>Maildir to the server only: local new messages, flag changes and deletions go to the server.</summary>
        Push,

        /// <summary>Both ways, with a three-way merge of flags against the last sync.</summary>
        Both,
    }
}
