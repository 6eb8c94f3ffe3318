using System;
using System.Management.Automation;
using MailProtocols.Core.Sessions;
using MailProtocols.Core.SignIn;

namespace MailProtocols.Commands
{
    /// <summary>The parameters and flow shared by Connect-Imap and Connect-Pop3.</summary>
    public abstract class ConnectCmdlet<TSession> : MailConnectionCmdlet
        where TSession : MailSession
    {
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 60;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ProtocolLogPath { get; set; }

        [Parameter]
        public SwitchParameter NotDefault { get; set; }

        internal abstract TSession CreateSession(ConnectionSettings settings);

        /// <summary>The protocol's permission for a Microsoft 365 sign-in ("IMAP", "POP"): the scope is chosen from it.</summary>
        internal abstract string SignInPermission { get; }

        /// <summary>Runs once the session is open and registered, before it is written out.</summary>
        private protected virtual void OnOpened(TSession session)
        {
        }

        protected override void ProcessRecord()
        {
            ConnectionSettings settings = CreateSettings(TimeSpan.FromSeconds(TimeoutSec));
            settings.ProtocolLogPath = ProtocolLogPath == null ? null : GetUnresolvedProviderPathFromPSPath(ProtocolLogPath);

            if (Security == MailSecurity.None)
            {
                WriteWarning($"-Security None: the password and every message to {Server} travel unencrypted. Use it only on a network you trust.");
            }

            if (SkipCertificateCheck)
            {
                WriteWarning($"-SkipCertificateCheck: the identity of {Server} is not verified, so anyone in the middle can read the password. Use it only for a test server.");
            }

            SignInOutcome signedIn = null;
            if (!TryInvoke(Server, () => signedIn = SignIn(settings, SignInPermission)))
            {
                return;
            }

            TSession session = CreateSession(settings);
            session.SignedInAs = signedIn?.Account ?? SignedInAs;
            session.Mailbox = SharedMailbox ?? signedIn?.Account ?? SignedInAs;
            string through = Proxy == null ? string.Empty : $" through the proxy {ProxyDescription.Of(Proxy)}";
            WriteVerbose($"Connecting to {session.Server}:{session.Port} ({session.Transport}){through} as {settings.UserName}.");
            bool opened = TryInvoke(Server, () => session.Open(CancellationToken));
            if (!opened)
            {
                session.Dispose();
                return;
            }

            SessionRegistry.Current.Add(session, makeDefault: !NotDefault);
            OnOpened(session);
            WriteVerbose($"Session {session.Id}: {(session.IsSecure ? session.SslProtocol : "plaintext")}, capabilities {string.Join(" ", session.Capabilities)}.");
            WriteObject(session);
        }
    }
}
