using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MailProtocols
{
    /// <summary>
    /// Reads the subjectAltName extension (RFC 5280 GeneralNames) from its DER bytes. The platform's
    /// own text form differs between Windows, Linux and macOS, so it is not parsed.
    /// </summary>
    internal static class SubjectAlternativeNameReader
    {
        private const string SubjectAltNameOid = "2.5.29.17";

        public static string[] Read(X509Certificate2 certificate)
        {
            X509Extension extension = certificate.Extensions.Cast<X509Extension>().FirstOrDefault(e => e.Oid?.Value == SubjectAltNameOid);
            return extension == null ? new string[0] : Parse(extension.RawData);
        }

        /// <summary>Parses GeneralNames; entries of kinds a mail client never matches on (otherName, directoryName) are skipped.</summary>
        internal static string[] Parse(byte[] der)
        {
            var names = new List<string>();
            int position = 0;
            if (!TryReadHeader(der, ref position, out byte tag, out int length) || tag != 0x30)
            {
                return names.ToArray();
            }

            int end = position + length;
            while (position < end && TryReadHeader(der, ref position, out tag, out length))
            {
                string value = Describe(tag, der, position, length);
                if (value != null)
                {
                    names.Add(value);
                }

                position += length;
            }

            return names.ToArray();
        }

        private static string Describe(byte tag, byte[] der, int offset, int length)
        {
            switch (tag)
            {
                case 0x81:
                    return "Email:" + Encoding.ASCII.GetString(der, offset, length);
                case 0x82:
                    return "DNS:" + Encoding.ASCII.GetString(der, offset, length);
                case 0x86:
                    return "URI:" + Encoding.ASCII.GetString(der, offset, length);
                case 0x87 when length == 4 || length == 16:
                    var bytes = new byte[length];
                    System.Array.Copy(der, offset, bytes, 0, length);
                    return "IP:" + new IPAddress(bytes);
                default:
                    return null;
            }
        }

        /// <summary>Reads one DER tag and definite length; false when the bytes run out.</summary>
        private static bool TryReadHeader(byte[] der, ref int position, out byte tag, out int length)
        {
            tag = 0;
            length = 0;
            if (position + 2 > der.Length)
            {
                return false;
            }

            tag = der[position++];
            int first = der[position++];
            if (first < 0x80)
            {
                length = first;
            }
            else
            {
                int count = first & 0x7F;
                if (count == 0 || count > 3 || position + count > der.Length)
                {
                    return false;
                }

                for (int i = 0; i < count; i++)
                {
                    length = (length << 8) | der[position++];
                }
            }

            return position + length <= der.Length;
        }
    }
}
