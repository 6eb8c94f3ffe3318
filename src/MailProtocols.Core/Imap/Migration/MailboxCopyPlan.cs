using System.Collections.Generic;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>What one folder's copy has to do: the messages to append and the flags to set on ones already there.</summary>
    internal sealed class MailboxCopyPlan
    {
        /// <summary>Source messages missing on the destination, in source UID order.</summary>
        public List<MailboxMessage> ToCopy { get; } = new List<MailboxMessage>();

        /// <summary>Destination messages whose flags differ from their source's (only with -UpdateFlags).</summary>
        public List<FlagUpdate> FlagUpdates { get; } = new List<FlagUpdate>();

        /// <summary>Source messages the destination already has.</summary>
        public int Skipped { get; set; }

        /// <summary>Source messages left out by -Since or -Before.</summary>
        public int OutOfRange { get; set; }

        public long BytesToCopy { get; set; }
    }
}
