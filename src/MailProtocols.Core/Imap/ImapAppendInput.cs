using System.IO;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Imap
{
    /// <summary>One thing Add-ImapMessage was given: a message file, or a message object (downloaded, read, or an IMAP summary).</summary>
    internal sealed class ImapAppendInput
    {
        private ImapAppendInput(string filePath, MailMessageBase message, long length)
        {
            FilePath = filePath;
            Message = message;
            Length = length;
        }

        public string FilePath { get; }

        /// <summary>The message object; an IMAP summary is replaced by its downloaded whole before the APPEND.</summary>
        public MailMessageBase Message { get; set; }

        /// <summary>What errors about it name: the path or the piped object.</summary>
        public object Source => FilePath ?? (object)Message;

        /// <summary>The size it will have on the wire, so batches of big messages stay bounded, files and piped messages alike.</summary>
        public long Length { get; }

        /// <summary>A message file; FileNotFound if there is none.</summary>
        public static ImapAppendInput FromFile(string path)
        {
            if (!File.Exists(path))
            {
                throw new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.FileNotFound, $"The file '{path}' does not exist.");
            }

            return new ImapAppendInput(path, null, new FileInfo(path).Length);
        }

        public static ImapAppendInput FromMessage(MailMessageBase message) => new ImapAppendInput(null, message, SizeOf(message));

        public string Describe() => FilePath != null
            ? $"the message in '{FilePath}'"
            : Message is ImapMessage imap ? $"{imap} ('{imap.Subject}')" : $"the message '{Message?.Subject}'";

        private static long SizeOf(MailMessageBase message)
        {
            switch (message)
            {
                case ImapMessage imap: return imap.Size ?? 0;
                case Pop3Message pop3: return pop3.Size;
                case MailFileMessage file: return file.Size;
                default: return 0;
            }
        }
    }
}
