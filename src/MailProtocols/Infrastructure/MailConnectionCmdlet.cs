using System;
using System.Management.Automation;
using System.Security;

namespace MailProtocols.Commands
{
    /// <summary>
    /// The connection and sign-in parameters that Connect-Imap, Connect-Pop3 and Test-MailConnection share,
    /// declared once here, and the <see cref="ConnectionSettings"/> they make. A new way to reach or sign in to
    /// a server is added here and reaches all of them (and any later Connect-* built on this).
    /// </summary>
    public abstract class MailConnectionCmdlet : MailCmdlet
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

        [Parameter(ValueFromPipelineByPropertyName = true)]
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
        [ValidateNotNull]
        public Uri Proxy { get; set; }

        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential ProxyCredential { get; set; }

        /// <summary>True when a password was given (Credential set, and not an empty credential).</summary>
        private protected bool WithPassword => Credential != null && Credential != PSCredential.Empty;

        /// <summary>The settings these parameters describe; the caller adds what only it has (timeout, protocol log).</summary>
        private protected ConnectionSettings CreateSettings(TimeSpan timeout)
        {
            bool oauth = AccessToken != null;
            return new ConnectionSettings
            {
                Server = Server,
                Port = Port,
                Security = Security,
                UserName = oauth ? UserName : WithPassword ? Credential.UserName : null,
                Password = WithPassword && !oauth ? Credential.Password : null,
                AccessToken = oauth ? AccessToken : null,
                SkipCertificateCheck = SkipCertificateCheck,
                CertificateThumbprint = ReadCertificateThumbprint(CertificateThumbprint),
                Timeout = timeout,
                Proxy = Proxy,
                ProxyUserName = ProxyCredential?.UserName,
                ProxyPassword = ProxyCredential?.Password,
            };
        }
    }
}
