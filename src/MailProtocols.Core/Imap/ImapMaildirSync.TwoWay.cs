using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit;
using MailProtocols.Core.Maildir;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    internal sealed partial class ImapMaildirSync
    {
        /// <summary>Which way changes go; Pull (the default) is the one-way mirror.</summary>
        public ImapSyncDirection Direction { get; set; }

        /// <summary>With Push or Both: UID EXPUNGE the messages this run deleted on the server (only those).</summary>
        public bool Expunge { get; set; }

        /// <summary>With Push or Both: only write what would be done (-WhatIf), as <see cref="ImapSyncPlanItem"/> objects.</summary>
        public bool PlanOnly { get; set; }

        /// <summary>
        /// A two-way run of one folder: read both sides, let <see cref="MaildirSyncPlanner"/> decide, carry out
        /// the server's part (APPEND, UID STORE, \Deleted, UID EXPUNGE), then the local part, then (Both) the
        /// pull run downloads what is new. The state is written after each batch of APPENDs and at the end.
        /// </summary>
        private sealed partial class TwoWayRun
        {
            private readonly ImapMaildirSync _owner;
            private readonly ImapSession _session;
            private readonly ImapSyncTarget _target;
            private readonly string _path;
            private readonly MaildirFolder _maildir;
            private readonly MaildirSyncState _saved;
            private readonly ImapSyncResult _result;
            private readonly CancellationToken _token;
            private readonly IOperationChannel _channel;
            private Dictionary<uint, SyncedMessage> _records = new Dictionary<uint, SyncedMessage>();
            private Dictionary<uint, SyncedMessage> _before = new Dictionary<uint, SyncedMessage>();
            private Dictionary<uint, SyncedMessage> _appended = new Dictionary<uint, SyncedMessage>();
            private bool _applied;
            private List<PendingAppend> _pending = new List<PendingAppend>();
            private uint _validity;
            private uint _uidFloor;
            private bool _serverChanged;
            private bool _declined;
            private MaildirSyncState _written;
            private List<LocalMessageFile> _files = new List<LocalMessageFile>();
            private List<LocalMessageFile> _otherGeneration = new List<LocalMessageFile>();
            private readonly HashSet<string> _gone = new HashSet<string>(StringComparer.Ordinal);

            public TwoWayRun(ImapMaildirSync owner, ImapSyncTarget target, MaildirFolder maildir, MaildirSyncState saved, ImapSyncResult result, CancellationToken token)
            {
                _owner = owner;
                _session = owner._session;
                _target = target;
                _path = target.FullName;
                _maildir = maildir;
                _saved = saved;
                _result = result;
                _token = token;
                _channel = owner._channel;
            }

            private bool Both => _owner.Direction == ImapSyncDirection.Both;

            /// <summary>The folder's STATUS when the caller already read it.</summary>
            public FolderStatus Status { get; set; }

            /// <summary>The server side of "nothing to do": the STATUS (with CONDSTORE) matches a complete two-way state.</summary>
            public static bool ServerUnchanged(MaildirSyncState saved, FolderStatus status) =>
                saved?.Messages != null && saved.PendingAppends.Count == 0 && saved.Complete && saved.UidValidity == status.UidValidity &&
                saved.UidNext == status.UidNext && saved.Count == status.Count && status.HighestModSeq != 0 && saved.HighestModSeq == status.HighestModSeq;

            public void Execute()
            {
                // Without the caller's STATUS, the SELECT this run needs anyway reports the same values.
                var clock = System.Diagnostics.Stopwatch.StartNew();
                IMailFolder opened = _session.Run($"opening '{_path}'", _token, t => ImapFolderOperations.Open(_session, _path, !_owner.PlanOnly, t), idempotent: true);
                _validity = opened.UidValidity;
                FolderStatus status = Status ?? FolderStatus.Of(opened, _session.Features.CondStore);
                _result.Count = status.Count;
                _result.UidValidity = status.UidValidity;
                if (!_owner.PlanOnly && IsUnchanged(status))
                {
                    _channel.Verbose($"'{_path}' is unchanged on both sides since the last sync (UIDNEXT {status.UidNext}, HIGHESTMODSEQ {status.HighestModSeq}).");
                    _result.Unchanged = true;
                    _session.Run($"closing '{_path}'", _token, t => _owner.Unselect(Reopen(t), t), idempotent: true);
                    return;
                }

                _result.UidValidity = _validity;
                bool resync = _saved != null && _saved.UidValidity != _validity;
                List<SyncedMessage> records = resync ? null : _saved?.Messages;
                foreach (SyncedMessage record in records ?? new List<SyncedMessage>())
                {
                    _before[record.Uid] = record;
                }

                List<LocalMessageFile> otherGeneration = new List<LocalMessageFile>();
                List<LocalMessageFile> files = Directory.Exists(_maildir.Path)
                    ? MaildirLocalFiles.Scan(_maildir, _validity, out otherGeneration)
                    : new List<LocalMessageFile>();
                _pending = (_saved?.PendingAppends ?? new List<PendingAppend>()).ToList();
                _files = files;
                _otherGeneration = otherGeneration;

                // Nothing on the local side (a first run into an empty Maildir): the plan could only say "download
                // everything", which the pull part does from its own metadata FETCH, so the flags are not read twice.
                bool nothingLocal = !_owner.PlanOnly && Both && files.Count == 0 && otherGeneration.Count == 0 &&
                    _pending.Count == 0 && (records == null || records.Count == 0);
                List<ServerMessageFlags> server = nothingLocal ? new List<ServerMessageFlags>() : ReadChangedFlags(opened, records) ?? ReadServerFlags();
                _uidFloor = Math.Max(server.Count == 0 ? 1 : server.Max(m => m.Uid) + 1, opened.UidNext?.Id ?? 1);
                ResolvePending(files);

                MaildirSyncPlan plan = MaildirSyncPlanner.Plan(records, server, files, _owner.Direction, _owner.Expunge, _owner._keepDeleted);
                _channel.Verbose($"'{_path}': {records?.Count ?? 0} record(s), {files.Count} file(s) and the flags of {server.Count} server message(s) read and planned in {clock.Elapsed.TotalSeconds:0.000} s.");
                if (_owner.PlanOnly)
                {
                    Emit(plan, resync && Both && !_owner._keepDeleted ? otherGeneration : new List<LocalMessageFile>());
                    _session.Run($"closing '{_path}'", _token, t => _owner.Unselect(Reopen(t), t), idempotent: true);
                    return;
                }

                if (resync)
                {
                    _channel.Warning($"The UIDVALIDITY of '{_path}' changed from {_saved.UidValidity} to {_validity}: the folder was recreated on the server. " +
                        "Local messages not on the server yet are appended; the local copy of the rest is downloaded again" +
                        (Both ? "." : " by the next -Direction Both or Pull run."));
                }

                foreach (SyncConflict conflict in plan.Conflicts)
                {
                    _result.Conflicts++;
                    _channel.Warning($"Conflict in '{_path}': {conflict.Description}.");
                }

                _records = new Dictionary<uint, SyncedMessage>(plan.Synced);
                if (resync && Both)
                {
                    CarryOverLocalChanges(otherGeneration);
                }

                AppendAll(plan.Appends);
                StoreAll(plan.Stores);
                DeleteOnServer(plan);
                ChangeLocal(plan);
                _applied = true;

                // Both: the pull part writes this state with its first batch, and the final write follows it; a cut
                // before either leaves the last state on disk (the previous run's, or the last APPEND batch's), from
                // which the next run's three-way merge finds both sides already agreeing on what this run changed.
                WriteState(_saved, persist: !Both);
                _channel.Verbose($"'{_path}': server and local changes made at {clock.Elapsed.TotalSeconds:0.000} s.");

                if (Both)
                {
                    Pull(plan, resync, status);
                    _channel.Verbose($"'{_path}': pulled and the final state written at {clock.Elapsed.TotalSeconds:0.000} s.");
                }
                else
                {
                    _session.Run($"closing '{_path}'", _token, t => _owner.Unselect(Reopen(t), t), idempotent: true);
                }
            }

            /// <summary>Nothing to do when the server's STATUS matches the state (CONDSTORE) and every file matches its record.</summary>
            private bool IsUnchanged(FolderStatus status)
            {
                if (!ServerUnchanged(_saved, status))
                {
                    return false;
                }

                int deletedLocally = _saved.Messages.Count(r => r.DeletedLocally);
                string stamp = MaildirStamp.Take(_maildir, deletedLocally, DateTime.UtcNow);
                var byName = new Dictionary<string, SyncedMessage>(StringComparer.Ordinal);
                foreach (SyncedMessage record in _saved.Messages)
                {
                    if (record.DeletedLocally)
                    {
                        if (_owner.Expunge)
                        {
                            return false;
                        }

                        continue;
                    }

                    byName[record.BaseName] = record;
                }

                List<LocalMessageFile> files = MaildirLocalFiles.Scan(_maildir, status.UidValidity, out List<LocalMessageFile> other);
                bool unchanged = other.Count == 0 && files.Count == byName.Count &&
                    files.All(f => byName.TryGetValue(f.BaseName, out SyncedMessage r) && MaildirSyncPlanner.Flags(f.Letters) == r.Letters);
                if (unchanged && stamp != null && stamp != _saved.LocalStamp && stamp == MaildirStamp.Take(_maildir, deletedLocally, DateTime.UtcNow))
                {
                    // cur/ and new/ did not move while they were compared: the next no-change run needs only their times.
                    _saved.LocalStamp = stamp;
                    _saved.Write(_maildir.Path);
                }

                return unchanged;
            }

            /// <summary>The local part of the plan: renames for the server's flag changes, removals of what the server expunged.</summary>
            private void ChangeLocal(MaildirSyncPlan plan)
            {
                foreach (LocalRename rename in plan.Renames)
                {
                    if (_records.TryGetValue(rename.Uid, out SyncedMessage record) && record.Letters != rename.Letters && !record.DeletedLocally)
                    {
                        // A STORE this rename depended on was declined: the file keeps its flags.
                        continue;
                    }

                    MaildirLocalFiles.SetFlags(_maildir, rename.File, rename.Letters);
                    _result.FlagsUpdated++;
                }

                foreach (LocalMessageFile file in plan.RemoveFiles)
                {
                    MaildirFolder.Io($"removing '{file.Path}'", () => File.Delete(file.Path));
                    _gone.Add(file.Path);
                    _result.Removed++;
                }

                _result.Kept += plan.KeptFiles.Count;
            }

            /// <summary>The pull run downloads what is new or restored; then every file on disk becomes a record.</summary>
            private void Pull(MaildirSyncPlan plan, bool resync, FolderStatus status)
            {
                // The state just written, as written (not parsed again from disk).
                MaildirSyncState saved = resync ? _saved : _written;
                if (!resync && plan.Download.Any(u => u <= saved.HighestUid))
                {
                    // Messages to restore below the highest UID on disk: make the pull run list the server's UIDs.
                    saved.Count = -1;
                }

                // After this run's own changes the pull part takes the values of the folder still open from them (null):
                // no UNSELECT, STATUS and EXAMINE in between.
                FolderStatus now = _serverChanged ? null : status;
                var skip = new HashSet<uint>(plan.DoNotDownload.Where(u => !plan.Download.Contains(u)));
                (int, int, int, int) Touched() => (_result.New, _result.FlagsUpdated, _result.Removed, _result.Kept);
                (int, int, int, int) before = Touched();
                var pull = new FolderRun(_owner, _target, _maildir, saved, now, _result, _token, skip) { HandBack = true, Files = resync ? null : OurFiles() };
                pull.Execute();

                // The pull part counts every file it writes, renames or removes: when it touched none, the files are
                // this run's first scan as renamed, adopted and removed since (the objects follow), so no second scan.
                bool reuse = !resync && Touched() == before;
                IEnumerable<LocalMessageFile> files = reuse ? _files.Where(f => !_gone.Contains(f.Path)) : MaildirLocalFiles.Scan(_maildir, _validity, out _);
                _records = Records();
                _appended.Clear();
                foreach (LocalMessageFile file in files.Where(f => f.Uid != 0))
                {
                    string letters = MaildirSyncPlanner.Flags(file.Letters);
                    if (!_records.TryGetValue(file.Uid, out SyncedMessage record) || record.BaseName != file.BaseName || record.Letters != letters)
                    {
                        _records[file.Uid] = new SyncedMessage { Uid = file.Uid, BaseName = file.BaseName, Letters = letters };
                    }
                }

                // Only the pull part's header values are needed, not its copy of the records: one write for both.
                WriteState(pull.Final, final: true);
            }

            /// <summary>
            /// Our files as this run left them (the first scan's objects follow every rename, adoption and removal it
            /// made), read from their names as <see cref="MaildirFolder.Scan"/> would: the pull part needs no second scan.
            /// </summary>
            private List<MaildirEntry> OurFiles()
            {
                var entries = new List<MaildirEntry>(_files.Count + _otherGeneration.Count);
                foreach (LocalMessageFile file in _files.Concat(_otherGeneration))
                {
                    MaildirEntry entry = _gone.Contains(file.Path) ? null : MaildirFolder.Entry(file.Path);
                    if (entry != null)
                    {
                        entries.Add(entry);
                    }
                }

                return entries;
            }

            /// <summary>
            /// The state with the records and pending APPENDs as they are now; the pull part's values as <paramref name="pulled"/>
            /// left them. Only the last write of a Both run is complete: any other leaves the next run a full check.
            /// </summary>
            private void WriteState(MaildirSyncState pulled, bool final = false, bool persist = true)
            {
                bool same = final && pulled != null && pulled.UidValidity == _validity;
                var state = new MaildirSyncState
                {
                    Folder = _path,
                    UidValidity = pulled?.UidValidity ?? _validity,
                    HighestUid = pulled?.HighestUid ?? 0,
                    UidNext = same && pulled.Complete && Both ? pulled.UidNext : 0,
                    HighestModSeq = pulled?.HighestModSeq ?? 0,
                    Count = pulled?.Count ?? -1,
                    Complete = same && pulled.Complete && Both,

                    // The records are the files the pull part just aligned with the server as of its STATUS; a declined
                    // change leaves a file unlike the server, so the next run reads all flags (and keeps asking).
                    RecordsModSeq = same && pulled.Complete && Both && !_declined ? pulled.HighestModSeq : 0,
                    Synced = DateTimeOffset.UtcNow,
                    Messages = Records().Values.OrderBy(r => r.Uid).ToList(),
                    PendingAppends = _pending,
                };
                if (!Directory.Exists(_maildir.Path))
                {
                    _maildir.Create(isSubfolder: true);
                }

                if (persist)
                {
                    state.Write(_maildir.Path);
                }

                _written = state;
            }

            /// <summary>
            /// The records to write: until both sides have the plan's changes, those of the last sync (a cut run then
            /// merges the same way again); afterwards the plan's. Messages appended so far are recorded either way.
            /// </summary>
            private Dictionary<uint, SyncedMessage> Records()
            {
                var records = new Dictionary<uint, SyncedMessage>(_applied ? _records : _before);
                foreach (KeyValuePair<uint, SyncedMessage> appended in _appended)
                {
                    records[appended.Key] = appended.Value;
                }

                return records;
            }

            private List<ServerMessageFlags> ReadServerFlags() =>
                _session.Run($"reading flags in '{_path}'", _token, t =>
                {
                    IMailFolder folder = Reopen(t);
                    return folder.Count == 0
                        ? new List<ServerMessageFlags>()
                        : folder.Fetch(new UniqueIdRange(UniqueId.MinValue, UniqueId.MaxValue), new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags), t)
                            .Select(s => new ServerMessageFlags { Uid = s.UniqueId.Id, Letters = ServerMessage.From(s).Letters }).ToList();
                }, idempotent: true);

            /// <summary>Under -WhatIf: every change as an object, and nothing changed on either side.</summary>
            private void Emit(MaildirSyncPlan plan, List<LocalMessageFile> otherGeneration)
            {
                ImapSyncPlanItem Item(ImapSyncSide side, string action, uint uid, string flags, string path) =>
                    new ImapSyncPlanItem { Side = side, Action = action, Folder = _path, Uid = uid, Flags = flags ?? string.Empty, Path = path };
                string PathOf(uint uid) => plan.Files.TryGetValue(uid, out LocalMessageFile f) ? f.Path : null;

                foreach (SyncConflict conflict in plan.Conflicts)
                {
                    _channel.Output(Item(plan.Download.Contains(conflict.Uid) ? ImapSyncSide.Local : ImapSyncSide.Server, "Conflict", conflict.Uid, null, PathOf(conflict.Uid)));
                }

                foreach (LocalMessageFile file in plan.Appends)
                {
                    _channel.Output(Item(ImapSyncSide.Server, "Append", 0, MaildirSyncPlanner.Flags(file.Letters), file.Path));
                }

                foreach (FlagStore store in plan.Stores)
                {
                    foreach (uint uid in store.Uids)
                    {
                        _channel.Output(Item(ImapSyncSide.Server, store.Add ? "AddFlags" : "RemoveFlags", uid, store.Letter.ToString(), PathOf(uid)));
                    }
                }

                plan.MarkDeleted.ForEach(uid => _channel.Output(Item(ImapSyncSide.Server, "MarkDeleted", uid, "T", null)));
                plan.Expunge.ForEach(uid => _channel.Output(Item(ImapSyncSide.Server, "Expunge", uid, null, PathOf(uid))));
                plan.Renames.ForEach(r => _channel.Output(Item(ImapSyncSide.Local, "SetFlags", r.Uid, r.Letters, r.File.Path)));
                plan.RemoveFiles.ForEach(f => _channel.Output(Item(ImapSyncSide.Local, "Remove", f.Uid, null, f.Path)));
                otherGeneration.ForEach(f => _channel.Output(Item(ImapSyncSide.Local, "Remove", 0, null, f.Path)));
                plan.KeptFiles.ForEach(f => _channel.Output(Item(ImapSyncSide.Local, "Keep", f.Uid, null, f.Path)));
                plan.Download.ForEach(uid => _channel.Output(Item(ImapSyncSide.Local, "Download", uid, null, null)));
            }

            /// <summary>The folder, selected again (read-write unless planning) if the connection was re-established; a recreated folder stops the run.</summary>
            private IMailFolder Reopen(CancellationToken token) => ImapMessageReader.OpenChecked(_session, _path, _validity, !_owner.PlanOnly, token);
        }
    }
}
