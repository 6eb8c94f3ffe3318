using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using MailProtocols.Core.Errors;
using MailProtocols.Core.SignIn;

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
        internal const string DeviceCodeSet = "DeviceCode";
        internal const string ClientSecretSet = "ClientSecret";
        internal const string ClientCertificateSet = "ClientCertificate";
        internal const string ClientCertificateThumbprintSet = "ClientCertificateThumbprint";

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
        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
        [Parameter(Mandatory = true, ParameterSetName = ClientCertificateSet)]
        [Parameter(Mandatory = true, ParameterSetName = ClientCertificateThumbprintSet)]
        [ValidateNotNullOrEmpty]
        public string UserName { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = OAuthSet)]
        [ValidateNotNull]
        public SecureString AccessToken { get; set; }

        /// <summary>The app registration's Application (client) ID: sign in with Microsoft Entra ID (or -Authority).</summary>
        [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
        [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
        [Parameter(Mandatory = true, ParameterSetName = ClientCertificateSet)]
        [Parameter(Mandatory = true, ParameterSetName = ClientCertificateThumbprintSet)]
        [ValidateNotNullOrEmpty]
        public string ClientId { get; set; }

        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = ClientSecretSet)]
        [Parameter(ParameterSetName = ClientCertificateSet)]
        [Parameter(ParameterSetName = ClientCertificateThumbprintSet)]
        [ValidateNotNullOrEmpty]
        public string TenantId { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
        [ValidateNotNull]
        public SecureString ClientSecret { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ClientCertificateSet)]
        [ValidateNotNull]
        public X509Certificate2 ClientCertificate { get; set; }

        /// <summary>An app certificate with its private key in the user's or the machine's "My" store (named apart from the server pin -CertificateThumbprint).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ClientCertificateThumbprintSet)]
        [ValidateNotNullOrEmpty]
        public string ClientCertificateThumbprint { get; set; }

        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = ClientSecretSet)]
        [Parameter(ParameterSetName = ClientCertificateSet)]
        [Parameter(ParameterSetName = ClientCertificateThumbprintSet)]
        [ValidateNotNullOrEmpty]
        public string[] Scope { get; set; }

        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = ClientSecretSet)]
        [Parameter(ParameterSetName = ClientCertificateSet)]
        [Parameter(ParameterSetName = ClientCertificateThumbprintSet)]
        public MicrosoftCloud Environment { get; set; } = MicrosoftCloud.Global;

        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = ClientSecretSet)]
        [Parameter(ParameterSetName = ClientCertificateSet)]
        [Parameter(ParameterSetName = ClientCertificateThumbprintSet)]
        [ValidateNotNull]
        public Uri Authority { get; set; }

        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = ClientSecretSet)]
        [Parameter(ParameterSetName = ClientCertificateSet)]
        [Parameter(ParameterSetName = ClientCertificateThumbprintSet)]
        public SwitchParameter NoTokenCache { get; set; }

        [Parameter(ParameterSetName = DeviceCodeSet)]
        public SwitchParameter AllowUnprotectedTokenCache { get; set; }

        /// <summary>A mailbox the signed-in identity may open (FullAccess): XOAUTH2 user= with a token, user\shared with a password.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string SharedMailbox { get; set; }

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
            bool oauth = AccessToken != null || ClientId != null;
            string user = oauth ? UserName : WithPassword ? Credential.UserName : null;

            // A shared mailbox: with a token it is the SASL user (XOAUTH2 user=); with a password (Exchange on-premises) user\shared.
            string logIn = SharedMailbox == null ? user : oauth ? SharedMailbox : user == null ? null : $"{user}\\{SharedMailbox}";
            return new ConnectionSettings
            {
                Server = Server,
                Port = Port,
                Security = Security,
                UserName = logIn,
                Password = WithPassword && !oauth ? Credential.Password : null,
                AccessToken = AccessToken,
                SkipCertificateCheck = SkipCertificateCheck,
                CertificateThumbprint = ReadCertificateThumbprint(CertificateThumbprint),
                Timeout = timeout,
                Proxy = Proxy,
                ProxyUserName = ProxyCredential?.UserName,
                ProxyPassword = ProxyCredential?.Password,
                SignIn = ClientId == null ? null : CreateSignIn(),
            };
        }

        /// <summary>Who signed in (the credential's or token's user); the sign-in sets it from the account it got.</summary>
        private protected string SignedInAs => AccessToken != null ? UserName : WithPassword ? Credential.UserName : null;

        /// <summary>
        /// Signs in to the authority when -ClientId was given: a device code is shown through the host at once (also in a
        /// runbook's output) and the wait ends with Ctrl+C. The session's log-in name becomes -SharedMailbox, -UserName,
        /// or the signed-in account. Returns null without -ClientId; a failure comes out as MailProtocolException.
        /// </summary>
        /// <param name="permission">The protocol's permission ("IMAP", "POP"; see MicrosoftClouds.Scopes).</param>
        internal SignInOutcome SignIn(ConnectionSettings settings, string permission)
        {
            if (settings.SignIn == null)
            {
                return null;
            }

            MicrosoftSignIn signIn = MicrosoftSignIn.Attach(settings, permission);
            string flow = settings.SignIn.IsAppOnly ? "app-only" : "delegated";
            WriteVerbose($"Signing in ({flow}) with the app {ClientId} at {signIn.Authority}{(Proxy == null ? string.Empty : " through the proxy " + ProxyDescription.Of(Proxy))}.");
            SignInOutcome outcome = signIn.SignIn(ShowToUser, WriteWarning, CancellationToken);
            WriteVerbose(outcome.Describe());
            settings.UserName = settings.UserName ?? outcome.Account;
            return outcome;
        }

        /// <summary>Write-Host from C#: the host shows it at once, and the information stream keeps it for runbooks and logs.</summary>
        private protected void ShowToUser(string text) =>
            WriteInformation(new HostInformationMessage { Message = text }, new[] { "PSHOST" });

        private OAuthSignInSettings CreateSignIn() => new OAuthSignInSettings
        {
            ClientId = ClientId,
            TenantId = TenantId,
            ClientSecret = ClientSecret,
            ClientCertificate = ClientCertificate ?? (ClientCertificateThumbprint == null ? null : FindClientCertificate(ClientCertificateThumbprint)),
            Environment = Environment,
            Authority = Authority,
            Scopes = Scope,
            NoTokenCache = NoTokenCache,
            AllowUnprotectedTokenCache = AllowUnprotectedTokenCache,
            SharedMailbox = SharedMailbox,
            LoginHint = ClientSecret == null && ClientCertificate == null && ClientCertificateThumbprint == null ? UserName : null,
        };

        /// <summary>The app's certificate, with its private key, from the user's "My" store, else the machine's.</summary>
        private X509Certificate2 FindClientCertificate(string thumbprint)
        {
            string wanted = thumbprint.Replace(" ", string.Empty).Replace(":", string.Empty);
            foreach (StoreLocation location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
            {
                try
                {
                    using (var store = new X509Store(StoreName.My, location))
                    {
                        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                        foreach (X509Certificate2 certificate in store.Certificates.Find(X509FindType.FindByThumbprint, wanted, false))
                        {
                            if (certificate.HasPrivateKey)
                            {
                                return certificate;
                            }
                        }
                    }
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    // A store that does not exist on this system (LocalMachine\My on Linux): look in the next one.
                }
            }

            ThrowMailError(MailErrorKind.NotFound, MailErrorReason.ClientCertificateNotFound,
                $"No certificate with the thumbprint {wanted} and its private key is in the CurrentUser\\My or LocalMachine\\My store. " +
                "Import it with its private key (Import-PfxCertificate on Windows), or pass it with -ClientCertificate.", thumbprint);
            return null;
        }
    }
}
