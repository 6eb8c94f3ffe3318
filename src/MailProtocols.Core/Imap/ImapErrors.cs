using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Imap
{
    /// <summary>IMAP failures the core detects itself (MailKit's own are translated in MailErrors).</summary>
    internal static class ImapErrors
    {
        public static MailProtocolException FolderNotFound(ImapSession session, string path) =>
            new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.FolderNotFound,
                $"The folder '{path}' does not exist on {session.Endpoint}. List the folders with Get-ImapFolder.");

        public static MailProtocolException UidValidityChanged(ImapSession session, string folder, uint expected, uint actual) =>
            new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.UidValidityChanged,
                $"The folder '{folder}' on {session.Endpoint} was recreated or renumbered since these messages were read " +
                $"(UIDVALIDITY {expected}, now {actual}), so their UIDs may now mean other messages. Nothing was changed. Search the folder again and act on the new results.");

        public static MailProtocolException UidPlusRequired(ImapSession session, string what) =>
            new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.UidPlusRequired,
                $"{session.Endpoint} does not offer UIDPLUS, so {what} would need a bare EXPUNGE that also removes other clients' \\Deleted mail. Nothing was changed. Use Remove-ImapMessage without -Permanent to move the messages to Trash instead.");
    }
}
