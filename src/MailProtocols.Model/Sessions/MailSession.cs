using System;

namespace MailProtocols
{
    /// <summary>
    /// One logged-in connection. Public members are read-only facts that are safe to print; the
    /// connection itself (MailKit's client, the credential) lives in the engine behind <see cref="Engine"/>.
    /// </summary>
    public abstract class MailSession : IDisposable
    {
        private protected MailSession(ConnectionSettings settings)
        {
            Settings = settings ?? throw new ArgumentNullException(nameof(settings));
            Server = settings.Server;
            Port = settings.Port;
        }

        public int Id { get; internal set; }

        public abstract MailProtocol Protocol { get; }

        public string Server { get; }

        public int Port { get; internal set; }

        /// <summary>The name the session logs in with (for a shared mailbox with a password: user\shared).</summary>
        public string UserName => Settings.UserName;

        /// <summary>Who signed in: the account or app behind the token, or the credential's user.</summary>
        public string SignedInAs { get; internal set; }

        /// <summary>The mailbox the session opened: the shared mailbox, else the signed-in user's.</summary>
        public string Mailbox { get; internal set; }

        public bool IsConnected => Engine != null && Engine.IsConnected;

        /// <summary>True when the connection is encrypted with TLS.</summary>
        public bool IsSecure => IsConnected && Engine.IsSecure;

        public string SslProtocol => IsSecure ? Engine.SslProtocol : null;

        public string[] Capabilities { get; internal set; } = new string[0];

        /// <summary>The SASL mechanisms the server offered before log-in (servers often stop listing them after).</summary>
        public string[] AuthenticationMechanisms { get; internal set; } = new string[0];

        public DateTime ConnectedAt { get; internal set; }

        internal ConnectionSettings Settings { get; }

        /// <summary>The live connection; null for a session built in a test, which then reads as closed.</summary>
        internal ISessionEngine Engine { get; set; }

        internal string Endpoint => $"{Protocol.ToString().ToUpperInvariant()} server {Server}:{Port}";

        public override string ToString() => $"{Protocol} session {Id} to {Server}:{Port}";

        public void Dispose() => Engine?.Dispose();
    }
}
