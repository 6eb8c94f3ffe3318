using System;
using System.Collections.Generic;
using System.Linq;
using MailKit;
using MailKit.Net.Pop3;

namespace MailProtocols.Core.Diagnostics
{
    internal sealed class Pop3Dialect : MailDialect
    {
        public override MailProtocol Protocol => MailProtocol.Pop3;

        public override int ImplicitTlsPort => 995;

        public override int PlainPort => 110;

        public override string StartTlsCommand => "STLS";

        public override string CapabilityCommand => "CAPA";

        public override MailService CreateClient(IProtocolLogger logger) => new Pop3Client(logger);

        public override bool OffersStartTls(MailService client) => ((Pop3Client)client).Capabilities.HasFlag(Pop3Capabilities.StartTLS);

        public override int FindReplyEnd(IReadOnlyList<ConversationLine> lines, int commandIndex)
        {
            int status = NextServerLine(lines, commandIndex);
            bool multiLine = string.Equals(CommandOf(lines[commandIndex].Text), CapabilityCommand, StringComparison.OrdinalIgnoreCase);
            if (status < 0 || !multiLine || !lines[status].Text.StartsWith("+OK", StringComparison.OrdinalIgnoreCase))
            {
                return status;
            }

            // A multi-line reply ends with a line holding a single dot.
            for (int i = status + 1; i < lines.Count; i++)
            {
                if (lines[i].FromServer && lines[i].Text == ".")
                {
                    return i;
                }
            }

            return -1;
        }

        public override bool IsPositive(IReadOnlyList<ConversationLine> lines, int commandIndex, int replyEnd)
        {
            int status = NextServerLine(lines, commandIndex);
            return status >= 0 && lines[status].Text.StartsWith("+OK", StringComparison.OrdinalIgnoreCase);
        }

        public override string[] ReadCapabilities(IReadOnlyList<ConversationLine> lines)
        {
            int capa = FindLastCommand(lines, CapabilityCommand);
            int end = capa < 0 ? -1 : FindReplyEnd(lines, capa);
            if (end < 0 || !IsPositive(lines, capa, end))
            {
                return null;
            }

            int status = NextServerLine(lines, capa);
            return lines.Skip(status + 1).Take(end - status - 1).Where(l => l.FromServer).Select(l => l.Text).ToArray();
        }

        protected override string CommandOf(string clientLine) => Word(clientLine, 0);
    }
}
