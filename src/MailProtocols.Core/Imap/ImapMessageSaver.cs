using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;

namespace MailProtocols
{
    /// <summary>What one batch of Save-ImapMessage did.</summary>
    internal sealed class ImapSaveBatch
    {
        public List<KeyValuePair<uint, string>> Saved { get; } = new List<KeyValuePair<uint, string>>();

        /// <summary>Messages whose file was there already and was left alone (not downloaded again).</summary>
        public List<KeyValuePair<uint, string>> Existing { get; } = new List<KeyValuePair<uint, string>>();

        public List<uint> Missing { get; } = new List<uint>();

        public List<KeyValuePair<uint, MailProtocolException>> Failed { get; } = new List<KeyValuePair<uint, MailProtocolException>>();
    }

    /// <summary>
    /// Streams whole messages to .eml files: one UID FETCH BODY.PEEK[] per batch (MailKit GetStreams), each
    /// message copied byte for byte into a temporary file that is renamed into place when complete.
    /// </summary>
    internal static class ImapMessageSaver
    {
        /// <summary>UIDs per UID FETCH: 10,000 messages take five commands. MailKit buffers one message at a time.</summary>
        internal const int BatchSize = 2000;

        public static IEnumerable<ImapSaveBatch> Save(ImapSession session, string folderPath, uint? uidValidity, IList<UniqueId> uids,
            Func<uint, uint, char, string> pathFor, bool overwrite, Action<uint> onMessageDone, CancellationToken cancellationToken)
        {
            foreach (List<UniqueId> batch in ImapMessageReader.Batches(uids, BatchSize))
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
                                onMessageDone?.Invoke(uid.Id);
                            }
                        }
                    }

                    folder.GetStreams(batch.Where(u => !existing.ContainsKey(u.Id)).ToList(), (f, index, uid, stream) =>
                    {
                        string path = pathFor(uid.Id, folder.UidValidity, folder.DirectorySeparator);
                        try
                        {
                            using (var file = new AtomicFile(path))
                            {
                                stream.CopyTo(file.Stream, 81920);
                                token.ThrowIfCancellationRequested();
                                file.Commit(overwrite);
                            }

                            saved[uid.Id] = path;
                        }
                        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                        {
                            // One unwritable file must not abort the FETCH the other messages are arriving in.
                            failed[uid.Id] = new MailProtocolException(MailErrorKind.WriteError, "FileWriteFailed",
                                $"Message {uid.Id} in '{folderPath}' could not be written to '{path}': {ex.Message}", ex);
                        }

                        onMessageDone?.Invoke(uid.Id);
                    }, token);

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
                });
            }
        }
    }
}
