using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System;
using MailKit.Net.Imap;
using MailKit;
using MailProtocols.Core.Sessions;
using MimeKit;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>
    /// One side of a mailbox copy on an IMAP server: its folders, the identities of a folder's messages,
    /// bodies in batches, APPEND (MULTIAPPEND when offered), flag stores and folder creation. The planner
    /// between two stores never sees MailKit.
    /// </summary>
    internal sealed class ImapMessageStore
    {
        /// <summary>Messages per UID FETCH BODY.PEEK[] and per MULTIAPPEND.</summary>
        internal const int BatchMessages = 250;

        /// <summary>Bytes (by RFC822.SIZE) per batch, so one command never holds too much.</summary>
        internal const long BatchBytes = 16L * 1024 * 1024;

        /// <summary>Messages above this are fetched in pieces into a temporary file, never whole into memory.</summary>
        internal const int LargeMessageBytes = 8 * 1024 * 1024;

        /// <summary>Bytes per partial fetch (BODY.PEEK[]&lt;offset.count&gt;) of a large message.</summary>
        internal const int ChunkBytes = 4 * 1024 * 1024;

        private readonly Dictionary<string, IdentityCache> _caches = new Dictionary<string, IdentityCache>(StringComparer.Ordinal);

        /// <param name="session">The side's session.</param>
        /// <param name="cacheDirectory">Where the identity caches are kept; null for none.</param>
        public ImapMessageStore(ImapSession session, string cacheDirectory)
        {
            Session = session;
            CacheDirectory = cacheDirectory;
        }

        public ImapSession Session { get; }

        public string CacheDirectory { get; }

        /// <summary>The mailbox as the identity caches know it: user, server and port.</summary>
        private string Mailbox => $"{Session.UserName}@{Session.Server}:{Session.Port}";

        /// <summary>The personal folders (one LIST per personal namespace, names and attributes only), INBOX always among them.</summary>
        public MailboxLayout ReadLayout(CancellationToken cancellationToken) =>
            Session.Run("listing folders", cancellationToken, token =>
            {
                ImapClient client = Session.Client;
                var folders = new List<IMailFolder>();
                foreach (FolderNamespace space in ImapFolderOperations.PersonalNamespaces(client))
                {
                    folders.AddRange(client.GetFolders(space, StatusItems.None, false, token)
                        .Where(f => ImapNamespaces.Classify(client, f.FullName).Kind == ImapNamespaceKind.Personal));
                }

                if (!folders.Any(f => string.Equals(f.FullName, "INBOX", StringComparison.OrdinalIgnoreCase)))
                {
                    folders.Add(client.Inbox);
                }

                FolderNamespace personal = ImapFolderOperations.PersonalNamespaces(client).First();
                var list = folders
                    .Where(f => !string.IsNullOrEmpty(f.FullName))
                    .GroupBy(f => f.FullName, StringComparer.Ordinal).Select(g => g.First())
                    .OrderBy(f => string.Equals(f.FullName, "INBOX", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
                    .ThenBy(f => f.FullName, StringComparer.Ordinal)
                    .Select(f => new MailboxFolder(f.FullName, f.DirectorySeparator, ImapFolderInfo.SpecialUseOf(f.Attributes), ImapFolderOperations.IsSelectable(f)))
                    .ToList();
                Session.FolderCache.ReplaceAll(list.Select(f => f.FullName));
                return new MailboxLayout(list, personal.Path, personal.DirectorySeparator);
            }, idempotent: true);

        /// <summary>
        /// Who is in the folder (<see cref="FolderIdentities"/>: one UID FETCH of UID, flags, date, size and the
        /// Message-ID, fewer headers with an identity cache, <see cref="IdentityCache"/>); and when
        /// <paramref name="snapshotAllowed"/> and SELECT reports the UIDNEXT and count the cache was written with,
        /// nothing is fetched at all (<see cref="FolderContents.FromSnapshot"/>: no flags). Opens the folder
        /// read-write when <paramref name="write"/> (a destination: only SELECT's PERMANENTFLAGS tell whether
        /// it keeps keywords), read-only otherwise.
        /// </summary>
        public FolderContents ReadMessages(string path, bool write, bool snapshotAllowed, CancellationToken cancellationToken)
        {
            FolderContents contents = Session.Run($"reading the messages of '{path}'", cancellationToken, token =>
            {
                IMailFolder folder = ImapFolderOperations.Open(Session, path, write, token);
                var read = new FolderContents
                {
                    UidValidity = folder.UidValidity,
                    KeywordsAccepted = (folder.PermanentFlags & MessageFlags.UserDefined) != 0,
                };
                IdentityCache cache = IdentityCache.Load(CacheDirectory, Mailbox, path, folder.UidValidity);
                _caches[path] = cache;
                uint? uidNext = folder.UidNext?.Id;
                if (snapshotAllowed && cache != null && cache.Matches(uidNext, folder.Count))
                {
                    // The same UIDs as when the cache was written: its entries are the folder. Flags are not
                    // known this way; the caller reads again before copying or comparing flags.
                    read.Messages.AddRange(cache.Entries.Select(e => new MailboxMessage
                        { Uid = e.Uid, Who = e.Who, Identity = MessageIdentity.Of(e.Who, e.Size, e.Date), Size = e.Size, InternalDate = e.Date }));
                    read.FromSnapshot = true;
                    read.CachedIdentities = read.Messages.Count;
                    return read;
                }

                if (folder.Count == 0)
                {
                    cache?.RetainOnly(Array.Empty<uint>());
                    cache?.SetSnapshot(uidNext, 0);
                    return read;
                }

                read.CachedIdentities = FolderIdentities.Read(folder, cache, token, out IList<IMessageSummary> summaries, out Dictionary<uint, string> who);
                foreach (IMessageSummary summary in summaries)
                {
                    long size = summary.Size ?? 0;
                    who.TryGetValue(summary.UniqueId.Id, out string whoIs);
                    whoIs = whoIs ?? MessageIdentity.Who(null, null);
                    cache?.Set(summary.UniqueId.Id, size, summary.InternalDate, whoIs);
                    read.Messages.Add(new MailboxMessage
                    {
                        Uid = summary.UniqueId.Id,
                        Who = whoIs,
                        Identity = MessageIdentity.Of(whoIs, size, summary.InternalDate),
                        Size = size,
                        InternalDate = summary.InternalDate,
                        Flags = ImapMessageFlagsExtensions.FromMailKit(summary.Flags ?? MessageFlags.None),
                        Keywords = summary.Keywords?.ToArray() ?? Array.Empty<string>(),
                    });
                }

                cache?.RetainOnly(new HashSet<uint>(summaries.Select(s => s.UniqueId.Id)));
                // A message that came in after SELECT has a UID at or past its UIDNEXT: no snapshot then.
                cache?.SetSnapshot(summaries.All(m => m.UniqueId.Id < uidNext) ? uidNext : null, summaries.Count);
                return read;
            }, idempotent: true);
            SaveCache(path);
            return contents;
        }

        /// <summary>
        /// Notes in the folder's identity cache the UIDs the server gave appended messages (APPENDUID, UIDPLUS),
        /// so the next run need not fetch their Message-IDs. Without UIDPLUS, or when the UIDVALIDITY is not the
        /// one read, nothing is noted.
        /// </summary>
        public void RememberAppended(string path, IReadOnlyList<(MailboxMessage Message, SpooledBody Body)> batch, IList<UniqueId> uids)
        {
            if (CacheDirectory == null || uids == null || uids.Count != batch.Count || uids[0].Validity == 0)
            {
                return;
            }

            _caches.TryGetValue(path, out IdentityCache cache);
            if (cache == null || cache.UidValidity != uids[0].Validity)
            {
                // A folder created by this run, or one whose UIDVALIDITY changed: a new cache, seeded by the appends.
                cache = IdentityCache.Load(CacheDirectory, Mailbox, path, uids[0].Validity);
                _caches[path] = cache;
            }

            for (int i = 0; i < batch.Count; i++)
            {
                MailboxMessage message = batch[i].Message;
                if (uids[i].Validity == cache.UidValidity)
                {
                    cache.Set(uids[i].Id, message.Size, message.InternalDate, message.Who);
                }
            }

            cache.AdvanceSnapshot(uids.Where(u => u.Validity == cache.UidValidity).Select(u => u.Id).ToList());
        }

        /// <summary>Writes the folder's identity cache when it changed.</summary>
        public void SaveCache(string path) => (_caches.TryGetValue(path, out IdentityCache cache) ? cache : null)?.Save();

        /// <summary>
        /// The raw bodies of a batch: one UID FETCH BODY.PEEK[] for the small messages, partial fetches into a
        /// temporary file for each large one. Nothing is marked \Seen. The caller disposes the bodies.
        /// </summary>
        public List<(MailboxMessage Message, SpooledBody Body)> FetchBodies(string path, uint uidValidity, IReadOnlyList<MailboxMessage> batch, CancellationToken cancellationToken)
        {
            var bodies = new Dictionary<uint, SpooledBody>();
            try
            {
                var small = batch.Where(m => m.Size <= LargeMessageBytes).Select(m => new UniqueId(m.Uid)).ToList();
                if (small.Count > 0)
                {
                    Session.Run($"fetching {small.Count} message(s) from '{path}'", cancellationToken, token =>
                    {
                        var folder = (ImapFolder)ImapMessageReader.OpenChecked(Session, path, uidValidity, false, token);
                        folder.GetStreams(small, (f, index, uid, stream) =>
                        {
                            // A retry after a reconnect fetches the batch again: keep the last copy only.
                            if (bodies.TryGetValue(uid.Id, out SpooledBody earlier))
                            {
                                earlier.Dispose();
                            }

                            bodies[uid.Id] = SpooledBody.InMemory(stream, token);
                        }, token);
                    }, idempotent: true);
                }

                foreach (MailboxMessage large in batch.Where(m => m.Size > LargeMessageBytes))
                {
                    bodies[large.Uid] = FetchLarge(path, uidValidity, large, cancellationToken);
                }

                var result = new List<(MailboxMessage, SpooledBody)>();
                foreach (MailboxMessage message in batch)
                {
                    // A message expunged on the source since it was listed has no body: it is simply not copied.
                    if (bodies.TryGetValue(message.Uid, out SpooledBody body))
                    {
                        result.Add((message, body));
                        bodies.Remove(message.Uid);
                    }
                }

                return result;
            }
            finally
            {
                foreach (SpooledBody left in bodies.Values)
                {
                    left.Dispose();
                }
            }
        }

        /// <summary>
        /// APPENDs a batch with its flags, keywords (when the folder keeps them) and INTERNALDATE: one MULTIAPPEND
        /// command where the server offers it (all or nothing, RFC 3502), with LITERAL+ where offered. Returns the new
        /// UIDs (APPENDUID), or null. Not retried:
        /// after a cut the outcome is unknown, and the caller reads the folder again before going on.
        /// </summary>
        public IList<UniqueId> Append(string path, IReadOnlyList<(MailboxMessage Message, SpooledBody Body)> batch, bool keywordsAccepted, CancellationToken cancellationToken) =>
            Session.Run($"appending {batch.Count} message(s) to '{path}'", cancellationToken, token =>
            {
                IMailFolder folder = ImapFolderOperations.Get(Session, path, token);
                var parsed = new List<MimeMessage>();
                try
                {
                    var requests = new List<IAppendRequest>();
                    foreach ((MailboxMessage message, SpooledBody body) in batch)
                    {
                        // persistent: the parts stay views on the spooled bytes, so a large body is never copied into memory.
                        body.Content.Position = 0;
                        MimeMessage mime = MimeMessage.Load(body.Content, true, token);
                        parsed.Add(mime);
                        IEnumerable<string> keywords = keywordsAccepted ? message.Keywords : Array.Empty<string>();
                        requests.Add(new AppendRequest(mime, message.Flags.ToMailKit(), keywords) { InternalDate = message.InternalDate });
                    }

                    if (requests.Count == 1)
                    {
                        UniqueId? uid = folder.Append(requests[0], token);
                        return uid.HasValue ? new[] { uid.Value } : null;
                    }

                    return folder.Append(requests, token);
                }
                finally
                {
                    parsed.ForEach(m => m.Dispose());
                }
            });

        /// <summary>Sets flags (and keywords) of destination messages, one UID STORE FLAGS.SILENT per distinct set.</summary>
        public void StoreFlags(string path, uint uidValidity, IReadOnlyList<FlagUpdate> updates, CancellationToken cancellationToken) =>
            Session.Run($"updating flags in '{path}'", cancellationToken, token =>
            {
                IMailFolder folder = ImapMessageReader.OpenChecked(Session, path, uidValidity, true, token);
                foreach (var group in updates.GroupBy(u => (u.Flags, Keywords: string.Join(" ", (u.Keywords ?? Array.Empty<string>()).OrderBy(k => k, StringComparer.Ordinal)))))
                {
                    var uids = group.Select(u => new UniqueId(u.DestinationUid)).ToList();
                    var keywords = group.First().Keywords ?? Array.Empty<string>();
                    var request = new StoreFlagsRequest(StoreAction.Set, group.Key.Flags.ToMailKit()) { Silent = true };
                    foreach (string keyword in keywords)
                    {
                        request.Keywords.Add(keyword);
                    }

                    folder.Store(uids, request, token);
                }
            }, idempotent: true);

        /// <summary>Creates the folder (and missing parents) and subscribes to it, so mail clients show it.</summary>
        public void CreateFolder(string path, CancellationToken cancellationToken)
        {
            ImapFolderOperations.Create(Session, path, cancellationToken);
            ImapFolderOperations.SetSubscribed(Session, path, true, cancellationToken);
        }

        private SpooledBody FetchLarge(string path, uint uidValidity, MailboxMessage message, CancellationToken cancellationToken)
        {
            SpooledBody spool = SpooledBody.OnDisk();
            try
            {
                int offset = 0;
                while (true)
                {
                    int got = Session.Run($"fetching message UID {message.Uid} from '{path}'", cancellationToken, token =>
                    {
                        // A retry after a reconnect writes this piece again over what the cut left.
                        spool.Content.SetLength(offset);
                        spool.Content.Position = offset;
                        IMailFolder folder = ImapMessageReader.OpenChecked(Session, path, uidValidity, false, token);
                        using (System.IO.Stream chunk = folder.GetStream(new UniqueId(message.Uid), offset, ChunkBytes, token))
                        {
                            long before = spool.Content.Position;
                            spool.Append(chunk);
                            return (int)(spool.Content.Position - before);
                        }
                    }, idempotent: true);
                    offset += got;
                    if (got < ChunkBytes)
                    {
                        break;
                    }
                }

                spool.Rewind();
                return spool;
            }
            catch
            {
                spool.Dispose();
                throw;
            }
        }
    }
}
