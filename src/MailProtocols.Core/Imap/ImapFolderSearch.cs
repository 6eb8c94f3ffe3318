using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Search;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    /// <summary>Finds the messages of one folder that match a search, in output order (Search-ImapFolder, Get-ImapMessage -Folder).</summary>
    internal static class ImapFolderSearch
    {
        /// <summary>
        /// The UIDs matching <paramref name="criteria"/>, in output order. With <paramref name="forSummaries"/> (the caller
        /// fetches the summaries with <see cref="ImapMessageReader.FetchFound"/> and needs no UIDs first), the whole folder in UID order,
        /// or its first or last N, costs no SEARCH: it is walked by message number (<see cref="ImapFolderWalk"/>).
        /// </summary>
        public static ImapSearchResult Find(ImapSession session, string folderPath, ImapSearchCriteria criteria, ImapSortField? sortBy,
            bool descending, int? first, bool withStructure, bool forSummaries, CancellationToken cancellationToken) =>
            session.Run($"searching '{folderPath}'", cancellationToken, token =>
            {
                IMailFolder folder = ImapFolderOperations.Open(session, folderPath, false, token);
                SearchQuery query = criteria.ToQuery();
                bool serverSort = sortBy.HasValue && session.Features.Sort;
                IList<UniqueId> uids;
                IDictionary<uint, IMessageSummary> prefetched = null;
                bool wholeFolder = forSummaries && query == SearchQuery.All && !sortBy.HasValue;
                if (wholeFolder)
                {
                    return ImapSearchResult.ByPosition(folder.FullName, folder.UidValidity, folder.Count, first, descending, withStructure);
                }

                if (serverSort)
                {
                    uids = folder.Sort(query, new[] { ImapSorting.OrderFor(sortBy.Value, descending) }, token);
                }
                else
                {
                    uids = folder.Search(query, token).OrderBy(u => u.Id).ToList();
                    if (sortBy.HasValue)
                    {
                        uids = ImapSorting.SortOnClient(folder, uids, sortBy.Value, descending, first, ImapMessageReader.ItemsFor(withStructure), out prefetched, token);
                    }
                    else if (descending)
                    {
                        uids = uids.Reverse().ToList();
                    }
                }

                if (first.HasValue && uids.Count > first.Value)
                {
                    uids = uids.Take(first.Value).ToList();
                }

                return new ImapSearchResult(folder.FullName, folder.UidValidity, uids, prefetched, serverSort, withStructure);
            }, idempotent: true);
    }
}
