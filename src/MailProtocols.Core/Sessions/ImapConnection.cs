using System;
using System.Collections.Generic;
using System.Linq;
using MailKit;
using MailKit.Net.Imap;

namespace MailProtocols
{
    /// <summary>The IMAP connection behind an <see cref="ImapSession"/>.</summary>
    internal sealed class ImapConnection : MailConnection
    {
        private ImapConnection(ImapSession session)
            : base(session)
        {
            Client = new ImapClient(CreateLogger());
        }

        /// <summary>A new session object for <paramref name="settings"/>, with its (not yet opened) connection.</summary>
        internal static ImapSession NewSession(ConnectionSettings settings)
        {
            var session = new ImapSession(settings);
            _ = new ImapConnection(session);
            return session;
        }

        internal ImapClient Client { get; }

        internal IMailFolder OpenFolder { get; set; }

        public override string SelectedFolder => OpenFolder != null && OpenFolder.IsOpen ? OpenFolder.FullName : null;

        internal override MailService Service => Client;

        private protected override int ImplicitTlsPort => 993;

        private protected override int PlainPort => 143;

        private protected override void OnReconnected() => OpenFolder = null;

        private protected override string[] ReadCapabilities()
        {
            var names = new List<string>();
            foreach (ImapCapabilities flag in Enum.GetValues(typeof(ImapCapabilities)))
            {
                if (flag != ImapCapabilities.None && Client.Capabilities.HasFlag(flag))
                {
                    names.Add(flag.ToString());
                }
            }

            names.AddRange(Client.AuthenticationMechanisms.Select(m => "AUTH=" + m));
            return names.Distinct().ToArray();
        }
    }
}
