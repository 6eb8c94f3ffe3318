using System;
using System.Management.Automation;
using System.Security;

namespace MailProtocols.Commands
{
    /// <summary>The parameters and flow shared by Connect-Imap and Connect-Pop3.</summary>
    public abstract class ConnectCmdlet<TSession> : MailCmdlet
        where TSession : MailSession
    {
        internal const string CredentialSet = "Credential";
        internal const string OAuthSet = "OAuth";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("ComputerName", "HostName")]
        public string Server { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter]
        public MailSecurity Security { get; set; } = MailSecurity.Auto;

        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = OAuthSet)]
        [ValidateNotNullOrEmpty]
        public string UserName { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = OAuthSet)]
        [ValidateNotNull]
        public SecureString AccessToken { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        /// <summary>Accept exactly the certificate with this SHA-256 or SHA-1 thumbprint (hex), trusted or not.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CertificateThumbprint { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 60;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ProtocolLogPath { get; set; }

        [Parameter]
        public SwitchParameter NotDefault { get; set; }

        [Parameter]
        [ValidateNotNull]
        public Uri Proxy { get; set; }

        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential ProxyCredential { get; set; }

        internal abstract TSession CreateSession(ConnectionSettings settings);

        /// <summary>Runs once the session is open and registered, before it is written out.</summary>
        private protected virtual void OnOpened(TSession session)
        {
        }

        protected override void ProcessRecord()
        {
            var settings = new ConnectionSettings
            {
                Server = Server,
                Port = Port,
                Security = Security,
                UserName = ParameterSetName == OAuthSet ? UserName : Credential.UserName,
                Password = ParameterSetName == OAuthSet ? null : Credential.Password,
                AccessToken = ParameterSetName == OAuthSet ? AccessToken : null,
                SkipCertificateCheck = SkipCertificateCheck,
                CertificateThumbprint = ReadCertificateThumbprint(CertificateThumbprint),
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                ProtocolLogPath = ProtocolLogPath == null ? null : GetUnresolvedProviderPathFromPSPath(ProtocolLogPath),
                Proxy = Proxy,
                ProxyUserName = ProxyCredential?.UserName,
                ProxyPassword = ProxyCredential?.Password,
            };

            if (Security == MailSecurity.None)
            {
                WriteWarning($"-Security None: the password and every message to {Server} travel unencrypted. Use it only on a network you trust.");
            }

            if (SkipCertificateCheck)
            {
                WriteWarning($"-SkipCertificateCheck: the identity of {Server} is not verified, so anyone in the middle can read the password. Use it only for a test server.");
            }

            TSession session = CreateSession(settings);
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
