using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// The summaries of a whole folder, or of its first or last N messages, in UID order without a UID SEARCH ALL.
    /// Message numbers run in UID order (RFC 3501 2.3.1.2), so FETCH by number ranges returns what SEARCH ALL and
    /// UID FETCH per batch would, with one round trip and the list of every UID fewer.
    /// Numbers shift when a message below them is expunged, for example by a downstream cmdlet that moves what it is
    /// given on the same session. So each range after the first also fetches the number the previous range ended at,
    /// and the walk goes on by number only while the folder's count is unchanged and that number still holds the same
    /// message. Otherwise the rest is found with a UID SEARCH beyond the last message written and fetched by UID:
    /// nothing is skipped or written twice.
    /// </summary>
    internal static class ImapFolderWalk
    {
        /// <summary>
        /// The 0-based message-number ranges, in output order, covering the first <paramref name="first"/> of
        /// <paramref name="count"/> messages (all without it), or with <paramref name="descending"/> the last ones, top range first.
        /// </summary>
        internal static IEnumerable<(int Low, int High)> Ranges(int count, int? first, bool descending, int batchSize)
        {
            if (batchSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(batchSize));
            }

            int total = Covered(count, first);
            if (!descending)
            {
                for (int low = 0; low < total; low += batchSize)
                {
                    yield return (low, Math.Min(low + batchSize, total) - 1);
                }

                yield break;
            }

            int bottom = count - total;
            for (int high = count - 1; high >= bottom; high -= batchSize)
            {
                yield return (Math.Max(high - batchSize + 1, bottom), high);
            }
        }

        /// <summary>How many of <paramref name="count"/> messages a walk covers: the first (or last) <paramref name="first"/>, or all.</summary>
        internal static int Covered(int count, int? first) => Math.Max(0, Math.Min(count, first ?? count));

        /// <summary>
        /// The number the previous range ended at (0-based), fetched again with this range to check that it still
        /// holds the message written last; -1 for the first range.
        /// </summary>
        internal static int Anchor(int low, int high, bool descending, uint? edge) => edge == null ? -1 : descending ? high + 1 : low - 1;

        /// <summary>
        /// Whether the numbers still mean what they meant when the walk began: the anchor (if any) came back holding
        /// <paramref name="edge"/>, the UID written last. A message expunged below it moves another one onto its number.
        /// </summary>
        internal static bool StillAligned(IEnumerable<(int Index, uint Uid)> fetched, int anchor, uint? edge) =>
            anchor < 0 || fetched.Any(f => f.Index == anchor && f.Uid == edge);

        /// <summary>Batches of summaries for <paramref name="found"/> (a result of <see cref="ImapSearchResult.ByPosition"/>).</summary>
        public static IEnumerable<ImapFetchBatch> Fetch(ImapSession session, ImapSearchResult found, MessageSummaryItems items, CancellationToken cancellationToken)
        {
            var request = new FetchRequest(items);
            uint? edge = null;      // the UID of the last message written: the highest so far, or with Descending the lowest
            int written = 0;
            foreach ((int low, int high) in Ranges(found.FolderCount, found.First, found.Descending, ImapMessageReader.SummaryBatchSize))
            {
                ImapFetchBatch batch = session.Run($"fetching summaries from '{found.Folder}'", cancellationToken, token =>
                {
                    IMailFolder folder = ImapMessageReader.OpenChecked(session, found.Folder, found.UidValidity, false, token);
                    if (folder.Count != found.FolderCount)
                    {
                        return null;
                    }

                    int anchor = Anchor(low, high, found.Descending, edge);
                    List<IMessageSummary> summaries;
                    try
                    {
                        summaries = folder.Fetch(anchor < 0 ? low : Math.Min(low, anchor), Math.Max(high, anchor), request, token).ToList();
                    }
                    catch (ImapCommandException ex) when (ex.Response == ImapCommandResponse.No)
                    {
                        // NO: a number in the range names a message the server no longer has (another client expunged
                        // it, and we have not been told yet). The rest goes by UID.
                        return null;
                    }

                    List<IMessageSummary> range = summaries.Where(s => s.Index >= low && s.Index <= high).ToList();
                    if (range.Count == 0 || !StillAligned(summaries.Select(s => (s.Index, s.UniqueId.Id)), anchor, edge))
                    {
                        return null;
                    }

                    IEnumerable<IMessageSummary> ordered = found.Descending ? range.OrderByDescending(s => s.UniqueId.Id) : range.OrderBy(s => s.UniqueId.Id);
                    return new ImapFetchBatch(ordered.Select(s => ImapMessage.FromSummary(s, folder, session)).ToList(), Array.Empty<uint>());
                }, idempotent: true);

                if (batch == null)
                {
                    foreach (ImapFetchBatch rest in FetchBeyond(session, found, edge, written, items, cancellationToken))
                    {
                        yield return rest;
                    }

                    yield break;
                }

                // Never empty: an empty range went the other way.
                edge = batch.Messages[batch.Messages.Count - 1].Uid;
                written += batch.Messages.Count;
                yield return batch;
            }
        }

        /// <summary>After the numbers shifted: what lies beyond the last message written, found by UID and fetched by UID.</summary>
        private static IEnumerable<ImapFetchBatch> FetchBeyond(ImapSession session, ImapSearchResult found, uint? edge, int written, MessageSummaryItems items,
            CancellationToken cancellationToken)
        {
            // Never more than the search counted: messages that arrived since are not part of this answer.
            int wanted = found.Count - written;
            if (wanted <= 0 || (edge == 1 && found.Descending) || (edge == uint.MaxValue && !found.Descending))
            {
                return Enumerable.Empty<ImapFetchBatch>();
            }

            SearchQuery beyond = edge == null ? SearchQuery.All
                : SearchQuery.Uids(found.Descending ? new UniqueIdRange(UniqueId.MinValue, new UniqueId(edge.Value - 1))
                    : new UniqueIdRange(new UniqueId(edge.Value + 1), UniqueId.MaxValue));
            IList<UniqueId> rest = session.Run($"searching '{found.Folder}'", cancellationToken, token =>
            {
                IMailFolder folder = ImapMessageReader.OpenChecked(session, found.Folder, found.UidValidity, false, token);
                IEnumerable<UniqueId> uids = folder.Search(beyond, token).OrderBy(u => u.Id);
                return (found.Descending ? uids.Reverse() : uids).Take(wanted).ToList();
            }, idempotent: true);
            return ImapMessageReader.FetchByUid(session, found.Folder, found.UidValidity, rest, items, cancellationToken);
        }
    }
}
