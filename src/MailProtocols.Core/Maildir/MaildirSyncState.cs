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
            MaildirFolder.Io($"writing the sync state in '{directory}'", () =>
            {
                using (var file = new AtomicFile(PathIn(directory)))
                {
                    // Straight into the temporary file (a large folder's records would otherwise be copied twice on the way).
                    using (var writer = new StreamWriter(file.Stream, new UTF8Encoding(false), 65536, leaveOpen: true))
                    {
                        WriteTo(writer);
                    }

                    file.Commit(overwrite: true);
                }
            });
        }

        private void WriteTo(TextWriter text)
        {
            text.Write("# Sync-ImapFolder (MailProtocols) state of this Maildir folder. Delete it to force a full check.\n");
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
                    text.Write("m ");
                    text.Write(message.Uid.ToString(CultureInfo.InvariantCulture));
                    text.Write(' ');
                    text.Write(string.IsNullOrEmpty(message.Letters) ? "-" : message.Letters);
                    text.Write(' ');
                    text.Write(message.BaseName ?? "-");
                    text.Write('\n');
                }
            }

            foreach (PendingAppend append in PendingAppends ?? new List<PendingAppend>())
            {
                // "a <uidnext> <message-id or -> <unique name>"; the name is last because only it may hold spaces.
                text.Write("a ");
                text.Write(append.UidNext.ToString(CultureInfo.InvariantCulture));
                text.Write(' ');
                text.Write(string.IsNullOrEmpty(append.MessageId) ? "-" : append.MessageId);
                text.Write(' ');
                text.Write(append.BaseName);
                text.Write('\n');
            }
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
            // "m <uid> <letters> <name>", the name last (it may hold spaces); read without splitting, since a
            // state holds a line per message and a two-way run reads it whole.
            int afterUid = line.IndexOf(' ', 2);
            int afterLetters = afterUid < 0 ? -1 : line.IndexOf(' ', afterUid + 1);
            if (afterLetters < 0 || !MaildirFileName.TryParseUInt(line, 2, afterUid, out uint uid) || uid == 0)
            {
                return;
            }

            int lettersLength = afterLetters - afterUid - 1;
            string name = line.Substring(afterLetters + 1);
            messages.Add(new SyncedMessage
            {
                Uid = uid,
                Letters = lettersLength == 1 && line[afterUid + 1] == '-' ? string.Empty : MaildirSyncPlanner.Flags(line, afterUid + 1, lettersLength),
                BaseName = name == "-" ? null : name,
            });
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
        private static void Append(TextWriter text, string key, string value)
        {
            text.Write(key);
            text.Write('=');
            text.Write((value ?? string.Empty).Replace('\r', ' ').Replace('\n', ' '));
            text.Write('\n');
        }
    }
}
