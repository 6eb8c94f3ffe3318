using System.Collections.Generic;
using System.Linq;
using System;
using MailProtocols.Core.Errors;
using MimeKit;

namespace MailProtocols.Core.Smtp
{
    /// <summary>
    /// Refuses what would let text change the message's structure: a CR or LF in a subject, header or address
    /// (header injection: "Subject: hi\r\nBcc: everyone@…"), header names that are not names, headers the
    /// parameters own, and addresses that are not addresses.
    /// </summary>
    internal static class MailDraftChecks
    {
        /// <summary>Headers set through parameters; -Header may not set them.</summary>
        private static readonly HashSet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version",
            "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "In-Reply-To", "References",
        };

        public static void NoLineBreaks(string what, string value)
        {
            if (value != null && value.IndexOfAny(new[] { '\r', '\n', '\0' }) >= 0)
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.HeaderInjection,
                    $"The {what} contains a line break (CR or LF), which would start a new header line; it was refused. Remove the line break.");
            }
        }

        public static void HeaderField(string name, string value)
        {
            if (string.IsNullOrEmpty(name) || name.Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                NoLineBreaks($"header name '{name?.Replace("\r", "\\r").Replace("\n", "\\n")}'", name);
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidHeaderName,
                    $"'{name}' is not a header name: use printable ASCII letters, digits and '-' without spaces or ':' (for example X-Ticket-Id).");
            }

            if (Reserved.Contains(name))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.HeaderReserved,
                    $"The header '{name}' is set by New-MailMessage's own parameters (-From, -To, -Subject, -InReplyTo, …); use those instead of -Header.");
            }

            NoLineBreaks($"value of the header '{name}'", value);
        }

        /// <summary>Parses one parameter's addresses ("a@x.org", "Ann Smith &lt;ann@x.org&gt;"); each element may hold one address.</summary>
        public static IEnumerable<MailboxAddress> Addresses(string parameter, IEnumerable<string> values)
        {
            foreach (string value in values ?? Enumerable.Empty<string>())
            {
                yield return Address(parameter, value);
            }
        }

        public static MailboxAddress Address(string parameter, string value)
        {
            NoLineBreaks($"address '{value?.Replace("\r", "\\r").Replace("\n", "\\n")}' of -{parameter}", value);
            var options = ParserOptions.Default.Clone();
            options.AllowAddressesWithoutDomain = false;
            if (string.IsNullOrWhiteSpace(value) || !MailboxAddress.TryParse(options, value, out MailboxAddress mailbox) ||
                string.IsNullOrEmpty(mailbox.LocalPart) || string.IsNullOrEmpty(mailbox.Domain) || !mailbox.Domain.Contains('.') && mailbox.Domain != "localhost")
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidAddress,
                    $"'{value}' given to -{parameter} is not a mail address. Write one address per element: user@example.com or 'Name <user@example.com>'.");
            }

            return mailbox;
        }
    }
}
