using System;

namespace MailProtocols.Core.Maildir
{
    /// <summary>A message written into tmp/ and not yet moved into cur/.</summary>
    internal sealed class PendingMessage
    {
        public string TemporaryPath { get; set; }

        public uint Uid { get; set; }

        public uint UidValidity { get; set; }

        public DateTimeOffset? InternalDate { get; set; }

        public string Letters { get; set; }

        public long Size { get; set; }

        /// <summary>The modification time is already the delivery date (set on the open file).</summary>
        public bool TimeSet { get; set; }
    }
}
