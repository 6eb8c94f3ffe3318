using System;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MailProtocols
{
    /// <summary>
    /// -CertificateThumbprint: accept exactly one certificate, trusted or not, and nothing else. The thumbprint
    /// is the SHA-256 (64 hex digits) or SHA-1 (40) hash of the certificate as the server sends it.
    /// </summary>
    internal static class CertificatePin
    {
        /// <summary>Upper-case hex without separators; null when the text is not a SHA-256 or SHA-1 thumbprint.</summary>
        public static string Normalize(string thumbprint)
        {
            if (thumbprint == null)
            {
                return null;
            }

            // Copied thumbprints come as "AB:CD:..", "ab cd ..", or with an invisible mark in front (Windows' certificate dialog).
            string hex = new string(thumbprint.Where(c => !char.IsWhiteSpace(c) && c != ':' && c != '-' && c != '\u200E' && c != '\u200F').ToArray()).ToUpperInvariant();
            bool isHex = hex.All(c => (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'));
            return isHex && (hex.Length == 64 || hex.Length == 40) ? hex : null;
        }

        /// <summary>The SHA-256 thumbprint of a certificate, upper-case hex: what to pass to -CertificateThumbprint.</summary>
        public static string Sha256(X509Certificate certificate)
        {
            using (SHA256 sha = SHA256.Create())
            {
                return Hex(sha.ComputeHash(certificate.GetRawCertData()));
            }
        }

        public static bool Matches(X509Certificate certificate, string normalizedPin)
        {
            if (certificate == null || normalizedPin == null)
            {
                return false;
            }

            string actual = normalizedPin.Length == 64 ? Sha256(certificate) : certificate.GetCertHashString().ToUpperInvariant();
            return string.Equals(actual, normalizedPin, StringComparison.Ordinal);
        }

        /// <summary>What was presented instead, for the error: subject, issuer and both thumbprints.</summary>
        public static string DescribeMismatch(X509Certificate certificate, string normalizedPin)
        {
            if (certificate == null)
            {
                return $"the server sent no certificate, and -CertificateThumbprint {normalizedPin} accepts only that one";
            }

            return $"it does not match -CertificateThumbprint {normalizedPin}: the server presented '{certificate.Subject}', issued by '{certificate.Issuer}', " +
                $"SHA-256 thumbprint {Sha256(certificate)} (SHA-1 {certificate.GetCertHashString().ToUpperInvariant()})";
        }

        private static string Hex(byte[] bytes)
        {
            var text = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes)
            {
                text.Append(b.ToString("X2"));
            }

            return text.ToString();
        }
    }
}
