using System;
using System.Collections.Generic;
using System.Linq;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Operations;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Add-ImapMessage: appends files and message objects to one folder, one batch at a time: ask about each
    /// message, download the piped IMAP summaries of the batch, parse, APPEND (MULTIAPPEND when offered). So at
    /// most one batch is in memory, and the first APPEND does not wait for every download.
    /// </summary>
    internal sealed class ImapAppender
    {
        /// <summary>Messages per APPEND command; with MULTIAPPEND one command carries them all.</summary>
        internal const int BatchCount = 100;

        /// <summary>Bytes per APPEND command, so a batch of big messages is not all held in memory at once.</summary>
        internal const long BatchBytes = 25L * 1024 * 1024;

        private readonly ImapSession _session;
        private readonly string _folder;
        private readonly ImapMessageFlags? _flags;
        private readonly IReadOnlyList<string> _keywords;
        private readonly DateTimeOffset? _date;
        private bool _warnedNoUids;

        /// <param name="flags">The flags every message gets, or null for those of a piped IMAP message (none otherwise).</param>
        /// <param name="keywords">Likewise for keywords.</param>
        /// <param name="date">Likewise for the internal date (the server's time otherwise).</param>
        public ImapAppender(ImapSession session, string folder, ImapMessageFlags? flags, IReadOnlyList<string> keywords, DateTimeOffset? date)
        {
            _session = session;
            _folder = folder;
            _flags = flags;
            _keywords = keywords;
            _date = date;
        }

        public void Run(IEnumerable<ImapAppendInput> inputs, IOperationChannel channel)
        {
            foreach (List<ImapAppendInput> chunk in Batches(inputs))
            {
                List<ImapAppendInput> approved = chunk.Where(p => channel.ShouldChange($"folder '{_folder}' on {_session.Server}", $"Append {p.Describe()}")).ToList();
                DownloadImapSources(approved, channel);
                Append(approved.Select(p => Prepare(p, channel)).Where(item => item != null).ToList(), channel);
            }
        }

        /// <summary>Up to <see cref="BatchCount"/> messages, closed once a batch reaches <see cref="BatchBytes"/>.</summary>
        internal static IEnumerable<List<ImapAppendInput>> Batches(IEnumerable<ImapAppendInput> items)
        {
            var batch = new List<ImapAppendInput>();
            long bytes = 0;
            foreach (ImapAppendInput item in items)
            {
                batch.Add(item);
                bytes += item.Length;
                if (batch.Count >= BatchCount || bytes >= BatchBytes)
                {
                    yield return batch;
                    batch = new List<ImapAppendInput>();
                    bytes = 0;
                }
            }

            if (batch.Count > 0)
            {
                yield return batch;
            }
        }

        private void Append(List<ImapAppendItem> batch, IOperationChannel channel)
        {
            if (batch.Count == 0)
            {
                return;
            }

            IList<ImapMessage> added;
            try
            {
                added = ImapMessageChanges.Append(_session, _folder, batch, channel.Cancellation);
            }
            catch (MailProtocolException ex)
            {
                channel.Error(ex, _folder);
                return;
            }

            if (added.Any(m => m.Uid == 0) && !_warnedNoUids)
            {
                _warnedNoUids = true;
                channel.Warning($"{_session.Endpoint} does not report the UIDs of appended messages (no UIDPLUS); their Uid is 0. Search '{_folder}' to find them.");
            }

            foreach (ImapMessage message in added)
            {
                channel.Output(message);
            }
        }

        /// <summary>Turns one input into what APPEND needs (parsing a file); a failure is an error for that input only.</summary>
        private ImapAppendItem Prepare(ImapAppendInput input, IOperationChannel channel)
        {
            ImapAppendItem item;
            if (input.FilePath != null)
            {
                try
                {
                    item = ImapAppendItem.FromFile(input.FilePath, channel.Cancellation);
                }
                catch (MailProtocolException ex)
                {
                    channel.Error(ex, input.FilePath);
                    return null;
                }
            }
            else
            {
                item = ImapAppendItem.FromMessage(input.Message);
            }

            if (item == null)
            {
                channel.Error(new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.NoContent,
                    $"{input.Describe()} has no content to append. Pipe messages from Get-ImapMessage -Full, Get-Pop3Message or Import-MailMessage, or ImapMessage summaries."), input.Source);
                return null;
            }

            var imap = input.Message as ImapMessage;
            item.Flags = _flags ?? imap?.Flags ?? ImapMessageFlags.None;
            item.Keywords = (_keywords ?? imap?.Keywords ?? new string[0]).ToList();
            item.InternalDate = _date ?? imap?.InternalDate;
            item.Source = input.Source;
            return item;
        }

        /// <summary>IMAP summaries have no content yet: download those of this batch, per folder, and use the parsed messages.</summary>
        private static void DownloadImapSources(List<ImapAppendInput> batch, IOperationChannel channel)
        {
            var summaries = new ImapMessageSetCollection();
            foreach (ImapAppendInput input in batch.Where(p => p.Message is ImapMessage m && m.MimeData == null && m.Session != null))
            {
                summaries.Add((ImapMessage)input.Message);
            }

            foreach (ImapMessageSet set in summaries.Sets)
            {
                try
                {
                    var downloaded = new Dictionary<uint, ImapMessage>();
                    foreach (ImapFetchBatch fetched in ImapMessageReader.FetchFull(set.Session, set.Folder, set.UidValidity, set.Uids, set.Messages, false, channel.Cancellation))
                    {
                        foreach (ImapMessage message in fetched.Messages)
                        {
                            downloaded[message.Uid] = message;
                        }
                    }

                    foreach (ImapAppendInput input in batch)
                    {
                        if (input.Message is ImapMessage m && m.Session == set.Session && m.Folder == set.Folder && m.UidValidity == set.UidValidity &&
                            downloaded.TryGetValue(m.Uid, out ImapMessage full))
                        {
                            input.Message = full;
                        }
                    }
                }
                catch (MailProtocolException ex)
                {
                    channel.Error(ex, set.Folder);
                }
            }
        }
    }
}
