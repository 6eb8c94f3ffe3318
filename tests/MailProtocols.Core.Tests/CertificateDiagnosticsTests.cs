using System;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>
    /// Which certificate problems are forgiven (only an unknown revocation status, as browsers do) and how a
    /// refusal is explained. Certificates are made here, with a private root trusted only by the chain under test.
    /// </summary>
    public class CertificateDiagnosticsTests : IDisposable
    {
        private readonly X509Certificate2 _ca;

        public CertificateDiagnosticsTests()
        {
            // ECDSA keys: made in microseconds, where RSA keys would make these tests take seconds.
            using (ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            {
                var request = new CertificateRequest("CN=Core Tests CA", key, HashAlgorithmName.SHA256);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
                _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddYears(1));
            }
        }

        public void Dispose() => _ca.Dispose();

        /// <summary>A server certificate the test CA signs; it names no CRL or OCSP, so its revocation status cannot be known.</summary>
        private X509Certificate2 Leaf(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
        {
            using (ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            {
                var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
                var san = new SubjectAlternativeNameBuilder();
                san.AddDnsName(name);
                request.CertificateExtensions.Add(san.Build());
                byte[] serial = Guid.NewGuid().ToByteArray();
                return request.Create(_ca, notBefore, notAfter, serial);
            }
        }

        private X509Certificate2 ValidLeaf() => Leaf("mail.example.com", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        private X509Chain Chain(X509Certificate2 leaf, bool trustTheCa, X509RevocationMode revocation)
        {
            var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = revocation;
            chain.ChainPolicy.RevocationFlag = X509RevocationFlag.EndCertificateOnly;
            if (trustTheCa)
            {
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(_ca);
            }
            else
            {
                chain.ChainPolicy.ExtraStore.Add(_ca);
            }

            chain.Build(leaf);
            return chain;
        }

        [Fact]
        public void AnUnknownRevocationStatusAloneIsForgiven()
        {
            using (X509Certificate2 leaf = ValidLeaf())
            using (X509Chain chain = Chain(leaf, trustTheCa: true, X509RevocationMode.Online))
            {
                Assert.Contains(chain.ChainStatus, s => (s.Status & X509ChainStatusFlags.RevocationStatusUnknown) != 0);
                Assert.True(CertificateDiagnostics.OnlyRevocationUnknown(SslPolicyErrors.RemoteCertificateChainErrors, chain));
            }
        }

        [Fact]
        public void AnUntrustedRootIsNotForgivenEvenWithAnUnknownRevocationStatus()
        {
            using (X509Certificate2 leaf = ValidLeaf())
            using (X509Chain chain = Chain(leaf, trustTheCa: false, X509RevocationMode.Online))
            {
                Assert.Contains(chain.ChainStatus, s => (s.Status & X509ChainStatusFlags.UntrustedRoot) != 0);
                Assert.False(CertificateDiagnostics.OnlyRevocationUnknown(SslPolicyErrors.RemoteCertificateChainErrors, chain));
            }
        }

        [Fact]
        public void AnExpiredCertificateIsNotForgiven()
        {
            using (X509Certificate2 leaf = Leaf("mail.example.com", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1)))
            using (X509Chain chain = Chain(leaf, trustTheCa: true, X509RevocationMode.Online))
            {
                Assert.Contains(chain.ChainStatus, s => (s.Status & X509ChainStatusFlags.NotTimeValid) != 0);
                Assert.False(CertificateDiagnostics.OnlyRevocationUnknown(SslPolicyErrors.RemoteCertificateChainErrors, chain));
            }
        }

        [Fact]
        public void ANameMismatchIsNeverForgiven()
        {
            using (X509Certificate2 leaf = ValidLeaf())
            using (X509Chain chain = Chain(leaf, trustTheCa: true, X509RevocationMode.Online))
            {
                Assert.False(CertificateDiagnostics.OnlyRevocationUnknown(SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch, chain));
                Assert.False(CertificateDiagnostics.OnlyRevocationUnknown(SslPolicyErrors.RemoteCertificateNameMismatch, chain));
                Assert.False(CertificateDiagnostics.OnlyRevocationUnknown(SslPolicyErrors.RemoteCertificateChainErrors, null));
            }
        }

        [Fact]
        public void AChainWithoutAnyStatusIsNotTakenAsOnlyRevocationUnknown()
        {
            // Chain errors reported by TLS but a chain that shows none: nothing proves the problem is only revocation.
            using (X509Certificate2 leaf = ValidLeaf())
            using (X509Chain chain = Chain(leaf, trustTheCa: true, X509RevocationMode.NoCheck))
            {
                Assert.Empty(chain.ChainStatus);
                Assert.False(CertificateDiagnostics.OnlyRevocationUnknown(SslPolicyErrors.RemoteCertificateChainErrors, chain));
            }
        }

        [Fact]
        public void DescribeNamesTheCertificatesNameAndTheHostAsked()
        {
            using (X509Certificate2 leaf = ValidLeaf())
            {
                string text = CertificateDiagnostics.Describe("imap.other.org", leaf, null, SslPolicyErrors.RemoteCertificateNameMismatch);
                Assert.Equal("it is issued to 'mail.example.com', not to 'imap.other.org'", text);
            }
        }

        [Fact]
        public void DescribeTellsASelfSignedCertificateFromABrokenChain()
        {
            using (X509Certificate2 leaf = ValidLeaf())
            using (X509Chain chain = Chain(leaf, trustTheCa: false, X509RevocationMode.NoCheck))
            {
                string broken = CertificateDiagnostics.Describe("mail.example.com", leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors);
                Assert.Contains("its chain to a trusted root failed", broken);
                Assert.Contains("UntrustedRoot", broken);
                Assert.Contains("CN=Core Tests CA", broken);
            }

            string selfSigned = CertificateDiagnostics.Describe("mail.example.com", _ca, null,
                SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch);
            Assert.Equal("it is issued to 'Core Tests CA', not to 'mail.example.com'; it is self-signed (CN=Core Tests CA) and not trusted on this machine", selfSigned);
        }

        [Fact]
        public void DescribeWithoutACertificateSaysSo()
        {
            Assert.Equal("the server sent no certificate", CertificateDiagnostics.Describe("x", null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        }
    }
}
