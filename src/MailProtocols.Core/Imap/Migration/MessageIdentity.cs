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
        public static string Of(string messageId, long size, DateTimeOffset? internalDate, string headerHash) =>
            Of(Who(messageId, headerHash), size, internalDate);

        /// <summary>The part of an identity that needs the message's header: "m:" and the Message-ID, or "h:" and the hash of the header.</summary>
        public static string Who(string messageId, string headerHash)
        {
            string id = messageId?.Trim();
            return string.IsNullOrEmpty(id) ? "h:" + (headerHash ?? string.Empty) : "m:" + id;
        }

        public static string Of(string who, long size, DateTimeOffset? internalDate) =>
            who + "|" + size.ToString(CultureInfo.InvariantCulture) + "|" + DateOf(internalDate);

        /// <summary>The INTERNALDATE as it takes part in an identity: Unix seconds, or "-" when the server gave none.</summary>
        public static string DateOf(DateTimeOffset? internalDate) =>
            internalDate.HasValue ? internalDate.Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : "-";

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
