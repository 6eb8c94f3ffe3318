using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MailProtocols
{
    /// <summary>Explains in words why a server certificate was not accepted.</summary>
    internal static class CertificateDiagnostics
    {
        /// <summary>
        /// Revocation is soft-fail, as in browsers: a certificate that is known to be revoked is refused,
        /// but one whose CA publishes no reachable CRL/OCSP (common for internal CAs) is not.
        /// </summary>
        public static bool OnlyRevocationUnknown(SslPolicyErrors errors, X509Chain chain)
        {
            if (errors != SslPolicyErrors.RemoteCertificateChainErrors || chain == null)
            {
                return false;
            }

            const X509ChainStatusFlags unknown = X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;
            return chain.ChainStatus.Length > 0 && chain.ChainStatus.All(s => (s.Status & ~unknown) == X509ChainStatusFlags.NoError);
        }

        public static string Describe(string host, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
        {
            var reasons = new List<string>();
            var cert = certificate as X509Certificate2 ?? (certificate != null ? new X509Certificate2(certificate) : null);
            if (cert == null)
            {
                return "the server sent no certificate";
            }

            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                reasons.Add($"it is issued to '{cert.GetNameInfo(X509NameType.SimpleName, false)}', not to '{host}'");
            }

            if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                bool selfSigned = cert.SubjectName.RawData.SequenceEqual(cert.IssuerName.RawData);
                IEnumerable<string> statuses = chain?.ChainStatus
                    .Where(s => s.Status != X509ChainStatusFlags.NoError)
                    .Select(s => s.Status.ToString()).Distinct() ?? Enumerable.Empty<string>();
                string detail = string.Join(", ", statuses);
                reasons.Add(selfSigned
                    ? $"it is self-signed ({cert.Subject}) and not trusted on this machine"
                    : $"its chain to a trusted root failed ({detail}) for issuer {cert.Issuer}");
            }

            if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                reasons.Add("the server sent no certificate");
            }

            return reasons.Count == 0 ? errors.ToString() : string.Join("; ", reasons);
        }
    }
}
