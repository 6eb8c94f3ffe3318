using System;
using System.Collections.Generic;
using System.Linq;
using MailKit;
using MailKit.Net.Imap;

namespace MailProtocols
{
    /// <summary>An IMAP session: the object that flows through the IMAP cmdlets.</summary>
    public sealed class ImapSession : MailSession
    {
        internal ImapSession(ConnectionSettings settings)
            : base(settings)
        {
            Client = new ImapClient(CreateLogger());
        }

        public override MailProtocol Protocol => MailProtocol.Imap;

        public ImapSessionState State
        {
            get
            {
                if (!Client.IsConnected)
                {
                    return ImapSessionState.Logout;
                }

                if (!Client.IsAuthenticated)
                {
                    return ImapSessionState.NotAuthenticated;
                }

                return SelectedFolder != null ? ImapSessionState.Selected : ImapSessionState.Authenticated;
            }
        }

        /// <summary>The full name of the folder that is open, or null.</summary>
        public string SelectedFolder => Client.IsConnected && OpenFolder != null && OpenFolder.IsOpen ? OpenFolder.FullName : null;

        internal ImapClient Client { get; }

        internal IMailFolder OpenFolder { get; set; }

        /// <summary>Folder names seen on this session, for tab completion without a network call.</summary>
        internal ImapFolderCache FolderCache { get; } = new ImapFolderCache();

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
