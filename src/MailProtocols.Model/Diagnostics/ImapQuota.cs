using System;

namespace MailProtocols
{
    /// <summary>
    /// The quota that applies to an IMAP folder (RFC 9208 GETQUOTAROOT). Sizes are in bytes; the server
    /// counts in units of 1024 bytes. A resource the server does not limit is null.
    /// </summary>
    public sealed class ImapQuota
    {
        /// <summary>An empty quota object, for tests that fake Get-ImapQuota's output.</summary>
        public ImapQuota()
        {
        }

        internal ImapQuota(string server, string userName, string folder, string quotaRoot,
            uint? storageKiB, uint? storageLimitKiB, uint? messages, uint? messageLimit)
        {
            Server = server;
            UserName = userName;
            Folder = folder;
            QuotaRoot = quotaRoot;
            StorageUsed = storageKiB * 1024L;
            StorageLimit = storageLimitKiB * 1024L;
            StoragePercentUsed = Percent(storageKiB, storageLimitKiB);
            MessageCount = messages;
            MessageLimit = messageLimit;
            MessagePercentUsed = Percent(messages, messageLimit);
        }

        public string Server { get; set; }

        public string UserName { get; set; }

        /// <summary>The folder that was asked about.</summary>
        public string Folder { get; set; }

        /// <summary>The name of the quota root whose limits apply (e.g. "User quota"); null when no quota applies.</summary>
        public string QuotaRoot { get; set; }

        /// <summary>Storage in use, in bytes.</summary>
        public long? StorageUsed { get; set; }

        /// <summary>The storage limit, in bytes.</summary>
        public long? StorageLimit { get; set; }

        public double? StoragePercentUsed { get; set; }

        public long? MessageCount { get; set; }

        public long? MessageLimit { get; set; }

        public double? MessagePercentUsed { get; set; }

        public override string ToString() => $"{Folder}: {StoragePercentUsed?.ToString("0.#") ?? "?"}% of storage";

        private static double? Percent(uint? used, uint? limit) =>
            used.HasValue && limit.HasValue && limit.Value > 0 ? Math.Round(100.0 * used.Value / limit.Value, 2) : (double?)null;
    }
}
