using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace MailProtocols
{
    /// <summary>A folder Sync-ImapFolder will mirror.</summary>
    internal sealed class ImapSyncTarget
    {
        public string FullName { get; set; }

        public char Separator { get; set; }

        public bool Selectable { get; set; }

        /// <summary>The name below the personal namespace's prefix ("Projects.Web" for "INBOX.Projects.Web"), which names the Maildir++ directory.</summary>
        public string LocalName { get; set; }
    }

    /// <summary>Where a sync is, for the progress bar.</summary>
    internal sealed class ImapSyncProgress
    {
        public string Folder { get; set; }

        public int Done { get; set; }

        public int Total { get; set; }

        public long Bytes { get; set; }
    }

    /// <summary>
    /// Mirrors IMAP folders into a Maildir++ tree, incrementally. Per folder:
    /// <list type="number">
    /// <item>One STATUS (MESSAGES UIDNEXT UIDVALIDITY, and HIGHESTMODSEQ with CONDSTORE). When it matches
    /// the saved state, nothing changed and nothing more is sent.</item>
    /// <item>Otherwise EXAMINE, one UID FETCH of flags, date and size for the UIDs above the highest one
    /// on disk, and the bodies of those messages in batches (UID FETCH BODY.PEEK[], streamed to tmp/
    /// and renamed into cur/).</item>
    /// <item>Flags: UID FETCH FLAGS CHANGEDSINCE the saved mod-sequence (CONDSTORE), otherwise the flags
    /// of every message; changed flags rename the file.</item>
    /// <item>Expunges: when the message count does not add up (or the flags of every message were
    /// fetched anyway), the server's UIDs are compared with the files, and files of messages the server
    /// no longer has are removed (kept with -KeepDeleted).</item>
    /// </list>
    /// A new UIDVALIDITY means the folder was recreated: it is downloaded again and the old files are
    /// removed only after that. Everything here reads from the server; nothing is changed there.
    /// </summary>
    internal sealed class ImapMaildirSync
    {
        /// <summary>Messages per UID FETCH BODY.PEEK[] command.</summary>
        internal const int BodyBatchMessages = 250;

        /// <summary>Bytes (by RFC822.SIZE) per body batch, so one command never holds too much.</summary>
        internal const long BodyBatchBytes = 16L * 1024 * 1024;

        private const MessageSummaryItems MetadataItems = MessageSummaryItems.UniqueId | MessageSummaryItems.Flags |
            MessageSummaryItems.InternalDate | MessageSummaryItems.Size;

        private readonly ImapSession _session;
        private readonly string _root;
        private readonly bool _keepDeleted;

        public ImapMaildirSync(ImapSession session, string root, bool keepDeleted)
        {
            _session = session;
            _root = Path.GetFullPath(root);
            _keepDeleted = keepDeleted;
        }

        /// <summary>Called on the caller's thread between commands.</summary>
        public Action<ImapSyncProgress> Progress { get; set; }

        public Action<string> Warning { get; set; }

        public Action<string> Verbose { get; set; }

        /// <summary>The folder and, with <paramref name="recurse"/>, every folder below it (one LIST).</summary>
        public static IReadOnlyList<ImapSyncTarget> ResolveTargets(ImapSession session, string name, bool recurse, CancellationToken cancellationToken)
        {
            IMailFolder folder = ImapFolderOperations.Get(session, name, cancellationToken);
            var targets = new List<ImapSyncTarget>
            {
                new ImapSyncTarget { FullName = folder.FullName, Separator = folder.DirectorySeparator, Selectable = ImapFolderOperations.IsSelectable(folder), LocalName = ImapNamespaces.WithoutPersonalPrefix(session.Client, folder.FullName) },
            };
            if (!recurse || folder.DirectorySeparator == '\0')
            {
                return targets;
            }

            string prefix = folder.FullName + folder.DirectorySeparator;
            foreach (ImapFolderInfo below in ImapFolderOperations.List(session, n => n.StartsWith(prefix, StringComparison.Ordinal), false, cancellationToken))
            {
                bool selectable = (below.Attributes & (ImapFolderAttributes.NoSelect | ImapFolderAttributes.NonExistent)) == 0;
                targets.Add(new ImapSyncTarget { FullName = below.FullName, Separator = folder.DirectorySeparator, Selectable = selectable, LocalName = ImapNamespaces.WithoutPersonalPrefix(session.Client, below.FullName) });
            }

            return targets;
        }

        /// <summary>The directory a folder is mirrored into.</summary>
        public string DirectoryFor(ImapSyncTarget target) => MaildirFolder.PathFor(_root, target.LocalName ?? target.FullName, target.Separator);

        public ImapSyncResult Sync(ImapSyncTarget target, CancellationToken cancellationToken)
        {
            Stopwatch clock = Stopwatch.StartNew();
            string path = target.FullName;
            var maildir = new MaildirFolder(DirectoryFor(target));
            bool isRoot = string.Equals(maildir.Path.TrimEnd(Path.DirectorySeparatorChar), _root.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);

            // The root of a Maildir++ tree is INBOX and must be a Maildir itself, or readers refuse the tree.
            new MaildirFolder(_root).Create(isSubfolder: false);
            maildir.Create(isSubfolder: !isRoot);
            maildir.RemoveLeftovers();
            MaildirSyncState saved = MaildirSyncState.Read(maildir.Path);
            var result = new ImapSyncResult { Folder = path, Path = maildir.Path };

            FolderStatus status = ReadStatus(path, cancellationToken);
            result.Count = status.Count;
            result.UidValidity = status.UidValidity;
            if (saved != null && saved.Complete && saved.UidValidity == status.UidValidity && saved.UidNext == status.UidNext &&
                saved.Count == status.Count && status.HighestModSeq != 0 && saved.HighestModSeq == status.HighestModSeq)
            {
                Verbose?.Invoke($"'{path}' is unchanged since the last sync (UIDNEXT {status.UidNext}, HIGHESTMODSEQ {status.HighestModSeq}).");
                result.Unchanged = true;
                result.Duration = clock.Elapsed;
                return result;
            }

            new FolderRun(this, target, maildir, saved, status, result, cancellationToken).Execute();
            result.Duration = clock.Elapsed;
            return result;
        }

        /// <summary>STATUS of the folder; an open folder is closed first (UNSELECT, nothing expunged), because STATUS is not for the selected folder.</summary>
        private FolderStatus ReadStatus(string path, CancellationToken cancellationToken) =>
            _session.Run($"reading the status of '{path}'", cancellationToken, token =>
            {
                IMailFolder folder = ImapFolderOperations.Get(_session, path, token);
                if (!ImapFolderOperations.IsSelectable(folder))
                {
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, "FolderNotSelectable",
                        $"The folder '{path}' on {_session.Endpoint} cannot hold messages (it is \\NoSelect); it only groups other folders.");
                }

                Unselect(folder, token);
                bool condStore = (_session.Client.Capabilities & ImapCapabilities.CondStore) != 0;
                StatusItems items = StatusItems.Count | StatusItems.UidNext | StatusItems.UidValidity | (condStore ? StatusItems.HighestModSeq : StatusItems.None);
                folder.Status(items, token);
                return new FolderStatus
                {
                    Count = folder.Count,
                    UidNext = folder.UidNext?.Id ?? 0,
                    UidValidity = folder.UidValidity,
                    HighestModSeq = condStore ? folder.HighestModSeq : 0,
                };
            }, idempotent: true);

        private void Unselect(IMailFolder folder, CancellationToken token)
        {
            if (folder.IsOpen)
            {
                // Without UNSELECT MailKit sends nothing (CLOSE would expunge a folder open read-write).
                folder.Close(false, token);
            }

            if (_session.OpenFolder == folder)
            {
                _session.OpenFolder = null;
            }
        }

        private sealed class FolderStatus
        {
            public int Count { get; set; }

            public uint UidNext { get; set; }

            public uint UidValidity { get; set; }

            public ulong HighestModSeq { get; set; }
        }

        /// <summary>The metadata of a message to download or to check.</summary>
        private sealed class ServerMessage
        {
            public uint Uid { get; set; }

            public string Letters { get; set; }

            public DateTimeOffset? InternalDate { get; set; }

            public long Size { get; set; }

            public static ServerMessage From(IMessageSummary summary) => new ServerMessage
            {
                Uid = summary.UniqueId.Id,
                Letters = MaildirFlags.ToLetters(ImapMessageFlagsExtensions.FromMailKit(summary.Flags ?? MessageFlags.None), summary.Keywords),
                InternalDate = summary.InternalDate,
                Size = summary.Size ?? 0,
            };
        }

        /// <summary>The work of one folder whose STATUS did not match the saved state.</summary>
        private sealed class FolderRun
        {
            private readonly ImapMaildirSync _owner;
            private readonly ImapSession _session;
            private readonly string _path;
            private readonly MaildirFolder _maildir;
            private readonly MaildirSyncState _saved;
            private readonly FolderStatus _status;
            private readonly ImapSyncResult _result;
            private readonly CancellationToken _token;
            private uint _validity;

            public FolderRun(ImapMaildirSync owner, ImapSyncTarget target, MaildirFolder maildir, MaildirSyncState saved, FolderStatus status,
                ImapSyncResult result, CancellationToken token)
            {
                _owner = owner;
                _session = owner._session;
                _path = target.FullName;
                _maildir = maildir;
                _saved = saved;
                _status = status;
                _result = result;
                _token = token;
            }

            public void Execute()
            {
                IMailFolder opened = _session.Run($"opening '{_path}'", _token, t => ImapFolderOperations.Open(_session, _path, false, t), idempotent: true);
                _validity = opened.UidValidity;
                _result.UidValidity = _validity;
                bool resync = _saved != null && _saved.UidValidity != _validity;
                if (resync)
                {
                    _result.Resynced = true;
                    _owner.Warning?.Invoke(
                        $"The UIDVALIDITY of '{_path}' changed from {_saved.UidValidity} to {_validity}: the folder was recreated on the server, so its UIDs now name other messages. " +
                        $"It is downloaded again into '{_maildir.Path}'; the copies from before are " +
                        (_owner._keepDeleted ? "kept (-KeepDeleted)." : "removed once the new ones are on disk."));
                }

                bool current = _saved != null && !resync;
                uint highest = current ? _saved.HighestUid : 0;
                bool modSeqs = opened.Supports(FolderFeature.ModSequences) && _status.HighestModSeq != 0;
                ulong changedSince = current && modSeqs ? _saved.HighestModSeq : 0;

                List<MaildirEntry> files = _maildir.Scan();
                Dictionary<uint, MaildirEntry> local = files.Where(f => f.UidValidity == _validity)
                    .GroupBy(f => f.Uid).ToDictionary(g => g.Key, g => g.First());
                List<MaildirEntry> oldGeneration = files.Where(f => f.UidValidity != _validity).ToList();

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
                        _owner.Verbose?.Invoke($"{flagged.Count} message(s) in '{_path}' changed since mod-sequence {changedSince}.");
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
                    _owner.Verbose?.Invoke(expected < 0
                        ? $"'{_path}' has no complete saved state: compared its UIDs with the local copy."
                        : $"'{_path}' has {countAtListing} message(s) where {expected} were expected: compared its UIDs with the local copy.");
                }

                // Messages the server has below the highest UID but the copy lacks (removed locally, or an interrupted run).
                List<uint> missing = present == null ? new List<uint>() : present.Where(u => u <= highest && !local.ContainsKey(u)).OrderBy(u => u).ToList();
                List<ServerMessage> restore = missing.Count == 0 ? new List<ServerMessage>() : _session.Run($"reading messages missing from the copy of '{_path}'", _token, t =>
                    Reopen(t).Fetch(missing.Select(u => new UniqueId(u)).ToList(), new FetchRequest(MetadataItems), t).Select(ServerMessage.From).OrderBy(m => m.Uid).ToList(),
                    idempotent: true);

                var download = restore.Concat(above.Where(m => !local.ContainsKey(m.Uid))).ToList();
                var state = new MaildirSyncState
                {
                    Folder = _path,
                    UidValidity = _validity,
                    HighestUid = highest,
                    HighestModSeq = current ? _saved.HighestModSeq : 0,
                    Complete = false,
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
                state.Write(_maildir.Path);
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

                        foreach (MaildirEntry entry in _maildir.Commit(written, _token))
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
                    _owner.Progress?.Invoke(new ImapSyncProgress { Folder = _path, Done = done, Total = messages.Count, Bytes = _result.Bytes });
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
