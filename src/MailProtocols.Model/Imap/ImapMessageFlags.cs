using System;

namespace MailProtocols
{
    /// <summary>The IMAP system flags a message can carry (custom flags are keywords).</summary>
    [Flags]
    public enum ImapMessageFlags
    {
        None = 0,
        Seen = 1,
        Answered = 2,
        Flagged = 4,
        Deleted = 8,
        Draft = 16,
    }
}
