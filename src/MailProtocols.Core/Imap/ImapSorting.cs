using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Search;
using MimeKit;

namespace MailProtocols.Core.Imap
{
    /// <summary>Search-ImapFolder -SortBy: RFC 5256 SORT keys for servers that sort, and the same order on the client for those that do not.</summary>
    internal static class ImapSorting
    {
        internal static OrderBy OrderFor(ImapSortField field, bool descending)
        {
            OrderByType type;
            switch (field)
            {
                case ImapSortField.Date: type = OrderByType.Date; break;
                case ImapSortField.From: type = OrderByType.From; break;
                case ImapSortField.Subject: type = OrderByType.Subject; break;
                case ImapSortField.Size: type = OrderByType.Size; break;
                default: type = OrderByType.Arrival; break;
            }

            return new OrderBy(type, descending ? SortOrder.Descending : SortOrder.Ascending);
        }

        /// <summary>
        /// Sorts like RFC 5256 SORT for servers without it. With -First smaller than the result only the sort
        /// key is fetched here; otherwise the whole summaries are, and they are reused for the output.
        /// </summary>
        internal static IList<UniqueId> SortOnClient(IMailFolder folder, IList<UniqueId> uids, ImapSortField field, bool descending, int? first,
            MessageSummaryItems summaryItems, out IDictionary<uint, IMessageSummary> prefetched, CancellationToken token)
        {
            bool keysOnly = first.HasValue && first.Value < uids.Count;
            var request = new FetchRequest(keysOnly ? MessageSummaryItems.UniqueId | KeyItems(field) : summaryItems);
            var summaries = new List<IMessageSummary>();
            foreach (List<UniqueId> batch in ImapMessageReader.Batches(uids, ImapMessageReader.SummaryBatchSize))
            {
                summaries.AddRange(folder.Fetch(batch, request, token));
            }

            // As with SORT REVERSE, only the key comparison is reversed: ties stay in UID order.
            var comparer = new SortKeyComparer(field);
            IOrderedEnumerable<IMessageSummary> ordered = descending
                ? summaries.OrderByDescending(s => s, comparer)
                : summaries.OrderBy(s => s, comparer);
            prefetched = keysOnly ? null : summaries.ToDictionary(s => s.UniqueId.Id);
            return ordered.ThenBy(s => s.UniqueId.Id).Select(s => s.UniqueId).ToList();
        }

        private static MessageSummaryItems KeyItems(ImapSortField field)
        {
            switch (field)
            {
                case ImapSortField.Date: return MessageSummaryItems.Envelope | MessageSummaryItems.InternalDate;
                case ImapSortField.From:
                case ImapSortField.Subject: return MessageSummaryItems.Envelope;
                case ImapSortField.Size: return MessageSummaryItems.Size;
                default: return MessageSummaryItems.InternalDate;
            }
        }

        private sealed class SortKeyComparer : IComparer<IMessageSummary>
        {
            private readonly ImapSortField _field;

            public SortKeyComparer(ImapSortField field) => _field = field;

            public int Compare(IMessageSummary x, IMessageSummary y)
            {
                switch (_field)
                {
                    case ImapSortField.Date:
                        return Nullable.Compare(SentDate(x), SentDate(y));
                    case ImapSortField.From:
                        return string.Compare(FirstMailbox(x), FirstMailbox(y), StringComparison.OrdinalIgnoreCase);
                    case ImapSortField.Subject:
                        return string.Compare(x.NormalizedSubject ?? string.Empty, y.NormalizedSubject ?? string.Empty, StringComparison.OrdinalIgnoreCase);
                    case ImapSortField.Size:
                        return Nullable.Compare(x.Size, y.Size);
                    default:
                        return Nullable.Compare(x.InternalDate?.UtcDateTime, y.InternalDate?.UtcDateTime);
                }
            }

            // RFC 5256: the Date header, or INTERNALDATE when it is missing; compared in UTC.
            private static DateTime? SentDate(IMessageSummary s) => (s.Envelope?.Date ?? s.InternalDate)?.UtcDateTime;

            // RFC 5256: the mailbox (local part) of the first From address.
            private static string FirstMailbox(IMessageSummary s)
            {
                MailboxAddress mailbox = s.Envelope?.From?.Mailboxes.FirstOrDefault();
                if (mailbox?.Address == null)
                {
                    return string.Empty;
                }

                int at = mailbox.Address.LastIndexOf('@');
                return at < 0 ? mailbox.Address : mailbox.Address.Substring(0, at);
            }
        }
    }
}
