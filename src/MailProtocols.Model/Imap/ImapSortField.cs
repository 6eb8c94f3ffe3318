namespace MailProtocols
{
    /// <summary>What Search-ImapFolder can order by; each maps to an RFC 5256 SORT key.</summary>
    public enum ImapSortField
    {
        /// <summary>When the server received the message (INTERNALDATE).</summary>
        Arrival,

        /// <summary>The Date header (falls back to INTERNALDATE).</summary>
        Date,

        /// <summary>The mailbox of the first From address.</summary>
        From,

        /// <summary>The subject without "Re:" and "Fwd:" prefixes.</summary>
        Subject,

        Size,
    }
}
