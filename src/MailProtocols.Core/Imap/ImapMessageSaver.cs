using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Files;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Streams whole messages to .eml files: one UID FETCH BODY.PEEK[] per batch (MailKit GetStreams), each
    /// message copied byte for byte into a temporary file that is renamed into place when complete.
    /// MailKit holds each message of a batch in memory until it is complete, so big messages instead come
    /// in slices (BODY.PEEK[]&lt;offset.count&gt;) written as they arrive: memory stays at one slice.
    /// A download changes nothing on the server (BODY.PEEK), so a batch whose connection drops is repeated
    /// once on a new connection; the files that were complete by then are found and not fetched again.
    /// </summary>
    internal sealed class ImapMessageSaver
    {
        internal const string ProgressActivity = "Save-ImapMessage";

        /// <summary>UIDs per UID FETCH: 10,000 messages take five commands.</summary>
        internal const int BatchSize = 2000;

        /// <summary>Messages bigger than this are fetched in slices rather than whole.</summary>
        internal const long LargeMessageBytes = 2L * 1024 * 1024;

        /// <summary>Bytes per slice of a big message: a 20 MB message takes ten FETCH commands.</summary>
        internal const int SliceBytes = 2 * 1024 * 1024;

        private readonly string _directory;
        private readonly bool _overwrite;
        private readonly bool _skipExisting;
        private int _done;

        /// <param name="overwrite">Download messages whose file exists again (-Force).</param>
        /// <param name="skipExisting">Leave messages whose file exists out of the output; otherwise they are output with AlreadySaved.</param>
        public ImapMessageSaver(string directory, bool overwrite, bool skipExisting)
        {
            _directory = directory;
            _overwrite = overwrite;
            _skipExisting = skipExisting;
        }

        /// <summary>
        /// Save-ImapMessage for one set: each message to "&lt;folder&gt;_&lt;uidvalidity&gt;_&lt;uid&gt;.eml" in the directory, output
        /// as it is saved (then the ones saved before); a message that is gone or cannot be written is an error
        /// of its own. <paramref name="total"/> counts the messages of the whole command, or is -1 while they
        /// are still coming down the pipeline.
        /// </summary>
        public void Save(ImapMessageSet set, int total, IOperationChannel channel)
        {
            foreach (ImapSaveBatch batch in Batches(set, total, channel))
            {
                foreach (KeyValuePair<uint, string> kept in batch.Existing)
                {
                    channel.Verbose(_skipExisting
                        ? $"Skipped message {kept.Key} in '{set.Folder}': already saved as '{kept.Value}'."
                        : $"Message {kept.Key} in '{set.Folder}' is already saved as '{kept.Value}': not downloaded again, output with AlreadySaved = True. Use -Force to download it again, or -SkipExisting to leave it out.");
                }

                // The files saved now, then (unless skipping them) the ones that were there already, told apart by AlreadySaved.
                foreach (KeyValuePair<uint, string> saved in batch.Saved)
                {
                    channel.Output(new SavedMessageFile(saved.Value, MessageOf(set, saved.Key), alreadySaved: false));
                }

                if (!_skipExisting)
                {
                    foreach (KeyValuePair<uint, string> existing in batch.Existing)
                    {
                        channel.Output(new SavedMessageFile(existing.Value, MessageOf(set, existing.Key), alreadySaved: true));
                    }
                }

                set.ReportMissing(batch.Missing, channel);
                foreach (KeyValuePair<uint, MailProtocolException> failure in batch.Failed)
                {
                    channel.Error(failure.Value, set.Messages.TryGetValue(failure.Key, out ImapMessage m) ? (object)m : failure.Key);
                }
            }
        }

        /// <summary>The piped message, or a summary that names it for -Uid input.</summary>
        private static ImapMessage MessageOf(ImapMessageSet set, uint uid) => set.Messages.TryGetValue(uid, out ImapMessage known)
            ? known
            : new ImapMessage { Uid = uid, Folder = set.Folder, UidValidity = set.UidValidity ?? 0, Session = set.Session };

        /// <summary>One UID FETCH per batch; sizes come from the summaries that came in, the missing ones are fetched (RFC822.SIZE, one command per batch).</summary>
        private IEnumerable<ImapSaveBatch> Batches(ImapMessageSet set, int total, IOperationChannel channel)
        {
            ImapSession session = set.Session;
            string folderPath = set.Folder;
            uint? uidValidity = set.UidValidity;
            IEnumerable<uint> uids = set.Uids;
            bool overwrite = _overwrite;
            CancellationToken cancellationToken = channel.Cancellation;
            IDictionary<uint, long> knownSizes = set.Messages.Values.Where(m => m.Size.HasValue).ToDictionary(m => m.Uid, m => m.Size.Value);
            string pathFor(uint uid, uint validity, char separator) => Path.Combine(_directory, ImapMessageFiles.FileName(folderPath, separator, validity, uid));

            // Per message done, on this thread (inside the session lock: a progress report never uses the session).
            void onMessageDone(uint uid)
            {
                _done++;
                channel.Progress(new OperationProgress(ProgressActivity, total > 0 ? $"{_done} of {total} messages saved" : $"{_done} messages saved", _done, total));
            }

            foreach (List<UniqueId> batch in ImapMessageReader.Batches(ImapMessageReader.ToUniqueIds(uids), BatchSize))
            {
                yield return session.Run($"downloading messages from '{folderPath}'", cancellationToken, token =>
                {
                    var folder = (ImapFolder)ImapMessageReader.OpenChecked(session, folderPath, uidValidity, false, token);
                    var result = new ImapSaveBatch();
                    var saved = new Dictionary<uint, string>();
                    var failed = new Dictionary<uint, MailProtocolException>();
                    var existing = new Dictionary<uint, string>();

                    // A message never changes under its UIDVALIDITY and UID, and files only appear complete (by
                    // rename), so an existing file is that message: unless overwriting, it is not fetched again.
                    if (!overwrite)
                    {
                        foreach (UniqueId uid in batch)
                        {
                            string path = pathFor(uid.Id, folder.UidValidity, folder.DirectorySeparator);
                            if (File.Exists(path))
                            {
                                existing[uid.Id] = path;
                                onMessageDone(uid.Id);
                            }
                        }
                    }

                    List<UniqueId> wanted = batch.Where(u => !existing.ContainsKey(u.Id)).ToList();
                    IDictionary<uint, long> sizes = Sizes(folder, wanted, knownSizes, token);
                    List<UniqueId> large = wanted.Where(u => sizes.TryGetValue(u.Id, out long size) && size > LargeMessageBytes).ToList();
                    List<UniqueId> small = wanted.Where(u => sizes.ContainsKey(u.Id) && !large.Contains(u)).ToList();

                    void Write(UniqueId uid, Action<Stream> copy)
                    {
                        string path = pathFor(uid.Id, folder.UidValidity, folder.DirectorySeparator);
                        try
                        {
                            using (var file = new AtomicFile(path))
                            {
                                copy(file.Stream);
                                token.ThrowIfCancellationRequested();
                                file.Commit(overwrite);
                            }

                            saved[uid.Id] = path;
                        }
                        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                        {
                            // One unwritable file must not abort the FETCH the other messages are arriving in.
                            failed[uid.Id] = new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.FileWriteFailed,
                                $"Message {uid.Id} in '{folderPath}' could not be written to '{path}': {ex.Message}", ex);
                        }

                        onMessageDone(uid.Id);
                    }

                    folder.GetStreams(small, (f, index, uid, stream) => Write(uid, file => stream.CopyTo(file, 81920)), token);
                    foreach (UniqueId uid in large)
                    {
                        try
                        {
                            Write(uid, file => CopySlices(folder, uid, sizes[uid.Id], file, token));
                        }
                        catch (MessageNotFoundException)
                        {
                            // Expunged since the sizes were read: reported as missing, its temporary file is gone.
                        }
                    }

                    foreach (UniqueId uid in batch)
                    {
                        if (saved.TryGetValue(uid.Id, out string path))
                        {
                            result.Saved.Add(new KeyValuePair<uint, string>(uid.Id, path));
                        }
                        else if (existing.TryGetValue(uid.Id, out path))
                        {
                            result.Existing.Add(new KeyValuePair<uint, string>(uid.Id, path));
                        }
                        else if (failed.TryGetValue(uid.Id, out MailProtocolException error))
                        {
                            result.Failed.Add(new KeyValuePair<uint, MailProtocolException>(uid.Id, error));
                        }
                        else
                        {
                            result.Missing.Add(uid.Id);
                        }
                    }

                    return result;
                }, idempotent: true);
            }
        }

        /// <summary>RFC822.SIZE of each message: from the summaries where known, else one FETCH. UIDs the server lacks have none.</summary>
        private static IDictionary<uint, long> Sizes(IMailFolder folder, List<UniqueId> uids, IDictionary<uint, long> known, CancellationToken token)
        {
            var sizes = new Dictionary<uint, long>();
            var unknown = new List<UniqueId>();
            foreach (UniqueId uid in uids)
            {
                if (known != null && known.TryGetValue(uid.Id, out long size))
                {
                    sizes[uid.Id] = size;
                }
                else
                {
                    unknown.Add(uid);
                }
            }

            if (unknown.Count > 0)
            {
                foreach (IMessageSummary summary in folder.Fetch(unknown, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Size), token))
                {
                    sizes[summary.UniqueId.Id] = summary.Size ?? 0;
                }
            }

            return sizes;
        }

        /// <summary>Copies a message slice by slice; a short slice means the end came early.</summary>
        private static void CopySlices(ImapFolder folder, UniqueId uid, long size, Stream destination, CancellationToken token)
        {
            for (long offset = 0; offset < size; offset += SliceBytes)
            {
                long before = destination.Position;
                using (Stream slice = folder.GetStream(uid, (int)offset, SliceBytes, token))
                {
                    slice.CopyTo(destination, 81920);
                }

                if (destination.Position - before < SliceBytes)
                {
                    return;
                }
            }
        }
    }
}
