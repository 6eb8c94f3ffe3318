using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Messages;
using MimeKit;

namespace MailProtocols.Core.Imap
{
    /// <summary>One message to APPEND, with the flags, keywords and date it should get.</summary>
    internal sealed class ImapAppendItem
    {
        public MimeMessage Message { get; set; }

        /// <summary>An item for the message in a file; a file that is not a message is an InvalidMessageFile error.</summary>
        public static ImapAppendItem FromFile(string path, CancellationToken cancellationToken)
        {
            try
            {
                return new ImapAppendItem { Message = MimeMessage.Load(path, cancellationToken), Source = path };
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is FormatException)
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidMessageFile,
                    $"'{path}' could not be read as a message: {ex.Message}", ex);
            }
        }

        /// <summary>An item for a message object whose content was downloaded or read; null when it has none.</summary>
        public static ImapAppendItem FromMessage(MailMessageBase message) =>
            message?.Mime == null ? null : new ImapAppendItem { Message = message.Mime };

        public ImapMessageFlags Flags { get; set; }

        public IList<string> Keywords { get; set; } = new List<string>();

        public DateTimeOffset? InternalDate { get; set; }

        /// <summary>What the item is, for errors: the file path or the message it came from.</summary>
        public object Source { get; set; }
    }
}
