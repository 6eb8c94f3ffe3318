using System;
using MailKit.Net.Imap;

namespace MailProtocols
{
    /// <summary>Recognises a server's "you lack the rights" answer (RFC 5530 NOPERM), so users see a permission error, not "not found".</summary>
    internal static class ImapPermission
    {
        public static bool IsDenied(ImapCommandException ex) =>
            ex.Response == ImapCommandResponse.No && ex.ResponseText != null &&
            (ex.ResponseText.IndexOf("NOPERM", StringComparison.OrdinalIgnoreCase) >= 0 ||
             ex.ResponseText.IndexOf("Permission denied", StringComparison.OrdinalIgnoreCase) >= 0);

        public static MailProtocolException Denied(MailSession session, string action, Exception inner) =>
            new MailProtocolException(MailErrorKind.PermissionDenied, "PermissionDenied",
                $"{session.Endpoint} refused {action}: {(inner as ImapCommandException)?.ResponseText} The user {session.UserName} lacks the rights for it; " +
                "see them with Get-ImapFolderAccess, and ask the folder's owner to grant them (Grant-ImapFolderAccess).", inner);
    }
}
