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
using MailProtocols.Core.Maildir;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
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
    internal sealed partial class ImapMaildirSync
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
        private readonly IOperationChannel _channel;

        public ImapMaildirSync(ImapSession session, string root, bool keepDeleted, IOperationChannel channel)
        {
            _session = session;
            _root = Path.GetFullPath(root);
            _keepDeleted = keepDeleted;
            _channel = channel;
        }

        /// <summary>Flush each message file to disk before its rename (false: -NoFlush, like mbsync's FSync no).</summary>
        public bool FlushToDisk { get; set; } = true;

        /// <summary>The progress bar's name: one bar for every folder of the run.</summary>
        internal const string ProgressActivity = "Sync-ImapFolder";

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
            if (Direction != ImapSyncDirection.Pull)
            {
                return SyncBothWays(target, maildir, isRoot, clock, cancellationToken);
            }

            // The root of a Maildir++ tree is INBOX and must be a Maildir itself, or readers refuse the tree.
            new MaildirFolder(_root).Create(isSubfolder: false);
            maildir.Create(isSubfolder: !isRoot);
            maildir.RemoveLeftovers();
            MaildirSyncState saved = MaildirSyncState.Read(maildir.Path);
            if (saved != null)
            {
                // A pull run that writes the state may change what the records say: the next two-way run compares every file.
                saved.LocalStamp = null;
            }

            var result = new ImapSyncResult { Folder = path, Path = maildir.Path };

            FolderStatus status = ReadStatus(path, cancellationToken);
            result.Count = status.Count;
            result.UidValidity = status.UidValidity;
            if (saved != null && saved.Complete && saved.UidValidity == status.UidValidity && saved.UidNext == status.UidNext &&
                saved.Count == status.Count && status.HighestModSeq != 0 && saved.HighestModSeq == status.HighestModSeq)
            {
                _channel.Verbose($"'{path}' is unchanged since the last sync (UIDNEXT {status.UidNext}, HIGHESTMODSEQ {status.HighestModSeq}).");
                result.Unchanged = true;
                result.Duration = clock.Elapsed;
                return result;
            }

            new FolderRun(this, target, maildir, saved, status, result, cancellationToken).Execute();
            result.Duration = clock.Elapsed;
            return result;
        }

        private ImapSyncResult SyncBothWays(ImapSyncTarget target, MaildirFolder maildir, bool isRoot, Stopwatch clock, CancellationToken cancellationToken)
        {
            if (!PlanOnly)
            {
                new MaildirFolder(_root).Create(isSubfolder: false);
                maildir.Create(isSubfolder: !isRoot);
                maildir.RemoveLeftovers();
            }

            var result = new ImapSyncResult { Folder = target.FullName, Path = maildir.Path };

            // A no-change run: the header of the state, one STATUS and the times of cur/ and new/, not every record and file.
            // When cur/ or new/ moved there is work to do anyway: the run's SELECT tells what STATUS would.
            MaildirSyncState header = PlanOnly ? null : MaildirSyncState.Read(maildir.Path, headerOnly: true);
            FolderStatus status = null;
            if (header?.LocalStamp != null && header.Messages != null && MaildirStamp.Matches(header.LocalStamp, maildir, Expunge))
            {
                status = ReadStatus(target.FullName, cancellationToken);
                if (TwoWayRun.ServerUnchanged(header, status))
                {
                    _channel.Verbose($"'{target.FullName}' is unchanged on both sides since the last sync (UIDNEXT {status.UidNext}, HIGHESTMODSEQ {status.HighestModSeq}, cur/ and new/ untouched).");
                    result.Count = status.Count;
                    result.UidValidity = status.UidValidity;
                    result.Unchanged = true;
                    result.Duration = clock.Elapsed;
                    return result;
                }
            }

            new TwoWayRun(this, target, maildir, MaildirSyncState.Read(maildir.Path), result, cancellationToken) { Status = status }.Execute();
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
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.FolderNotSelectable,
                        $"The folder '{path}' on {_session.Endpoint} cannot hold messages (it is \\NoSelect); it only groups other folders.");
                }

                Unselect(folder, token);
                bool condStore = _session.Features.CondStore;
                StatusItems items = StatusItems.Count | StatusItems.UidNext | StatusItems.UidValidity | (condStore ? StatusItems.HighestModSeq : StatusItems.None);
                folder.Status(items, token);
                return FolderStatus.Of(folder, condStore);
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

            /// <summary>
            /// The values of a STATUS, or of an open folder as its SELECT and the responses since left them: MailKit
            /// raises HighestModSeq to every MODSEQ it reads, so it never exceeds what the server has actually reported.
            /// </summary>
            public static FolderStatus Of(IMailFolder folder, bool condStore) => new FolderStatus
            {
                Count = folder.Count,
                UidNext = folder.UidNext?.Id ?? 0,
                UidValidity = folder.UidValidity,
                HighestModSeq = condStore ? folder.HighestModSeq : 0,
            };
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
    }
}
