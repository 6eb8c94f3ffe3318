using System;
using System.IO;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Operations;

namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// Changes the flags of a message file in a Maildir folder the Maildir way: by renaming it (into cur/,
    /// with ":2,&lt;letters&gt;"), keeping its unique name and other programs' keyword letters. That is what a
    /// mail reader does offline, and what the next two-way Sync-ImapFolder pushes to the server.
    /// </summary>
    internal static class MaildirFlagChange
    {
        /// <summary>
        /// Sets, adds or removes flags of one file; asks the channel first and writes the message as it is
        /// afterwards when <paramref name="passThru"/>. <paramref name="replace"/> non-null sets the flags outright.
        /// </summary>
        public static void Apply(string path, ImapMessageFlags add, ImapMessageFlags remove, ImapMessageFlags? replace, bool? forwarded,
            bool passThru, IOperationChannel channel)
        {
            MaildirFile file = MaildirReader.TryDescribe(path);
            if (!File.Exists(path))
            {
                throw new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.FileNotFound,
                    $"'{path}' does not exist (any more). A mail reader or a sync may have renamed it for its flags: read the folder again with Import-MailMessage.");
            }

            if (file == null)
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.NotInMaildir,
                    $"'{path}' is not in the cur/ or new/ directory of a Maildir folder, so its name cannot carry flags. Give a message read with Import-MailMessage from a Maildir folder.");
            }

            ImapMessageFlags flags = replace ?? ((file.Flags | add) & ~remove);
            bool passed = forwarded ?? file.Forwarded;
            string letters = MaildirFlags.ToLetters(flags, passed ? new[] { MaildirFlags.ForwardedKeyword } : null);
            string name = Path.GetFileName(path);
            MaildirFileName.Split(name, out string baseName, out string oldLetters);
            string merged = MaildirFlags.Merge(file.IsNew ? string.Empty : oldLetters, letters);
            string maildir = Path.GetDirectoryName(Path.GetDirectoryName(path));
            string target = Path.Combine(maildir, "cur", MaildirFileName.WithFlags(baseName, merged));
            if (!string.Equals(target, path, StringComparison.Ordinal))
            {
                if (!channel.ShouldChange(path, $"Set the Maildir flags to '{merged}' (rename to '{Path.GetFileName(target)}')"))
                {
                    return;
                }

                if (File.Exists(target))
                {
                    throw new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.FileExists,
                        $"'{target}' exists already, so '{path}' cannot take its name. Remove one of the two copies.");
                }

                MaildirFolder.Io($"renaming '{path}'", () => File.Move(path, target));
                channel.Verbose($"Renamed '{path}' to '{Path.GetFileName(target)}'.");
            }

            if (passThru)
            {
                channel.Output(MaildirReader.Load(MaildirReader.TryDescribe(target), channel.Cancellation));
            }
        }
    }
}
