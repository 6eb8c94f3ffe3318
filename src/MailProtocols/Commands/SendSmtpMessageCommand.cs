using System.Management.Automation;
using System;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Sessions;
using MailProtocols.Core.Smtp;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommunications.Send, "SmtpMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = MessageSet)]
    [OutputType(typeof(SmtpSendResult))]
    public sealed class SendSmtpMessageCommand : MailDraftCmdlet
    {
        private const string MessageSet = "Message";

        private SmtpSession _session;
        private bool _ownSession;
        private SmtpSendOptions _options;

        /// <summary>Messages to send: from New-MailMessage, or any message of the module that was downloaded.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = MessageSet)]
        [ValidateNotNull]
        public MailMessageBase[] InputObject { get; set; }

        /// <summary>The SMTP session to send through; default: the runspace's default SMTP session.</summary>
        [Parameter]
        [ValidateNotNull]
        public SmtpSession Session { get; set; }

        /// <summary>Without a session: the server to connect to for this command only.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("SmtpServer", "ComputerName")]
        public string Server { get; set; }

        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter]
        public MailSecurity Security { get; set; } = MailSecurity.Auto;

        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 60;

        [Parameter]
        public SmtpDeliveryNotification DeliveryNotification { get; set; }

        /// <summary>Files a copy of each sent message: an IMAP session (its Sent folder), a folder from Get-ImapFolder, or a folder name (default IMAP session).</summary>
        [Parameter]
        [ValidateNotNull]
        public object SaveTo { get; set; }

        protected override void BeginProcessing()
        {
            _options = new SmtpSendOptions { Notification = DeliveryNotification };
            if (SaveTo != null)
            {
                ResolveSaveTo(SaveTo is PSObject wrapped ? wrapped.BaseObject : SaveTo);
            }

            _session = Session ?? (Server != null ? OpenOneOff() : SessionRegistry.Current.GetDefault<SmtpSession>(MailProtocol.Smtp));
            if (_session == null)
            {
                ThrowMailError(MailErrorKind.InvalidOperation, MailErrorReason.NoSession,
                    "No SMTP session is open. Run Connect-Smtp first, pass -Session, or give -Server and -Credential to send without one.", null);
            }

            ReportReconnects(_session);
        }

        protected override void ProcessRecord()
        {
            MailMessageBase[] messages = InputObject;
            if (ParameterSetName == ComposeSet)
            {
                MailDraft draft = null;
                if (!TryInvoke(From, () => draft = MailDraftBuilder.Compose(NewDraftRequest(), Channel)))
                {
                    return;
                }

                messages = new MailMessageBase[] { draft };
            }

            RunOperation(_session, channel => SmtpSender.Send(_session, messages, _options, channel));
        }

        protected override void EndProcessing()
        {
            CompleteProgress();
            CloseOneOff();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                CloseOneOff();
            }

            base.Dispose(disposing);
        }

        private SmtpSession OpenOneOff()
        {
            if (Credential == null)
            {
                ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.CredentialRequired,
                    $"-Server {Server} needs -Credential to log in (this module never sends a password in plaintext or without one).", Server);
            }

            var settings = new ConnectionSettings
            {
                Server = Server,
                Port = Port,
                Security = Security,
                UserName = Credential.UserName,
                Password = Credential.Password,
                SkipCertificateCheck = SkipCertificateCheck,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
            };
            if (Security == MailSecurity.None)
            {
                WriteWarning($"-Security None: the password and every message to {Server} travel unencrypted. Use it only on a network you trust.");
            }

            SmtpSession session = SmtpConnection.NewSession(settings);
            WriteVerbose($"Connecting to {session.Server}:{session.Port} ({session.Transport}) for this command only.");
            try
            {
                session.Open(CancellationToken);
            }
            catch (MailProtocolException ex)
            {
                session.Dispose();
                ThrowMailError(ex, Server);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                session.Dispose();
                throw new PipelineStoppedException();
            }

            _ownSession = true;
            return session;
        }

        private void CloseOneOff()
        {
            if (!_ownSession || _session == null)
            {
                return;
            }

            _ownSession = false;
            TryInvoke(_session, () => _session.Close(quit: true, CancellationToken));
            _session.Dispose();
        }

        private void ResolveSaveTo(object target)
        {
            switch (target)
            {
                case ImapSession imap:
                    _options.SaveSession = imap;
                    break;
                case ImapFolderInfo folder:
                    _options.SaveSession = folder.Session;
                    _options.SaveFolder = folder.FullName;
                    break;
                case string name:
                    _options.SaveSession = SessionRegistry.Current.GetDefault<ImapSession>(MailProtocol.Imap);
                    _options.SaveFolder = name;
                    break;
                default:
                    ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.InvalidSaveTo,
                        $"-SaveTo takes an IMAP session (its Sent folder), a folder from Get-ImapFolder, or a folder name; not a {target.GetType().Name}.", target);
                    break;
            }

            if (_options.SaveSession == null)
            {
                ThrowMailError(MailErrorKind.InvalidOperation, MailErrorReason.NoImapSession,
                    "-SaveTo needs an IMAP session to file the sent messages through. Run Connect-Imap first, or pass the session: -SaveTo $imap.", target);
            }

            ReportReconnects(_options.SaveSession);
        }
    }
}
