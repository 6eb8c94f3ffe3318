using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>
    /// What makes two messages on two servers the same message, with no state kept between runs: the
    /// Message-ID with the size and the INTERNALDATE (to the second), or, for a message without a
    /// Message-ID, a hash of its header fields with the size and date. A byte-for-byte copy keeps all of them.
    /// </summary>
    internal static class MessageIdentity
    {
        public static string Of(string messageId, long size, DateTimeOffset? internalDate, string headerHash)
        {
            string date = internalDate.HasValue
                ? internalDate.Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
                : "-";
            string id = messageId?.Trim();
            string who = string.IsNullOrEmpty(id) ? "h:" + (headerHash ?? string.Empty) : "m:" + id;
            return who + "|" + size.ToString(CultureInfo.InvariantCulture) + "|" + date;
        }

        /// <summary>SHA-256 (hex) of the raw header fields in order, each as sent by the server (name, colon, value, line end).</summary>
        public static string HashHeaders(IEnumerable<byte[]> rawFields)
        {
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                foreach (byte[] field in rawFields)
                {
                    sha.AppendData(field);
                }

                return BitConverter.ToString(sha.GetHashAndReset()).Replace("-", string.Empty);
            }
        }
    }
}
