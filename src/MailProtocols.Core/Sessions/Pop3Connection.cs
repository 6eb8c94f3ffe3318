using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Pop3;
using MailProtocols.Core.Pop3;

namespace MailProtocols.Core.Sessions
{
    /// <summary>The POP3 connection behind a <see cref="Pop3Session"/>.</summary>
    internal sealed class Pop3Connection : MailConnection
    {
        private Pop3Maildrop _maildrop;

        private Pop3Connection(Pop3Session session)
            : base(session)
        {
            Client = new Pop3Client(CreateLogger());
        }

        /// <summary>A new session object for <paramref name="settings"/>, with its (not yet opened) connection.</summary>
        internal static Pop3Session NewSession(ConnectionSettings settings)
        {
            var session = new Pop3Session(settings);
            _ = new Pop3Connection(session);
            return session;
        }

        internal Pop3Client Client { get; }

        /// <summary>The session's listing of the maildrop and its deletion marks (see Pop3Maildrop).</summary>
        internal Pop3Maildrop Maildrop => _maildrop ?? (_maildrop = new Pop3Maildrop((Pop3Session)Session));

        internal override MailService Service => Client;

        internal override string LostConnectionAdvice =>
            " POP3 applies deletions only at QUIT, so the server deleted nothing in this session.";

        private protected override int ImplicitTlsPort => 995;

        private protected override int PlainPort => 110;

        /// <summary>Sends QUIT (entering the Update state, where the server applies deletions), or RSET then QUIT.</summary>
        internal void Quit(bool rollback, CancellationToken cancellationToken)
        {
            // QUIT on a fresh reconnect would be pointless: the marks of the lost connection are gone.
            MarkClosedByUser();
            Run("QUIT", cancellationToken, token =>
            {
                if (rollback)
                {
                    Client.Reset(token);
                }

                Client.Disconnect(true, token);
                ((Pop3Session)Session).QuitSent = true;
            });
        }

        private protected override string[] ReadCapabilities()
        {
            Pop3Capabilities offered = Client.Capabilities;
            ((Pop3Session)Session).Features = new Pop3Features
            {
                Pipelining = (offered & Pop3Capabilities.Pipelining) != 0,
                Top = (offered & Pop3Capabilities.Top) != 0,
                Uidl = (offered & Pop3Capabilities.UIDL) != 0,
                Utf8 = (offered & Pop3Capabilities.UTF8) != 0,
            };
            var names = new List<string>();
            foreach (Pop3Capabilities flag in Enum.GetValues(typeof(Pop3Capabilities)))
            {
                if (flag != Pop3Capabilities.None && Client.Capabilities.HasFlag(flag))
                {
                    names.Add(flag.ToString());
                }
            }

            names.AddRange(Client.AuthenticationMechanisms.Select(m => "SASL=" + m));
            return names.Distinct().ToArray();
        }
    }
}
