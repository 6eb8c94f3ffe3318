namespace MailProtocols
{
    /// <summary>Which IMAP namespace (RFC 2342) a folder belongs to.</summary>
    public enum ImapNamespaceKind
    {
        /// <summary>The user's own folders.</summary>
        Personal,

        /// <summary>Folders other users share with this user (e.g. "shared/alice/Support"); the folder's Owner names the user.</summary>
        OtherUsers,

        /// <summary>Public folders that belong to no single user (e.g. "Public/Announcements").</summary>
        Shared,
    }
}
