using System.Collections.Generic;
using System.Linq;
using System;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Messages;
using MailProtocols.Core.Operations;

namespace MailProtocols.Core.Smtp
{
    /// <summary>-SaveTo: files a sent message in the account's Sent folder (or the one named) over IMAP, marked \Seen.</summary>
    internal static class SmtpSentCopy
    {
        public static void File(SmtpSendResult result, MailMessageBase message, SmtpSendOptions options, IOperationChannel channel)
        {
            ImapSession imap = options.SaveSession;
            try
            {
                string folder = options.SaveFolder ?? (options.SaveFolder = FindSent(imap, channel));
                ImapAppendItem item = ImapAppendItem.FromMessage(message);
                item.Flags = ImapMessageFlags.Seen;
                item.InternalDate = result.SentAt;
                item.Source = message;
                IList<ImapMessage> added = ImapMessageChanges.Append(imap, folder, new List<ImapAppendItem> { item }, channel.Cancellation);
                result.SavedTo = folder;
                result.SavedUid = added.FirstOrDefault()?.Uid ?? 0;
            }
            catch (MailProtocolException ex)
            {
                channel.Error(new MailProtocolException(ex.Kind, MailErrorReason.SaveFailed,
                    $"{SmtpSender.Describe(message.Mime)} was sent, but filing a copy on {imap.Endpoint} failed: {ex.Message} Do not send it again; file it with Add-ImapMessage.", ex), message);
            }
        }

        private static string FindSent(ImapSession imap, IOperationChannel channel)
        {
            IReadOnlyList<ImapFolderInfo> folders = ImapFolderOperations.List(imap, null, false, channel.Cancellation);
            ImapFolderInfo sent = ImapSpecialFolders.Pick(folders, ImapSpecialUse.Sent).FirstOrDefault()
                ?? throw new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.SentFolderNotFound,
                    $"No folder on {imap.Endpoint} is marked or named as the Sent folder. Name one: -SaveTo (Get-ImapFolder 'Sent Mail'), or create one with New-ImapFolder -SpecialUse Sent.");
            channel.Verbose($"Sent messages are filed in '{sent.FullName}' on {imap.Endpoint}.");
            return sent.FullName;
        }
    }
}
