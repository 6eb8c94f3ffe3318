using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;

namespace MailProtocols.Core.Diagnostics
{
    internal sealed class ImapDialect : MailDialect
    {
        // "* CAPABILITY ..." or the [CAPABILITY ...] response code of a greeting or tagged OK.
        private static readonly Regex CapabilityLine = new Regex(@"^\* CAPABILITY (?<list>.*)$|\[CAPABILITY (?<list>[^\]]*)\]", RegexOptions.IgnoreCase);

        public override MailProtocol Protocol => MailProtocol.Imap;

        public override int ImplicitTlsPort => 993;

        public override int PlainPort => 143;

        public override string StartTlsCommand => "STARTTLS";

        public override string CapabilityCommand => "CAPABILITY";

        public override MailService CreateClient(IProtocolLogger logger) => new ImapClient(logger);

        public override bool OffersStartTls(MailService client) => ((ImapClient)client).Capabilities.HasFlag(ImapCapabilities.StartTLS);

        public override int FindReplyEnd(IReadOnlyList<ConversationLine> lines, int commandIndex)
        {
            string tag = Word(lines[commandIndex].Text, 0);
            for (int i = commandIndex + 1; i < lines.Count; i++)
            {
                if (lines[i].FromServer && Word(lines[i].Text, 0) == tag)
                {
                    return i;
                }
            }

            return -1;
        }

        public override bool IsPositive(IReadOnlyList<ConversationLine> lines, int commandIndex, int replyEnd) =>
            string.Equals(Word(lines[replyEnd].Text, 1), "OK", StringComparison.OrdinalIgnoreCase);

        public override string[] ReadCapabilities(IReadOnlyList<ConversationLine> lines)
        {
            for (int i = lines.Count - 1; i >= 0; i--)
            {
                Match match = lines[i].FromServer ? CapabilityLine.Match(lines[i].Text) : Match.Empty;
                if (match.Success)
                {
                    return match.Groups["list"].Value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                }
            }

            return null;
        }

        protected override string CommandOf(string clientLine) => Word(clientLine, 1);
    }
}
