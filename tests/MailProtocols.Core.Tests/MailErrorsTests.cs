using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using MailProtocols.Core.Errors;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>
    /// MailErrors.Translate: each kind of failure MailKit and sockets throw becomes a MailProtocolException with a
    /// stable reason (the tail of the ErrorId), the right kind (the ErrorCategory) and a message that says what to do.
    /// </summary>
    public class MailErrorsTests : IDisposable
    {
        private const string Password = "pa55-w0rd-never-shown";

        private readonly ImapSession _imap = TestSessions.Imap(new ConnectionSettings
        {
            Server = "mail.example.com",
            UserName = "priya",
            Password = new NetworkCredential(string.Empty, Password).SecurePassword,
            Timeout = TimeSpan.FromSeconds(17),
        });

        private readonly Pop3Session _pop3 = TestSessions.Pop3(new ConnectionSettings { Server = "pop.example.com", UserName = "juergen" });

        public void Dispose()
        {
            _imap.Dispose();
            _pop3.Dispose();
        }

        private MailProtocolException Translate(Exception ex, MailSession session = null, string action = "fetching messages")
        {
            MailProtocolException error = MailErrors.Translate(ex, session ?? _imap, action);
            Assert.Same(ex, error.InnerException);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
            Assert.DoesNotContain(Password, error.Message);
            return error;
        }

        [Fact]
        public void AKnownErrorPassesThroughUnchanged()
        {
            var known = new MailProtocolException(MailErrorKind.Busy, "Locked", "Another sync holds the lock.");
            Assert.Same(known, MailErrors.Translate(known, _imap, "sync"));
        }

        [Fact]
        public void RejectedLogInNamesTheUserButNeverTheSecret()
        {
            MailProtocolException error = Translate(new AuthenticationException("535 authentication failed"));
            Assert.Equal(MailErrorKind.Authentication, error.Kind);
            Assert.Equal("AuthenticationFailed", error.Reason);
            Assert.Contains("'priya'", error.Message);
            Assert.Contains("IMAP server mail.example.com:993", error.Message);
        }

        [Fact]
        public void FailedHandshakeWithoutCertificateProblemPointsAtThePortAndTheInnermostCause()
        {
            var ex = new SslHandshakeException("outer", new IOException("middle", new Exception("The frame was not TLS")));
            MailProtocolException error = Translate(ex);
            Assert.Equal(MailErrorKind.Security, error.Kind);
            Assert.Equal("TlsHandshakeFailed", error.Reason);
            Assert.Contains("The frame was not TLS", error.Message);
            Assert.Contains("-Security", error.Message);
        }

        [Fact]
        public void StateErrorsSayToConnectAgain()
        {
            MailProtocolException notConnected = Translate(new ServiceNotConnectedException());
            Assert.Equal(MailErrorKind.Connection, notConnected.Kind);
            Assert.Equal("NotConnected", notConnected.Reason);
            Assert.Contains("Connect-Imap", notConnected.Message);

            MailProtocolException notAuthenticated = Translate(new ServiceNotAuthenticatedException(), _pop3);
            Assert.Equal(MailErrorKind.InvalidOperation, notAuthenticated.Kind);
            Assert.Equal("NotAuthenticated", notAuthenticated.Reason);
            Assert.Contains("Connect-Pop3", notAuthenticated.Message);
        }

        [Fact]
        public void MissingFolderIsNotFoundAndNamesIt()
        {
            MailProtocolException error = Translate(new FolderNotFoundException("Projects/Gone"));
            Assert.Equal(MailErrorKind.NotFound, error.Kind);
            Assert.Equal("FolderNotFound", error.Reason);
            Assert.Contains("'Projects/Gone'", error.Message);
            Assert.Contains("Get-ImapFolder", error.Message);
        }

        [Fact]
        public void ServerRefusalsQuoteTheServer()
        {
            MailProtocolException imap = Translate(new ImapCommandException(ImapCommandResponse.No, "[OVERQUOTA] Quota exceeded", "NO"), action: "APPEND");
            Assert.Equal(MailErrorKind.Protocol, imap.Kind);
            Assert.Equal("ServerRejected", imap.Reason);
            Assert.Contains("No to APPEND: [OVERQUOTA] Quota exceeded", imap.Message);

            MailProtocolException pop3 = Translate(new Pop3CommandException("DELE failed", "-ERR no such message"), _pop3, "DELE");
            Assert.Equal("ServerRejected", pop3.Reason);
            Assert.Contains("refused DELE: -ERR no such message", pop3.Message);
        }

        [Theory]
        [InlineData(typeof(OperationCanceledException))]
        [InlineData(typeof(TimeoutException))]
        public void TimeoutsSayHowLongWasWaited(Type type)
        {
            MailProtocolException error = Translate((Exception)Activator.CreateInstance(type));
            Assert.Equal(MailErrorKind.Timeout, error.Kind);
            Assert.Equal("Timeout", error.Reason);
            Assert.Contains("within 17 seconds", error.Message);
            Assert.Contains("-TimeoutSec", error.Message);
        }

        [Fact]
        public void ASocketTimeoutInsideAnIOExceptionIsATimeout()
        {
            Assert.Equal("Timeout", Translate(new IOException("read", new TimeoutException())).Reason);
            Assert.Equal("Timeout", Translate(new IOException("read", new SocketException((int)SocketError.TimedOut))).Reason);
        }

        [Theory]
        [InlineData(SocketError.ConnectionRefused, MailErrorKind.Connection, "ConnectionRefused")]
        [InlineData(SocketError.HostNotFound, MailErrorKind.Connection, "HostNotFound")]
        [InlineData(SocketError.NoData, MailErrorKind.Connection, "HostNotFound")]
        [InlineData(SocketError.TryAgain, MailErrorKind.Connection, "HostNotFound")]
        [InlineData(SocketError.TimedOut, MailErrorKind.Timeout, "Timeout")]
        [InlineData(SocketError.HostUnreachable, MailErrorKind.Connection, "Unreachable")]
        [InlineData(SocketError.NetworkUnreachable, MailErrorKind.Connection, "Unreachable")]
        [InlineData(SocketError.ConnectionReset, MailErrorKind.Connection, "ConnectionLost")]   // not connected any more: lost
        public void SocketErrorsByCode(SocketError code, MailErrorKind kind, string reason)
        {
            foreach (Exception ex in new Exception[] { new SocketException((int)code), new IOException("wrapped", new SocketException((int)code)) })
            {
                MailProtocolException error = Translate(ex);
                Assert.Equal(kind, error.Kind);
                Assert.Equal(reason, error.Reason);
            }
        }

        [Fact]
        public void HostNotFoundNamesTheServerToCheck()
        {
            Assert.Contains("'mail.example.com'", Translate(new SocketException((int)SocketError.HostNotFound)).Message);
        }

        [Fact]
        public void ALostPop3ConnectionSaysNothingWasDeleted()
        {
            MailProtocolException error = Translate(new IOException("broken pipe"), _pop3, "RETR");
            Assert.Equal("ConnectionLost", error.Reason);
            Assert.Contains("deleted nothing", error.Message);
            Assert.Contains("during RETR", error.Message);
        }

        [Fact]
        public void UnparsableResponsesAreProtocolErrorsNotLostConnections()
        {
            // MailKit drops the connection after any protocol error; "Syntax error" means the server sent garbage.
            MailProtocolException imap = Translate(new ImapProtocolException("Syntax error in BODYSTRUCTURE. Unexpected token: ')'"));
            Assert.Equal(MailErrorKind.Protocol, imap.Kind);
            Assert.Equal("ProtocolError", imap.Reason);
            Assert.Contains("reconnects on its next use", imap.Message);

            Assert.Equal("ProtocolError", Translate(new Pop3ProtocolException("Syntax error in response"), _pop3).Reason);
        }

        [Theory]
        [InlineData("The IMAP server has unexpectedly disconnected.")]
        [InlineData("Bye")]
        public void ProtocolExceptionsFromAHangUpAreLostConnections(string message)
        {
            Assert.Equal("ConnectionLost", Translate(new ImapProtocolException(message)).Reason);
        }

        [Fact]
        public void AProtocolExceptionCausedBySocketFailureIsALostConnectionEvenIfItSaysSyntaxError()
        {
            var ex = new ImapProtocolException("Syntax error?", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)));
            Assert.Equal("ConnectionLost", Translate(ex).Reason);
        }

        [Fact]
        public void UnsupportedAndInvalidArguments()
        {
            MailProtocolException notSupported = Translate(new NotSupportedException("The IMAP server does not support the MOVE extension."), action: "moving");
            Assert.Equal(MailErrorKind.Protocol, notSupported.Kind);
            Assert.Equal("NotSupported", notSupported.Reason);
            Assert.Contains("MOVE extension", notSupported.Message);

            MailProtocolException argument = Translate(new ArgumentException("The keyword is invalid."));
            Assert.Equal(MailErrorKind.InvalidArgument, argument.Kind);
            Assert.Equal("The keyword is invalid.", argument.Message);
        }

        [Fact]
        public void AnythingElseIsUnexpectedAndSaysWhatFailed()
        {
            MailProtocolException error = Translate(new InvalidCastException("boom"), action: "reading flags");
            Assert.Equal("UnexpectedError", error.Reason);
            Assert.StartsWith("reading flags on IMAP server mail.example.com:993 failed: boom", error.Message);
        }

        [Fact]
        public void ALostConnectionDuringAChangeSaysTheOutcomeIsUnknown()
        {
            MailProtocolException error = MailErrors.ConnectionLostDuringChange(_imap, "moving 3 messages", new IOException());
            Assert.Equal("ConnectionLost", error.Reason);
            Assert.Contains("unknown", error.Message);
        }
    }
}
