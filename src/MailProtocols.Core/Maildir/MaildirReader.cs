using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Messages;

namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// Reads Maildir folders written by any program (Sync-ImapFolder, Dovecot, mbsync, getmail...):
    /// the message files in new/ and cur/. Files in tmp/ are deliveries in progress and are never read.
    /// </summary>
    internal static class MaildirReader
    {
        /// <summary>True when the directory is a Maildir folder, i.e. it has cur/ or new/.</summary>
        public static bool IsMaildir(string directory) =>
            Directory.Exists(System.IO.Path.Combine(directory, "cur")) || Directory.Exists(System.IO.Path.Combine(directory, "new"));

        /// <summary>The folder's message files in name order (Maildir names start with the delivery time).</summary>
        public static IReadOnlyList<MaildirFile> List(string directory)
        {
            var files = new List<MaildirFile>();
            try
            {
                foreach (string sub in new[] { "new", "cur" })
                {
                    string path = System.IO.Path.Combine(directory, sub);
                    if (!Directory.Exists(path))
                    {
                        continue;
                    }

                    foreach (string file in Directory.EnumerateFiles(path))
                    {
                        string name = System.IO.Path.GetFileName(file);
                        if (name.StartsWith(".", StringComparison.Ordinal))
                        {
                            continue;
                        }

                        files.Add(Describe(file, sub == "new"));
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new MailProtocolException(MailErrorKind.ReadError, MailErrorReason.FileReadFailed, $"The Maildir folder '{directory}' could not be read: {ex.Message}", ex);
            }

            // Delivery order: the leading Unix time, then (for our files) the UID, then the name.
            return files.Select(f => new { File = f, Name = System.IO.Path.GetFileName(f.Path) })
                .OrderBy(x => LeadingNumber(x.Name))
                .ThenBy(x => MaildirFileName.TryParseOurs(x.Name, out uint uid, out _) ? uid : 0)
                .ThenBy(x => x.Name, StringComparer.Ordinal)
                .Select(x => x.File)
                .ToList();
        }

        /// <summary>
        /// A file named on its own that lies in the cur/ or new/ of a Maildir folder, with what its name says;
        /// null for any other file.
        /// </summary>
        public static MaildirFile TryDescribe(string file)
        {
            string directory = System.IO.Path.GetDirectoryName(file);
            string sub = System.IO.Path.GetFileName(directory);
            if ((sub != "cur" && sub != "new") || !IsMaildir(System.IO.Path.GetDirectoryName(directory) ?? string.Empty))
            {
                return null;
            }

            return Describe(file, sub == "new");
        }

        private static MaildirFile Describe(string file, bool isNew)
        {
            MaildirFileName.Split(System.IO.Path.GetFileName(file), out _, out string letters);
            bool forwarded = false;
            ImapMessageFlags flags = isNew ? ImapMessageFlags.None : MaildirFlags.FromLetters(letters, out forwarded);
            return new MaildirFile { Path = file, Flags = flags, Forwarded = forwarded, IsNew = isNew };
        }

        private static long LeadingNumber(string name)
        {
            long value = 0;
            foreach (char c in name)
            {
                if (c < '0' || c > '9' || value > long.MaxValue / 10 - 10)
                {
                    break;
                }

                value = value * 10 + (c - '0');
            }

            return value;
        }

        /// <summary>Parses one file, with the flags its name carries.</summary>
        public static MailFileMessage Load(MaildirFile file, CancellationToken cancellationToken)
        {
            MailFileMessage message = MailFileMessage.Load(file.Path, cancellationToken);
            message.Flags = file.Flags;
            message.Keywords = file.Forwarded ? new[] { MaildirFlags.ForwardedKeyword } : new string[0];
            message.InternalDate = new DateTimeOffset(File.GetLastWriteTimeUtc(file.Path));
            return message;
        }
    }
}
