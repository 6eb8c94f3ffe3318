using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Pop3;

namespace MailProtocols
{
    /// <summary>A POP3 session: the object that flows through the POP3 cmdlets.</summary>
    public sealed class Pop3Session : MailSession
    {
        private bool _quitSent;
        private Pop3Maildrop _maildrop;

        internal Pop3Session(ConnectionSettings settings)
            : base(settings)
        {
            Client = new Pop3Client(CreateLogger());
        }

        public override MailProtocol Protocol => MailProtocol.Pop3;

        public Pop3SessionState State
        {
            get
            {
                if (_quitSent)
                {
                    return Pop3SessionState.Update;
                }

                if (!Client.IsConnected)
                {
                    return Pop3SessionState.Disconnected;
                }

                return Client.IsAuthenticated ? Pop3SessionState.Transaction : Pop3SessionState.Authorization;
            }
        }

        internal Pop3Client Client { get; }

        /// <summary>The session's listing of the maildrop and its deletion marks (see Pop3Maildrop).</summary>
        internal Pop3Maildrop Maildrop => _maildrop ?? (_maildrop = new Pop3Maildrop(this));

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
                _quitSent = true;
            });
        }

        private protected override string[] ReadCapabilities()
        {
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
