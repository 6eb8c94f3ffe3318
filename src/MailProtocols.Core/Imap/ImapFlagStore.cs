using System.Collections.Generic;

namespace MailProtocols.Core.Imap
{
    /// <summary>One UID STORE of a flag edit: how, which system flags (null when none are named), which keywords.</summary>
    internal sealed class ImapFlagStore
    {
        public ImapFlagStore(FlagChange change, ImapMessageFlags? flags, IReadOnlyList<string> keywords)
        {
            Change = change;
            Flags = flags;
            Keywords = keywords;
        }

        public FlagChange Change { get; }

        public ImapMessageFlags? Flags { get; }

        public IReadOnlyList<string> Keywords { get; }
    }
}
