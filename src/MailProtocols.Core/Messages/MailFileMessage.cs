using System;
using System.IO;
using System.Security;
using System.Threading;
using MimeKit;

namespace MailProtocols
{
    /// <summary>A message read from a saved .eml file: the same shape as a fully downloaded message, plus where it lives.</summary>
    public sealed class MailFileMessage : MailMessageBase
    {
        private MailFileMessage(string path, long size)
        {
            Path = path;
            Size = size;
        }

        /// <summary>The full path of the file.</summary>
        public string Path { get; }

        /// <summary>The file's length in bytes.</summary>
        public long Size { get; }

        /// <summary>
        /// For a file in a Maildir folder (read as a folder, or named in its cur/ or new/), the flags its name
        /// carries; null for other files. The table shows them as letters, as for IMAP messages.
        /// </summary>
        public ImapMessageFlags? Flags { get; internal set; }

        /// <summary>For a file in a Maildir folder, when it was delivered (the file's modification time); null for other files.</summary>
        public DateTimeOffset? InternalDate { get; internal set; }

        /// <summary>For a file read from a Maildir folder, "$Forwarded" when its name carries P (passed).</summary>
        public string[] Keywords { get; internal set; } = new string[0];

        public override string ToString() => Path;

        /// <summary>Reads and parses one file. A file that is not a mail message is an InvalidData error.</summary>
        internal static MailFileMessage Load(string path, CancellationToken cancellationToken)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920))
                {
                    MimeMessage mime = MimeMessage.Load(stream, cancellationToken);
                    if (mime.Headers.Count == 0)
                    {
                        throw new FormatException("it has no header lines");
                    }

                    var message = new MailFileMessage(path, stream.Length);
                    message.ApplyMessage(mime);
                    return message;
                }
            }
            catch (FormatException ex)
            {
                throw new MailProtocolException(MailErrorKind.InvalidData, "MalformedMessage",
                    $"'{path}' is not a mail message that can be read: {ex.Message}. Check that it is an .eml file (RFC 5322: header lines, a blank line, then the body).", ex);
            }
            catch (FileNotFoundException ex)
            {
                throw new MailProtocolException(MailErrorKind.NotFound, "FileNotFound", $"'{path}' does not exist.", ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is SecurityException)
            {
                throw new MailProtocolException(MailErrorKind.ReadError, "FileReadFailed",
                    $"'{path}' could not be read: {ex.Message}", ex);
            }
        }
    }
}
