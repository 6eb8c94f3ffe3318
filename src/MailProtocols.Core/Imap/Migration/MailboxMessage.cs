using System;
using System.Collections.Generic;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>A message of one folder as the planner sees it: where it is and who it is, never its body.</summary>
    internal sealed class MailboxMessage
    {
        public uint Uid { get; set; }

        /// <summary>See <see cref="MessageIdentity"/>.</summary>
        public string Identity { get; set; }

        /// <summary>The part of <see cref="Identity"/> read from the header (see <see cref="MessageIdentity.Who"/>).</summary>
        public string Who { get; set; }

        public long Size { get; set; }

        public DateTimeOffset? InternalDate { get; set; }

        public ImapMessageFlags Flags { get; set; }

        public IReadOnlyCollection<string> Keywords { get; set; } = Array.Empty<string>();

        public override string ToString() => $"UID {Uid} {Identity}";
    }
}
