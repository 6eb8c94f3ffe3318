namespace MailProtocols
{
    /// <summary>The role a folder plays, from the server's SPECIAL-USE attributes (RFC 6154).</summary>
    public enum ImapSpecialUse
    {
        None,
        Inbox,
        Sent,
        Drafts,
        Trash,
        Junk,
        Archive,
        All,
        Flagged,
        Important,
    }
}
