using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Files;
using MailProtocols.Core.Mbox;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;
using MimeKit;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Writes messages from IMAP folders into one mboxrd file. The file is written under a temporary
    /// name and renamed into place by <see cref="Commit"/>; without it nothing is left behind.
    /// Per batch of UIDs: one UID FETCH of date, envelope and size, then the bodies with UID FETCH
    /// BODY.PEEK[] (in smaller batches by size), each copied into the file as it arrives.
    /// </summary>
    internal sealed class ImapMboxExport : IDisposable
    {
        /// <summary>UIDs per metadata FETCH.</summary>
        internal const int MetadataBatch = 1000;

        private const MessageSummaryItems MetadataItems = MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate |
            MessageSummaryItems.Envelope | MessageSummaryItems.Size;

        private readonly AtomicFile _file;
        private readonly MboxrdWriter _writer;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<string> _folders = new List<string>();

        public ImapMboxExport(string path)
        {
            try
            {
                _file = new AtomicFile(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.FileWriteFailed,
                    $"'{path}' could not be written: {ex.Message} Check that the folder exists and is writable.", ex);
            }

            _writer = new MboxrdWriter(_file.Stream);
        }

        internal const string ProgressActivity = "Export-ImapFolder";

        public int Messages => _writer.MessagesWritten;

        private int _total;

        /// <summary>Refuses a destination that exists (unless <paramref name="overwrite"/>) or whose folder does not.</summary>
        public static void CheckDestination(string path, bool overwrite)
        {
            if (File.Exists(path) && !overwrite)
            {
                throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.FileExists,
                    $"'{path}' already exists. Use -Force to replace it (it is replaced only once the new file is complete), or choose another -Destination.");
            }

            if (!Directory.Exists(Path.GetDirectoryName(path)))
            {
                throw new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.DirectoryNotFound, $"The folder of '{path}' does not exist. Create it first.");
            }
        }

        /// <summary>
        /// Export-ImapFolder: asks once for the file, writes every source into it (a source that fails is an error
        /// of its own), and outputs the result once the file is complete and renamed into place. If any source
        /// failed, the file is dropped instead: a partial export must not look complete, and an existing
        /// destination stays as it was.
        /// </summary>
        public static void Run(string path, bool overwrite, IReadOnlyList<ImapExportSource> sources, IOperationChannel channel)
        {
            if (sources.Count == 0)
            {
                return;
            }

            CheckDestination(path, overwrite);
            if (!channel.ShouldChange(path, $"Export {string.Join(", ", sources.Select(s => s.Describe()))} as mboxrd"))
            {
                return;
            }

            using (var export = new ImapMboxExport(path))
            {
                try
                {
                    bool complete = true;
                    foreach (ImapExportSource source in sources)
                    {
                        try
                        {
                            uint validity = source.UidValidity;
                            IList<uint> uids = source.Uids ?? ListFolder(source.Session, source.Folder, out validity, channel.Cancellation);
                            export.Export(source.Session, source.Folder, validity, uids, channel);
                        }
                        catch (MailProtocolException ex)
                        {
                            channel.Error(ex, $"folder '{source.Folder}'");
                            complete = false;
                        }
                    }

                    if (!complete)
                    {
                        channel.Verbose($"'{path}' was not written because not every message could be exported; run the command again.");
                        return;
                    }

                    channel.Output(export.Commit(overwrite));
                }
                finally
                {
                    channel.Progress(OperationProgress.Finished(ProgressActivity));
                }
            }
        }

        /// <summary>The UIDs of every message in the folder, in order (one UID SEARCH), and the folder's UIDVALIDITY.</summary>
        public static IList<uint> ListFolder(ImapSession session, string folderPath, out uint uidValidity, CancellationToken cancellationToken)
        {
            uint validity = 0;
            IList<uint> uids = session.Run($"listing '{folderPath}'", cancellationToken, token =>
            {
                IMailFolder folder = ImapFolderOperations.Open(session, folderPath, false, token);
                validity = folder.UidValidity;
                return (IList<uint>)folder.Search(SearchQuery.All, token).Select(u => u.Id).OrderBy(u => u).ToList();
            }, idempotent: true);
            uidValidity = validity;
            return uids;
        }

        /// <summary>Appends the messages (in UID order); a UID the folder no longer has is an error of its own.</summary>
        public void Export(ImapSession session, string folderPath, uint uidValidity, IList<uint> uids, IOperationChannel channel)
        {
            CancellationToken cancellationToken = channel.Cancellation;
            var missing = new List<uint>();
            List<uint> ordered = uids.Distinct().OrderBy(u => u).ToList();
            _total += ordered.Count;
            string fullName = folderPath;
            foreach (List<uint> batch in ImapMessageReader.Batches(ordered, MetadataBatch))
            {
                Dictionary<uint, IMessageSummary> metadata = session.Run($"reading messages of '{folderPath}'", cancellationToken, token =>
                {
                    IMailFolder folder = ImapMessageReader.OpenChecked(session, folderPath, uidValidity, false, token);
                    fullName = folder.FullName;
                    return folder.Fetch(batch.Select(u => new UniqueId(u)).ToList(), new FetchRequest(MetadataItems), token).ToDictionary(s => s.UniqueId.Id);
                }, idempotent: true);

                var written = new HashSet<uint>();
                foreach (uint[] bodies in Batching.BySize(batch.Where(metadata.ContainsKey), u => (long)(metadata[u].Size ?? 0), ImapMaildirSync.BodyBatchMessages, ImapMaildirSync.BodyBatchBytes))
                {
                    Exception failure = null;
                    session.Run($"downloading messages from '{folderPath}'", cancellationToken, token =>
                    {
                        var folder = (ImapFolder)ImapMessageReader.OpenChecked(session, folderPath, uidValidity, false, token);
                        List<UniqueId> wanted = bodies.Where(u => !written.Contains(u)).Select(u => new UniqueId(u)).ToList();
                        if (wanted.Count == 0)
                        {
                            return;
                        }

                        folder.GetStreams(wanted, (f, index, uid, stream) =>
                        {
                            // Never let a failure escape into MailKit's response parsing; report it after the command.
                            if (failure != null || written.Contains(uid.Id))
                            {
                                return;
                            }

                            try
                            {
                                IMessageSummary summary = metadata[uid.Id];
                                _writer.WriteMessage(stream, SenderOf(summary), summary.InternalDate);
                                written.Add(uid.Id);
                            }
                            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                            {
                                failure = new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.FileWriteFailed,
                                    $"Writing the mbox file failed: {ex.Message} Check the free space on the destination.", ex);
                            }
                        }, token);
                    }, idempotent: true);

                    if (failure != null)
                    {
                        throw failure;
                    }

                    channel.Progress(new OperationProgress(ProgressActivity,
                        $"{_writer.MessagesWritten} of {_total} messages written to {Path.GetFileName(_file.FinalPath)}", _writer.MessagesWritten, _total));
                }

                missing.AddRange(batch.Where(u => !written.Contains(u)));
            }

            if (!_folders.Contains(fullName))
            {
                _folders.Add(fullName);
            }

            foreach (uint uid in missing)
            {
                channel.Error(new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.MessageNotFound,
                    $"Message {uid} is no longer in '{folderPath}' (it was expunged); it was left out of the export."), $"message {uid} in {folderPath}");
            }
        }

        /// <summary>Flushes the file to disk and renames it into place.</summary>
        public ImapExportResult Commit(bool overwrite)
        {
            try
            {
                long length = _file.Stream.Length;
                _file.Commit(overwrite);
                return new ImapExportResult
                {
                    Path = _file.FinalPath,
                    Folders = _folders.ToArray(),
                    Messages = _writer.MessagesWritten,
                    Bytes = length,
                    Duration = _clock.Elapsed,
                };
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.FileWriteFailed,
                    $"'{_file.FinalPath}' could not be written: {ex.Message}", ex);
            }
        }

        public void Dispose() => _file.Dispose();

        private static string SenderOf(IMessageSummary summary)
        {
            MailboxAddress sender = summary.Envelope?.From?.Mailboxes.FirstOrDefault() ?? summary.Envelope?.Sender?.Mailboxes.FirstOrDefault();
            return string.IsNullOrEmpty(sender?.Address) ? null : sender.Address;
        }
    }
}
