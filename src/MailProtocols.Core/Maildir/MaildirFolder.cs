using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap;

namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// One folder of a Maildir++ tree: cur/, new/ and tmp/ in the folder's directory. Messages are
    /// delivered the Maildir way (written and flushed in tmp/, then renamed into cur/), so a reader
    /// never sees a partial file; flags change by renaming.
    /// </summary>
    internal sealed class MaildirFolder
    {
        /// <summary>Characters Maildir++ uses itself (the '.' hierarchy separator) or file systems reject.</summary>
        private const string EncodedCharacters = ".\\/:*?\"<>|";

        private readonly uint _temporarySeed = (uint)Guid.NewGuid().GetHashCode();
        private int _temporaryCount;

        public MaildirFolder(string path)
        {
            Path = System.IO.Path.GetFullPath(path);
        }

        public string Path { get; }

        public string Cur => System.IO.Path.Combine(Path, "cur");

        public string New => System.IO.Path.Combine(Path, "new");

        public string Tmp => System.IO.Path.Combine(Path, "tmp");

        /// <summary>
        /// The directory of an IMAP folder in a Maildir++ tree, as Dovecot lays it out: INBOX is the root,
        /// "A/B" is ".A.B". Segments are written in modified UTF-7 (RFC 3501), like Dovecot's own; characters
        /// that cannot stand in a Maildir++ name (such as '.') go into the encoded part too, so no two
        /// folders share a directory and no name can leave the root.
        /// </summary>
        public static string PathFor(string root, string folder, char separator)
        {
            if (string.Equals(folder, "INBOX", StringComparison.OrdinalIgnoreCase))
            {
                return System.IO.Path.GetFullPath(root);
            }

            IEnumerable<string> segments = separator == '\0' ? new[] { folder } : folder.Split(separator);
            string name = "." + string.Join(".", segments.Select(EncodeSegment));

            // Every character that could name a parent or another place is encoded above; what is left is a
            // name that empty levels alone can make special ("/" gives ".."). Such a folder is refused.
            string fullRoot = System.IO.Path.GetFullPath(root);
            string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(fullRoot, name));
            if (name == ".." || !string.Equals(System.IO.Path.GetDirectoryName(path), fullRoot.TrimEnd(System.IO.Path.DirectorySeparatorChar), StringComparison.Ordinal))
            {
                throw new MailProtocolException(MailErrorKind.InvalidData, MailErrorReason.UnsafeFolderName,
                    $"The server's folder name '{ImapInputRules.Printable(folder)}' does not make a directory inside '{fullRoot}', so it is not synchronized.");
            }

            return path;
        }

        /// <summary>One folder name segment in modified UTF-7, with the characters above encoded as well.</summary>
        internal static string EncodeSegment(string segment)
        {
            var result = new StringBuilder(segment.Length + 8);
            var pending = new StringBuilder();
            foreach (char c in segment)
            {
                if (c >= 0x20 && c <= 0x7e && EncodedCharacters.IndexOf(c) < 0)
                {
                    Flush(result, pending);
                    result.Append(c == '&' ? "&-" : c.ToString());
                }
                else
                {
                    pending.Append(c);
                }
            }

            Flush(result, pending);
            return result.ToString();
        }

        /// <summary>Creates cur/, new/ and tmp/; a subfolder also gets the empty "maildirfolder" marker file of Maildir++.</summary>
        public void Create(bool isSubfolder)
        {
            Io($"creating the Maildir folder '{Path}'", () =>
            {
                Directory.CreateDirectory(Cur);
                Directory.CreateDirectory(New);
                Directory.CreateDirectory(Tmp);
                string marker = System.IO.Path.Combine(Path, "maildirfolder");
                if (isSubfolder && !File.Exists(marker))
                {
                    File.WriteAllBytes(marker, new byte[0]);
                }
            });
        }

        /// <summary>
        /// Our message files (see <see cref="MaildirFileName"/>) in cur/ and new/. Files of other programs are left out.
        /// </summary>
        public List<MaildirEntry> Scan()
        {
            var entries = new List<MaildirEntry>();
            Io($"reading the Maildir folder '{Path}'", () =>
            {
                foreach (string directory in new[] { Cur, New })
                {
                    if (!Directory.Exists(directory))
                    {
                        continue;
                    }

                    foreach (string file in Directory.EnumerateFiles(directory))
                    {
                        MaildirEntry entry = Entry(file);
                        if (entry != null)
                        {
                            entries.Add(entry);
                        }
                    }
                }
            });
            return entries;
        }

        /// <summary>The entry of a file Sync-ImapFolder named (UID and UIDVALIDITY in the name); null for any other file.</summary>
        public static MaildirEntry Entry(string file)
        {
            string name = System.IO.Path.GetFileName(file);
            if (!MaildirFileName.TryParseOurs(name, out uint uid, out uint validity))
            {
                return null;
            }

            MaildirFileName.Split(name, out string baseName, out string letters);
            return new MaildirEntry { Path = file, BaseName = baseName, Letters = letters, Uid = uid, UidValidity = validity };
        }

        /// <summary>
        /// First half of a delivery: writes one message into tmp/ (not yet flushed to disk). Cheap enough to
        /// run inside a FETCH; <see cref="Commit"/> finishes a whole batch.
        /// </summary>
        public PendingMessage WriteTemporary(Stream content, uint uid, uint uidValidity, DateTimeOffset? internalDate, string letters, CancellationToken cancellationToken)
        {
            string temporary = System.IO.Path.Combine(Tmp, MaildirFileName.BaseName(uid, uidValidity, internalDate, 0) + "." + TemporarySuffix());
            var pending = new PendingMessage { TemporaryPath = temporary, Uid = uid, UidValidity = uidValidity, InternalDate = internalDate, Letters = letters };
            Io(() => $"writing message {uid} into '{Tmp}'", () =>
            {
                try
                {
                    // Unbuffered: the body is already in memory, so each chunk goes straight to write(2).
                    using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
                    {
                        content.CopyTo(output, 81920);
                        cancellationToken.ThrowIfCancellationRequested();
                        pending.Size = output.Position;

                        // The delivery date as the modification time (Dovecot reads it as INTERNALDATE), set on the open file.
                        pending.TimeSet = internalDate.HasValue && LinuxFileCalls.TrySetModificationTime(output.SafeFileHandle, internalDate.Value.UtcDateTime);
                    }
                }
                catch (Exception)
                {
                    TryDelete(temporary);
                    throw;
                }
            });
            return pending;
        }

        /// <summary>
        /// Second half of the Maildir delivery protocol for a batch: every file is flushed to disk, gets the
        /// delivery date as its modification time (Dovecot reads it as INTERNALDATE), and is renamed into cur/
        /// with its flags. The flushes run concurrently, so the file system can commit them together instead
        /// of paying one journal commit per message. Without <paramref name="flushToDisk"/> (mbsync's <c>FSync no</c>) the
        /// flush is left to the operating system; the rename still keeps partial files out of cur/.
        /// </summary>
        public List<MaildirEntry> Commit(IList<PendingMessage> batch, CancellationToken cancellationToken, bool flushToDisk = true)
        {
            var entries = new List<MaildirEntry>(batch.Count);
            Io($"flushing messages to '{Tmp}'", () =>
            {
                if (!flushToDisk)
                {
                    return;
                }

                try
                {
                    Parallel.ForEach(batch, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, pending =>
                    {
                        using (var file = new FileStream(pending.TemporaryPath, FileMode.Open, FileAccess.Write, FileShare.None, 1))
                        {
                            file.Flush(flushToDisk: true);
                        }
                    });
                }
                catch (AggregateException ex)
                {
                    throw ex.InnerExceptions[0];
                }
            });

            foreach (PendingMessage pending in batch)
            {
                string baseName = MaildirFileName.BaseName(pending.Uid, pending.UidValidity, pending.InternalDate, pending.Size);
                string final = System.IO.Path.Combine(Cur, MaildirFileName.WithFlags(baseName, pending.Letters));
                Io(() => $"moving message {pending.Uid} into '{Cur}'", () =>
                {
                    if (pending.InternalDate.HasValue && !pending.TimeSet)
                    {
                        File.SetLastWriteTimeUtc(pending.TemporaryPath, pending.InternalDate.Value.UtcDateTime);
                    }

                    if (!LinuxFileCalls.TryRenameNoReplace(pending.TemporaryPath, final))
                    {
                        File.Move(pending.TemporaryPath, final);
                    }
                });
                entries.Add(new MaildirEntry { Path = final, BaseName = baseName, Letters = pending.Letters, Uid = pending.Uid, UidValidity = pending.UidValidity, Size = pending.Size });
            }

            return entries;
        }

        /// <summary>
        /// Eight hex digits that keep temporary names apart: a random start per folder object, then counted, so a
        /// message costs no call for random bytes (a Guid each was 1.4% of a first sync's CPU). CreateNew still
        /// refuses to write over any file.
        /// </summary>
        private string TemporarySuffix() => unchecked(_temporarySeed + (uint)Interlocked.Increment(ref _temporaryCount)).ToString("x8", CultureInfo.InvariantCulture);

        /// <summary>Removes the temporary files of a batch that will not be committed.</summary>
        public void Discard(IEnumerable<PendingMessage> batch)
        {
            foreach (PendingMessage pending in batch)
            {
                TryDelete(pending.TemporaryPath);
            }
        }

        /// <summary>Renames a file for new flags; false when the flags were already right.</summary>
        public bool SetFlags(MaildirEntry entry, string letters)
        {
            string merged = MaildirFlags.Merge(entry.Letters, letters);
            string directory = System.IO.Path.GetDirectoryName(entry.Path);
            bool inNew = string.Equals(directory, New, StringComparison.Ordinal);
            if (!inNew && string.Equals(merged, entry.Letters, StringComparison.Ordinal))
            {
                return false;
            }

            // A file in new/ has no flags yet; giving it some means moving it to cur/.
            string target = System.IO.Path.Combine(Cur, MaildirFileName.WithFlags(entry.BaseName, merged));
            Io($"renaming '{entry.Path}' for its new flags", () => File.Move(entry.Path, target));
            entry.Path = target;
            entry.Letters = merged;
            return true;
        }

        public void Delete(MaildirEntry entry) => Io($"removing '{entry.Path}'", () => File.Delete(entry.Path));

        /// <summary>Removes files an interrupted run of ours left in tmp/ (never other programs' files).</summary>
        public void RemoveLeftovers()
        {
            if (!Directory.Exists(Tmp))
            {
                return;
            }

            foreach (string file in Directory.EnumerateFiles(Tmp))
            {
                if (MaildirFileName.TryParseOurs(System.IO.Path.GetFileName(file), out _, out _))
                {
                    TryDelete(file);
                }
            }
        }

        private static void Flush(StringBuilder result, StringBuilder pending)
        {
            if (pending.Length == 0)
            {
                return;
            }

            string base64 = Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes(pending.ToString()));
            result.Append('&').Append(base64.TrimEnd('=').Replace('/', ',')).Append('-');
            pending.Clear();
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Best effort: the name marks it as ours, so the next run removes it.
            }
        }

        /// <summary>File system failures become WriteError exceptions that say which file and why.</summary>
        internal static void Io(string action, Action work) => Io(() => action, work);

        /// <summary>As above, the text built only on a failure (the per-message calls run thousands of times).</summary>
        internal static void Io(Func<string> action, Action work)
        {
            try
            {
                work();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is SecurityException)
            {
                throw new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.FileWriteFailed,
                    $"Failed {action()}: {ex.Message} Check the free space and the permissions of the destination.", ex);
            }
        }
    }
}
