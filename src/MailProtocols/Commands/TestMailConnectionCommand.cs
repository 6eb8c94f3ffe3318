using System;
using System.Management.Automation;
using MailProtocols.Core.Diagnostics;

namespace MailProtocols.Commands
{
    /// <summary>
    /// Test-MailConnection: walks through DNS, TCP, greeting, STARTTLS, TLS, certificate, capabilities and
    /// log-in, and reports every step. A failed step is part of the report, never an error.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "MailConnection", DefaultParameterSetName = NoLogInSet)]
    [OutputType(typeof(ConnectionReport))]
    public sealed class TestMailConnectionCommand : MailConnectionCmdlet
    {
        /// <summary>No credential at all: every step up to the log-in.</summary>
        private const string NoLogInSet = "NoLogIn";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public MailProtocol Protocol { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 15;

        protected override void ProcessRecord()
        {
            bool withPassword = WithPassword;
            ConnectionSettings settings = CreateSettings(TimeSpan.FromSeconds(TimeoutSec));

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
                report = ConnectionTester.Test(Protocol, settings, CancellationToken, ShowToUser, WriteWarning);
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
