using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace MailProtocols
{
    /// <summary>
    /// What the last Sync-ImapFolder run knew about one folder, kept in "mailprotocols.sync" inside the
    /// folder's Maildir directory as "key=value" lines. The name has no leading dot on purpose: Maildir++
    /// readers such as Dovecot take dot-entries in the root for subfolders.
    /// </summary>
    internal sealed class MaildirSyncState
    {
        public const string FileName = "mailprotocols.sync";

        /// <summary>The IMAP folder the directory mirrors.</summary>
        public string Folder { get; set; }

        public uint UidValidity { get; set; }

        /// <summary>The highest UID that is on disk (every lower UID the server still has is too).</summary>
        public uint HighestUid { get; set; }

        /// <summary>UIDNEXT when the last run began, or 0 after an interrupted run.</summary>
        public uint UidNext { get; set; }

        /// <summary>HIGHESTMODSEQ (CONDSTORE) when the last run began, or 0 when unknown.</summary>
        public ulong HighestModSeq { get; set; }

        /// <summary>Messages in the folder on the server after the last run, or -1 after an interrupted run.</summary>
        public int Count { get; set; } = -1;

        /// <summary>False while a run is under way or after one was interrupted.</summary>
        public bool Complete { get; set; }

        public DateTimeOffset? Synced { get; set; }

        public static string PathIn(string directory) => Path.Combine(directory, FileName);

        /// <summary>The state in the directory, or null when there is none or it cannot be read (then the folder is checked in full).</summary>
        public static MaildirSyncState Read(string directory)
        {
            string path = PathIn(directory);
            string[] lines;
            try
            {
                if (!File.Exists(path))
                {
                    return null;
                }

                lines = File.ReadAllLines(path, Encoding.UTF8);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }

            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string line in lines)
            {
                int equals = line.IndexOf('=');
                if (line.StartsWith("#", StringComparison.Ordinal) || equals <= 0)
                {
                    continue;
                }

                values[line.Substring(0, equals).Trim()] = line.Substring(equals + 1).Trim();
            }

            if (!values.TryGetValue("uidvalidity", out string validity) || !uint.TryParse(validity, NumberStyles.None, CultureInfo.InvariantCulture, out uint uidValidity))
            {
                return null;
            }

            var state = new MaildirSyncState
            {
                Folder = values.TryGetValue("folder", out string folder) ? folder : null,
                UidValidity = uidValidity,
                HighestUid = ReadUInt(values, "highestuid"),
                UidNext = ReadUInt(values, "uidnext"),
                HighestModSeq = values.TryGetValue("highestmodseq", out string modSeq) && ulong.TryParse(modSeq, NumberStyles.None, CultureInfo.InvariantCulture, out ulong m) ? m : 0,
                Count = values.TryGetValue("count", out string count) && int.TryParse(count, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int c) ? c : -1,
                Complete = values.TryGetValue("complete", out string complete) && complete == "true",
            };
            if (values.TryGetValue("synced", out string synced) &&
                DateTimeOffset.TryParse(synced, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset when))
            {
                state.Synced = when;
            }

            return state;
        }

        /// <summary>Replaces the state file atomically (temporary name, flush, rename).</summary>
        public void Write(string directory)
        {
            var text = new StringBuilder();
            text.Append("# Sync-ImapFolder (MailProtocols) state of this Maildir folder. Delete it to force a full check.\n");
            Append(text, "folder", Folder);
            Append(text, "uidvalidity", UidValidity.ToString(CultureInfo.InvariantCulture));
            Append(text, "highestuid", HighestUid.ToString(CultureInfo.InvariantCulture));
            Append(text, "uidnext", UidNext.ToString(CultureInfo.InvariantCulture));
            Append(text, "highestmodseq", HighestModSeq.ToString(CultureInfo.InvariantCulture));
            Append(text, "count", Count.ToString(CultureInfo.InvariantCulture));
            Append(text, "complete", Complete ? "true" : "false");
            Append(text, "synced", (Synced ?? DateTimeOffset.UtcNow).ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
            byte[] bytes = new UTF8Encoding(false).GetBytes(text.ToString());
            MaildirFolder.Io($"writing the sync state in '{directory}'", () =>
            {
                using (var file = new AtomicFile(PathIn(directory)))
                {
                    file.Stream.Write(bytes, 0, bytes.Length);
                    file.Commit(overwrite: true);
                }
            });
        }

        private static uint ReadUInt(Dictionary<string, string> values, string key) =>
            values.TryGetValue(key, out string text) && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) ? value : 0;

        private static void Append(StringBuilder text, string key, string value) => text.Append(key).Append('=').Append(value ?? string.Empty).Append('\n');
    }
}
