using System.Collections.Generic;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>Set a destination message's flags (and keywords) to these, replacing what it has.</summary>
    internal sealed class FlagUpdate
    {
        public FlagUpdate(uint destinationUid, ImapMessageFlags flags, IReadOnlyCollection<string> keywords)
        {
            DestinationUid = destinationUid;
            Flags = flags;
            Keywords = keywords;
        }

        public uint DestinationUid { get; }

        public ImapMessageFlags Flags { get; }

        public IReadOnlyCollection<string> Keywords { get; }
    }
}
