using System;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    /// <summary>Reads the quota of a folder with GETQUOTAROOT (Get-ImapQuota).</summary>
    internal static class ImapQuotaReader
    {
        public const string NotSupportedReason = MailErrorReason.NotSupported;

        public static ImapQuota Read(ImapSession session, string folderName, CancellationToken cancellationToken) =>
            session.Run($"GETQUOTAROOT {folderName}", cancellationToken, token =>
            {
                ImapClient client = session.Client;
                if (!session.Features.Quota)
                {
                    // Checked first so the server is not sent a command it does not know.
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, NotSupportedReason,
                        $"{session.Endpoint} does not offer the IMAP QUOTA extension, so it reports no quota. " +
                        "Ask the mail administrator for the mailbox's limits (on Dovecot: doveadm quota get -u <user>).");
                }

                IMailFolder folder = string.Equals(folderName, "INBOX", StringComparison.OrdinalIgnoreCase)
                    ? client.Inbox
                    : client.GetFolder(folderName, token);
                FolderQuota quota = folder.GetQuota(token);
                return new ImapQuota(session.Server, session.UserName, folder.FullName, quota.QuotaRoot?.FullName,
                    quota.CurrentStorageSize, quota.StorageLimit, quota.CurrentMessageCount, quota.MessageLimit);
            }, idempotent: true);
    }
}
