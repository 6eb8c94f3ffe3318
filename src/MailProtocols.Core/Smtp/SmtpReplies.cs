using System.Text.RegularExpressions;

namespace MailProtocols.Core.Smtp
{
    /// <summary>Reads facts out of SMTP reply texts.</summary>
    internal static class SmtpReplies
    {
        private static readonly Regex QueuedAs = new Regex(@"queued as\s+<?([^\s<>;]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>
        /// The id the server queued the message under: Postfix "2.0.0 Ok: queued as 4Xy…", Exim and Sendmail
        /// "OK id=1abc…" / "… Message accepted for delivery", Exchange "2.6.0 &lt;msgid&gt; [InternalId=…] Queued mail for delivery".
        /// Null when the reply does not name one.
        /// </summary>
        public static string QueueId(string response)
        {
            if (string.IsNullOrEmpty(response))
            {
                return null;
            }

            Match match = QueuedAs.Match(response);
            if (match.Success)
            {
                return match.Groups[1].Value;
            }

            Match internalId = Regex.Match(response, @"InternalId=(\d+)", RegexOptions.CultureInvariant);
            if (internalId.Success)
            {
                return internalId.Groups[1].Value;
            }

            Match id = Regex.Match(response, @"\bid=([A-Za-z0-9-]+)", RegexOptions.CultureInvariant);
            return id.Success ? id.Groups[1].Value : null;
        }
    }
}
