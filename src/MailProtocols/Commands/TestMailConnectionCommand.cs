using System;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    /// <summary>
    /// Test-MailConnection: walks through DNS, TCP, greeting, STARTTLS, TLS, certificate, capabilities and
    /// log-in, and reports every step. A failed step is part of the report, never an error.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "MailConnection")]
    [OutputType(typeof(ConnectionReport))]
    public sealed class TestMailConnectionCommand : MailCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("ComputerName", "HostName")]
        public string Server { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public MailProtocol Protocol { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public MailSecurity Security { get; set; } = MailSecurity.Auto;

        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        /// <summary>Accept exactly the certificate with this SHA-256 or SHA-1 thumbprint (hex), trusted or not.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CertificateThumbprint { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 15;

        [Parameter]
        [ValidateNotNull]
        public Uri Proxy { get; set; }

        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential ProxyCredential { get; set; }

        protected override void ProcessRecord()
        {
            bool withPassword = Credential != null && Credential != PSCredential.Empty;
            var settings = new ConnectionSettings
            {
                Server = Server,
                Port = Port,
                Security = Security,
                UserName = withPassword ? Credential.UserName : null,
                Password = withPassword ? Credential.Password : null,
                SkipCertificateCheck = SkipCertificateCheck,
                CertificateThumbprint = ReadCertificateThumbprint(CertificateThumbprint),
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                Proxy = Proxy,
                ProxyUserName = ProxyCredential?.UserName,
                ProxyPassword = ProxyCredential?.Password,
            };

            if (withPassword && Security == MailSecurity.None)
            {
                WriteWarning($"-Security None: the password for {Server} travels unencrypted. Use it only on a network you trust.");
            }

            if (withPassword && SkipCertificateCheck)
            {
                WriteWarning($"-SkipCertificateCheck: the password is sent even if the certificate of {Server} is not valid. Use it only for a test server.");
            }

            ConnectionReport report;
            try
            {
                report = ConnectionTester.Test(Protocol, settings, CancellationToken);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (MailProtocolException ex) when (ex.Kind == MailErrorKind.InvalidArgument)
            {
                // An unusable -Proxy: nothing to test.
                WriteMailError(ex, Server);
                return;
            }

            foreach (ConnectionStep step in report.Steps)
            {
                WriteVerbose($"{step.Name}: {step.Status} in {step.Duration.TotalMilliseconds:0.0} ms. {step.Message}");
            }

            WriteObject(report);
        }
    }
}
