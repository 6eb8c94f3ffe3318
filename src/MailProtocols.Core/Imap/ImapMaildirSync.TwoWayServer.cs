using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Maildir;
using MailProtocols.Core.Sessions;
using MimeKit;

namespace MailProtocols.Core.Imap
{
    internal sealed partial class ImapMaildirSync
    {
        /// <summary>Messages per APPEND batch (one MULTIAPPEND where offered); the state is written around each.</summary>
        internal const int AppendBatchMessages = 50;

        /// <summary>UIDs per UID STORE or UID EXPUNGE, so a command line stays well under servers' limits.</summary>
        internal const int StoreBatchUids = 5000;

        private sealed partial class TwoWayRun
        {
            /// <summary>
            /// APPENDs a run recorded but may not have finished: a message found by its Message-ID at or above the
            /// UIDNEXT of that moment was appended, so its file gets that UID instead of being sent again.
            /// </summary>
            private void ResolvePending(List<LocalMessageFile> files)
            {
                foreach (PendingAppend intent in _pending.ToList())
                {
                    LocalMessageFile file = files.FirstOrDefault(f => f.Uid == 0 && string.Equals(f.BaseName, intent.BaseName, StringComparison.Ordinal));
                    uint? uid = file == null || intent.MessageId == null ? null : FindByMessageId(intent.MessageId, intent.UidNext);
                    if (uid.HasValue)
                    {
                        _channel.Verbose($"'{file.BaseName}' was appended to '{_path}' as UID {uid} by an interrupted run; it is not sent again.");
                        // The file stays in the picture as the message with that UID (the server's flags win, as with no record).
                        file.Uid = uid.Value;
                        if (!_owner.PlanOnly)
                        {
                            MaildirLocalFiles.Adopt(_maildir, file, uid.Value, _validity);
                            _appended[uid.Value] = new SyncedMessage { Uid = uid.Value, BaseName = file.BaseName, Letters = MaildirSyncPlanner.Flags(file.Letters) };
                        }
                    }
                    else if (file != null && intent.MessageId == null)
                    {
                        _channel.Warning($"'{file.Path}' may have been appended to '{_path}' by an interrupted run, but it has no Message-ID to find it by; it is appended (again).");
                    }

                    if (!_owner.PlanOnly)
                    {
                        _pending.Remove(intent);
                    }
                }
            }

            private uint? FindByMessageId(string messageId, uint floor) =>
                _session.Run($"looking for an appended message in '{_path}'", _token, t =>
                {
                    IList<UniqueId> found = Reopen(t).Search(
                        SearchQuery.Uids(new UniqueIdRange(new UniqueId(Math.Max(1, floor)), UniqueId.MaxValue)).And(SearchQuery.HeaderContains("Message-ID", messageId)), t);
                    return found.Count == 0 ? (uint?)null : found.Max(u => u.Id);
                }, idempotent: true);

            /// <summary>
            /// APPENDs new local files in batches: the intent is written to the state first, then each file gets its
            /// new UID (APPENDUID, or its Message-ID) in its name, and the state is written again.
            /// </summary>
            private void AppendAll(List<LocalMessageFile> files)
            {
                foreach (List<LocalMessageFile> batch in ImapMessageReader.Batches(files, AppendBatchMessages))
                {
                    _token.ThrowIfCancellationRequested();
                    var items = new List<(LocalMessageFile File, MimeMessage Message, string MessageId, PendingAppend Intent)>();
                    foreach (LocalMessageFile file in batch)
                    {
                        try
                        {
                            MimeMessage message = MimeMessage.Load(file.Path, _token);
                            string id = string.IsNullOrWhiteSpace(message.MessageId) || message.MessageId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? null : message.MessageId;
                            items.Add((file, message, id, new PendingAppend { BaseName = file.BaseName, MessageId = id, UidNext = _uidFloor }));
                        }
                        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is FormatException)
                        {
                            _channel.Error(new MailProtocolException(MailErrorKind.InvalidData, MailErrorReason.InvalidMessageFile,
                                $"'{file.Path}' could not be read as a message, so it was not appended to '{_path}': {ex.Message} Move it out of the Maildir folder or repair it.", ex), file.Path);
                        }
                    }

                    if (items.Count == 0 || !_channel.ShouldChange($"{items.Count} new local message(s) from '{_maildir.Path}' to '{_path}'", "Append to the server"))
                    {
                        continue;
                    }

                    _pending.AddRange(items.Select(i => i.Intent));
                    WriteState(_saved);
                    IList<UniqueId> uids = _session.Run($"appending {items.Count} message(s) to '{_path}'", _token, t =>
                    {
                        IMailFolder folder = Reopen(t);
                        var requests = items.Select(i =>
                        {
                            ImapMessageFlags flags = MaildirFlags.FromLetters(MaildirSyncPlanner.Flags(i.File.Letters), out bool forwarded);
                            return (IAppendRequest)new AppendRequest(i.Message, flags.ToMailKit(), forwarded ? new[] { MaildirFlags.ForwardedKeyword } : new string[0])
                            {
                                InternalDate = new DateTimeOffset(File.GetLastWriteTimeUtc(i.File.Path), TimeSpan.Zero),
                            };
                        }).ToList();
                        return folder.Append(requests, t);
                    });
                    _serverChanged = true;

                    for (int i = 0; i < items.Count; i++)
                    {
                        (LocalMessageFile file, _, string id, PendingAppend intent) = items[i];
                        uint? uid = uids != null && i < uids.Count && uids[i].Id != 0 && uids[i].Validity == _validity ? uids[i].Id : (uint?)null;
                        if (!uid.HasValue && id != null)
                        {
                            uid = FindByMessageId(id, intent.UidNext);
                        }

                        if (uid.HasValue)
                        {
                            MaildirLocalFiles.Adopt(_maildir, file, uid.Value, _validity);
                            _appended[uid.Value] = new SyncedMessage { Uid = uid.Value, BaseName = file.BaseName, Letters = MaildirSyncPlanner.Flags(file.Letters) };
                            _uidFloor = Math.Max(_uidFloor, uid.Value + 1);
                        }
                        else
                        {
                            // The server has it but will not say under which UID: the copy it now holds is downloaded instead.
                            MaildirFolder.Io($"removing '{file.Path}'", () => File.Delete(file.Path));
                            _gone.Add(file.Path);
                            _channel.Verbose($"'{file.Path}' was appended to '{_path}' without a UID the server reports; the local file is replaced by the server's copy.");
                        }

                        _pending.Remove(intent);
                        _result.Appended++;
                    }

                    WriteState(_saved);
                }
            }

