using System;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailProtocols
{
    /// <summary>
    /// The facts of a server certificate as seen during the TLS handshake, and whether it validates
    /// for the host name that was asked for. Captured even when validation fails.
    /// </summary>
    public sealed class CertificateReport
    {
        private CertificateReport()
        {
        }

        /// <summary>The name the certificate was checked against (the -Server given).</summary>
        public string HostName { get; private set; }

        public string Subject { get; private set; }

        public string Issuer { get; private set; }

        /// <summary>Entries of the subjectAltName extension, as "DNS:name", "IP:address", "Email:..." or "URI:...".</summary>
        public string[] SubjectAlternativeNames { get; private set; }

        public DateTime NotBefore { get; private set; }

        public DateTime NotAfter { get; private set; }

        /// <summary>Whole days left until NotAfter when the test ran; negative once it has expired.</summary>
        public int DaysUntilExpiry { get; private set; }

        /// <summary>The SHA-1 thumbprint (hex), as Windows shows it.</summary>
        public string Thumbprint { get; private set; }

        /// <summary>The SHA-256 thumbprint (hex): what -CertificateThumbprint takes to accept exactly this certificate.</summary>
        public string Sha256Thumbprint { get; private set; }

        public string SerialNumber { get; private set; }

        public string SignatureAlgorithm { get; private set; }

        /// <summary>The key type and size, e.g. "RSA 2048-bit".</summary>
        public string PublicKey { get; private set; }

        public bool IsSelfSigned { get; private set; }

        /// <summary>True when the certificate chains to a root this machine trusts, is in date and names the host.</summary>
        public bool IsValid { get; private set; }

        /// <summary>Why the certificate is not valid, in words; null when it is.</summary>
        public string ValidationError { get; private set; }

        /// <summary>The raw policy verdict of the TLS stack (None, RemoteCertificateNameMismatch, RemoteCertificateChainErrors, ...).</summary>
        public string PolicyErrors { get; private set; }

        /// <summary>The chain problems reported by the platform (e.g. UntrustedRoot, PartialChain, NotTimeValid).</summary>
        public string[] ChainStatus { get; private set; }

        /// <summary>The subjects of the chain that was built, from the server's certificate up to the root.</summary>
        public string[] Chain { get; private set; }

        public override string ToString() =>
            $"{Subject} ({(IsValid ? "valid" : "NOT valid")}, expires {NotAfter:yyyy-MM-dd}, {DaysUntilExpiry} days)";

        /// <summary>Reads everything needed from the handshake's callback arguments, which are only valid during the callback.</summary>
        internal static CertificateReport Create(string host, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors, DateTime now)
        {
            var cert = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
            bool valid = errors == SslPolicyErrors.None || CertificateDiagnostics.OnlyRevocationUnknown(errors, chain);
            return new CertificateReport
            {
                HostName = host,
                Subject = cert.Subject,
                Issuer = cert.Issuer,
                SubjectAlternativeNames = SubjectAlternativeNameReader.Read(cert),
                NotBefore = cert.NotBefore,
                NotAfter = cert.NotAfter,
                DaysUntilExpiry = (int)Math.Floor((cert.NotAfter.ToUniversalTime() - now.ToUniversalTime()).TotalDays),
                Thumbprint = cert.Thumbprint,
                Sha256Thumbprint = CertificatePin.Sha256(cert),
                SerialNumber = cert.SerialNumber,
                SignatureAlgorithm = cert.SignatureAlgorithm?.FriendlyName ?? cert.SignatureAlgorithm?.Value,
                PublicKey = DescribeKey(cert),
                IsSelfSigned = cert.SubjectName.RawData.SequenceEqual(cert.IssuerName.RawData),
                IsValid = valid,
                ValidationError = valid ? null : CertificateDiagnostics.Describe(host, cert, chain, errors),
                PolicyErrors = errors.ToString(),
                ChainStatus = chain?.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError)
                    .Select(s => s.Status.ToString()).Distinct().ToArray() ?? new string[0],
                Chain = chain?.ChainElements.Cast<X509ChainElement>().Select(e => e.Certificate.Subject).ToArray() ?? new string[0],
            };
        }

        private static string DescribeKey(X509Certificate2 cert)
        {
            try
            {
                using (RSA rsa = cert.GetRSAPublicKey())
                {
                    if (rsa != null)
                    {
                        return $"RSA {rsa.KeySize}-bit";
                    }
                }

                using (ECDsa ecdsa = cert.GetECDsaPublicKey())
                {
                    if (ecdsa != null)
                    {
                        return $"ECDSA {ecdsa.KeySize}-bit";
                    }
                }
            }
            catch (CryptographicException)
            {
                // An exotic key type: the algorithm name below is still worth reporting.
            }

            return cert.PublicKey.Oid.FriendlyName ?? cert.PublicKey.Oid.Value;
        }
    }
}
