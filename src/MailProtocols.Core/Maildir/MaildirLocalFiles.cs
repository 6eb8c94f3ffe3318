using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// The local side of a two-way sync: every message file of a Maildir folder (ours and other programs'),
    /// and the renames that change a file's flags or give a file appended to the server its UID.
    /// </summary>
    internal static class MaildirLocalFiles
    {
        /// <summary>
        /// The message files in cur/ and new/. Files Sync-ImapFolder wrote for another UIDVALIDITY (the folder was
        /// recreated on the server) go to <paramref name="otherGeneration"/>: they are neither new nor this folder's.
        /// </summary>
        public static List<LocalMessageFile> Scan(MaildirFolder maildir, uint uidValidity, out List<LocalMessageFile> otherGeneration)
        {
            var files = new List<LocalMessageFile>();
            var other = new List<LocalMessageFile>();
            MaildirFolder.Io($"reading the Maildir folder '{maildir.Path}'", () =>
            {
                foreach (string directory in new[] { maildir.Cur, maildir.New })
                {
                    if (!Directory.Exists(directory))
                    {
                        continue;
                    }

                    foreach (string path in Directory.EnumerateFiles(directory))
                    {
                        string name = Path.GetFileName(path);

                        // Dot-files are not messages; a name with a line break could not be recorded in the state.
                        if (name.StartsWith(".", StringComparison.Ordinal) || HasControl(name))
                        {
                            continue;
                        }

                        MaildirFileName.Split(name, out string baseName, out string letters);
                        var file = new LocalMessageFile { Path = path, BaseName = baseName, Letters = letters };
                        if (MaildirFileName.TryParseOurs(name, out uint uid, out uint validity))
                        {
                            if (validity != uidValidity)
                            {
                                other.Add(file);
                                continue;
                            }

                            file.Uid = uid;
                        }

                        files.Add(file);
                    }
                }
            });
            otherGeneration = other;
            return files;
        }

        private static bool HasControl(string name)
        {
            foreach (char c in name)
            {
                if (char.IsControl(c))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Renames a file (into cur/) for new flag letters, keeping its keyword letters; the file object follows.</summary>
        public static void SetFlags(MaildirFolder maildir, LocalMessageFile file, string flags)
        {
            string letters = MaildirFlags.Merge(file.Letters, MaildirSyncPlanner.Flags(flags));
            string target = Path.Combine(maildir.Cur, MaildirFileName.WithFlags(file.BaseName, letters));
            if (string.Equals(target, file.Path, StringComparison.Ordinal))
            {
                return;
            }

            MaildirFolder.Io($"renaming '{file.Path}' for its new flags", () => File.Move(file.Path, target));
            file.Path = target;
            file.Letters = letters;
        }

        /// <summary>
        /// Gives a file that was appended to the server the name of a synced message (its new UID and the
        /// folder's UIDVALIDITY in the unique part), in cur/ with its flags; the modification time stays.
        /// </summary>
        public static void Adopt(MaildirFolder maildir, LocalMessageFile file, uint uid, uint uidValidity)
        {
            MaildirFolder.Io($"renaming '{file.Path}' for its UID {uid}", () =>
            {
                var info = new FileInfo(file.Path);
                string baseName = MaildirFileName.BaseName(uid, uidValidity, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), info.Length);
                string target = Path.Combine(maildir.Cur, MaildirFileName.WithFlags(baseName, MaildirFlags.Merge(file.Letters, MaildirSyncPlanner.Flags(file.Letters))));
                File.Move(file.Path, target);
                file.Path = target;
                file.BaseName = baseName;
                file.Uid = uid;
            });
        }
    }
}
