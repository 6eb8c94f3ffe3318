using System.IO;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Files;
using MailProtocols.Core.Messages;
using MimeKit;

namespace MailProtocols.Core.Smtp
{
    /// <summary>New-MailMessage -OutFile: the message as an .eml file, written under a temporary name and then renamed.</summary>
    internal static class MailDraftFile
    {
        public static void Save(MailDraft draft, string path, bool overwrite)
        {
            try
            {
                using (var file = new AtomicFile(path))
                {
                    FormatOptions options = FormatOptions.Default.Clone();
                    options.NewLineFormat = NewLineFormat.Dos;
                    draft.Mime.WriteTo(options, file.Stream);
                    file.Commit(overwrite);
                }
            }
            catch (IOException ex)
            {
                throw new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.FileWriteFailed,
                    $"The message could not be written to '{path}': {ex.Message} Use -Force to replace an existing file.", ex);
            }
        }
    }
}
