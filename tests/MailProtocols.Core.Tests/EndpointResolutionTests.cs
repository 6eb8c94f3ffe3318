using MailKit.Security;
using MailProtocols.Core.Sessions;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>
    /// Which port and which TLS mode a connection uses (MailConnection.ResolveEndpoint). Auto must never let
    /// MailKit fall back to plaintext. All of these tests stay in this one file, so that they follow the
    /// resolution wherever the session refactor moves it.
    /// </summary>
    public class EndpointResolutionTests
    {
        private static (int Port, SecureSocketOptions Options) Imap(MailSecurity security, int port) =>
            MailConnection.ResolveEndpoint(new ConnectionSettings { Server = "127.0.0.1", Security = security, Port = port }, 993, 143);

        private static (int Port, SecureSocketOptions Options) Pop3(MailSecurity security, int port) =>
            MailConnection.ResolveEndpoint(new ConnectionSettings { Server = "127.0.0.1", Security = security, Port = port }, 995, 110);

        [Theory]
        [InlineData(0, 993, SecureSocketOptions.SslOnConnect)]       // no port: implicit TLS on the TLS port
        [InlineData(993, 993, SecureSocketOptions.SslOnConnect)]
        [InlineData(143, 143, SecureSocketOptions.StartTls)]         // the plain port: STARTTLS, required
        [InlineData(995, 995, SecureSocketOptions.StartTls)]         // POP3's TLS port is just another port for IMAP
        [InlineData(10993, 10993, SecureSocketOptions.StartTls)]     // any other port: STARTTLS, required
        public void AutoOnImap(int port, int expectedPort, SecureSocketOptions options)
        {
            Assert.Equal((expectedPort, options), Imap(MailSecurity.Auto, port));
        }

        [Theory]
        [InlineData(0, 995, SecureSocketOptions.SslOnConnect)]
        [InlineData(995, 995, SecureSocketOptions.SslOnConnect)]
        [InlineData(110, 110, SecureSocketOptions.StartTls)]
        [InlineData(993, 993, SecureSocketOptions.StartTls)]
        [InlineData(2110, 2110, SecureSocketOptions.StartTls)]
        public void AutoOnPop3(int port, int expectedPort, SecureSocketOptions options)
        {
            Assert.Equal((expectedPort, options), Pop3(MailSecurity.Auto, port));
        }

        [Fact]
        public void AutoNeverMeansMailKitsAutoOrPlaintext()
        {
            // MailKit's Auto (and StartTlsWhenAvailable) would speak plaintext to a server without STARTTLS.
            foreach (int port in new[] { 0, 1, 25, 110, 143, 587, 993, 995, 65535 })
            {
                foreach (var resolved in new[] { Imap(MailSecurity.Auto, port), Pop3(MailSecurity.Auto, port) })
                {
                    Assert.Contains(resolved.Options, new[] { SecureSocketOptions.SslOnConnect, SecureSocketOptions.StartTls });
                }
            }
        }

        [Theory]
        [InlineData(0, 143)]
        [InlineData(993, 993)]         // asked for: plaintext even on the TLS port
        [InlineData(2143, 2143)]
        public void NoneIsPlaintextOnlyWhenAskedFor(int port, int expectedPort)
        {
            Assert.Equal((expectedPort, SecureSocketOptions.None), Imap(MailSecurity.None, port));
        }

        [Fact]
        public void NoneDefaultsToThePlainPortOfEachProtocol()
        {
            Assert.Equal((110, SecureSocketOptions.None), Pop3(MailSecurity.None, 0));
        }

        [Theory]
        [InlineData(0, 143)]
        [InlineData(993, 993)]
        [InlineData(10143, 10143)]
        public void StartTlsDefaultsToThePlainPort(int port, int expectedPort)
        {
            Assert.Equal((expectedPort, SecureSocketOptions.StartTls), Imap(MailSecurity.StartTls, port));
        }

        [Theory]
        [InlineData(0, 995)]
        [InlineData(110, 110)]         // implicit TLS wherever the user says
        public void SslOnConnectDefaultsToTheTlsPort(int port, int expectedPort)
        {
            Assert.Equal((expectedPort, SecureSocketOptions.SslOnConnect), Pop3(MailSecurity.SslOnConnect, port));
        }

        [Fact]
        public void SessionsResolveWithTheirProtocolsPorts()
        {
            using (var imap = TestSessions.Imap(new ConnectionSettings { Server = "mail.example.com" }))
            using (var pop3 = TestSessions.Pop3(new ConnectionSettings { Server = "mail.example.com", Security = MailSecurity.StartTls }))
            using (var custom = TestSessions.Imap(new ConnectionSettings { Server = "mail.example.com", Port = 1143 }))
            {
                Assert.Equal(993, imap.Port);
                Assert.Equal(SecureSocketOptions.SslOnConnect, imap.SocketOptions);
                Assert.Equal(110, pop3.Port);
                Assert.Equal(SecureSocketOptions.StartTls, pop3.SocketOptions);
                Assert.Equal(1143, custom.Port);
                Assert.Equal(SecureSocketOptions.StartTls, custom.SocketOptions);
                Assert.Equal("IMAP server mail.example.com:1143", custom.Endpoint);
                Assert.Equal("POP3 server mail.example.com:110", pop3.Endpoint);
            }
        }
    }
}
