using System.Collections.Generic;
using System.Linq;
using MailKit;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// What a search found, in output order: the UIDs one SEARCH (or SORT) found, or, for the whole folder in UID
    /// order (<see cref="ByPosition"/>), its first or last messages by message number, with no SEARCH.
    /// </summary>
    internal sealed class ImapSearchResult
    {
        public ImapSearchResult(string folder, uint uidValidity, IList<UniqueId> uids, IDictionary<uint, IMessageSummary> prefetched, bool sortedByServer,
            bool withStructure)
        {
            Folder = folder;
            UidValidity = uidValidity;
            UniqueIds = uids;
            Uids = uids.Select(u => u.Id).ToList();
            Count = Uids.Count;
            Prefetched = prefetched;
            SortedByServer = sortedByServer;
            WithStructure = withStructure;
        }

        private ImapSearchResult(string folder, uint uidValidity, int folderCount, int? first, bool descending, bool withStructure)
            : this(folder, uidValidity, new List<UniqueId>(), null, false, withStructure)
        {
            FolderCount = folderCount;
            First = first;
            Descending = descending;
            IsByPosition = true;
            Count = ImapFolderWalk.Covered(folderCount, first);
        }

        /// <summary>The whole folder of <paramref name="folderCount"/> messages (or its first or last <paramref name="first"/>) in UID order, fetched by message number.</summary>
        public static ImapSearchResult ByPosition(string folder, uint uidValidity, int folderCount, int? first, bool descending, bool withStructure) =>
            new ImapSearchResult(folder, uidValidity, folderCount, first, descending, withStructure);

        public string Folder { get; }

        public uint UidValidity { get; }

        /// <summary>How many messages were found (by position: will be written, unless the folder changes meanwhile).</summary>
        public int Count { get; }

        /// <summary>The UIDs found, in the order asked for; empty by position, where they are learnt while fetching.</summary>
        public IReadOnlyList<uint> Uids { get; }

        /// <summary>Whether the messages are fetched by message number (<see cref="ImapFolderWalk"/>) rather than by these UIDs.</summary>
        public bool IsByPosition { get; }

        /// <summary>By position: the folder's message count when it was opened; the numbers are valid while it holds.</summary>
        public int FolderCount { get; }

        /// <summary>By position: how many messages from the start (or with <see cref="Descending"/>, from the end); all without it.</summary>
        public int? First { get; }

        /// <summary>By position: newest UID first.</summary>
        public bool Descending { get; }

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
