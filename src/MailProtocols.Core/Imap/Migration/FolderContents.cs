using System.Collections.Generic;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>The messages of one folder (identities only) and what the folder accepts.</summary>
    internal sealed class FolderContents
    {
        public uint UidValidity { get; set; }

        /// <summary>PERMANENTFLAGS has \*: the folder keeps keywords it has not seen before.</summary>
        public bool KeywordsAccepted { get; set; }

        public List<MailboxMessage> Messages { get; } = new List<MailboxMessage>();

        /// <summary>How many identities came from the identity cache rather than a FETCH of the header.</summary>
        public int CachedIdentities { get; set; }

        /// <summary>The messages came from the identity cache without a FETCH (SELECT showed the same UIDs): their flags are not known.</summary>
        public bool FromSnapshot { get; set; }
    }
}
