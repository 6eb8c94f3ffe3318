using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailKit;
using MailProtocols.Core.Maildir;
using MailProtocols.Core.Sessions;
using MimeKit;

namespace MailProtocols.Core.Imap
{
    internal sealed partial class ImapMaildirSync
    {
        private sealed partial class TwoWayRun
        {
            /// <summary>
            /// The folder was recreated (new UIDVALIDITY) and the local copies of the old generation are about to be
            /// replaced. Their flag changes since the last sync are not lost: a message the new folder still has (same
            /// Message-ID) gets them on the server before the download; a changed message it lacks is appended again.
            /// </summary>
            private void CarryOverLocalChanges(List<LocalMessageFile> otherGeneration)
            {
                var recorded = new Dictionary<string, SyncedMessage>(StringComparer.Ordinal);
                foreach (SyncedMessage record in _saved?.Messages ?? new List<SyncedMessage>())
                {
                    if (!record.DeletedLocally)
                    {
                        recorded[record.BaseName] = record;
                    }
                }

                var changed = new List<(LocalMessageFile File, string Recorded, string MessageId)>();
                foreach (LocalMessageFile file in otherGeneration)
                {
                    if (recorded.TryGetValue(file.BaseName, out SyncedMessage record) && MaildirSyncPlanner.Flags(file.Letters) != record.Letters)
                    {
                        changed.Add((file, record.Letters, ReadMessageId(file.Path)));
                    }
                }

                if (changed.Count == 0)
                {
                    return;
                }

                Dictionary<string, ServerMessageFlags> byId = ReadMessageIds();
                var stores = new Dictionary<(bool, char), FlagStore>();
                var lost = new List<LocalMessageFile>();
                foreach ((LocalMessageFile file, string before, string id) in changed)
                {
                    if (id == null || !byId.TryGetValue(id, out ServerMessageFlags now))
                    {
                        lost.Add(file);
                        continue;
                    }

                    string merged = MaildirSyncPlanner.MergeFlags(before, MaildirSyncPlanner.Flags(file.Letters), now.Letters);
                    foreach (char letter in MaildirSyncPlanner.FlagLetters)
                    {
                        bool want = merged.IndexOf(letter) >= 0;
                        if (want != (now.Letters.IndexOf(letter) >= 0))
                        {
                            if (!stores.TryGetValue((want, letter), out FlagStore store))
                            {
                                stores[(want, letter)] = store = new FlagStore { Add = want, Letter = letter };
                            }

                            store.Uids.Add(now.Uid);
                        }
                    }
                }

                _channel.Verbose($"'{_path}' was recreated: {changed.Count - lost.Count} local flag change(s) go to the messages with the same Message-ID, {lost.Count} changed message(s) the new folder lacks are appended.");
                StoreAll(stores.Values.OrderBy(s => s.Add ? 0 : 1).ThenBy(s => s.Letter).ToList());
                // Appended, each file is renamed into the new generation, so the pull does not remove it with the old one.
                AppendAll(lost);
            }

            private Dictionary<string, ServerMessageFlags> ReadMessageIds() =>
                _session.Run($"reading Message-IDs in '{_path}'", _token, t =>
                {
                    IMailFolder folder = Reopen(t);
                    var found = new Dictionary<string, ServerMessageFlags>(StringComparer.Ordinal);
                    if (folder.Count == 0)
                    {
                        return found;
                    }

                    foreach (IMessageSummary summary in folder.Fetch(new UniqueIdRange(UniqueId.MinValue, UniqueId.MaxValue),
                        new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.Envelope), t))
                    {
                        string id = Normalize(summary.Envelope?.MessageId);
                        if (id != null && !found.ContainsKey(id))
                        {
                            found[id] = new ServerMessageFlags { Uid = summary.UniqueId.Id, Letters = ServerMessage.From(summary).Letters };
                        }
                    }

                    return found;
                }, idempotent: true);

            private static string ReadMessageId(string path)
            {
                try
                {
                    using (FileStream stream = File.OpenRead(path))
                    {
                        return Normalize(HeaderList.Load(stream)[HeaderId.MessageId]);
                    }
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is FormatException)
                {
                    return null;
                }
            }

            private static string Normalize(string messageId)
            {
                string id = messageId?.Trim().Trim('<', '>').Trim();
                return string.IsNullOrEmpty(id) ? null : id;
            }
        }
    }
}
