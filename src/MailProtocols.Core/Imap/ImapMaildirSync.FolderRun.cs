using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailProtocols.Core.Maildir;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    internal sealed partial class ImapMaildirSync
    {
        /// <summary>The work of one folder whose STATUS did not match the saved state.</summary>
        private sealed class FolderRun
        {
            private readonly ImapMaildirSync _owner;
            private readonly ImapSession _session;
            private readonly string _path;
            private readonly MaildirFolder _maildir;
            private readonly MaildirSyncState _saved;
            private FolderStatus _status;
            private readonly ImapSyncResult _result;
            private readonly CancellationToken _token;
            private readonly ISet<uint> _skip;
            private uint _validity;

            public FolderRun(ImapMaildirSync owner, ImapSyncTarget target, MaildirFolder maildir, MaildirSyncState saved, FolderStatus status,
                ImapSyncResult result, CancellationToken token, ISet<uint> skip = null)
            {
                _owner = owner;
                _session = owner._session;
                _path = target.FullName;
                _maildir = maildir;
                _saved = saved;
                _status = status;
                _result = result;
                _token = token;
                _skip = skip ?? new HashSet<uint>();
            }

            /// <summary>
            /// Set by a two-way run, which writes the state itself right after: the final state is left in
            /// <see cref="Final"/> instead of written (a cut before that write leaves the last batch's state, which the
            /// next run completes).
            /// </summary>
            public bool HandBack { get; set; }

            /// <summary>The folder's files as the caller (a two-way run that just scanned them) knows them; null: scanned here.</summary>
            public List<MaildirEntry> Files { get; set; }

            /// <summary>With <see cref="HandBack"/>: the state this run would have written at its end.</summary>
            public MaildirSyncState Final { get; private set; }

            public void Execute()
            {
                // A two-way run hands over its open folder (read-write is fine for reading) and, after changing the
                // server, no status: the folder's values are taken now, before anything is read that they must cover.
                IMailFolder opened = _session.Run($"opening '{_path}'", _token, t => ImapFolderOperations.Open(_session, _path, false, t), idempotent: true);
                _status = _status ?? FolderStatus.Of(opened, _session.Features.CondStore);
                _validity = opened.UidValidity;
                _result.UidValidity = _validity;
                bool resync = _saved != null && _saved.UidValidity != _validity;
                if (resync)
                {
                    _result.Resynced = true;
                    _owner._channel.Warning(
                        $"The UIDVALIDITY of '{_path}' changed from {_saved.UidValidity} to {_validity}: the folder was recreated on the server, so its UIDs now name other messages. " +
                        $"It is downloaded again into '{_maildir.Path}'; the copies from before are " +
                        (_owner._keepDeleted ? "kept (-KeepDeleted)." : "removed once the new ones are on disk."));
                }

                bool current = _saved != null && !resync;

                // Messages deleted locally whose deletion went to the server (two-way) are not downloaded again.
                var skip = new HashSet<uint>(_skip);
                if (current && _saved.Messages != null)
                {
                    skip.UnionWith(_saved.Messages.Where(m => m.DeletedLocally).Select(m => m.Uid));
                }

                uint highest = current ? _saved.HighestUid : 0;
                bool modSeqs = opened.Supports(FolderFeature.ModSequences) && _status.HighestModSeq != 0;
                ulong changedSince = current && modSeqs ? _saved.HighestModSeq : 0;

                List<MaildirEntry> files = Files ?? _maildir.Scan();
                var local = new Dictionary<uint, MaildirEntry>(files.Count);
                var oldGeneration = new List<MaildirEntry>();
                foreach (MaildirEntry file in files)
                {
                    if (file.UidValidity != _validity)
                    {
                        oldGeneration.Add(file);
                    }
                    else if (!local.ContainsKey(file.Uid))
                    {
                        // Two files for one UID: the first found stands for it, as before.
                        local[file.Uid] = file;
                    }
                }

                // Messages above the highest UID on disk: new, or left over from an interrupted run.
                int countAtListing = 0;
                List<ServerMessage> above = _session.Run($"listing new messages in '{_path}'", _token, t =>
                {
                    IMailFolder folder = Reopen(t);
                    List<ServerMessage> found = folder.Count == 0
                        ? new List<ServerMessage>()
                        : folder.Fetch(new UniqueIdRange(new UniqueId(highest + 1), UniqueId.MaxValue), new FetchRequest(MetadataItems), t)
                            .Where(s => s.UniqueId.Id > highest).Select(ServerMessage.From).OrderBy(m => m.Uid).ToList();
                    countAtListing = folder.Count;
                    return found;
                }, idempotent: true);

                // Flags of the messages already on disk, and, when that is a full listing, which ones still exist.
                List<ServerMessage> flagged = new List<ServerMessage>();
                HashSet<uint> present = null;
                if (highest > 0 && countAtListing > 0)
                {
                    var range = new UniqueIdRange(UniqueId.MinValue, new UniqueId(highest));
                    if (changedSince > 0)
                    {
                        flagged = _session.Run($"reading flag changes in '{_path}'", _token, t =>
                            Reopen(t).Fetch(range, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.ModSeq) { ChangedSince = changedSince }, t)
                                .Select(ServerMessage.From).ToList(), idempotent: true);
                        _owner._channel.Verbose($"{flagged.Count} message(s) in '{_path}' changed since mod-sequence {changedSince}.");
                    }
                    else
                    {
                        flagged = _session.Run($"reading flags in '{_path}'", _token, t =>
                            Reopen(t).Fetch(range, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags), t)
                                .Select(ServerMessage.From).ToList(), idempotent: true);
                        present = new HashSet<uint>(flagged.Select(m => m.Uid));
                    }
                }
                else if (highest == 0)
                {
                    present = new HashSet<uint>();
                }

                // The count adds up unless messages below the highest UID were expunged: only then list the UIDs.
                int expected = current && _saved.Count >= 0 ? _saved.Count + above.Count : -1;
                if (present == null && countAtListing != expected)
                {
                    present = _session.Run($"listing the UIDs of '{_path}'", _token, t =>
                        new HashSet<uint>(Reopen(t).Search(SearchQuery.All, t).Select(u => u.Id).Where(u => u <= highest)), idempotent: true);
                    _owner._channel.Verbose(expected < 0
                        ? $"'{_path}' has no complete saved state: compared its UIDs with the local copy."
                        : $"'{_path}' has {countAtListing} message(s) where {expected} were expected: compared its UIDs with the local copy.");
                }

                // Messages the server has below the highest UID but the copy lacks (removed locally, or an interrupted run).
                List<uint> missing = present == null ? new List<uint>() : present.Where(u => u <= highest && !local.ContainsKey(u) && !skip.Contains(u)).OrderBy(u => u).ToList();
                List<ServerMessage> restore = missing.Count == 0 ? new List<ServerMessage>() : _session.Run($"reading messages missing from the copy of '{_path}'", _token, t =>
                    Reopen(t).Fetch(missing.Select(u => new UniqueId(u)).ToList(), new FetchRequest(MetadataItems), t).Select(ServerMessage.From).OrderBy(m => m.Uid).ToList(),
                    idempotent: true);

                var download = restore.Concat(above.Where(m => !local.ContainsKey(m.Uid) && !skip.Contains(m.Uid))).ToList();
                var state = new MaildirSyncState
                {
                    Folder = _path,
                    UidValidity = _validity,
                    HighestUid = highest,
                    HighestModSeq = current ? _saved.HighestModSeq : 0,
                    Complete = false,

                    // What two-way runs recorded stays for them; a recreated folder's records name other messages.
                    Messages = _saved?.Messages == null ? null : current ? _saved.Messages : new List<SyncedMessage>(),
                    PendingAppends = _saved?.PendingAppends ?? new List<PendingAppend>(),
                };
                Download(download, highest, state);

                // Flags: of the changed messages, and of new ones a previous, interrupted run already wrote.
                foreach (ServerMessage message in flagged.Concat(above))
                {
                    if (local.TryGetValue(message.Uid, out MaildirEntry entry) && _maildir.SetFlags(entry, message.Letters))
                    {
                        _result.FlagsUpdated++;
                    }
                }

                // Copies of messages the server no longer has; removed only now, after the downloads are on disk.
                var aboveUids = new HashSet<uint>(above.Select(m => m.Uid));
                IEnumerable<MaildirEntry> gone = local.Values.Where(e => e.Uid > highest ? !aboveUids.Contains(e.Uid) : present != null && !present.Contains(e.Uid));
                foreach (MaildirEntry entry in gone.Concat(oldGeneration).ToList())
                {
                    if (_owner._keepDeleted)
                    {
                        _result.Kept++;
                        continue;
                    }

                    _maildir.Delete(entry);
                    _result.Removed++;
                }

                state.HighestUid = Math.Max(highest, above.Count > 0 ? above[above.Count - 1].Uid : 0);
                state.UidNext = _status.UidValidity == _validity ? _status.UidNext : 0;
                state.HighestModSeq = modSeqs && _status.UidValidity == _validity ? _status.HighestModSeq : 0;
                state.Count = countAtListing;
                state.Complete = true;
                state.Synced = DateTimeOffset.UtcNow;
                if (HandBack)
                {
                    Final = state;
                }
                else
                {
                    state.Write(_maildir.Path);
                }

                _result.Count = countAtListing;

                // Leave nothing selected, so the next run's STATUS is the only command it needs.
                _session.Run($"closing '{_path}'", _token, t => _owner.Unselect(Reopen(t), t), idempotent: true);
            }

            /// <summary>Downloads bodies in batches, one UID FETCH BODY.PEEK[] each; the state is saved after every batch.</summary>
            private void Download(List<ServerMessage> messages, uint highest, MaildirSyncState state)
            {
                var byUid = messages.ToDictionary(m => m.Uid);
                var delivered = new HashSet<uint>();
                int done = 0;
                foreach (List<ServerMessage> batch in Batches(messages))
                {
                    Exception failure = null;
                    var written = new List<PendingMessage>();
                    try
                    {
                        _session.Run($"downloading messages from '{_path}'", _token, t =>
                        {
                            var folder = (ImapFolder)Reopen(t);
                            List<UniqueId> wanted = batch.Where(m => !delivered.Contains(m.Uid)).Select(m => new UniqueId(m.Uid)).ToList();
                            if (wanted.Count == 0)
                            {
                                return;
                            }

                            folder.GetStreams(wanted, (f, index, uid, stream) =>
                            {
                                // A failure here must not escape into the middle of MailKit's response parsing:
                                // note it, let the command finish, then report it.
                                if (failure != null || delivered.Contains(uid.Id) || !byUid.TryGetValue(uid.Id, out ServerMessage message))
                                {
                                    return;
                                }

                                try
                                {
                                    written.Add(_maildir.WriteTemporary(stream, uid.Id, _validity, message.InternalDate, message.Letters, t));
                                    delivered.Add(uid.Id);
                                }
                                catch (Exception ex) when (ex is MailProtocolException || ex is OperationCanceledException)
                                {
                                    failure = ex;
                                }
                            }, t);
                        }, idempotent: true);

                        if (failure != null)
                        {
                            throw failure is OperationCanceledException ? new OperationCanceledException(_token) : failure;
                        }

                        foreach (MaildirEntry entry in _maildir.Commit(written, _token, _owner.FlushToDisk))
                        {
                            _result.New++;
                            _result.Bytes += entry.Size;
                        }

                        written.Clear();
                    }
                    finally
                    {
                        // Whatever did not make it into cur/ (a failure, Ctrl+C) is removed from tmp/ and fetched again next time.
                        _maildir.Discard(written);
                        foreach (PendingMessage pending in written)
                        {
                            delivered.Remove(pending.Uid);
                        }
                    }

                    done += batch.Count;
                    uint batchTop = batch[batch.Count - 1].Uid;
                    if (batchTop > highest)
                    {
                        state.HighestUid = batchTop;
                    }

                    state.Write(_maildir.Path);
                    _owner._channel.Progress(new OperationProgress(ProgressActivity, $"{_path}: {done} of {messages.Count} messages, {_result.Bytes / 1024.0 / 1024.0:0.0} MB", done, messages.Count));
                }
            }

            private static IEnumerable<List<ServerMessage>> Batches(List<ServerMessage> messages)
            {
                var batch = new List<ServerMessage>();
                long bytes = 0;
                foreach (ServerMessage message in messages)
                {
                    if (batch.Count > 0 && (batch.Count >= BodyBatchMessages || bytes + message.Size > BodyBatchBytes))
                    {
                        yield return batch;
                        batch = new List<ServerMessage>();
                        bytes = 0;
                    }

                    batch.Add(message);
                    bytes += message.Size;
                }

                if (batch.Count > 0)
                {
                    yield return batch;
                }
            }

            /// <summary>The folder, selected again if the connection was re-established; a recreated folder stops the run.</summary>
            private IMailFolder Reopen(CancellationToken token) => ImapMessageReader.OpenChecked(_session, _path, _validity, false, token);
        }
    }
}
