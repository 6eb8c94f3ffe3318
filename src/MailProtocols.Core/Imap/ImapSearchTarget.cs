using System.Threading;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Search-ImapFolder's first positional argument is the folder, but users type a query there too
    /// ("from:priya subject:VPN"). Text that looks like the short query syntax is a query unless a folder of
    /// that name exists: what exists wins.
    /// </summary>
    internal static class ImapSearchTarget
    {
        public static bool IsQueryNotFolder(ImapSession session, string text, CancellationToken cancellationToken)
        {
            if (!ImapQueryParser.LooksLikeQuery(text))
            {
                return false;
            }

            try
            {
                ImapFolderOperations.Get(session, text, cancellationToken);
                return false;
            }
            catch (MailProtocolException ex) when (ex.Reason == MailErrorReason.FolderNotFound || ex.Kind == MailErrorKind.InvalidArgument)
            {
                return true;
            }
        }
    }
}
