using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailProtocols.Core.Imap;

namespace MailProtocols.Core.Sessions
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

        /// <summary>
        /// COMPRESS=DEFLATE (RFC 4978) when -Compress asked for it and the server offers it: after the log-in, so the
        /// credentials are not in the compressed stream, and before any SELECT. Without the capability the session
        /// stays uncompressed (Compressed is false; Connect-Imap warns).
        /// </summary>
        private protected override void AfterLogin(CancellationToken token)
        {
            var session = (ImapSession)Session;
            session.Compressed = false;
            if (session.Settings.Compress && (Client.Capabilities & ImapCapabilities.Compress) != 0)
            {
                Client.Compress(token);
                session.Compressed = true;
            }
        }

        private protected override string[] ReadCapabilities()
        {
            ((ImapSession)Session).Features = ImapFeatureMap.From(Client.Capabilities);
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
