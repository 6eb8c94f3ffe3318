using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using MailProtocols.Core.Files;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>
    /// What Copy-ImapMailbox learnt about one folder's messages, so a re-run need not fetch every Message-ID
    /// again: per UID, the "who" part of <see cref="MessageIdentity"/> with the size and INTERNALDATE it was
    /// seen with. A UID names the same immutable message for as long as the folder's UIDVALIDITY lasts, so an
    /// entry is keyed by mailbox, folder and UIDVALIDITY, and used only when the size and date the server
    /// reports now are the ones it was stored with. It is a cache, never the truth: a missing, stale or
    /// unreadable file only means the identities are fetched again. One small text file per folder.
    /// </summary>
    internal sealed class IdentityCache
    {
        private const string Header = "MailProtocols identity cache 2";

        private readonly Dictionary<uint, (long Size, string Date, string Who)> _entries = new Dictionary<uint, (long, string, string)>();
        private readonly string _file;

        private readonly string _keyLine;

        private IdentityCache(string file, string keyLine, uint uidValidity)
        {
            _file = file;
            _keyLine = keyLine;
            UidValidity = uidValidity;
        }

        public uint UidValidity { get; }

        public int Count => _entries.Count;

        /// <summary>True when entries were added or dropped since the file was read.</summary>
        public bool Changed { get; private set; }

        /// <summary>
        /// The folder's UIDNEXT and message count when the entries were known to be exactly its messages, or null.
        /// UIDs only grow and an expunge lowers the count, so while SELECT reports the same two numbers the folder
        /// holds the same UIDs, and the entries are the folder without a FETCH.
        /// </summary>
        public (uint UidNext, int Count)? Snapshot { get; private set; }

        /// <summary>An entry could not be stored (see <see cref="Set"/>): the entries are not the whole folder.</summary>
        private bool _incomplete;

        public IEnumerable<(uint Uid, long Size, DateTimeOffset? Date, string Who)> Entries
        {
            get
            {
                foreach (KeyValuePair<uint, (long Size, string Date, string Who)> entry in _entries)
                {
                    DateTimeOffset? date = long.TryParse(entry.Value.Date, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds)
                        ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                        : (DateTimeOffset?)null;
                    yield return (entry.Key, entry.Value.Size, date, entry.Value.Who);
                }
            }
        }

        public bool Matches(uint? uidNext, int count) =>
            Snapshot.HasValue && uidNext.HasValue && Snapshot.Value.UidNext == uidNext.Value && Snapshot.Value.Count == count && _entries.Count == count;

        /// <summary>Records that the entries are now exactly the folder's messages (null UIDNEXT: not known, no snapshot).</summary>
        public void SetSnapshot(uint? uidNext, int count)
        {
            (uint, int)? snapshot = uidNext.HasValue && !_incomplete && _entries.Count == count ? (uidNext.Value, count) : ((uint, int)?)null;
            if (!Nullable.Equals(snapshot, Snapshot))
            {
                Snapshot = snapshot;
                Changed = true;
            }
        }

        /// <summary>After our own APPENDs (their UIDs from APPENDUID): the snapshot moves past them, or is dropped when they are not right after it.</summary>
        public void AdvanceSnapshot(IList<uint> appended)
        {
            if (!Snapshot.HasValue)
            {
                return;
            }

            uint next = Snapshot.Value.UidNext;
            uint highest = 0;
            foreach (uint uid in appended)
            {
                if (uid < next)
                {
                    Snapshot = null;
                    Changed = true;
                    return;
                }

                highest = Math.Max(highest, uid);
            }

            if (appended.Count > 0)
            {
                SetSnapshot(highest + 1, Snapshot.Value.Count + appended.Count);
            }
        }

        /// <summary>
        /// The default folder of the caches: $XDG_CACHE_HOME (or ~/.cache) on Linux and macOS, %LOCALAPPDATA% on
        /// Windows, each under MailProtocols/Copy-ImapMailbox.
        /// </summary>
        public static string DefaultDirectory()
        {
            string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(root))
            {
                root = Path.DirectorySeparatorChar == '\\'
                    ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            }

            return Path.Combine(root, "MailProtocols", "Copy-ImapMailbox");
        }

        /// <summary>The cache of a folder, empty when there is none or it cannot be read. Null <paramref name="directory"/>: no cache.</summary>
        public static IdentityCache Load(string directory, string mailbox, string folder, uint uidValidity)
        {
            if (string.IsNullOrEmpty(directory) || uidValidity == 0)
            {
                return null;
            }

            string key = $"{mailbox}\n{folder}\n{uidValidity.ToString(CultureInfo.InvariantCulture)}";
            var cache = new IdentityCache(Path.Combine(directory, Hash(key) + ".txt"), key.Replace('\n', '\t'), uidValidity);
            try
            {
                if (!File.Exists(cache._file))
                {
                    return cache;
                }

                using (var reader = new StreamReader(cache._file, new UTF8Encoding(false)))
                {
                    // The key is stored too: a hash collision or a foreign file reads as empty.
                    if (reader.ReadLine() != Header || reader.ReadLine() != cache._keyLine)
                    {
                        return cache;
                    }

                    string[] snapshot = (reader.ReadLine() ?? string.Empty).Split('\t');
                    if (snapshot.Length == 3 && snapshot[0] == "snapshot"
                        && uint.TryParse(snapshot[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint uidNext)
                        && int.TryParse(snapshot[2], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
                    {
                        cache.Snapshot = (uidNext, count);
                    }

                    string line;
                    while ((line = reader.ReadLine()) != null)
                    {
                        string[] parts = line.Split(new[] { '\t' }, 4);
                        if (parts.Length == 4
                            && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid)
                            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
                            && parts[3].Length > 2)
                        {
                            cache._entries[uid] = (size, parts[2], parts[3]);
                        }
                        else
                        {
                            // A damaged line: the entries are not the whole folder.
                            cache.Snapshot = null;
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                cache._entries.Clear();
                cache.Snapshot = null;
            }

            return cache;
        }

        /// <summary>The stored "who" of a UID when it was stored with this size and date.</summary>
        public bool TryGet(uint uid, long size, DateTimeOffset? date, out string who)
        {
            who = null;
            if (_entries.TryGetValue(uid, out var entry) && entry.Size == size && entry.Date == MessageIdentity.DateOf(date))
            {
                who = entry.Who;
                return true;
            }

            return false;
        }

        public void Set(uint uid, long size, DateTimeOffset? date, string who)
        {
            // A value with a line break would not read back as one entry; such a message is simply fetched each time.
            if (who == null || who.IndexOf('\n') >= 0 || who.IndexOf('\r') >= 0)
            {
                _incomplete = true;
                return;
            }

            string day = MessageIdentity.DateOf(date);
            if (!_entries.TryGetValue(uid, out var old) || old.Size != size || old.Date != day || old.Who != who)
            {
                _entries[uid] = (size, day, who);
                Changed = true;
            }
        }

        /// <summary>Drops the entries of UIDs no longer in the folder (expunged).</summary>
        public void RetainOnly(ICollection<uint> uids)
        {
            var gone = new List<uint>();
            foreach (uint uid in _entries.Keys)
            {
                if (!uids.Contains(uid))
                {
                    gone.Add(uid);
                }
            }

            gone.ForEach(uid => _entries.Remove(uid));
            Changed |= gone.Count > 0;
        }

        /// <summary>Writes the file (to a temporary name, then renamed; readable by the owner only). A failure leaves the cache unwritten, nothing more.</summary>
        public void Save()
        {
            if (!Changed)
            {
                return;
            }

            try
            {
                string directory = Path.GetDirectoryName(_file);
                if (!Directory.Exists(directory))
                {
                    Directory.CreateDirectory(directory);
                    Private(directory, "700");
                }

                using (var file = new AtomicFile(_file))
                {
                    Private(file.TemporaryPath, "600");
                    var text = new StringBuilder(Header).Append('\n');
                    text.Append(_keyLine).Append('\n');
                    text.Append(Snapshot.HasValue
                        ? FormattableString.Invariant($"snapshot\t{Snapshot.Value.UidNext}\t{Snapshot.Value.Count}\n")
                        : "snapshot\t-\t-\n");
                    foreach (KeyValuePair<uint, (long Size, string Date, string Who)> entry in _entries)
                    {
                        text.Append(entry.Key.ToString(CultureInfo.InvariantCulture)).Append('\t')
                            .Append(entry.Value.Size.ToString(CultureInfo.InvariantCulture)).Append('\t')
                            .Append(entry.Value.Date).Append('\t').Append(entry.Value.Who).Append('\n');
                    }

                    byte[] bytes = new UTF8Encoding(false).GetBytes(text.ToString());
                    file.Stream.Write(bytes, 0, bytes.Length);
                    file.Commit(overwrite: true);
                }

                Changed = false;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Only the next run's speed depends on this file.
            }
        }

        internal string FilePath => _file;

        private static string Hash(string text)
        {
            using (SHA256 sha = SHA256.Create())
            {
                return BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(text))).Replace("-", string.Empty).Substring(0, 32).ToLowerInvariant();
            }
        }

        private static void Private(string path, string octal)
        {
            if (Path.DirectorySeparatorChar == '/')
            {
                SignIn.UnixMode.Set(path, octal);
            }
        }
    }
}
