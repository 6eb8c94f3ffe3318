using System.Collections.Generic;
using System;
using MailKit;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Diagnostics
{
    /// <summary>
    /// What a connection test needs to know about one protocol: its client, ports, and how to read
    /// commands, replies and capabilities back out of a recorded conversation.
    /// </summary>
    internal abstract class MailDialect
    {
        public static MailDialect For(MailProtocol protocol)
        {
            switch (protocol)
            {
                case MailProtocol.Imap:
                    return new ImapDialect();
                case MailProtocol.Pop3:
                    return new Pop3Dialect();
                default:
                    throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.ProtocolNotSupported,
                        $"Test-MailConnection tests IMAP and POP3 servers, not {protocol}. For an SMTP server, run Connect-Smtp -Verbose: it reports TLS and the capabilities, and names what failed (certificate, STARTTLS, log-in) when it fails.");
            }
        }

        public abstract MailProtocol Protocol { get; }

        public abstract int ImplicitTlsPort { get; }

        public abstract int PlainPort { get; }

        /// <summary>The command that upgrades a plain connection to TLS.</summary>
        public abstract string StartTlsCommand { get; }

        public abstract string CapabilityCommand { get; }

        public string Name => Protocol.ToString().ToUpperInvariant();

        public abstract MailService CreateClient(IProtocolLogger logger);

        /// <summary>Whether the capabilities MailKit read list STARTTLS (STLS).</summary>
        public abstract bool OffersStartTls(MailService client);

        /// <summary>The index of the last client line that sent <paramref name="command"/>, or -1.</summary>
        public int FindLastCommand(IReadOnlyList<ConversationLine> lines, string command)
        {
            for (int i = lines.Count - 1; i >= 0; i--)
            {
                if (!lines[i].FromServer && string.Equals(CommandOf(lines[i].Text), command, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>The index of the server line that ends the reply to the command at <paramref name="commandIndex"/>, or -1 if it never came.</summary>
        public abstract int FindReplyEnd(IReadOnlyList<ConversationLine> lines, int commandIndex);

        /// <summary>Whether the reply ending at <paramref name="replyEnd"/> said yes.</summary>
        public abstract bool IsPositive(IReadOnlyList<ConversationLine> lines, int commandIndex, int replyEnd);

        /// <summary>The capabilities as the server last listed them, or null if it never did.</summary>
        public abstract string[] ReadCapabilities(IReadOnlyList<ConversationLine> lines);

        protected abstract string CommandOf(string clientLine);

        protected static string Word(string line, int index)
        {
            string[] words = line.Split(new[] { ' ' }, index + 2, StringSplitOptions.RemoveEmptyEntries);
            return words.Length > index ? words[index] : string.Empty;
        }

        protected static int NextServerLine(IReadOnlyList<ConversationLine> lines, int after)
        {
            for (int i = after + 1; i < lines.Count; i++)
            {
                if (lines[i].FromServer)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
