using System.Collections.Generic;
using System.Linq;
using MailKit;

namespace MailProtocols.Core.Imap
{
    /// <summary>The UIDs one SEARCH (or SORT) found, in output order.</summary>
    internal sealed class ImapSearchResult
    {
        public ImapSearchResult(string folder, uint uidValidity, IList<UniqueId> uids, IDictionary<uint, IMessageSummary> prefetched, bool sortedByServer,
            bool withStructure)
        {
            Folder = folder;
            UidValidity = uidValidity;
            UniqueIds = uids;
            Uids = uids.Select(u => u.Id).ToList();
            Prefetched = prefetched;
            SortedByServer = sortedByServer;
            WithStructure = withStructure;
        }

        public string Folder { get; }

        public uint UidValidity { get; }

        /// <summary>The UIDs found, in the order asked for.</summary>
        public IReadOnlyList<uint> Uids { get; }

        internal IList<UniqueId> UniqueIds { get; }

        /// <summary>Summaries already fetched for client-side sorting, so they are not fetched twice.</summary>
        public IDictionary<uint, IMessageSummary> Prefetched { get; }

        /// <summary>Whether fetching the summaries needs a round trip at all (it does not after a prefetch).</summary>
        public bool NeedsFetch => Prefetched == null;

        public bool SortedByServer { get; }

        /// <summary>Whether the summaries are fetched with BODYSTRUCTURE (Search-ImapFolder -IncludeStructure or -HasAttachment).</summary>
        public bool WithStructure { get; }
    }
}