            /// <summary>One UID STORE per flag added or removed (+FLAGS.SILENT/-FLAGS.SILENT, so other clients' changes to other flags stay).</summary>
            private void StoreAll(List<FlagStore> stores)
            {
                var pushed = new HashSet<uint>();
                foreach (FlagStore store in stores)
                {
                    string name = FlagName(store.Letter);
                    if (!_channel.ShouldChange($"{store.Uids.Count} message(s) in '{_path}' (UIDs {Describe(store.Uids)})", $"{(store.Add ? "Add" : "Remove")} {name} on the server"))
                    {
                        Revert(store.Uids);
                        continue;
                    }

                    foreach (List<uint> chunk in ImapMessageReader.Batches(store.Uids, StoreBatchUids))
                    {
                        _session.Run($"changing flags in '{_path}'", _token, t =>
                        {
                            var action = store.Add ? StoreAction.Add : StoreAction.Remove;
                            StoreFlagsRequest request = store.Letter == 'P'
                                ? new StoreFlagsRequest(action, new[] { MaildirFlags.ForwardedKeyword }) { Silent = true }
                                : new StoreFlagsRequest(action, MaildirFlags.FromLetters(store.Letter.ToString(), out _).ToMailKit()) { Silent = true };
                            Reopen(t).Store(ImapMessageReader.ToUniqueIds(chunk), request, t);
                        }, idempotent: true);
                    }

                    _serverChanged = true;
                    pushed.UnionWith(store.Uids);
                }

                _result.FlagsPushed += pushed.Count;
            }

            /// <summary>Local deletions become \Deleted on the server; with -Expunge, UID EXPUNGE of exactly those UIDs.</summary>
            private void DeleteOnServer(MaildirSyncPlan plan)
            {
                var declined = new HashSet<uint>();
                if (plan.MarkDeleted.Count > 0)
                {
                    if (_channel.ShouldChange($"{plan.MarkDeleted.Count} message(s) deleted locally in '{_path}' (UIDs {Describe(plan.MarkDeleted)})", "Mark \\Deleted on the server"))
                    {
                        foreach (List<uint> chunk in ImapMessageReader.Batches(plan.MarkDeleted, StoreBatchUids))
                        {
                            _session.Run($"marking messages deleted in '{_path}'", _token, t =>
                                Reopen(t).Store(ImapMessageReader.ToUniqueIds(chunk), new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, t), idempotent: true);
                        }

                        _serverChanged = true;
                        _result.DeletedOnServer += plan.MarkDeleted.Count;
                    }
                    else
                    {
                        Revert(plan.MarkDeleted);
                        declined.UnionWith(plan.MarkDeleted);
                    }
                }

                List<uint> expunge = plan.Expunge.Where(u => !declined.Contains(u) && !(_records.TryGetValue(u, out SyncedMessage r) && _before.TryGetValue(u, out SyncedMessage b) && ReferenceEquals(r, b) && !b.DeletedLocally)).ToList();
                if (expunge.Count == 0)
                {
                    return;
                }

                if (!_session.Features.UidPlus)
                {
                    _channel.Warning($"{_session.Endpoint} has no UIDPLUS, so the {expunge.Count} message(s) deleted in '{_path}' stay marked \\Deleted: a bare EXPUNGE would also remove other clients' deleted messages.");
                    return;
                }

                if (!_channel.ShouldChange($"{expunge.Count} message(s) in '{_path}' (UIDs {Describe(expunge)})", "Expunge (UID EXPUNGE) from the server"))
                {
                    return;
                }

                foreach (List<uint> chunk in ImapMessageReader.Batches(expunge, StoreBatchUids))
                {
                    _session.Run($"expunging messages in '{_path}'", _token, t => Reopen(t).Expunge(ImapMessageReader.ToUniqueIds(chunk), t), idempotent: true);
                }

                _serverChanged = true;
                _result.Expunged += expunge.Count;
                foreach (uint uid in expunge)
                {
                    _records.Remove(uid);
                    _before.Remove(uid);
                    if (plan.Files.TryGetValue(uid, out LocalMessageFile file) && File.Exists(file.Path))
                    {
                        // Trashed locally (T) and now expunged: the file goes too.
                        MaildirFolder.Io($"removing '{file.Path}'", () => File.Delete(file.Path));
                        _gone.Add(file.Path);
                        _result.Removed++;
                    }
                }
            }

