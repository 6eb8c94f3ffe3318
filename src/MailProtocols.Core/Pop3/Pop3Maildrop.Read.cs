using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Messages;
using MailProtocols.Core.Operations;
using MimeKit;

namespace MailProtocols.Core.Pop3
{
    internal sealed partial class Pop3Maildrop
    {
        internal const string ReadActivity = "Get-Pop3Message";

        /// <summary>Messages per TOP batch; each batch is one pipelined write and one read of all answers.</summary>
        private const int HeaderBatchSize = 100;

        /// <summary>Full messages are parsed in memory (-Full), so their batches are bounded by size too.</summary>
        private const int FullBatchSize = 50;
        private const long FullBatchBytes = 16L * 1024 * 1024;

        /// <summary>
        /// Get-Pop3Message: the messages chosen by number or UIDL (every unmarked one without either), the first
        /// <paramref name="first"/> of them when above zero, as headers or parsed whole. A number or UIDL that
        /// does not exist is an error of its own; the others are still read.
        /// </summary>
        public void Read(IReadOnlyList<int> indexes, IReadOnlyList<string> uids, int first, bool full, IOperationChannel channel)
        {
            CancellationToken token = channel.Cancellation;
            EnsureListed(token);
            var items = new List<Pop3Item>();
            if (indexes != null || uids != null)
            {
                foreach (object key in (indexes ?? new int[0]).Cast<object>().Concat(uids ?? new string[0]))
                {
                    try
                    {
                        items.Add(key is int index ? ByIndex(index, token) : ByUid((string)key, token));
                    }
                    catch (MailProtocolException ex)
                    {
                        channel.Error(ex, key);
                    }
                }
            }
            else
            {
                items.AddRange(All(token));
            }

            IReadOnlyList<Pop3Item> selected = first > 0 ? items.Take(first).ToArray() : items.ToArray();
            if (selected.Count == 0)
            {
                return;
            }

            var progress = new TransferProgress(channel, ReadActivity, $"Reading {(full ? "messages" : "headers")} from {_session.Server}: ", "messages",
                selected.Count, full ? selected.Sum(i => i.Size) : 0);
            try
            {
                if (full)
                {
                    FetchFull(selected, progress, channel);
                }
                else
                {
                    FetchHeaders(selected, progress, channel);
                }
            }
            finally
            {
                progress.Complete();
            }
        }

        /// <summary>Headers through pipelined TOP n 0, batch by batch; each batch is output outside the session lock.</summary>
        private void FetchHeaders(IReadOnlyList<Pop3Item> items, TransferProgress progress, IOperationChannel channel)
        {
            foreach (Pop3Item[] batch in Batching.BySize(items, i => i.Size, HeaderBatchSize, long.MaxValue))
            {
                // The raw header blocks (TOP n 0), parsed here: GetMessageHeaders drops the Content-* lines,
                // and Content-Type is what tells HasAttachments before the body is downloaded.
                IList<Stream> streams = RunOn(batch, "TOP", channel.Cancellation, token =>
                    Client.GetStreams(batch.Select(i => i.Index - 1).ToArray(), true, token));
                var headers = new List<HeaderList>(streams.Count);
                foreach (Stream raw in streams)
                {
                    using (raw)
                    {
                        headers.Add(HeaderList.Load(raw, channel.Cancellation));
                    }
                }

                for (int n = 0; n < batch.Length; n++)
                {
                    var message = new Pop3Message(_session, batch[n]);
                    message.ApplyHeaders(headers[n]);
                    channel.Output(message);
                }

                progress.AddItems(batch.Length);
            }
        }

        /// <summary>
        /// Whole parsed messages through pipelined RETR, in batches bounded by count and size. Each message is
        /// parsed on its own, so one that MimeKit cannot parse is an error of its own and the rest of its batch
        /// still comes out.
        /// </summary>
        private void FetchFull(IReadOnlyList<Pop3Item> items, TransferProgress progress, IOperationChannel channel)
        {
            foreach (Pop3Item[] batch in Batching.BySize(items, i => i.Size, FullBatchSize, FullBatchBytes))
            {
                IList<Stream> streams = RunOn(batch, "RETR", channel.Cancellation, token =>
                    Client.GetStreams(batch.Select(i => i.Index - 1).ToArray(), false, token));
                var parsed = new List<Pop3Message>(batch.Length);
                var unreadable = new List<KeyValuePair<Pop3Item, MailProtocolException>>();
                for (int n = 0; n < batch.Length; n++)
                {
                    using (Stream raw = streams[n])
                    {
                        try
                        {
                            var message = new Pop3Message(_session, batch[n]);
                            message.ApplyMessage(MimeMessage.Load(raw, channel.Cancellation));
                            parsed.Add(message);
                        }
                        catch (FormatException ex)
                        {
                            unreadable.Add(new KeyValuePair<Pop3Item, MailProtocolException>(batch[n], new MailProtocolException(MailErrorKind.InvalidData, MailErrorReason.MalformedMessage,
                                $"Message {batch[n].Index} (UIDL {batch[n].Uid}) could not be parsed: {ex.Message.TrimEnd('.')}. Save it as it is with Save-Pop3Message -Uid '{batch[n].Uid}'.", ex)));
                        }
                    }
                }

                foreach (KeyValuePair<Pop3Item, MailProtocolException> failure in unreadable)
                {
                    channel.Error(failure.Value, failure.Key.Uid);
                }

                foreach (Pop3Message message in parsed)
                {
                    channel.Output(message);
                }

                progress.AddBytes(parsed.Sum(m => m.Size));
                progress.AddItems(parsed.Count);
            }
        }
    }
}
