using System.Collections.Generic;

namespace MailProtocols.Core.Imap
{
    /// <summary>One batch of fetched messages, and the requested UIDs the server no longer has.</summary>
    internal sealed class ImapFetchBatch
    {
        public ImapFetchBatch(IReadOnlyList<ImapMessage> messages, IReadOnlyList<uint> missing, IReadOnlyList<uint> missingParts = null)
        {
            Messages = messages;
            Missing = missing;
            MissingParts = missingParts ?? new uint[0];
        }

        public IReadOnlyList<ImapMessage> Messages { get; }

        /// <summary>Requested UIDs that are not (or no longer) in the folder.</summary>
        public IReadOnlyList<uint> Missing { get; }

        /// <summary>Messages that exist but have no body part with the requested specifier.</summary>
        public IReadOnlyList<uint> MissingParts { get; }
    }
}
