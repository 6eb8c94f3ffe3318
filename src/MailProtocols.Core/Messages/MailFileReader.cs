using System;
using System.IO;
using System.Security;
using System.Threading;
using MailProtocols.Core.Errors;
using MimeKit;

namespace MailProtocols.Core.Messages
{
    /// <summary>Reads saved .eml files into <see cref="MailFileMessage"/> objects.</summary>
    internal static class MailFileReader
    {
        extension(MailFileMessage)
        {
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

                        var message = new MailFileMessage { Path = path, Size = stream.Length };
                        message.ApplyMessage(mime);
                        return message;
                    }
                }
                catch (FormatException ex)
                {
                    throw new MailProtocolException(MailErrorKind.InvalidData, MailErrorReason.MalformedMessage,
                        $"'{path}' is not a mail message that can be read: {ex.Message.TrimEnd('.')}. Check that it is an .eml file (RFC 5322: header lines, a blank line, then the body).", ex);
                }
                catch (FileNotFoundException ex)
                {
                    throw new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.FileNotFound, $"'{path}' does not exist.", ex);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is SecurityException)
                {
                    throw new MailProtocolException(MailErrorKind.ReadError, MailErrorReason.FileReadFailed,
                        $"'{path}' could not be read: {ex.Message}", ex);
                }
            }
        }
    }
}
