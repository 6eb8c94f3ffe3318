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

        /// <summary>Messages handed from the worker to the pipeline thread at a time (<see cref="Handoff{T}"/>).</summary>
        internal const int HandoffChunkSize = 64;

        /// <summary>
        /// Batches of summaries for <paramref name="found"/> (a result of <see cref="ImapSearchResult.ByPosition"/>). A worker
        /// sends the FETCH commands and takes each message's identity and flags as its response is parsed; the calling
        /// thread fills in the rest and writes it, so the pipeline works while MailKit still reads. The worker is at
        /// most one range ahead of what the caller has written: a cmdlet further down the pipeline on the same session
        /// gets its turn between two ranges, and the next range sees what it changed.
        /// </summary>
        public static IEnumerable<ImapFetchBatch> Fetch(ImapSession session, ImapSearchResult found, MessageSummaryItems items, CancellationToken cancellationToken)
        {
            var walk = new WalkState();
            foreach (List<(IMessageSummary Summary, ImapMessage Message)> chunk in
                Handoff<(IMessageSummary, ImapMessage)>.Run(handoff => Walk(session, found, items, walk, handoff, cancellationToken), HandoffChunkSize))
            {
                var messages = new List<ImapMessage>(chunk.Count);
                foreach ((IMessageSummary summary, ImapMessage message) in chunk)
                {
                    message.ApplyContent(summary);
                    messages.Add(message);
                }

                yield return new ImapFetchBatch(messages, Array.Empty<uint>());
            }

            if (walk.Shifted)
            {
                foreach (ImapFetchBatch rest in FetchBeyond(session, found, walk.Edge, walk.Written, items, cancellationToken))
                {
                    yield return rest;
                }
            }
        }

        // The worker: range after range, until the walk is done, the numbers shift or the caller stops.
        private static void Walk(ImapSession session, ImapSearchResult found, MessageSummaryItems items, WalkState walk,
            Handoff<(IMessageSummary, ImapMessage)> handoff, CancellationToken cancellationToken)
        {
            var request = new FetchRequest(items);
            var publishedBefore = new Queue<long>();
            foreach ((int low, int high) in Ranges(found.FolderCount, found.First, found.Descending, ImapMessageReader.SummaryBatchSize))
            {
                if (publishedBefore.Count == 2)
                {
                    handoff.WaitUntilTaken(publishedBefore.Dequeue());
                }

                if (handoff.Stopped)
                {
                    return;
                }

                int writtenBefore = walk.Written;
                bool aligned = session.Run($"fetching summaries from '{found.Folder}'", cancellationToken, token =>
                    FetchRange(session, found, low, high, request, items, walk, writtenBefore, handoff, token), idempotent: true);
                handoff.Publish();
                publishedBefore.Enqueue(handoff.Published);
                if (!aligned)
                {
                    walk.Shifted = true;
                    return;
                }
            }
        }

        // One range, released in output order as MailKit parses it. -> whether the numbers still held.
        private static bool FetchRange(ImapSession session, ImapSearchResult found, int low, int high, FetchRequest request, MessageSummaryItems items,
            WalkState walk, int writtenBefore, Handoff<(IMessageSummary, ImapMessage)> handoff, CancellationToken token)
        {
            if (walk.Written != writtenBefore)
            {
                // A retry after a lost connection, with part of this range already out: the rest goes by UID.
                return false;
            }

            IMailFolder folder = ImapMessageReader.OpenChecked(session, found.Folder, found.UidValidity, false, token);
            if (folder.Count != found.FolderCount)
            {
                return false;
            }

            int anchor = Anchor(low, high, found.Descending, walk.Edge);
            var range = new ImapWalkRange<IMessageSummary>(low, high, anchor, walk.Edge, found.Descending, summary =>
            {
                // Identity and flags now, on this thread: a later response for the same message may still change them.
                handoff.Add((summary, ImapMessage.Identified(summary, folder, session)));
                walk.Edge = summary.UniqueId.Id;
                walk.Written++;
            });
            EventHandler<MessageSummaryFetchedEventArgs> parsed = (sender, e) =>
                range.Arrived(e.Message.Index, e.Message.UniqueId.Id, (e.Message.Fields & items) == items, e.Message);
            folder.MessageSummaryFetched += parsed;
            try
            {
                folder.Fetch(anchor < 0 ? low : Math.Min(low, anchor), Math.Max(high, anchor), request, token);
            }
            catch (ImapCommandException ex) when (ex.Response == ImapCommandResponse.No)
            {
                // NO: a number in the range names a message the server no longer has (another client expunged
                // it, and we have not been told yet). The rest goes by UID, after what already went out.
                return false;
            }
            finally
            {
                folder.MessageSummaryFetched -= parsed;
            }

            return range.Finish();
        }

        /// <summary>Where the walk stands: the worker writes it, the caller reads it once the worker is done.</summary>
        private sealed class WalkState
        {
            /// <summary>The UID of the last message handed out: the highest so far, or with Descending the lowest.</summary>
            public uint? Edge { get; set; }

            public int Written { get; set; }

            /// <summary>The numbers no longer held, so the rest goes by UID after <see cref="Edge"/>.</summary>
            public bool Shifted { get; set; }
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
