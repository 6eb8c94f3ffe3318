using System;
using System.Collections.Generic;
using System.Linq;

namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// Decides a two-way sync of one folder from three pictures: the records of the last sync, the server's
    /// UIDs and flags now, and the local files now. Pure: no I/O, no MailKit, so it can be tested alone
    /// and reused between any two message stores. The rules:
    /// <list type="bullet">
    /// <item>A file the records do not know and whose name carries no UID of this folder is new: APPEND.</item>
    /// <item>Flags merge per message and per flag: a flag changed on one side since the last sync takes that
    /// side's value, so changes to different flags on the two sides both survive. With no record (a state
    /// written by the pull-only sync) the server wins, since the local copy was a mirror.</item>
    /// <item>A file deleted locally marks the message \Deleted on the server (and, with expunge, UID EXPUNGE
    /// of exactly those UIDs); a message expunged on the server loses its file unless keepDeleted.</item>
    /// <item>A deletion on one side against a flag change on the other keeps the message on both sides and
    /// is a conflict.</item>
    /// </list>
    /// </summary>
    internal static class MaildirSyncPlanner
    {
        /// <summary>The flag letters the merge covers, in Maildir (ASCII) order.</summary>
        public const string FlagLetters = "DFPRST";

        public static MaildirSyncPlan Plan(IEnumerable<SyncedMessage> records, IEnumerable<ServerMessageFlags> server,
            IEnumerable<LocalMessageFile> local, ImapSyncDirection direction, bool expunge, bool keepDeleted)
        {
            if (direction == ImapSyncDirection.Pull)
            {
                throw new ArgumentException("The planner is for Push and Both; Pull keeps its own path.", nameof(direction));
            }

            bool pull = direction == ImapSyncDirection.Both;
            var plan = new MaildirSyncPlan();
            var stores = new SortedDictionary<(bool, char), FlagStore>(Comparer<(bool, char)>.Create((a, b) =>
                a.Item1 != b.Item1 ? (a.Item1 ? -1 : 1) : a.Item2.CompareTo(b.Item2)));
            // Sized up front: a large folder's tables would otherwise be rebuilt a dozen times on the way.
            var onServer = new Dictionary<uint, ServerMessageFlags>(server is ICollection<ServerMessageFlags> known ? known.Count : 0);
            foreach (ServerMessageFlags message in server)
            {
                onServer[message.Uid] = message;
            }

            List<LocalMessageFile> files = local.ToList();
            var byName = new Dictionary<string, LocalMessageFile>(files.Count, StringComparer.Ordinal);
            var byUid = new Dictionary<uint, LocalMessageFile>(files.Count);
            foreach (LocalMessageFile file in files)
            {
                if (!byName.ContainsKey(file.BaseName))
                {
                    byName[file.BaseName] = file;
                }

                if (file.Uid != 0 && !byUid.ContainsKey(file.Uid))
                {
                    byUid[file.Uid] = file;
                }
            }

            var claimed = new HashSet<LocalMessageFile>();
            var recorded = new HashSet<uint>();

            foreach (SyncedMessage record in records ?? Enumerable.Empty<SyncedMessage>())
            {
                if (!recorded.Add(record.Uid))
                {
                    continue;
                }

                onServer.TryGetValue(record.Uid, out ServerMessageFlags now);
                if (record.DeletedLocally)
                {
                    // The deletion went to the server before; the record only stops a download.
                    if (now != null)
                    {
                        plan.Synced[record.Uid] = record;
                        plan.DoNotDownload.Add(record.Uid);
                        if (expunge && now.Letters.IndexOf('T') >= 0)
                        {
                            plan.Expunge.Add(record.Uid);
                        }
                    }

                    continue;
                }

                LocalMessageFile file = Find(byName, byUid, claimed, record);
                if (file != null)
                {
                    claimed.Add(file);
                    plan.Files[record.Uid] = file;
                }

                if (now == null && file == null)
                {
                    continue;
                }

                if (now == null)
                {
                    ExpungedOnServer(plan, record, file, pull, keepDeleted);
                }
                else if (file == null)
                {
                    DeletedLocally(plan, stores, record, now, pull, expunge);
                }
                else
                {
                    Merge(plan, stores, record.Letters, file, now, pull, expunge);
                }
            }

            foreach (LocalMessageFile file in files.Where(f => !claimed.Contains(f)))
            {
                if (file.Uid == 0 || recorded.Contains(file.Uid) || plan.Files.ContainsKey(file.Uid))
                {
                    // Not one of the folder's messages (or a second copy of one): new, so it goes to the server.
                    plan.Appends.Add(file);
                    continue;
                }

                plan.Files[file.Uid] = file;
                if (onServer.TryGetValue(file.Uid, out ServerMessageFlags now))
                {
                    // No record: the first two-way run on a mirror, or a download an interrupted run did not record. The server wins.
                    Merge(plan, stores, null, file, now, pull, expunge);
                }
                else if (pull)
                {
                    (keepDeleted ? plan.KeptFiles : plan.RemoveFiles).Add(file);
                }
            }

            if (pull)
            {
                foreach (uint uid in onServer.Keys.Where(u => !plan.Files.ContainsKey(u) && !plan.Synced.ContainsKey(u) && !plan.DoNotDownload.Contains(u) && !plan.Download.Contains(u)).OrderBy(u => u).ToList())
                {
                    plan.Download.Add(uid);
                }
            }

            plan.Stores.AddRange(stores.Values.Where(s => s.Uids.Count > 0));
            foreach (FlagStore store in plan.Stores)
            {
                store.Uids.Sort();
            }

            plan.MarkDeleted.Sort();
            plan.Expunge.Sort();
            plan.Download.Sort();
            return plan;
        }

        /// <summary>Every set of flag letters, in order: index = one bit per letter of <see cref="FlagLetters"/>.</summary>
        private static readonly string[] FlagSets = Enumerable.Range(0, 1 << FlagLetters.Length)
            .Select(mask => new string(FlagLetters.Where((c, bit) => (mask & (1 << bit)) != 0).ToArray())).ToArray();

        /// <summary>The upper-case flag letters of a name's info part (keyword letters left out), sorted.</summary>
        public static string Flags(string letters) => letters == null ? string.Empty : Flags(letters, 0, letters.Length);

        /// <summary>
        /// <see cref="Flags(string)"/> of <paramref name="length"/> characters of <paramref name="text"/> from <paramref name="start"/>.
        /// Runs for every record, file and server message of a two-way run: one of 64 shared strings, never a new one.
        /// </summary>
        public static string Flags(string text, int start, int length)
        {
            int mask = 0;
            for (int i = start; i < start + length; i++)
            {
                int bit = FlagLetters.IndexOf(text[i]);
                if (bit >= 0)
                {
                    mask |= 1 << bit;
                }
            }

            return FlagSets[mask];
        }

        /// <summary>The three-way merge of one message's flags: per flag, the side that changed it since the last sync wins.</summary>
        public static string MergeFlags(string recorded, string local, string server)
        {
            if (recorded == null)
            {
                return Flags(server);
            }

            // One side unchanged since the last sync: the other side's flags, with nothing to merge.
            if (string.Equals(local, recorded, StringComparison.Ordinal))
            {
                return Flags(server);
            }

            if (string.Equals(server, recorded, StringComparison.Ordinal))
            {
                return Flags(local);
            }

            var result = new System.Text.StringBuilder(6);
            foreach (char letter in FlagLetters)
            {
                bool b = recorded.IndexOf(letter) >= 0;
                bool l = local.IndexOf(letter) >= 0;
                bool s = server.IndexOf(letter) >= 0;
                if (l != b ? l : s)
                {
                    result.Append(letter);
                }
            }

            return result.ToString();
        }

        private static LocalMessageFile Find(Dictionary<string, LocalMessageFile> byName, Dictionary<uint, LocalMessageFile> byUid,
            HashSet<LocalMessageFile> claimed, SyncedMessage record)
        {
            if (byName.TryGetValue(record.BaseName, out LocalMessageFile file) && !claimed.Contains(file))
            {
                return file;
            }

            return byUid.TryGetValue(record.Uid, out file) && !claimed.Contains(file) ? file : null;
        }

        private static void ExpungedOnServer(MaildirSyncPlan plan, SyncedMessage record, LocalMessageFile file, bool pull, bool keepDeleted)
        {
            if (Flags(file.Letters) != Flags(record.Letters))
            {
                // Changed here, gone there: keep it on both sides by sending it again.
                plan.Conflicts.Add(new SyncConflict
                {
                    Uid = record.Uid,
                    BaseName = file.BaseName,
                    Description = $"message {record.Uid} ('{file.BaseName}') was expunged on the server but its flags changed locally; it is appended to the server again",
                });
                plan.Files.Remove(record.Uid);
                plan.Appends.Add(file);
                return;
            }

            if (!pull)
            {
                plan.Synced[record.Uid] = record;
                return;
            }

            (keepDeleted ? plan.KeptFiles : plan.RemoveFiles).Add(file);
        }

        private static void DeletedLocally(MaildirSyncPlan plan, SortedDictionary<(bool, char), FlagStore> stores, SyncedMessage record,
            ServerMessageFlags now, bool pull, bool expunge)
        {
            // T alone does not count: \Deleted set on the server (by another client, or by a run cut before it could
            // record its own deletion) agrees with the local deletion.
            if (Flags(now.Letters).Replace("T", string.Empty) != Flags(record.Letters).Replace("T", string.Empty))
            {
                // Deleted here, changed there: keep it on both sides by downloading it again.
                plan.Conflicts.Add(new SyncConflict
                {
                    Uid = record.Uid,
                    BaseName = record.BaseName,
                    Description = $"message {record.Uid} ('{record.BaseName}') was deleted locally but its flags changed on the server; " +
                        (pull ? "it is downloaded again" : "it stays on the server and comes back with the next -Direction Both run"),
                });
                if (pull)
                {
                    plan.Download.Add(record.Uid);
                }
                else
                {
                    plan.Synced[record.Uid] = record;
                    plan.DoNotDownload.Add(record.Uid);
                }

                return;
            }

            if (now.Letters.IndexOf('T') < 0)
            {
                plan.MarkDeleted.Add(record.Uid);
            }

            if (expunge)
            {
                plan.Expunge.Add(record.Uid);
            }

            plan.DoNotDownload.Add(record.Uid);
            plan.Synced[record.Uid] = new SyncedMessage { Uid = record.Uid, BaseName = null, Letters = Flags(record.Letters + "T") };
        }

        private static void Merge(MaildirSyncPlan plan, SortedDictionary<(bool, char), FlagStore> stores, string recorded, LocalMessageFile file,
            ServerMessageFlags now, bool pull, bool expunge)
        {
            string localFlags = Flags(file.Letters);
            string serverFlags = Flags(now.Letters);
            string merged = MergeFlags(recorded == null ? null : Flags(recorded), localFlags, serverFlags);
            if (recorded == null && !pull)
            {
                // Push alone never takes the server's side; the file's flags become the record, so later local changes go up.
                plan.Synced[now.Uid] = new SyncedMessage { Uid = now.Uid, BaseName = file.BaseName, Letters = localFlags };
                return;
            }

            foreach (char letter in merged == serverFlags ? string.Empty : FlagLetters)
            {
                bool want = merged.IndexOf(letter) >= 0;
                if (want == (serverFlags.IndexOf(letter) >= 0))
                {
                    continue;
                }

                if (!stores.TryGetValue((want, letter), out FlagStore store))
                {
                    store = new FlagStore { Add = want, Letter = letter };
                    stores[(want, letter)] = store;
                }

                store.Uids.Add(now.Uid);
                if (want && letter == 'T' && expunge)
                {
                    // Trashed locally (T) and -Expunge: ours to expunge, like a deleted file.
                    plan.Expunge.Add(now.Uid);
                }
            }

            if (pull && merged != localFlags)
            {
                plan.Renames.Add(new LocalRename { File = file, Uid = now.Uid, Letters = merged });
            }

            plan.Synced[now.Uid] = new SyncedMessage { Uid = now.Uid, BaseName = file.BaseName, Letters = pull ? merged : localFlags };
        }
    }
}
