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
    }
}