            /// <summary>A declined change: these messages keep the record of the last sync, so the next run asks again.</summary>
            private void Revert(IEnumerable<uint> uids)
            {
                _declined = true;
                foreach (uint uid in uids)
                {
                    if (_before.TryGetValue(uid, out SyncedMessage record))
                    {
                        _records[uid] = record;
                    }
                    else
                    {
                        _records.Remove(uid);
                    }
                }
            }

            /// <summary>
            /// With CONDSTORE and records that were the server's flags at a known mod-sequence: only the flags changed
            /// since (UID FETCH … (CHANGEDSINCE n)), the rest from the records. Null (read them all) when that is not
            /// sound: no such mod-sequence, records in flux, or a count that says a recorded message was expunged.
            /// </summary>
            private List<ServerMessageFlags> ReadChangedFlags(IMailFolder opened, List<SyncedMessage> records)
            {
                MaildirSyncState saved = _saved;
                if (records == null || records.Count == 0 || saved.RecordsModSeq == 0 || saved.PendingAppends.Count > 0 ||
                    saved.Count != records.Count || !_session.Features.CondStore || !opened.Supports(FolderFeature.ModSequences) ||
                    records.Any(r => r.DeletedLocally || r.Uid >= saved.UidNext))
                {
                    return null;
                }

                int count = 0;
                List<ServerMessageFlags> changed = _session.Run($"reading flag changes in '{_path}'", _token, t =>
                {
                    IMailFolder folder = Reopen(t);
                    List<ServerMessageFlags> found = folder.Count == 0 ? new List<ServerMessageFlags>() : folder.Fetch(new UniqueIdRange(UniqueId.MinValue, UniqueId.MaxValue),
                            new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.ModSeq) { ChangedSince = saved.RecordsModSeq }, t)
                        .Select(s => new ServerMessageFlags { Uid = s.UniqueId.Id, Letters = ServerMessage.From(s).Letters }).ToList();
                    count = folder.Count;
                    return found;
                }, idempotent: true);

                // Every recorded UID is below the recorded UIDNEXT and the records were the whole folder: if the count
                // adds up with the new messages, none of them was expunged (CHANGEDSINCE does not report expunges).
                int added = changed.Count(m => m.Uid >= saved.UidNext);
                if (count != records.Count + added)
                {
                    _channel.Verbose($"'{_path}' has {count} message(s) where {records.Count + added} were expected: reading all flags.");
                    return null;
                }

                _channel.Verbose($"{changed.Count} message(s) in '{_path}' changed on the server since mod-sequence {saved.RecordsModSeq}; the other flags are the records'.");
                // The records in their order, each replaced by its change if it has one; then the new messages (every
                // recorded UID is below the recorded UIDNEXT, and every message below it then was recorded).
                var byUid = new Dictionary<uint, ServerMessageFlags>(changed.Count);
                foreach (ServerMessageFlags message in changed)
                {
                    byUid[message.Uid] = message;
                }

                var server = new List<ServerMessageFlags>(records.Count + added);
                foreach (SyncedMessage record in records)
                {
                    server.Add(byUid.TryGetValue(record.Uid, out ServerMessageFlags now) ? now : new ServerMessageFlags { Uid = record.Uid, Letters = record.Letters });
                }

                server.AddRange(changed.Where(m => m.Uid >= saved.UidNext).OrderBy(m => m.Uid));
                return server;
            }

            private static string FlagName(char letter) =>
                letter == 'P' ? MaildirFlags.ForwardedKeyword : "\\" + MaildirFlags.FromLetters(letter.ToString(), out _).ToString();

            private static string Describe(List<uint> uids) =>
                uids.Count <= 10 ? string.Join(",", uids) : string.Join(",", uids.Take(10)) + $",… ({uids.Count})";
        }
    }
}
