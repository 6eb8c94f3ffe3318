using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Messages;
using MailProtocols.Core.Sessions;
using MimeKit;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Reads messages: one SEARCH or SORT, then batched UID FETCH commands for summaries, headers or
    /// whole messages. Every fetch uses BODY.PEEK, so nothing is marked \Seen unless asked.
    /// </summary>
    internal static class ImapMessageReader
    {
        /// <summary>
        /// What a summary holds by default: what the table shows, no header block, no body and no BODYSTRUCTURE
        /// (parsing BODYSTRUCTURE is most of the cost of a summary, and only the attachment properties need it).
        /// </summary>
        internal const MessageSummaryItems SummaryItems = MessageSummaryItems.UniqueId | MessageSummaryItems.Flags |
            MessageSummaryItems.InternalDate | MessageSummaryItems.Size | MessageSummaryItems.Envelope;

        /// <summary>A summary with BODYSTRUCTURE: Attachments and HasAttachments (-IncludeStructure, Watch-ImapFolder, -BodyPart).</summary>
        internal const MessageSummaryItems StructureItems = SummaryItems | MessageSummaryItems.BodyStructure;

        /// <summary>
        /// UIDs per UID FETCH of summaries: 10,000 messages take twenty commands. Small on purpose: MailKit keeps a
        /// batch's summaries until the batch ends, and what is alive at a garbage collection is what it costs.
        /// 500 took a third less CPU than 2,000 for 10,000 summaries, the extra round trips hidden by the read-ahead.
        /// </summary>
        internal const int SummaryBatchSize = 500;

        /// <summary>UIDs per UID FETCH of whole messages; small enough that parsed messages do not pile up.</summary>
        internal const int BodyBatchSize = 500;

        private static readonly Regex PartSpecifierPattern = new Regex(@"^[1-9][0-9]*(\.[1-9][0-9]*)*$", RegexOptions.CultureInvariant);

        internal static MessageSummaryItems ItemsFor(bool withStructure, bool withHeaders = false) =>
            (withStructure ? StructureItems : SummaryItems) | (withHeaders ? MessageSummaryItems.Headers : MessageSummaryItems.None);

        /// <summary>
        /// Summaries (envelope, flags, size, dates; BODYSTRUCTURE with <paramref name="withStructure"/>) in batches of
        /// <see cref="SummaryBatchSize"/>, in the order of <paramref name="uids"/>. Each batch re-opens the folder if another
        /// command selected a different one in between, and fails if its UIDVALIDITY is no longer <paramref name="uidValidity"/>.
        /// </summary>
        public static IEnumerable<ImapFetchBatch> FetchSummaries(ImapSession session, string folderPath, uint? uidValidity, IEnumerable<uint> uids,
            bool withHeaders, bool withStructure, bool markSeen, CancellationToken cancellationToken) =>
            FetchSummaries(session, folderPath, uidValidity, ToUniqueIds(uids), null, ItemsFor(withStructure, withHeaders), markSeen, cancellationToken);

        /// <summary>The summaries of what <see cref="ImapFolderSearch.Find"/> found, reusing what a client-side sort already fetched.</summary>
        public static IEnumerable<ImapFetchBatch> FetchFound(ImapSession session, ImapSearchResult found, CancellationToken cancellationToken) =>
            found.IsByPosition ? ImapFolderWalk.Fetch(session, found, ItemsFor(found.WithStructure), cancellationToken)
                : FetchSummaries(session, found.Folder, found.UidValidity, found.UniqueIds, found.Prefetched, ItemsFor(found.WithStructure), false, cancellationToken);

        /// <summary>Summaries of <paramref name="uids"/>, in their order (the rest of an <see cref="ImapFolderWalk"/> after the numbers shifted).</summary>
        internal static IEnumerable<ImapFetchBatch> FetchByUid(ImapSession session, string folderPath, uint? uidValidity, IList<UniqueId> uids,
            MessageSummaryItems items, CancellationToken cancellationToken) =>
            FetchSummaries(session, folderPath, uidValidity, uids, null, items, false, cancellationToken);

        private static IEnumerable<ImapFetchBatch> FetchSummaries(ImapSession session, string folderPath, uint? uidValidity, IList<UniqueId> uids,
            IDictionary<uint, IMessageSummary> prefetched, MessageSummaryItems items, bool markSeen, CancellationToken cancellationToken)
        {
            var request = new FetchRequest(items);
            foreach (List<UniqueId> batch in Batches(uids, SummaryBatchSize))
            {
                yield return session.Run($"fetching summaries from '{folderPath}'", cancellationToken, token =>
                {
                    IMailFolder folder = OpenChecked(session, folderPath, uidValidity, markSeen, token);
                    var byUid = new Dictionary<uint, IMessageSummary>();
                    var toFetch = new List<UniqueId>();
                    foreach (UniqueId uid in batch)
                    {
                        if (prefetched != null && prefetched.TryGetValue(uid.Id, out IMessageSummary known))
                        {
                            byUid[uid.Id] = known;
                        }
                        else
                        {
                            toFetch.Add(uid);
                        }
                    }

                    if (toFetch.Count > 0)
                    {
                        foreach (IMessageSummary summary in folder.Fetch(toFetch, request, token))
                        {
                            byUid[summary.UniqueId.Id] = summary;
                        }
                    }

                    ImapFetchBatch result = Collect(batch, byUid, summary => ImapMessage.FromSummary(summary, folder, session));
                    MarkSeen(folder, markSeen, result.Messages, token);
                    return result;
                }, idempotent: !markSeen);
            }
        }

        /// <summary>
        /// Whole messages, parsed, in batches: one UID FETCH BODY.PEEK[] per batch (GetStreams), plus one
        /// summary FETCH for the messages that came without a summary. With <paramref name="markSeen"/>,
        /// one STORE per batch sets \Seen.
        /// </summary>
        public static IEnumerable<ImapFetchBatch> FetchFull(ImapSession session, string folderPath, uint? uidValidity, IEnumerable<uint> uids,
            IDictionary<uint, ImapMessage> known, bool markSeen, CancellationToken cancellationToken)
        {
            foreach (List<UniqueId> batch in Batches(ToUniqueIds(uids), BodyBatchSize))
            {
                yield return session.Run($"downloading messages from '{folderPath}'", cancellationToken, token =>
                {
                    var folder = (ImapFolder)OpenChecked(session, folderPath, uidValidity, markSeen, token);
                    Dictionary<uint, ImapMessage> messages = Summaries(session, folder, batch, known, false, token);
                    var downloaded = new Dictionary<uint, ImapMessage>();
                    folder.GetStreams(batch.Where(u => messages.ContainsKey(u.Id)).ToList(), (f, index, uid, stream) =>
                    {
                        if (messages.TryGetValue(uid.Id, out ImapMessage message))
                        {
                            MimeMessage mime = MimeMessage.Load(stream, token);
                            message.ApplyMessage(mime);
                            AssignPartSpecifiers(message, mime);
                            downloaded[uid.Id] = message;
                        }
                    }, token);

                    MarkSeen(folder, markSeen, downloaded.Values, token);
                    return Collect(batch, downloaded, m => m);
                }, idempotent: !markSeen);
            }
        }

        /// <summary>
        /// One MIME part of each message (BODY.PEEK[part] and its MIME header), e.g. the text of a message
        /// with a big attachment. IMAP has no multi-message form of this, so it is one FETCH per message.
        /// </summary>
        public static IEnumerable<ImapFetchBatch> FetchBodyPart(ImapSession session, string folderPath, uint? uidValidity, IEnumerable<uint> uids,
            IDictionary<uint, ImapMessage> known, string partSpecifier, bool markSeen, CancellationToken cancellationToken)
        {
            if (partSpecifier == null || !PartSpecifierPattern.IsMatch(partSpecifier))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidPartSpecifier,
                    $"'{partSpecifier}' is not a body part specifier. Use numbers separated by dots, as in the PartSpecifier of an attachment: 1, 2, 1.2.");
            }

            foreach (List<UniqueId> batch in Batches(ToUniqueIds(uids), SummaryBatchSize))
            {
                yield return session.Run($"downloading part {partSpecifier} from '{folderPath}'", cancellationToken, token =>
                {
                    var folder = (ImapFolder)OpenChecked(session, folderPath, uidValidity, markSeen, token);
                    // HasPart below needs BODYSTRUCTURE.
                    Dictionary<uint, ImapMessage> messages = Summaries(session, folder, batch, known, true, token);
                    var done = new Dictionary<uint, ImapMessage>();
                    var missingParts = new List<uint>();
                    foreach (UniqueId uid in batch.Where(u => messages.ContainsKey(u.Id)))
                    {
                        // Servers answer a part that does not exist with an empty body, so ask BODYSTRUCTURE first.
                        if (!HasPart(messages[uid.Id].BodyStructure, partSpecifier))
                        {
                            missingParts.Add(uid.Id);
                            continue;
                        }

                        MimeEntity entity;
                        try
                        {
                            entity = folder.GetBodyPart(uid, partSpecifier, token);
                        }
                        catch (MessageNotFoundException)
                        {
                            entity = null;
                        }

                        if (entity == null)
                        {
                            missingParts.Add(uid.Id);
                            continue;
                        }

                        ImapMessage message = messages[uid.Id];
                        ApplyPart(message, entity, partSpecifier);
                        done[uid.Id] = message;
                    }

                    MarkSeen(folder, markSeen, done.Values, token);
                    ImapFetchBatch result = Collect(batch, done, m => m);
                    return new ImapFetchBatch(result.Messages, result.Missing.Except(missingParts).ToList(), missingParts);
                }, idempotent: !markSeen);
            }
        }

        /// <summary>Opens the folder and refuses to go on when its UIDVALIDITY is not the one the messages were read with.</summary>
        internal static IMailFolder OpenChecked(ImapSession session, string folderPath, uint? uidValidity, bool write, CancellationToken token)
        {
            IMailFolder folder = ImapFolderOperations.Open(session, folderPath, write, token);
            if (uidValidity.HasValue && folder.UidValidity != uidValidity.Value)
            {
                throw ImapErrors.UidValidityChanged(session, folder.FullName, uidValidity.Value, folder.UidValidity);
            }

            return folder;
        }

        internal static IList<UniqueId> ToUniqueIds(IEnumerable<uint> uids) => uids.Select(u => new UniqueId(u)).ToList();

        internal static IEnumerable<List<T>> Batches<T>(IList<T> items, int size)
        {
            for (int offset = 0; offset < items.Count; offset += size)
            {
                yield return items.Skip(offset).Take(size).ToList();
            }
        }

        /// <summary>
        /// Messages for a batch: the known ones copied (callers' objects stay as they were), the rest fetched as summaries;
        /// with <paramref name="withStructure"/>, known ones without BODYSTRUCTURE are fetched again with it.
        /// </summary>
        private static Dictionary<uint, ImapMessage> Summaries(ImapSession session, IMailFolder folder, List<UniqueId> batch,
            IDictionary<uint, ImapMessage> known, bool withStructure, CancellationToken token)
        {
            var messages = new Dictionary<uint, ImapMessage>();
            var toFetch = new List<UniqueId>();
            foreach (UniqueId uid in batch)
            {
                if (known != null && known.TryGetValue(uid.Id, out ImapMessage message) && (!withStructure || message.BodyStructure != null))
                {
                    messages[uid.Id] = message.Clone();
                }
                else
                {
                    toFetch.Add(uid);
                }
            }

            if (toFetch.Count > 0)
            {
                foreach (IMessageSummary summary in folder.Fetch(toFetch, new FetchRequest(ItemsFor(withStructure)), token))
                {
                    messages[summary.UniqueId.Id] = ImapMessage.FromSummary(summary, folder, session);
                }
            }

            return messages;
        }

        private static ImapFetchBatch Collect<T>(List<UniqueId> batch, IDictionary<uint, T> found, Func<T, ImapMessage> make)
        {
            var messages = new List<ImapMessage>();
            var missing = new List<uint>();
            foreach (UniqueId uid in batch)
            {
                if (found.TryGetValue(uid.Id, out T item))
                {
                    messages.Add(make(item));
                }
                else
                {
                    missing.Add(uid.Id);
                }
            }

            return new ImapFetchBatch(messages, missing);
        }

        /// <summary>BODY.PEEK never sets \Seen; -MarkSeen does it explicitly with one STORE for the batch.</summary>
        private static void MarkSeen(IMailFolder folder, bool markSeen, IEnumerable<ImapMessage> messages, CancellationToken token)
        {
            List<ImapMessage> list = messages.ToList();
            if (!markSeen || list.Count == 0)
            {
                return;
            }

            folder.Store(list.Select(m => new UniqueId(m.Uid)).ToList(), new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen) { Silent = true }, token);
            list.ForEach(m => m.Flags |= ImapMessageFlags.Seen);
        }

        private static void AssignPartSpecifiers(ImapMessage message, MimeMessage mime)
        {
            var specifiers = new Dictionary<MimeEntity, string>();
            using (var iterator = new MimeIterator(mime))
            {
                while (iterator.MoveNext())
                {
                    specifiers[iterator.Current] = iterator.PathSpecifier;
                }
            }

            foreach (MessageAttachment attachment in message.Attachments ?? new MessageAttachment[0])
            {
                if (attachment.Entity != null && specifiers.TryGetValue(attachment.Entity, out string specifier))
                {
                    attachment.PartSpecifier = specifier;
                }
            }
        }

        /// <summary>Whether BODYSTRUCTURE has the part; "1" is also the body of a message that is not multipart.</summary>
        internal static bool HasPart(BodyPart root, string partSpecifier)
        {
            if (root == null)
            {
                return true;
            }

            if (partSpecifier == "1" && !(root is BodyPartMultipart))
            {
                return true;
            }

            var pending = new Stack<BodyPart>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                BodyPart part = pending.Pop();
                if (part.PartSpecifier == partSpecifier)
                {
                    return true;
                }

                if (part is BodyPartMultipart multipart)
                {
                    foreach (BodyPart child in multipart.BodyParts)
                    {
                        pending.Push(child);
                    }
                }
                else if (part is BodyPartMessage attached && attached.Body != null)
                {
                    pending.Push(attached.Body);
                }
            }

            return false;
        }

        private static void ApplyPart(ImapMessage message, MimeEntity entity, string partSpecifier)
        {
            if (entity is TextPart text && !text.IsAttachment)
            {
                if (text.IsHtml)
                {
                    message.HtmlBody = text.Text;
                }
                else
                {
                    message.TextBody = text.Text;
                }

                return;
            }

            MessageAttachment attachment = MessageAttachment.FromEntity(entity);
            attachment.PartSpecifier = partSpecifier;
            message.Attachments = new[] { attachment };
        }
    }
}
