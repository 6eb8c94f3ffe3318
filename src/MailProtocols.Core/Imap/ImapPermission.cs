using System;
using MailKit.Net.Imap;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Imap
{
    /// <summary>Recognises a server's "you lack the rights" answer (RFC 5530 NOPERM), so users see a permission error, not "not found".</summary>
    internal static class ImapPermission
    {
        // MailKit keeps the [NOPERM] response code to itself, so the text decides: Dovecot says "Permission denied"
        // and "You lack administrator privileges", Cyrus "Permission denied".
        private static readonly string[] Phrases = { "NOPERM", "Permission denied", "lack administrator privileges", "insufficient privileges" };

        public static bool IsDenied(ImapCommandException ex) =>
            ex.Response == ImapCommandResponse.No && ex.ResponseText != null &&
            Array.Exists(Phrases, phrase => ex.ResponseText.IndexOf(phrase, StringComparison.OrdinalIgnoreCase) >= 0);

        public static MailProtocolException Denied(MailSession session, string action, Exception inner) =>
            new MailProtocolException(MailErrorKind.PermissionDenied, MailErrorReason.PermissionDenied,
                $"{session.Endpoint} refused {action}: {(inner as ImapCommandException)?.ResponseText} The user {session.UserName} lacks the rights for it; " +
                "see them with Get-ImapFolderAccess, and ask the folder's owner to grant them (Grant-ImapFolderAccess).", inner);
    }
}
