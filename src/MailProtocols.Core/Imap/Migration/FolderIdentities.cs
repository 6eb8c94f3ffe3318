using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MimeKit;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>
    /// Who each message of an open folder is, for <see cref="ImapMessageStore.ReadMessages"/>: by its Message-ID,
    /// or, without one, by a hash of its headers. With an identity cache the first FETCH leaves the header out and
    /// only the messages the cache does not know (or knows with another size or date) have their Message-ID fetched.
    /// </summary>
    internal static class FolderIdentities
    {
        private static readonly HeaderSet MessageIdOnly = new HeaderSet(new[] { HeaderId.MessageId });

        /// <summary>
        /// One UID FETCH of UID, FLAGS, INTERNALDATE and RFC822.SIZE (with the Message-ID header when there is no
        /// cache), and header FETCHes for what that did not settle. Returns how many identities the cache gave.
        /// </summary>
        public static int Read(IMailFolder folder, IdentityCache cache, CancellationToken token,
            out IList<IMessageSummary> summaries, out Dictionary<uint, string> who)
        {
            bool cached = cache != null && cache.Count > 0;
            var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate | MessageSummaryItems.Size);
            if (!cached)
            {
                request.Headers = MessageIdOnly;
            }

            summaries = folder.Fetch(UniqueIdRange.All, request, token);
            who = new Dictionary<uint, string>();
            var unknown = new List<UniqueId>();
            foreach (IMessageSummary summary in summaries)
            {
                if (!cached)
                {
                    if (TryWhoByMessageId(summary, out string byId))
                    {
                        who[summary.UniqueId.Id] = byId;
                        continue;
                    }
                }
                else if (cache.TryGet(summary.UniqueId.Id, summary.Size ?? 0, summary.InternalDate, out string known))
                {
                    who[summary.UniqueId.Id] = known;
                    continue;
                }

                unknown.Add(summary.UniqueId);
            }

            int fromCache = cached ? who.Count : 0;
            if (cached && unknown.Count > 0)
            {
                foreach (IMessageSummary headers in folder.Fetch(unknown, new FetchRequest(MessageSummaryItems.UniqueId) { Headers = MessageIdOnly }, token))
                {
                    if (TryWhoByMessageId(headers, out string byId))
                    {
                        who[headers.UniqueId.Id] = byId;
                    }
                }
            }

            Dictionary<uint, string> settled = who;
            var withoutId = unknown.Where(uid => !settled.ContainsKey(uid.Id)).ToList();
            if (withoutId.Count > 0)
            {
                foreach (IMessageSummary headers in folder.Fetch(withoutId, new FetchRequest(MessageSummaryItems.UniqueId) { Headers = HeaderSet.All }, token))
                {
                    who[headers.UniqueId.Id] = MessageIdentity.Who(null, MessageIdentity.HashHeaders(headers.Headers.Select(Raw)));
                }
            }

            return fromCache;
        }

        private static bool TryWhoByMessageId(IMessageSummary summary, out string who)
        {
            string messageId = summary.Headers?[HeaderId.MessageId];
            who = string.IsNullOrWhiteSpace(messageId) ? null : MessageIdentity.Who(messageId, null);
            return who != null;
        }

        private static byte[] Raw(Header header)
        {
            byte[] name = System.Text.Encoding.ASCII.GetBytes(header.Field + ":");
            byte[] value = header.RawValue ?? Array.Empty<byte>();
            var field = new byte[name.Length + value.Length];
            Buffer.BlockCopy(name, 0, field, 0, name.Length);
            Buffer.BlockCopy(value, 0, field, name.Length, value.Length);
            return field;
        }
    }
}
