using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using MailProtocols.Core.Files;

namespace MailProtocols.Core.Maildir
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

        /// <summary>
        /// Per message, what the last two-way run left on both sides (the base of the flag merge); null in a
        /// state only pull-only runs wrote, which the first two-way run upgrades in place.
        /// </summary>
        public List<SyncedMessage> Messages { get; set; }

        /// <summary>APPENDs sent or about to be sent whose new UIDs are not on the local file yet.</summary>
        public List<PendingAppend> PendingAppends { get; set; } = new List<PendingAppend>();

        /// <summary>The <see cref="MaildirStamp"/> of a moment the files were seen to match the records; any later write of the records drops it.</summary>
        public string LocalStamp { get; set; }

        /// <summary>
        /// The mod-sequence at which every record's letters were the server's flags (only a two-way run's final write
        /// with nothing declined sets it; 0 otherwise): a later run reads only the flags changed since.
        /// </summary>
        public ulong RecordsModSeq { get; set; }

        public static string PathIn(string directory) => Path.Combine(directory, FileName);

        /// <summary>The state in the directory, or null when there is none or it cannot be read (then the folder is checked in full).</summary>
        public static MaildirSyncState Read(string directory) => Read(directory, headerOnly: false);

        /// <summary>With <paramref name="headerOnly"/>: only the lines before the first record (no messages, no pending APPENDs).</summary>
        public static MaildirSyncState Read(string directory, bool headerOnly)
        {
            string path = PathIn(directory);
            IEnumerable<string> lines;
            try
            {
                if (!File.Exists(path))
                {
                    return null;
                }

                lines = headerOnly ? (IEnumerable<string>)HeaderLines(path) : File.ReadAllLines(path, Encoding.UTF8);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }

            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var messages = new List<SyncedMessage>();
            var pending = new List<PendingAppend>();
            foreach (string line in lines)
            {
                if (line.StartsWith("m ", StringComparison.Ordinal))
                {
                    ReadMessage(line, messages);
                    continue;
                }

                if (line.StartsWith("a ", StringComparison.Ordinal))
                {
                    ReadPending(line, pending);
                    continue;
                }

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
                Messages = values.TryGetValue("twoway", out string twoWay) && twoWay == "true" ? messages : null,
                PendingAppends = pending,
                LocalStamp = values.TryGetValue("localstamp", out string stamp) && stamp.Length > 0 ? stamp : null,
                RecordsModSeq = values.TryGetValue("recordsmodseq", out string recordsModSeq) && ulong.TryParse(recordsModSeq, NumberStyles.None, CultureInfo.InvariantCulture, out ulong r) ? r : 0,
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
            if (LocalStamp != null)
            {
                Append(text, "localstamp", LocalStamp);
            }

            if (RecordsModSeq != 0)
            {
                Append(text, "recordsmodseq", RecordsModSeq.ToString(CultureInfo.InvariantCulture));
            }

            if (Messages != null)
            {
                // One line per message: "m <uid> <letters or -> <unique name or - once deleted locally>".
                Append(text, "twoway", "true");
                foreach (SyncedMessage message in Messages)
                {
                    text.Append("m ").Append(message.Uid.ToString(CultureInfo.InvariantCulture)).Append(' ')
                        .Append(string.IsNullOrEmpty(message.Letters) ? "-" : message.Letters).Append(' ')
                        .Append(message.BaseName ?? "-").Append('\n');
                }
            }

            foreach (PendingAppend append in PendingAppends ?? new List<PendingAppend>())
            {
                // "a <uidnext> <message-id or -> <unique name>"; the name is last because only it may hold spaces.
                text.Append("a ").Append(append.UidNext.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(string.IsNullOrEmpty(append.MessageId) ? "-" : append.MessageId).Append(' ')
                    .Append(append.BaseName).Append('\n');
            }
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

        private static List<string> HeaderLines(string path)
        {
            var lines = new List<string>();
            using (var reader = new StreamReader(path, Encoding.UTF8))
            {
                string line;
                while ((line = reader.ReadLine()) != null && !line.StartsWith("m ", StringComparison.Ordinal) && !line.StartsWith("a ", StringComparison.Ordinal))
                {
                    lines.Add(line);
                }
            }

            return lines;
        }

        private static void ReadMessage(string line, List<SyncedMessage> messages)
        {
            string[] parts = line.Split(new[] { ' ' }, 4);
            if (parts.Length == 4 && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid) && uid != 0)
            {
                messages.Add(new SyncedMessage
                {
                    Uid = uid,
                    Letters = parts[2] == "-" ? string.Empty : MaildirSyncPlanner.Flags(parts[2]),
                    BaseName = parts[3] == "-" ? null : parts[3],
                });
            }
        }

        private static void ReadPending(string line, List<PendingAppend> pending)
        {
            string[] parts = line.Split(new[] { ' ' }, 4);
            if (parts.Length == 4 && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint uidNext) && parts[3].Length > 0)
            {
                pending.Add(new PendingAppend { UidNext = uidNext, MessageId = parts[2] == "-" ? null : parts[2], BaseName = parts[3] });
            }
        }

        private static uint ReadUInt(Dictionary<string, string> values, string key) =>
            values.TryGetValue(key, out string text) && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) ? value : 0;

        // A line break in a value (a hostile folder name) would make lines of its own, such as message records.
        private static void Append(StringBuilder text, string key, string value) =>
            text.Append(key).Append('=').Append((value ?? string.Empty).Replace('\r', ' ').Replace('\n', ' ')).Append('\n');
    }
}
